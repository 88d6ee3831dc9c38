// The runtime's exception classes, named as asyncio names them. Each keeps its cause.

/** Raised inside a task at its await point when the task is cancelled (asyncio.CancelledError). */
export class CancelledError extends Error {
  override name = 'CancelledError';
  constructor(message?: string, options?: ErrorOptions) {
    super(message ?? '', options);
  }
}

/** An operation was attempted on a future in the wrong state (asyncio.InvalidStateError). */
export class InvalidStateError extends Error {
  override name = 'InvalidStateError';
}

// A deadline passed (asyncio.TimeoutError, which is Python's builtin TimeoutError): an OSError
// subclass, so it is defined beside OSError.
export { TimeoutError } from './sys/errors';

/** What an error of the runtime may carry besides its cause. */
export interface HintOptions extends ErrorOptions {
  /** Advice for the person reading the error (what to do instead); see RuntimeError.hint. */
  hint?: string;
}

/** Misuse of the runtime that Python reports as RuntimeError. */
export class RuntimeError extends Error {
  override name = 'RuntimeError';
  /**
   * Advice beyond CPython's message (which the message keeps unchanged, so code that matches it
   * keeps working); the traceback printer and the debugger show it on a line of its own.
   */
  declare readonly hint?: string;
  constructor(message?: string, options?: HintOptions) {
    super(message, options);
    if (options?.hint !== undefined) (this as { hint?: string }).hint = options.hint;
  }
}

/** Several exceptions raised together, as by a TaskGroup (Python's BaseExceptionGroup). */
export class ExceptionGroup extends AggregateError {
  override name = 'ExceptionGroup';
  readonly exceptions: readonly unknown[];
  constructor(message: string, exceptions: readonly unknown[]) {
    super(exceptions, message);
    if (exceptions.length === 0) throw new TypeError('ExceptionGroup needs at least one exception');
    this.exceptions = Object.freeze([...exceptions]);
  }
  override toString(): string {
    const n = this.exceptions.length;
    return `${this.name}: ${this.message} (${n} sub-exception${n === 1 ? '' : 's'})`;
  }
}

/** `Queue.getNowait()` on an empty queue. */
export class QueueEmpty extends Error {
  override name = 'QueueEmpty';
}

/** `Queue.putNowait()` on a full queue. */
export class QueueFull extends Error {
  override name = 'QueueFull';
}

/** Input ended where more was expected (Python's builtin EOFError). */
export class EOFError extends Error {
  override name = 'EOFError';
}

/** `StreamReader.readexactly()` hit EOF first; `partial` holds what had arrived (an EOFError, as in asyncio). */
export class IncompleteReadError extends EOFError {
  override name = 'IncompleteReadError';
  constructor(readonly partial: Uint8Array, readonly expected: number | null) {
    super(`${partial.length} bytes read on a total of ${expected === null ? 'undefined' : expected} expected bytes`);
  }
}

/** A stream's separator was not found within its buffer limit. */
export class LimitOverrunError extends Error {
  override name = 'LimitOverrunError';
  constructor(message: string, readonly consumed: number) {
    super(message);
  }
}

/** Short description of any thrown value, for messages: `ValueError('boom')`-like. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message ? `${err.name}('${err.message}')` : `${err.name}()`;
  return `${typeof err} ${String(err)}`;
}

/** A bad argument value, as Python's ValueError (a RangeError, so plain JS code can catch it as one). */
export class ValueError extends RangeError {
  override name = 'ValueError';
}
