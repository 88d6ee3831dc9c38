// Waiting for several futures, or one with a deadline: wait, waitFor, asCompleted
// (asyncio.wait / wait_for / as_completed, CPython 3.12 semantics).
import { Coroutine } from './coroutine';
import { CancelledError, TimeoutError, ValueError } from './errors';
import type { EventLoop } from './event-loop';
import { Future, setWaitReason } from './future';
import { ensureFuture, type Awaitable } from './gather';
import { Queue } from './queues';
import { getRunningLoop } from './running';
import { timeout as makeTimeout } from './timeouts';

export const FIRST_COMPLETED = 'FIRST_COMPLETED';
export const FIRST_EXCEPTION = 'FIRST_EXCEPTION';
export const ALL_COMPLETED = 'ALL_COMPLETED';
export type ReturnWhen = typeof FIRST_COMPLETED | typeof FIRST_EXCEPTION | typeof ALL_COMPLETED;

export interface WaitOptions {
  /** Seconds; when they pass, wait() returns what is done so far (it does not raise). */
  timeout?: number | null;
  returnWhen?: ReturnWhen;
}

/**
 * Waits for the futures (or tasks) until returnWhen is met or the timeout passes, and resolves to
 * [done, pending] (sets in argument order). Coroutines are refused, as in asyncio: wrap them in
 * tasks so that the pending ones can still be reached.
 */
export function wait<T>(fs: Iterable<Future<T>>, options: WaitOptions = {}): Coroutine<[Set<Future<T>>, Set<Future<T>>]> {
  if (fs instanceof Future || fs instanceof Coroutine) {
    throw new TypeError(`expect a list of futures, not ${fs.constructor.name}`);
  }
  const set = new Set(fs);
  if (set.size === 0) throw new ValueError('Set of Tasks/Futures is empty.');
  const returnWhen = options.returnWhen ?? ALL_COMPLETED;
  if (returnWhen !== FIRST_COMPLETED && returnWhen !== FIRST_EXCEPTION && returnWhen !== ALL_COMPLETED) {
    throw new ValueError(`Invalid return_when value: ${String(returnWhen)}`);
  }
  for (const f of set) {
    if (f instanceof Coroutine) throw new TypeError('Passing coroutines is forbidden, use tasks explicitly.');
    if (!(f instanceof Future)) throw new TypeError(`wait() expects futures or tasks, got ${String(f)}`);
  }
  const timeout = options.timeout ?? null;
  return new Coroutine(waitBody(set, timeout, returnWhen, getRunningLoop()), -1, 'wait');
}

function* waitBody<T>(fs: Set<Future<T>>, timeout: number | null, returnWhen: ReturnWhen, loop: EventLoop): Generator<unknown, [Set<Future<T>>, Set<Future<T>>], unknown> {
  const waiter = loop.createFuture<void>();
  setWaitReason(waiter, { kind: 'wait', children: [...fs], mode: returnWhen });
  const timeoutHandle = timeout !== null ? loop.callLater(timeout, releaseWaiter, waiter) : null;
  let counter = fs.size;
  const onCompletion = (f: Future<T>): void => {
    counter -= 1;
    if (counter <= 0 || returnWhen === FIRST_COMPLETED || (returnWhen === FIRST_EXCEPTION && !f.cancelled() && f.exception() !== null)) {
      timeoutHandle?.cancel();
      if (!waiter.done()) waiter.setResult();
    }
  };
  for (const f of fs) f.addDoneCallback(onCompletion);
  try {
    yield waiter;
  } finally {
    timeoutHandle?.cancel();
    for (const f of fs) f.removeDoneCallback(onCompletion);
  }
  const done = new Set<Future<T>>();
  const pending = new Set<Future<T>>();
  for (const f of fs) (f.done() ? done : pending).add(f);
  return [done, pending];
}

function releaseWaiter(waiter: Future<unknown>): void {
  if (!waiter.done()) waiter.setResult(undefined);
}

/**
 * Waits for one awaitable with a deadline (asyncio.wait_for): on timeout it is cancelled and
 * TimeoutError is raised; if the caller is cancelled, so is it. A coroutine runs inside the
 * caller's task (not a new one), as `await` would. timeout null waits forever.
 */
export function waitFor<T>(aw: Awaitable<T> | Generator<unknown, T, unknown>, timeout: number | null): Coroutine<T> {
  return new Coroutine(waitForBody(aw, timeout), -1, 'waitFor');
}

function* waitForBody<T>(aw: Awaitable<T> | Generator<unknown, T, unknown>, timeout: number | null): Generator<unknown, T, unknown> {
  if (timeout !== null && timeout <= 0) {
    const fut = ensureFuture(aw);
    if (fut.done()) return fut.result();
    yield cancelAndWait(fut);
    try {
      return fut.result();
    } catch (err) {
      if (err instanceof CancelledError) throw new TimeoutError('', { cause: err });
      throw err;
    }
  }
  const t = makeTimeout(timeout);
  yield t.enter();
  let result: T;
  try {
    result = (yield aw) as T;
  } catch (err) {
    yield t.exit(err);
    throw err;
  }
  yield t.exit();
  return result;
}

/** Cancels the future and waits until it is done (asyncio's _cancel_and_wait). */
function cancelAndWait(fut: Future<unknown>): Coroutine<void> {
  return new Coroutine(cancelAndWaitBody(fut), -1, 'cancelAndWait');
}

function* cancelAndWaitBody(fut: Future<unknown>): Generator<unknown, void, unknown> {
  const waiter = fut.getLoop().createFuture<void>();
  setWaitReason(waiter, { kind: 'task', task: fut });
  const cb = (): void => releaseWaiter(waiter);
  fut.addDoneCallback(cb);
  try {
    fut.cancel();
    yield waiter;
  } finally {
    fut.removeDoneCallback(cb);
  }
}

/**
 * Iterates over coroutines that resolve to the results of the awaitables in the order they finish
 * (asyncio.as_completed, 3.12): `for (const next of asCompleted(fs)) { const r = await next }`.
 * With a timeout, the coroutines still waiting when it passes raise TimeoutError.
 * `for await (const r of asCompleted(fs))` yields the same results directly (JS-style; Python
 * 3.13's `async for` yields the futures instead).
 */
export function asCompleted<T>(aws: Iterable<Awaitable<T>>, options: { timeout?: number | null } = {}): AsCompleted<T> {
  if (aws instanceof Future || aws instanceof Coroutine) {
    throw new TypeError(`expect an iterable of futures, not ${(aws as object).constructor.name}`);
  }
  return new AsCompleted(aws, options.timeout ?? null);
}

/**
 * The iterator asCompleted() returns. Started lazily at the first next(), as asyncio's generator.
 * Invariant: once started, #todo holds the futures not yet done (emptied by the timeout) and #done
 * receives each finished future once, or null for each one left when the timeout fired.
 */
export class AsCompleted<T> implements IterableIterator<Coroutine<T>>, AsyncIterable<T> {
  #aws: Iterable<Awaitable<T>> | null;
  readonly #timeout: number | null;
  #todo = new Set<Future<T>>();
  #done: Queue<Future<T> | null> | null = null;
  #remaining = 0;
  #timeoutHandle: { cancel(): void } | null = null;
  readonly #onCompletionFn = (f: Future<T>): void => this.#onCompletion(f);

  constructor(aws: Iterable<Awaitable<T>>, timeout: number | null) {
    this.#aws = aws;
    this.#timeout = timeout;
  }

  [Symbol.iterator](): this {
    return this;
  }

  /** The next coroutine to await; its value is the next result in completion order. */
  next(): IteratorResult<Coroutine<T>, undefined> {
    this.#start();
    if (this.#remaining === 0) return { done: true, value: undefined };
    this.#remaining -= 1;
    return { done: false, value: new Coroutine(this.#waitForOne(), -1, 'asCompleted.next') };
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    const self = this;
    return {
      next(): Coroutine<IteratorResult<T, undefined>> {
        return new Coroutine(self.#nextResult(), -1, 'asCompleted.next');
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    } as unknown as AsyncIterableIterator<T>;
  }

  #start(): void {
    if (this.#aws === null) return;
    const aws = this.#aws;
    this.#aws = null;
    const loop = getRunningLoop();
    this.#done = new Queue<Future<T> | null>();
    for (const aw of new Set(aws)) this.#todo.add(ensureFuture(aw, loop) as Future<T>);
    for (const f of this.#todo) f.addDoneCallback(this.#onCompletionFn);
    if (this.#todo.size > 0 && this.#timeout !== null) {
      this.#timeoutHandle = loop.callLater(this.#timeout, () => this.#onTimeout());
    }
    this.#remaining = this.#todo.size;
  }

  #onTimeout(): void {
    for (const f of this.#todo) {
      f.removeDoneCallback(this.#onCompletionFn);
      this.#done!.putNowait(null);
    }
    this.#todo.clear();
  }

  #onCompletion(f: Future<T>): void {
    if (this.#todo.size === 0) return; // the timeout came first
    this.#todo.delete(f);
    this.#done!.putNowait(f);
    if (this.#todo.size === 0 && this.#timeoutHandle !== null) this.#timeoutHandle.cancel();
  }

  *#waitForOne(): Generator<unknown, T, unknown> {
    const f = (yield this.#done!.get()) as Future<T> | null;
    if (f === null) throw new TimeoutError();
    return f.result();
  }

  *#nextResult(): Generator<unknown, IteratorResult<T, undefined>, unknown> {
    const step = this.next();
    if (step.done) return { done: true, value: undefined };
    return { done: false, value: (yield step.value) as T };
  }
}
