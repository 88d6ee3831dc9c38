// Formatting of errors for people: the await chain an exception unwound through (in the user's
// TypeScript lines, from the loader's sites), then the JavaScript stack with runtime frames hidden.
import { describeError } from './errors';
import type { ExceptionContext } from './handles';
import { awaitChainOf } from './task';

const RUNTIME_FRAME = /[\\/]dist[\\/]runtime[\\/]|[\\/]runtime[\\/][\w-]+\.ts:|\(node:internal|^\s*at node:internal/;

/** A Python-style traceback: the await chain (outermost first), then the error and its stack. */
export function formatException(err: unknown): string {
  const lines: string[] = [];
  const chain = awaitChainOf(err);
  if (chain.length > 0) {
    lines.push('Traceback (most recent call last, through the await chain):');
    for (const { coroutine, site } of chain) {
      if (site) lines.push(`  File "${site.file}", line ${site.line}, column ${site.column}, in ${coroutine.name}`);
      else lines.push(`  in ${coroutine.name}`);
    }
  }
  lines.push(...describeWithStack(err));
  const cause = err instanceof Error ? err.cause : undefined;
  if (cause !== undefined) {
    lines.push('', 'The above exception was the direct cause of the following... (cause):');
    lines.push(...describeWithStack(cause));
  }
  return lines.join('\n');
}

function describeWithStack(err: unknown): string[] {
  if (!(err instanceof Error)) return [describeError(err)];
  const stack = typeof err.stack === 'string' ? err.stack.split('\n') : [`${err.name}: ${err.message}`];
  const head: string[] = [];
  const frames: string[] = [];
  for (const line of stack) {
    if (/^\s+at /.test(line)) {
      if (!RUNTIME_FRAME.test(line)) frames.push(line.replace(/__cs_gen\b/, ''));
    } else if (frames.length === 0) head.push(line);
  }
  if (err instanceof AggregateError) {
    const subs = err.errors.map((e, i) => [`  +---------------- ${i + 1} ----------------`, ...describeWithStack(e).map((l) => '  | ' + l)]);
    return [...head, ...frames, ...subs.flat()];
  }
  return [...head, ...frames];
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
