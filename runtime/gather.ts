// gather(): run awaitables concurrently and collect their results in argument order
// (asyncio.gather, CPython 3.12 semantics).
import { Coroutine, isGenerator } from './coroutine';
import { CancelledError, ValueError } from './errors';
import type { EventLoop } from './event-loop';
import { Future, setWaitReason } from './future';
import { getRunningLoop } from './running';
import { creationSite, setCreationSite } from './sites';
import { describeValue, isThenable, YIELD } from './task';

/** Anything a task can await and gather/shield/waitFor accept. */
export type Awaitable<T> = Future<T> | Coroutine<T> | PromiseLike<T>;

/** The value an awaitable settles with. */
export type AwaitedOf<A> = A extends PromiseLike<infer R> ? R : never;

export interface GatherOptions {
  /** Collect exceptions (and CancelledErrors) in the result list instead of failing at the first one. */
  returnExceptions?: boolean;
}

/**
 * The future gather() returns (asyncio's _GatheringFuture).
 * Invariant: cancel() cancels every child that is not done, and the future itself only ends when
 * the children do (with a CancelledError if a cancel() took effect), as Task.cancel() does.
 */
export class GatheringFuture<T extends unknown[]> extends Future<T> {
  readonly #children: readonly Future<unknown>[];
  /** @internal Set when cancel() reached at least one child. */
  cancelRequested = false;

  constructor(children: readonly Future<unknown>[], loop: EventLoop) {
    super({ loop });
    this.#children = children;
  }

  /** The futures being gathered, in argument order (duplicates share one future). */
  get children(): readonly Future<unknown>[] {
    return this.#children;
  }

  override cancel(msg?: string): boolean {
    if (this.done()) return false;
    let ret = false;
    for (const child of this.#children) {
      if (child.cancel(msg)) ret = true;
    }
    if (ret) this.cancelRequested = true;
    return ret;
  }
}

/**
 * Runs the awaitables concurrently (coroutines are wrapped in tasks) and returns a future of their
 * results in argument order. Without returnExceptions the first exception (or a child's
 * cancellation, as CancelledError) fails the returned future at once while the other children go
 * on; with it, errors are results. Cancelling the returned future cancels the children.
 * The options object, if any, is the last argument: `gather(a(), b(), { returnExceptions: true })`.
 */
export function gather<A extends readonly Awaitable<unknown>[]>(...aws: A): GatheringFuture<{ -readonly [K in keyof A]: AwaitedOf<A[K]> }>;
export function gather<A extends readonly Awaitable<unknown>[]>(...args: [...A, GatherOptions]): GatheringFuture<unknown[]>;
export function gather(...args: unknown[]): GatheringFuture<unknown[]> {
  let returnExceptions = false;
  if (args.length > 0 && isOptionsObject(args[args.length - 1])) {
    returnExceptions = Boolean((args.pop() as GatherOptions).returnExceptions);
  }
  if (args.length === 0) {
    const outer = new GatheringFuture<unknown[]>([], getRunningLoop());
    outer.setResult([]);
    return outer;
  }

  let loop: EventLoop | null = null;
  const argToFut = new Map<unknown, Future<unknown>>();
  const children: Future<unknown>[] = [];
  const doneFuts: Future<unknown>[] = [];
  let nfuts = 0;
  let nfinished = 0;
  let outer: GatheringFuture<unknown[]> | null = null;

  const onChildDone = (fut: Future<unknown>): void => {
    nfinished += 1;
    if (outer === null || outer.done()) {
      if (!fut.cancelled()) fut.exception(); // mark the exception retrieved
      return;
    }
    if (!returnExceptions) {
      if (fut.cancelled()) {
        outer.setException(cancelledErrorOf(fut));
        return;
      }
      const exc = fut.exception();
      if (exc !== null) {
        outer.setException(exc);
        return;
      }
    }
    if (nfinished === nfuts) {
      const results: unknown[] = [];
      for (const child of children) {
        if (child.cancelled()) {
          results.push(new CancelledError(child.cancelMessage ?? ''));
        } else {
          const exc = child.exception();
          results.push(exc !== null ? exc : child.result());
        }
      }
      if (outer.cancelRequested) {
        // As asyncio: the error made from the last child (its own, if it was cancelled).
        outer.setException(cancelledErrorOf(children[children.length - 1]!));
      } else {
        outer.setResult(results);
      }
    }
  };

  // Each child task takes the site of this call (the loader marked it; see sites.ts).
  const site = creationSite;
  for (const arg of args) {
    let fut = argToFut.get(arg);
    if (fut === undefined) {
      setCreationSite(site);
      fut = ensureFuture(arg, loop);
      if (loop === null) loop = fut.getLoop();
      nfuts += 1;
      argToFut.set(arg, fut);
      if (fut.done()) doneFuts.push(fut);
      else fut.addDoneCallback(onChildDone);
    }
    children.push(fut);
  }
  setCreationSite(-1);

  outer = new GatheringFuture<unknown[]>(children, loop!);
  setWaitReason(outer, { kind: 'gather', children });
  for (const fut of doneFuts) onChildDone(fut);
  return outer;
}

/**
 * Wraps an awaitable in a future on the loop (asyncio.ensure_future): a future is returned as it
 * is, a coroutine (or a hand-written generator) becomes a task, a thenable a bridged future.
 */
export function ensureFuture<T>(value: Awaitable<T> | Generator<unknown, T, unknown>, loop?: EventLoop | null): Future<T>;
export function ensureFuture(value: unknown, loop?: EventLoop | null): Future<unknown>;
export function ensureFuture(value: unknown, loop: EventLoop | null = null): Future<unknown> {
  if (value instanceof Future) {
    if (loop !== null && value.getLoop() !== loop) {
      throw new ValueError('The future belongs to a different loop than the one specified as the loop argument');
    }
    return value;
  }
  if (isGenerator(value)) value = new Coroutine(value as Generator<unknown, unknown, unknown>);
  // A coroutine, or the bare YIELD sentinel a hand-written generator yields, becomes a task (Task wraps the sentinel).
  if (value instanceof Coroutine || value === YIELD) return (loop ?? getRunningLoop()).createTask(value as Coroutine<unknown>);
  if (isThenable(value)) return (loop ?? getRunningLoop())._wrapThenable(value);
  throw new TypeError(`An asyncio.Future, a coroutine or an awaitable is required, got ${describeValue(value)}`);
}

/** The CancelledError a cancelled future raises (asyncio's fut._make_cancelled_error()). */
export function cancelledErrorOf(fut: Future<unknown>): CancelledError {
  if (fut.cancelled()) {
    try {
      fut.result();
    } catch (err) {
      if (err instanceof CancelledError) return err;
    }
  }
  return new CancelledError(fut.cancelMessage);
}

/** A trailing plain object is gather's options, never an awaitable. */
function isOptionsObject(value: unknown): value is GatherOptions {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null) && !isThenable(value);
}
