// The non-standard parts of the conversation with the coroscope debug adapter (documented for the
// adapter's side in extension/ADAPTER-CONVENTIONS.md).

/** The `evaluate` expression that asks for the future a frame awaits at `line` (1-based). */
export function awaitExpression(line: number): string {
  return `$await@${line}`;
}

export const TASKS_REQUEST = 'coroscope/tasks';

export type WaitKind = 'fd' | 'timer' | 'task' | 'gather' | 'wait' | 'primitive' | 'promise' | 'other' | 'nothing' | 'none';

export interface TaskInfo {
  readonly id: number;
  /** The task's own name (`alice`, `Task-3`). */
  readonly name: string;
  /** Its coroutine with its parameter names (`kvClient(who, port)`), when the adapter sends it. */
  readonly coroutine?: string;
  readonly state: 'running' | 'ready' | 'suspended' | 'done' | 'cancelled';
  readonly wait: { readonly kind: WaitKind; readonly text: string; readonly events?: 'read' | 'write' };
  /** Why it waits and what can wake it: `wakes in 3.2 s`, `Lock a held by c2 (pipeline.ts:35), which …` (adapters that send it). */
  readonly verdict?: string;
  readonly threadId?: number;
  readonly location?: { readonly path: string; readonly line: number; readonly column?: number };
  /** The task that created it (a TaskGroup member: the group's task): the tree mode. */
  readonly parent?: number;
  /** The line that created it: "Go to Where It Was Created". */
  readonly created?: { readonly path: string; readonly line: number; readonly column?: number };
  /** A cancel was requested; it is taken when the program continues. */
  readonly cancelRequested?: boolean;
}

export const CANCEL_REQUEST = 'coroscope/cancelTask';

/** The answer to coroscope/cancelTask: the task's id and what to tell the user. */
export interface CancelResponse {
  readonly id: number;
  readonly text: string;
}

export interface LoopInfo {
  readonly iteration: number;
  readonly time: number;
  readonly selector: string;
  readonly ready: number;
  readonly readers: ReadonlyArray<{ readonly fd: number; readonly waiter: string }>;
  readonly writers: ReadonlyArray<{ readonly fd: number; readonly waiter: string }>;
  readonly timers: ReadonlyArray<{ readonly dueIn: number; readonly what: string }>;
}

export interface TasksResponse {
  readonly tasks: readonly TaskInfo[];
  readonly total: number;
  readonly loop?: LoopInfo;
}

/** The plain expression for "the future the frame `frameId` awaits" (its own await line). */
export const FRAME_AWAIT = 'await';

/**
 * The inline value for an awaited future: the adapter's evaluate result, shortened to one phrase.
 * `<Future pending cb=[…]> — completed by: timer due in 2.5 s (at loop time 30.3)` reads as
 * `pending · timer due in 2.5 s`; anything else is kept, on one line, at most `max` characters.
 */
export function inlinePhrase(result: string, max = 100): string {
  const flat = result.replace(/\s+/g, ' ').trim();
  const m = /^<(?:\w+ )?(pending|finished|cancelled|done)\b.*?>(?: — completed by: (.*))?$/i.exec(flat);
  const phrase = m ? [m[1]!.toLowerCase(), m[2]?.replace(/\s*\(at loop time [^)]*\)\s*$/, '')].filter(Boolean).join(' · ') : flat;
  return phrase.length > max ? phrase.slice(0, max - 1) + '…' : phrase;
}

export const TIMELINE_REQUEST = 'coroscope/timeline';

/** The part of `coroscope/timeline`'s body the page draws (see ADAPTER-CONVENTIONS.md). */
export interface TimelineBody {
  now: number;
  iterations: Array<{
    iteration: number;
    start: number;
    timeout: number | null;
    waited: number;
    endedBy: string;
    fdsReady: number;
    callbacks: Array<{ start: number; duration: number; task: number | null; label: string; origin: string; fd?: number; location?: { path: string; line: number; column: number }; running?: true }>;
  }>;
  lanes: Array<{ task: number; name: string; segments: Array<{ state: 'running' | 'ready' | 'waiting'; start: number; end: number }> }>;
  kept: { iterations: number; callbacks: number; recorded: number };
}
