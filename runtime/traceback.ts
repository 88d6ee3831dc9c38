// Formatting of errors for people: the await chain an exception unwound through (in the user's
// TypeScript lines, from the loader's sites), then the JavaScript stack with runtime frames hidden.
import { readFileSync } from 'node:fs';
import { describeError } from './errors';
import type { ExceptionContext } from './handles';
import { isRuntimeFrame } from './runtime-frames';
import { awaitChainOf, taskRaising, type AwaitFrame } from './task';

const GENERATOR_PLUMBING = /\.(next|throw|return) \(<anonymous>\)$/;
const sources = new Map<string, string[] | null>();

function sourceLine(file: string, line: number): string | undefined {
  let lines = sources.get(file);
  if (lines === undefined) {
    try {
      lines = readFileSync(file, 'utf8').split(/\r?\n/);
    } catch {
      lines = null;
    }
    sources.set(file, lines);
  }
  return lines?.[line - 1]?.trim();
}

/** Frames of this runtime (compiled, or mapped back to its sources) and of Node's internals. */
const NODE_INTERNALS = /\(node:internal|at node:internal|at Module\._compile|at Module\._extensions/;
const LOOP_STEP = /\bat (?:EventLoop\.)?runOnce \(/;
const isHiddenFrame = (line: string): boolean => isRuntimeFrame(line) || NODE_INTERNALS.test(line);

/** A Python-style traceback: the await chain (outermost first), then the error and its stack. */
export function formatException(err: unknown): string {
  const lines: string[] = [];
  const frames: string[] = [];
  for (const { name, at } of chainLines(err)) {
    frames.push(`  File "${at.file}", line ${at.line}, in ${name}`);
    const text = sourceLine(at.file, at.line);
    if (text) frames.push(`    ${text}`);
  }
  if (frames.length > 0) lines.push('Traceback (most recent call last, through the await chain):', ...frames);
  lines.push(...describeWithStack(err));
  const cause = err instanceof Error ? err.cause : undefined;
  if (cause !== undefined) {
    lines.push('', 'The above exception was the direct cause of the following... (cause):');
    lines.push(...describeWithStack(cause));
  }
  return lines.join('\n');
}

/**
 * The await chain an error unwound through, outermost first, each coroutine at its line. A
 * program's coroutine without an await site raised it by its own code (the runtime's coroutines
 * have no sites): the innermost one's line is in the JavaScript stack.
 */
function chainLines(err: unknown): { name: string; at: { file: string; line: number } }[] {
  const chain: readonly AwaitFrame[] = awaitChainOf(err);
  const out: { name: string; at: { file: string; line: number } }[] = [];
  chain.forEach(({ coroutine, site }, i) => {
    const at = site ?? (i === chain.length - 1 && coroutine.defSite >= 0 ? raisingLine(err) : undefined);
    if (at) out.push({ name: coroutine.name, at });
  });
  return out;
}

/**
 * Where the coroutine that raised the error by its own code was: the frame its generator's
 * next()/throw() called, in the error's stack (the innermost such frame).
 */
function raisingLine(err: unknown): { file: string; line: number } | undefined {
  if (!(err instanceof Error) || typeof err.stack !== 'string') return undefined;
  const stack = err.stack.split('\n');
  for (let i = 1; i < stack.length; i++) {
    if (!GENERATOR_PLUMBING.test(stack[i]!)) continue;
    const frame = stack[i - 1]!;
    const m = /\(?([^\s()]+):(\d+):\d+\)?\s*$/.exec(frame);
    // A coroutine of the runtime (TaskGroup.exit raising the group) is no line of the program's.
    return m && /^\s+at /.test(frame) && !isHiddenFrame(frame) ? { file: m[1]!, line: Number(m[2]) } : undefined;
  }
  return undefined;
}

function describeWithStack(err: unknown): string[] {
  if (!(err instanceof Error)) return [describeError(err)];
  const stack = typeof err.stack === 'string' ? err.stack.split('\n') : [`${err.name}: ${err.message}`];
  const head: string[] = [];
  const frames: string[] = [];
  for (const line of stack) {
    if (/^\s+at /.test(line)) {
      // Below the loop's run-once step is whoever runs the loop (the program's run(main()) line
      // on the first iteration, Node's turn later): no frame of the failing callback's.
      if (LOOP_STEP.test(line) && isRuntimeFrame(line)) break;
      if (!isHiddenFrame(line) && !GENERATOR_PLUMBING.test(line)) frames.push(line);
    } else if (frames.length === 0) head.push(line);
  }
  // Advice the runtime attached (RuntimeError.hint): after the error line, as CPython 3.12 prints
  // its "Did you mean" suggestions, so the message itself stays CPython's text.
  const hint = (err as { hint?: unknown }).hint;
  if (typeof hint === 'string' && hint) head.push(`hint: ${hint}`);
  if (err instanceof AggregateError) {
    // Each sub-exception with its whole traceback, as CPython prints an exception group.
    const subs = err.errors.map((e, i) => [`  +---------------- ${i + 1} ----------------`, ...formatException(e).split('\n').map((l) => '  | ' + l)]);
    return [...head, ...frames, ...subs.flat()];
  }
  return [...head, ...frames];
}

/** One sub-exception of a group, as the debugger's exception widget lists it. */
export interface ExceptionPart {
  readonly typeName: string;
  readonly message: string;
  /** The name of the task it ended, when it ended one. */
  readonly task?: string;
  /** Where it came from, outermost first: `upload (/w/p.ts:11)`. */
  readonly awaitChain: readonly string[];
  /** Its own sub-exceptions, when it is a group too. */
  readonly parts?: readonly ExceptionPart[];
}

/** The sub-exceptions of an ExceptionGroup (any AggregateError), or null for any other value. */
export function exceptionParts(err: unknown): ExceptionPart[] | null {
  if (!(err instanceof AggregateError)) return null;
  return err.errors.map((e: unknown) => {
    const awaitChain = chainLines(e).map(({ name, at }) => `${name} (${at.file}:${at.line})`);
    const task = taskRaising(e);
    const parts = exceptionParts(e);
    return {
      typeName: e instanceof Error ? e.name : typeof e,
      message: e instanceof Error ? e.message : String(e),
      ...(task !== undefined ? { task } : {}),
      awaitChain,
      ...(parts ? { parts } : {}),
    };
  });
}

/** What the default exception handler prints for a context (as asyncio's default_exception_handler). */
export function formatExceptionContext(context: ExceptionContext): string {
  const lines = [context.message || 'Unhandled exception in event loop'];
  for (const key of Object.keys(context).sort()) {
    if (key === 'message' || key === 'exception' || key === 'sourceTraceback') continue;
    const value = context[key];
    if (value === undefined) continue;
    lines.push(`${key}: ${value !== null && typeof value === 'object' && !('toString' in value && value.toString !== Object.prototype.toString) ? JSON.stringify(value) : String(value)}`);
  }
  if (context.sourceTraceback) lines.push(`created at:\n  ${context.sourceTraceback.split('\n').join('\n  ')}`);
  if (context.exception !== undefined) lines.push(formatException(context.exception));
  return lines.join('\n');
}
