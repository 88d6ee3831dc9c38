import { Coroutine } from './coroutine';
import { markCoroutineFunction } from './coroutine-function';
import type { Future } from './future';
import { setWaitReason } from './future';
import { getRunningLoop } from './running';
import { YIELD, YieldOnce } from './task';

/**
 * Suspends the calling task for `delay` seconds, then returns `result` (asyncio.sleep).
 * `sleep(0)` yields for exactly one loop iteration: every other ready callback runs once first.
 */
export function sleep<T = void>(delay: number, result?: T): Coroutine<T> {
  if (typeof delay !== 'number' || Number.isNaN(delay)) {
    throw new TypeError(`sleep(): delay must be a number of seconds, got ${typeof delay === 'number' ? 'NaN' : JSON.stringify(delay) ?? String(delay)}`);
  }
  // The common `await sleep(0)`: a coroutine the awaiting task turns into a bare yield (see YieldOnce).
  if (delay <= 0 && result === undefined) return new YieldOnce() as unknown as Coroutine<T>;
  return new Coroutine(sleepBody(delay, result as T), -1, 'sleep');
}

// asyncio.sleep is an `async def`: iscoroutinefunction(sleep) holds there, so it does here.
markCoroutineFunction(sleep);

function* sleepBody<T>(delay: number, result: T): Generator<unknown, T, unknown> {
  if (delay <= 0) {
    yield YIELD;
    return result;
  }
  const loop = getRunningLoop();
  const fut = loop.createFuture<T>();
  const handle = loop.callLater(delay, setResultUnlessCancelled, fut, result);
  setWaitReason(fut, { kind: 'timer', when: handle.when, delay });
  try {
    return (yield fut) as T;
  } finally {
    handle.cancel();
  }
}

/** Completes a future unless someone cancelled it meanwhile. */
export function setResultUnlessCancelled<T>(fut: Future<T>, result: T): void {
  if (!fut.cancelled()) fut.setResult(result);
}
