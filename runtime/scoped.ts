// The one shape every scoped primitive (Timeout, TaskGroup, Lock, Semaphore, Condition) shares.
//
// TypeScript has no `async with`. Each such object therefore offers, consistently:
//   1. `await x.run(async (x) => { ... })`: enter, run the body, exit with the body's error (if
//      any), and return the body's result: `async with x: ...` in one call. Shorthands exist where
//      asyncio has a factory: `await timeout(1, async (t) => ...)`, `await taskGroup(async (tg) => ...)`.
//   2. The explicit pair, 1:1 with __aenter__/__aexit__, for code that needs the steps apart:
//        await x.enter();
//        try { ...body... } catch (err) { await x.exit(err); throw err; }
//        await x.exit();
//      exit() with no argument means the body completed; exit(err) means it threw err. exit() may
//      raise instead (TimeoutError from a Timeout, an ExceptionGroup from a TaskGroup); asyncio's
//      context managers never swallow the body's error, so after exit(err) returns, rethrow err.
//   3. [Symbol.asyncDispose] (for TypeScript 5.2's `await using`) only where exit needs no error:
//      Lock, Semaphore and Condition (`await using held = await lock.enter()`; the loader lowers
//      `await using` with runtime/using.ts). Timeout and TaskGroup do not offer it:
//      [Symbol.asyncDispose]() is not told whether the block threw, and both decide what to raise
//      from exactly that.
import { Coroutine, isGenerator } from './coroutine';
import { Future } from './future';
import { isThenable } from './task';

/** The body of a scoped block: usually an `async` function; a plain function's value is used as is. */
export type ScopedBody<S, R> = (scope: S) => PromiseLike<R> | Coroutine<R> | Future<R> | R;

/** What every scoped primitive implements. */
export interface Scoped<S> {
  enter(): Coroutine<S>;
  exit(error?: unknown): Coroutine<void>;
}

/** `async with scope: return await body(scope)` as a coroutine. */
export function runScoped<S, R>(scope: Scoped<S>, body: ScopedBody<S, R>, name = 'run'): Coroutine<R> {
  if (typeof body !== 'function') {
    throw new TypeError(`${name}(): the body must be a function, such as async (scope) => { ... }; got ${body === null ? 'null' : typeof body}`);
  }
  return new Coroutine(scopedBody(scope, body), -1, name);
}

function* scopedBody<S, R>(scope: Scoped<S>, body: ScopedBody<S, R>): Generator<unknown, R, unknown> {
  const entered = (yield scope.enter()) as S;
  let result: R;
  try {
    const value = body(entered);
    result = isAwaitable(value) ? ((yield value) as R) : (value as R);
  } catch (err) {
    yield scope.exit(err);
    throw err;
  }
  yield scope.exit();
  return result;
}

/** What a coroutine may await: a coroutine, a future, a generator coroutine, a thenable. */
export function isAwaitable(value: unknown): boolean {
  return value instanceof Coroutine || value instanceof Future || isGenerator(value) || isThenable(value);
}
