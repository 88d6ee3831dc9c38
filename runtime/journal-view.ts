// The journal as a person reads it: "woken by" phrases, a task's history newest first, and the
// loop timeline, each entry with the program's source position (TypeScript lines) so an editor
// can open it. Formatting happens here, when asked, never where the events are recorded.
import { basename } from 'node:path';
import { mapSite, type CallerSite } from './caller-site';
import type { EventLoop } from './event-loop';
import type { WaitReason } from './future';
import { labelOf } from './handles';
import type { CallbackRecord, Journal, TaskEvent, Waking } from './journal';
import { siteOf } from './sites';
import { setResultUnlessCancelled } from './sleep';
import { allTasks, type Task } from './task';

/** A source position in the program (absolute path, 1-based). */
export interface SourcePosition {
  readonly path: string;
  readonly line: number;
  readonly column: number;
}

export interface HistoryEntry {
  readonly kind: TaskEvent['kind'];
  /** What happened, in one line: `woken by c2 at pipeline.ts:41 · lock.release()`. */
  readonly text: string;
  /** Loop time (seconds) and iteration. */
  readonly time: number;
  readonly iteration: number;
  readonly location?: SourcePosition;
}

export interface TaskJournalView {
  /** The latest wake-up: `c2 at pipeline.ts:41 · lock.release()` (null: never woken). */
  readonly wokenBy: string | null;
  readonly wokenAt?: SourcePosition;
  /** Newest first, at most TASK_EVENTS. */
  readonly history: readonly HistoryEntry[];
  /** Events recorded since the task began (more than history holds once the ring wrapped). */
  readonly recorded: number;
}

export interface TimelineCallback {
  readonly start: number;
  readonly duration: number;
  /** The task it stepped, or null for a plain callback. */
  readonly task: number | null;
  /** `Task-3 step`, `busy()`, `fd 9 ready · read callback`. */
  readonly label: string;
  readonly origin: CallbackRecord['origin'];
  readonly fd?: number;
  readonly location?: SourcePosition;
  /** It runs now (the program stopped inside it): its duration is so far. */
  readonly running?: true;
}

export interface TimelineIteration {
  readonly iteration: number;
  readonly start: number;
  readonly timeout: number | null;
  readonly waited: number;
  readonly endedBy: string;
  readonly fdsReady: number;
  readonly callbacks: readonly TimelineCallback[];
}

export interface TimelineLane {
  readonly task: number;
  readonly name: string;
  readonly segments: readonly { readonly state: 'running' | 'ready' | 'waiting'; readonly start: number; readonly end: number }[];
}

export interface Timeline {
  /** Loop time now (seconds); every time below is on the same clock. */
  readonly now: number;
  readonly iterations: readonly TimelineIteration[];
  readonly lanes: readonly TimelineLane[];
  /** How much the journal keeps: iterations and callbacks, and iterations recorded since it began. */
  readonly kept: { readonly iterations: number; readonly callbacks: number; readonly recorded: number };
}

function position(site: { file: string; line: number; column: number }): SourcePosition {
  return { path: site.file, line: site.line, column: site.column };
}

function atSite(id: number): SourcePosition | undefined {
  const s = siteOf(id);
  return s ? position(s) : undefined;
}

function atCaller(where: CallerSite | null): SourcePosition | undefined {
  return where?.file ? position(mapSite(where)) : undefined;
}

const short = (p: SourcePosition | undefined): string => (p ? `${basename(p.path)}:${p.line}` : '');

/** `Event.set` -> `event.set()`: the call as the program wrote it on its object. */
function callPhrase(call: string | null): string {
  if (!call) return '';
  const dot = call.indexOf('.');
  return dot > 0 ? `${call[0]!.toLowerCase()}${call.slice(1, dot)}${call.slice(dot)}()` : `${call}()`;
}

function reasonPhrase(r: WaitReason | null | undefined, names: (id: number) => string): string {
  if (r === null) return 'a turn of the loop (sleep(0))';
  if (r === undefined) return 'a future';
  switch (r.kind) {
    case 'timer':
      return `sleep ${seconds(r.delay)}`;
    case 'fd':
      return `fd ${r.fd} ${r.events === 'read' ? 'readable' : 'writable'}`;
    case 'task':
      return names(r.task.id);
    case 'gather':
      return `gather of ${r.children.length}`;
    case 'wait':
      return `wait on ${r.children.length}`;
    case 'primitive':
      return r.name ? `${r.primitive} (${r.name})` : r.primitive;
    case 'promise':
      return 'a promise';
    case 'other':
      return r.what;
  }
}

function seconds(x: number): string {
  return x >= 1 ? `${Number(x.toFixed(2))} s` : `${Number((x * 1000).toFixed(1))} ms`;
}

/** The runtime's own callbacks, by what they do for the program. */
const RUNTIME_CALLBACKS = new Map<unknown, string>([[setResultUnlessCancelled, 'sleep timer']]);

function fnName(fn: ((...args: any[]) => unknown) | null): string {
  if (!fn) return 'a callback';
  const label = labelOf(fn) ?? RUNTIME_CALLBACKS.get(fn);
  if (label) return label;
  const name = fn.name.replace(/^bound /, '');
  return name ? `${name}()` : 'a callback';
}

/** `c2 at pipeline.ts:41 · lock.release()`, `callback complete() at prog.ts:9 · future.setResult()`, `fd 9 ready (read)`. */
export function wakingPhrase(w: Waking): { text: string; location?: SourcePosition } {
  const location = atCaller(w.where) ?? atSite(w.site);
  const at = location ? ` at ${short(location)}` : '';
  const call = w.where?.call ? ` · ${callPhrase(w.where.call)}` : '';
  if (w.task >= 0) return { text: `${w.taskName ?? `task ${w.task}`}${w.finished && !location ? ' (it finished)' : `${at}${call}`}`, location };
  if (w.origin === 'fd') return { text: `fd ${w.fd} ready${w.reason?.kind === 'fd' ? ` (${w.reason.events})` : ''}`, location };
  if (w.origin === 'timer' && !location) return { text: `timer${w.reason?.kind === 'timer' ? ` (sleep ${seconds(w.reason.delay)})` : ''}`, location };
  const kind = w.origin === 'timer' ? 'timer callback' : 'callback';
  // Unknown (the journal was turned on while it ran): `a callback`, not `callback a callback`.
  if (!w.callback) return { text: `a ${kind}${at}${call}`, location };
  const fn = fnName(w.callback);
  // `callSoon(fut.setResult.bind(fut))`: the callback is the runtime's method, the call itself; it
  // is said once. (A program's own `set()` calling `event.set()` keeps both.)
  const same = !w.where?.file && call.endsWith(`.${fn}`);
  return { text: `${kind} ${fn}${at}${same ? '' : call}`, location };
}

function namer(loop: EventLoop | null): (id: number) => string {
  const byId = new Map<number, string>();
  if (loop) for (const t of allTasks(loop)) byId.set(t.id, t.getName());
  return (id) => byId.get(id) ?? `task ${id}`;
}

function eventEntry(e: TaskEvent, names: (id: number) => string): HistoryEntry {
  const base = { kind: e.kind, time: e.time, iteration: e.iteration };
  switch (e.kind) {
    case 'spawned': {
      const location = atCaller(e.where);
      const by = e.by >= 0 ? ` by ${names(e.by)}` : '';
      return { ...base, text: `spawned${by}${location ? ` at ${short(location)}` : ''}`, ...(location ? { location } : {}) };
    }
    case 'parked': {
      const location = atSite(e.site);
      return { ...base, text: `parked${location ? ` at ${short(location)}` : ''} on ${reasonPhrase(e.what as WaitReason | null, names)}`, ...(location ? { location } : {}) };
    }
    case 'woken': {
      const { text, location } = wakingPhrase(e.what as Waking);
      return { ...base, text: `woken by ${text}`, ...(location ? { location } : {}) };
    }
    case 'resumed': {
      const location = atSite(e.site);
      return { ...base, text: `resumed${location ? ` at ${short(location)}` : ''}`, ...(location ? { location } : {}) };
    }
    case 'cancel': {
      const location = atCaller(e.where);
      const by = e.by >= 0 ? ` by ${names(e.by)}` : '';
      return { ...base, text: `cancel requested${by}${location ? ` at ${short(location)}` : ''}`, ...(location ? { location } : {}) };
    }
    case 'done': {
      const t = e.what as Task<unknown>;
      const repr = t.toString();
      const outcome = t.cancelled() ? 'cancelled' : / (result=.*|exception=.*)>$/.exec(repr)?.[1] ?? 'finished';
      return { ...base, text: `done: ${outcome.replace(/^(result|exception)=/, '$1 ')}` };
    }
  }
}

/** What the Task scope and a crashed task's report show of a task's journal. */
export function taskJournal(journal: Journal, task: Task<unknown>): TaskJournalView {
  const names = namer(task.getLoop());
  const { events, total, lastWaking } = journal.history(task);
  const woken = lastWaking ? wakingPhrase(lastWaking) : null;
  return {
    wokenBy: woken?.text ?? null,
    ...(woken?.location ? { wokenAt: woken.location } : {}),
    history: events.map((e) => eventEntry(e, names)),
    recorded: total,
  };
}

/** The last `count` iterations of the loop, and a lane per live task over the same span. */
export function timeline(journal: Journal, loop: EventLoop, count: number): Timeline {
  const names = namer(loop);
  const iterations = journal.iterations(count).map((it) => ({
    iteration: it.iteration,
    start: it.start,
    timeout: it.timeout,
    waited: it.waited,
    endedBy: it.endedBy,
    fdsReady: it.fdsReady,
    callbacks: it.callbacks.map((c) => callbackEntry(c, names)),
  }));
  const from = iterations[0]?.start ?? loop.time();
  const now = loop.time();
  const lanes: TimelineLane[] = [];
  for (const t of allTasks(loop)) {
    const segments = laneOf(journal.history(t).events, from, now);
    lanes.push({ task: t.id, name: t.getName(), segments });
  }
  return { now, iterations, lanes, kept: journal.kept };
}

function callbackEntry(c: CallbackRecord, names: (id: number) => string): TimelineCallback {
  const location = atSite(c.site);
  const label = c.task >= 0 ? `${c.taskName ?? names(c.task)} step` : c.origin === 'fd' ? `fd ${c.fd} ready · ${fnName(c.callback)}` : fnName(c.callback);
  return {
    start: c.start,
    duration: c.duration,
    task: c.task >= 0 ? c.task : null,
    label,
    origin: c.origin,
    ...(c.fd >= 0 ? { fd: c.fd } : {}),
    ...(location ? { location } : {}),
    ...(c.running ? { running: true as const } : {}),
  };
}

/** A task's states from `from` to `to`, from its events (oldest first after reversing). */
function laneOf(newestFirst: readonly TaskEvent[], from: number, to: number): TimelineLane['segments'] {
  const out: { state: 'running' | 'ready' | 'waiting'; start: number; end: number }[] = [];
  let state: 'running' | 'ready' | 'waiting' | null = null;
  let since = from;
  const close = (at: number) => {
    if (state !== null && at > from && at > since) out.push({ state, start: Math.max(since, from), end: at });
  };
  for (let i = newestFirst.length - 1; i >= 0; i--) {
    const e = newestFirst[i]!;
    const next: 'running' | 'ready' | 'waiting' | null = e.kind === 'resumed' ? 'running' : e.kind === 'parked' ? (e.what === null ? 'ready' : 'waiting') : e.kind === 'woken' || e.kind === 'spawned' ? 'ready' : e.kind === 'done' ? null : state;
    if (next === state) continue;
    close(e.time);
    state = next;
    since = e.time;
  }
  close(to);
  return out;
}

/** Events the CLI prints after a failed task's traceback (a server's hundred resets stay readable). */
const PRINTED_EVENTS = 16;

/** A task's journal as the CLI prints it after a crash: newest first, each line with its loop time. */
export function formatJournal(taskName: string, j: TaskJournalView): string {
  const shown = j.history.slice(0, PRINTED_EVENTS);
  const lines = shown.map((e) => `  ${e.time.toFixed(4)} s  ${e.text}`);
  const kept = j.recorded > shown.length ? `the last ${shown.length} of ${j.recorded} events` : `${shown.length} events`;
  return [`Journal of task ${taskName} (${kept}, newest first; loop time):`, ...lines].join('\n');
}
