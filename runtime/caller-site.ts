// Where the program called into the runtime: the first stack frame outside the runtime, read from
// V8's structured call sites (no stack text is formatted, no source map is consulted here). Used by
// the journal only, for the rare events that name a line (a future completed from a task or a
// callback, a task spawned, a cancel). Positions are the compiled file's; mapSite() turns them into
// the program's TypeScript lines when they are shown.
import { findSourceMap } from 'node:module';
import { basename } from 'node:path';
import { isRuntimeFrame } from './runtime-frames';

/**
 * A position in a loaded file (1-based), and the runtime call the program made there (`Event.set`).
 * `file` is empty when only the call is known (the program's frame was not on the stack).
 */
export interface CallerSite {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** The runtime method the program's line called, when there is one (`Event.set`, `Future.setResult`). */
  readonly call: string | null;
}

/** Frames captured: the program's line is within a few runtime frames of the hook (fewer frames, cheaper capture). */
const STACK_DEPTH = 12;

/** The loop's methods that run callbacks: a stack that reaches one has no program line further down. */
const LOOP_FRAMES = new Map([
  // Only runOnce: runUntilComplete itself makes the main task (ensureFuture), for the program's line.
  ['EventLoop', ['runOnce']],
  ['Handle', ['run']],
  ['TimerHandle', ['run']],
  ['StepHandle', ['run']],
  ['Journal', ['run']],
]);

function pickCaller(_error: Error, frames: NodeJS.CallSite[]): CallerSite | null {
  let call: string | null = null;
  for (const f of frames) {
    const file = f.getFileName();
    if (!file) continue;
    if (file.startsWith('node:') || isRuntimeFrame(file)) {
      const method = f.getMethodName() ?? f.getFunctionName();
      const type = f.getTypeName();
      // The task's step drives a runtime coroutine the program awaits: the call is the frame above.
      if (type === 'Task' && method !== null && /step|wakeup/i.test(method)) return call ? { file: '', line: 0, column: 0, call } : null;
      // The loop running a callback: below it is the loop's own machinery, never a call the program made.
      if (type !== null && method !== null && LOOP_FRAMES.get(type)?.includes(method)) return call ? { file: '', line: 0, column: 0, call } : null;
      // The outermost runtime frame below the program's line is the call it made.
      // A private generator (`*#put`) is the body of the public coroutine method (`put`).
      const name = method?.replace(/^#/, '');
      if (name) call = type && type !== 'Object' ? `${type}.${name}` : name;
      continue;
    }
    return { file: file.startsWith('file://') ? new URL(file).pathname : file, line: f.getLineNumber() ?? 0, column: f.getColumnNumber() ?? 0, call };
  }
  // A coroutine of the runtime driven by a task (`await queue.put(x)`): the program's frame is
  // suspended, not on the stack; the call is still worth naming.
  return call ? { file: '', line: 0, column: 0, call } : null;
}

/** The program's frame nearest the top of the stack (or only the runtime call, see CallerSite), or null. */
export function callerSite(): CallerSite | null {
  const prepare = Error.prepareStackTrace;
  const limit = Error.stackTraceLimit;
  Error.prepareStackTrace = pickCaller as (err: Error, frames: NodeJS.CallSite[]) => unknown;
  Error.stackTraceLimit = STACK_DEPTH;
  try {
    const holder: { stack?: unknown } = {};
    Error.captureStackTrace(holder, callerSite);
    return (holder.stack as CallerSite | null | undefined) ?? null;
  } finally {
    Error.prepareStackTrace = prepare;
    Error.stackTraceLimit = limit;
  }
}

/** A site in the program's own (TypeScript) coordinates, through the loader's inline source map. */
export interface ProgramSite {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export function mapSite(site: { file: string; line: number; column: number }): ProgramSite {
  try {
    const entry = findSourceMap(site.file)?.findEntry(site.line - 1, site.column - 1) as { originalLine?: number; originalColumn?: number; originalSource?: string } | undefined;
    if (entry && typeof entry.originalLine === 'number') {
      const source = entry.originalSource ? (entry.originalSource.startsWith('file://') ? new URL(entry.originalSource).pathname : entry.originalSource) : site.file;
      // The loader maps each file to itself; a map naming a bare file name stays with the loaded path.
      return { file: basename(source) === source ? site.file : source, line: entry.originalLine + 1, column: (entry.originalColumn ?? 0) + 1 };
    }
  } catch {
    // no map for this file: its own positions are the program's
  }
  return { file: site.file, line: site.line, column: site.column };
}
