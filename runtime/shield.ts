// shield(): wait for an awaitable without letting the waiter's cancellation reach it
// (asyncio.shield, CPython 3.12 semantics).
import type { Coroutine } from './coroutine';
import { Future, setWaitReason } from './future';
import { ensureFuture, type Awaitable } from './gather';

/**
 * Returns a future that follows `aw` (a coroutine is wrapped in a task). Cancelling the returned
 * future, as cancelling the task awaiting it does, leaves `aw` running; if `aw` itself is
 * cancelled, the returned future is cancelled too. An `aw` already done is returned as it is.
 * Keep a reference to the inner task: the caller's cancellation no longer waits for it.
 */
export function shield<T>(aw: Awaitable<T> | Generator<unknown, T, unknown> | Coroutine<T>): Future<T> {
  const inner = ensureFuture(aw);
  if (inner.done()) return inner;
  const outer = inner.getLoop().createFuture<T>();
  setWaitReason(outer, { kind: 'task', task: inner });

  const innerDone = (f: Future<T>): void => {
    if (outer.cancelled()) {
      if (!f.cancelled()) f.exception(); // mark the exception retrieved
      return;
    }
    if (f.cancelled()) {
      outer.cancel();
      return;
    }
    const exc = f.exception();
    if (exc !== null) outer.setException(exc);
    else outer.setResult(f.result());
  };
  const outerDone = (): void => {
    if (!inner.done()) inner.removeDoneCallback(innerDone);
  };
  inner.addDoneCallback(innerDone);
  outer.addDoneCallback(outerDone);
  return outer;
}
