import { CancelledError, InvalidStateError, describeError } from './errors';
import type { ExceptionContext } from './handles';
import { shortRepr } from './handles';
import { getRunningLoop } from './running';
import type { EventLoop } from './event-loop';
import type { Failure } from './unretrieved';
import type { WaitOwner } from './wait-facts';

export type FutureState = 'PENDING' | 'CANCELLED' | 'FINISHED';
export type DoneCallback<T> = (fut: Future<T>) => void;
/** Takes back the result of a future cancelled before it was read (see Future._setReturnableResult). */
export interface ResultOwner {
  _takeBack(result: any): void;
}

/** What a future holds to call when done: a done-callback, or a task to wake. */
type Callback = ((fut: any) => void) | Waker;

/** What a Task implements to be woken by a future without a callback object (see Future._addWaker). */
export interface Waker {
  /** Queues the waker's step to run with the completed future; never runs it synchronously. */
  _wake(fut: Future<any>): void;
  /** The equivalent done-callback, for introspection. */
  _wakeupFunction(): (fut: Future<any>) => void;
}

/**
 * What will complete a pending future, for the debugger's "Awaiting" view and task names.
 * Set by whoever creates the future (sleep, a socket wait, gather, a lock, ...).
 */
export type WaitReason =
  | { kind: 'timer'; when: number; delay: number }
  | { kind: 'fd'; fd: number; events: 'read' | 'write' }
  | { kind: 'task'; task: Future<unknown> }
  | { kind: 'gather'; children: readonly Future<unknown>[] }
  | { kind: 'wait'; children: readonly Future<unknown>[]; mode: string }
  | { kind: 'primitive'; primitive: string; name?: string; owner?: WaitOwner }
  | { kind: 'promise' }
  | { kind: 'other'; what: string; /** Listening sockets it waits on (serveForever). */ fds?: readonly number[] };

let nextFutureId = 1;
/** Debug mode records where each future is made (a stack capture; see creationStack()). */
let trackCreation = false;
/** Where futures were made, while trackCreation is on: the captured stack, formatted only when asked. */
const creations = new WeakMap<Future<any>, { stack?: string }>();
/** The journal's hook (runtime/journal.ts): a future with callbacks completed. Null unless journaling. */
let completionHook: ((fut: Future<any>, callbacks: readonly unknown[]) => void) | null = null;
export function setCompletionHook(next: typeof completionHook): void {
  completionHook = next;
}
let setWaitReasonImpl: (fut: Future<any>, reason: WaitReason | undefined) => void;
let takeLogTracebackImpl: (fut: Future<any>) => void;

/**
 * A result that is not there yet (asyncio.Future).
 * Invariant: the state moves once, from PENDING to CANCELLED or FINISHED; at that moment every
 * done-callback is scheduled with callSoon (never called synchronously) and the list is emptied.
 */
export class Future<T = unknown> implements PromiseLike<T> {
  readonly id = nextFutureId++;
  #loop: EventLoop;
  #state: FutureState = 'PENDING';
  #result: T | undefined = undefined;
  #exception: unknown = undefined;
  #hasException = false;
  /**
   * Done-callbacks, and tasks waiting on this future (woken through their own reusable handle):
   * one is held as itself (the usual case: a task awaiting), more in an array, in order.
   */
  #callbacks: Callback | Callback[] | null = null;
  #cancelMessage: string | undefined = undefined;
  #cancelledError: CancelledError | undefined = undefined;
  #waitReason: WaitReason | undefined = undefined;
  /** Set while an exception is stored and nobody has looked at it (asyncio's _log_traceback). */
  #logTraceback: Failure | null = null;
  /** Who takes the result back if cancel() comes after completion and before result() (see _setReturnableResult). */
  #giveBack: ResultOwner | null = null;

  static {
    setWaitReasonImpl = (fut, reason) => {
      fut.#waitReason = reason;
    };
    takeLogTracebackImpl = (fut) => fut.#retrieved();
  }

  constructor(options: { loop?: EventLoop } = {}) {
    this.#loop = options.loop ?? getRunningLoop();
    if (trackCreation) captureCreation(this);
  }

  getLoop(): EventLoop {
    return this.#loop;
  }

  /** The state as asyncio names it: PENDING, CANCELLED or FINISHED. */
  get state(): FutureState {
    return this.#state;
  }

  /** What will complete this future, when its creator said so. */
  get waitReason(): WaitReason | undefined {
    return this.#waitReason;
  }

  done(): boolean {
    return this.#state !== 'PENDING';
  }

  cancelled(): boolean {
    return this.#state === 'CANCELLED';
  }

  /** The result; raises the stored exception, CancelledError, or InvalidStateError if not done. */
  result(): T {
    if (this.#state === 'CANCELLED') throw this.makeCancelledError();
    if (this.#state !== 'FINISHED') throw new InvalidStateError('Result is not set.');
    this.#retrieved();
    this.#giveBack = null;
    if (this.#hasException) throw this.#exception;
    return this.#result as T;
  }

  /** The stored exception or null; raises CancelledError if cancelled, InvalidStateError if not done. */
  exception(): unknown {
    if (this.#state === 'CANCELLED') throw this.makeCancelledError();
    if (this.#state !== 'FINISHED') throw new InvalidStateError('Exception is not set.');
    this.#retrieved();
    return this.#hasException ? this.#exception : null;
  }

  /** @internal The stored exception (or undefined) without marking it retrieved: for introspection. */
  _peekException(): unknown {
    return this.#hasException ? this.#exception : undefined;
  }

  /** Completes the future with a result; InvalidStateError('invalid state') if it is done already. */
  setResult(result: T): void {
    if (this.#state !== 'PENDING') throw new InvalidStateError('invalid state');
    this.#result = result;
    this.#state = 'FINISHED';
    this.#scheduleCallbacks();
  }

  /**
   * Completes the future with an exception; InvalidStateError('invalid state') if it is done
   * already. An error class is instantiated, as asyncio does: `setException(ValueError)`.
   */
  setException(exception: unknown): void {
    if (this.#state !== 'PENDING') throw new InvalidStateError('invalid state');
    if (typeof exception === 'function') exception = instantiateErrorClass(exception);
    this.#exception = exception;
    this.#hasException = true;
    this.#state = 'FINISHED';
    this.#scheduleCallbacks();
    this.#logTraceback = this.#loop._trackUnretrieved(this, exception);
  }

  /** Cancels the future and schedules its callbacks; false if it was already done. */
  cancel(msg?: string): boolean {
    takeLogTracebackImpl(this);
    if (this.#state !== 'PENDING') {
      const owner = this.#giveBack;
      if (owner !== null) {
        this.#giveBack = null;
        owner._takeBack(this.#result);
      }
      return false;
    }
    this.#state = 'CANCELLED';
    this.#cancelMessage = msg;
    this.#scheduleCallbacks();
    return true;
  }

  /**
   * @internal Completes the future with a result that goes back to `owner` if cancel() is called
   * before anyone reads it: a stream read done in the same iteration as its task's timeout fires
   * (the task is woken to be cancelled, not to take the bytes), so no bytes are lost, as with
   * asyncio's coroutine-based reads.
   */
  _setReturnableResult(result: T, owner: ResultOwner): void {
    this.setResult(result);
    this.#giveBack = owner;
  }

  addDoneCallback(fn: DoneCallback<T>): void {
    if (this.#state !== 'PENDING') this.#loop.callSoon(fn, this);
    else this.#addCallback(fn);
  }

  /** The first callback is held as itself; a second makes an array of exactly two. */
  #addCallback(cb: Callback): void {
    const held = this.#callbacks;
    if (held === null) this.#callbacks = cb;
    else if (Array.isArray(held)) held.push(cb);
    else this.#callbacks = [held, cb];
  }

  /** The callbacks as a list (a new array), in the order they were added. */
  #callbackList(): Callback[] {
    const held = this.#callbacks;
    return held === null ? [] : Array.isArray(held) ? held.slice() : [held];
  }

  /**
   * @internal A task suspends on this future: when it completes, the task's own step handle is
   * queued (no Handle or closure per wake-up). Same semantics as addDoneCallback(task wakeup).
   */
  _addWaker(waker: Waker): void {
    if (this.#state !== 'PENDING') waker._wake(this);
    else this.#addCallback(waker);
  }

  /** Removes every occurrence of fn; returns how many were removed. */
  removeDoneCallback(fn: DoneCallback<T>): number {
    const before = this.#callbackList();
    const kept = before.filter((cb) => cb !== fn);
    this.#callbacks = kept.length === 0 ? null : kept.length === 1 ? kept[0]! : kept;
    return before.length - kept.length;
  }

  /** The pending callbacks, for introspection. */
  get callbacks(): readonly ((fut: Future<any>) => void)[] {
    return this.#callbackList().map((cb) => (typeof cb === 'function' ? cb : cb._wakeupFunction()));
  }

  /** The message given to cancel(), if any. */
  get cancelMessage(): string | undefined {
    return this.#cancelMessage;
  }

  /** The CancelledError this future raises, made once so re-raising keeps its identity. */
  protected makeCancelledError(): CancelledError {
    if (this.#cancelledError === undefined) this.#cancelledError = new CancelledError(this.#cancelMessage);
    return this.#cancelledError;
  }

  /** @internal Lets a Task record the CancelledError its coroutine raised as the one it re-raises. */
  protected setCancelledError(err: CancelledError): void {
    this.#cancelledError = err;
  }

  /** The context reported when an exception of this future was never retrieved. */
  protected exceptionContext(): ExceptionContext {
    return { message: `${this.constructor.name} exception was never retrieved`, exception: this.#exception, future: this };
  }

  /** @internal The report of this future's unretrieved exception (see runtime/unretrieved.ts). */
  _unretrievedContext(): ExceptionContext {
    return this.exceptionContext();
  }

  /** Lets native `await` and Promise combinators wait for this future. */
  then<R1 = T, R2 = never>(
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.#loop._futureToPromise(this).then(onFulfilled, onRejected);
  }

  #retrieved(): void {
    const failure = this.#logTraceback;
    if (failure !== null) {
      this.#logTraceback = null;
      failure.tracker.retrieved(failure);
    }
  }

  #scheduleCallbacks(): void {
    const held = this.#callbacks;
    if (held === null) return;
    this.#callbacks = null;
    if (completionHook !== null) completionHook(this, Array.isArray(held) ? held : [held]);
    if (!Array.isArray(held)) this.#schedule(held);
    else for (let i = 0; i < held.length; i++) this.#schedule(held[i]!);
  }

  #schedule(cb: Callback): void {
    if (typeof cb === 'function') this.#loop.callSoon(cb, this);
    else cb._wake(this);
  }

  /**
   * `<Future pending>`, `<Future finished result=5>`, as asyncio's repr. A task's repr holds the
   * repr of what it waits for: tasks awaiting each other in a circle give `...` where the circle
   * closes (as CPython's reprlib.recursive_repr), not a stack overflow.
   */
  toString(): string {
    if (inRepr.has(this)) return '...';
    inRepr.add(this);
    try {
      return `<${this.constructor.name} ${this.reprInfo().join(' ')}>`;
    } finally {
      inRepr.delete(this);
    }
  }

  protected reprInfo(): string[] {
    const info: string[] = [this.#state.toLowerCase()];
    if (this.#state === 'FINISHED') {
      if (this.#hasException) info.push(`exception=${describeError(this.#exception)}`);
      else info.push(`result=${shortRepr(this.#result)}`);
    }
    if (this.#callbacks !== null) info.push(`cb=[${this.#callbackList().map((c) => (typeof c === 'function' ? c.name || '<callback>' : 'Task.wakeup')).join(', ')}]`);
    return info;
  }
}

/** The futures whose repr is being made (see toString). */
const inRepr = new Set<Future<unknown>>();

/**
 * `setException(SomeError)`: asyncio instantiates an exception class given instead of an instance.
 * Any other function is rejected with CPython's message (the C future's): it is never an error.
 */
function instantiateErrorClass(cls: Function): Error {
  if (cls === Error || cls.prototype instanceof Error) return new (cls as new () => Error)();
  throw new TypeError('invalid exception object');
}

/** Records what will complete a future (see WaitReason). */
export function setWaitReason(fut: Future<any>, reason: WaitReason | undefined): void {
  setWaitReasonImpl(fut, reason);
}

/** Marks a future's exception as seen without raising it (asyncio's `fut._log_traceback = False`). */
export function markRetrieved(fut: Future<any>): void {
  takeLogTracebackImpl(fut);
}

/** Debug mode: remember where each future is made (the verdict of a future nobody completes names it). */
export function setFutureCreationTracking(on: boolean): void {
  trackCreation = on;
}

function captureCreation(fut: Future<any>): void {
  const holder: { stack?: string } = {};
  Error.captureStackTrace(holder, captureCreation);
  creations.set(fut, holder);
}

/** The captured stack of where a future was made (debug mode), or undefined. */
export function creationStack(fut: Future<any>): string | undefined {
  return creations.get(fut)?.stack;
}

export function isFuture(value: unknown): value is Future<unknown> {
  return value instanceof Future;
}
