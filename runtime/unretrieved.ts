// "Future exception was never retrieved": a failed future whose exception nobody looked at is
// reported when the garbage collector finalizes it (CPython reports at collection), and at the
// latest when its loop closes. What the tracking keeps must never keep the future itself alive.
import type { ExceptionContext } from './handles';
import type { Future } from './future';

/** What the tracker needs from its loop. */
export interface FailureOwner {
  callSoon(callback: () => void): unknown;
  callExceptionHandler(context: ExceptionContext): void;
  isClosed(): boolean;
}

/**
 * One failed future whose exception nobody has retrieved yet.
 * Invariant: `future` is set only while the failure is fresh (in the tracker's fresh or aging
 * list, for at most two loop iterations); once settled it is null, `context` describes the future
 * with data only, and the failure is registered with the finalization registry under itself as
 * the unregister token.
 */
export class Failure {
  future: Future<unknown> | null;
  state: 'fresh' | 'settled' | 'done' = 'fresh';
  /** The report for when the future is gone: its repr instead of the future (settled failures only). */
  context: ExceptionContext | null = null;
  ref: WeakRef<Future<unknown>> | null = null;
  constructor(
    readonly tracker: UnretrievedTracker,
    future: Future<unknown>,
    readonly exception: unknown,
  ) {
    this.future = future;
  }
}

/**
 * Held value: the Failure. It must not reach its target: a settled Failure holds the exception (its
 * stack formatted, see detachStack), data, and a WeakRef; the await chain of the exception holds
 * only names and sites (task.ts). An exception whose own properties refer to its task keeps the
 * task alive until the loop closes, where it is reported.
 */
const registry = new FinalizationRegistry<Failure>((failure) => failure.tracker._collected(failure));

/**
 * Keeps the failed futures of one loop whose exceptions nobody retrieved.
 *
 * Invariant: a failure not yet retrieved or reported is in exactly one of fresh, aging, settled
 * or collected; once it is (state 'done', future null) only fresh or aging may still list it,
 * until the end of the next iteration.
 *
 * Most exceptions are retrieved within an iteration (the awaiting task wakes on the next one), so a
 * new failure costs a push: it is held, with its future, for one full iteration. Only one still
 * unretrieved after that is settled: its exception's stack is formatted (V8 keeps the receivers and
 * functions of an unformatted stack's frames, which reach the task that stepped the coroutine; the
 * report formats it anyway) and the future is registered with the collector and held weakly.
 */
export class UnretrievedTracker {
  readonly #owner: FailureOwner;
  #fresh: Failure[] = [];
  #aging: Failure[] = [];
  #settled = new Set<Failure>();
  /** Finalized futures whose report waits for the loop's next iteration (callbacks run in run-once). */
  #collected: Failure[] = [];
  #flushScheduled = false;
  readonly #flush = () => this.#reportCollected();

  constructor(owner: FailureOwner) {
    this.#owner = owner;
  }

  /** A future failed: remember it until its exception is retrieved or reported. */
  track(future: Future<unknown>, exception: unknown): Failure {
    const failure = new Failure(this, future, exception);
    // A closed loop reports nothing more (as the registry's callback would not).
    if (this.#owner.isClosed()) failure.state = 'done';
    else this.#fresh.push(failure);
    return failure;
  }

  /** The exception was retrieved: forget the failure (and its registration, so nothing is left to do). */
  retrieved(failure: Failure): void {
    if (failure.state === 'settled') {
      registry.unregister(failure);
      this.#settled.delete(failure);
    }
    failure.state = 'done';
    failure.future = null;
  }

  /** Called by the loop after each iteration's callbacks: settles failures that survived a whole iteration. */
  endIteration(): void {
    const aging = this.#aging;
    if (aging.length > 0) {
      for (const failure of aging) if (failure.state === 'fresh') this.#settle(failure);
      aging.length = 0;
    }
    if (this.#fresh.length > 0) {
      this.#aging = this.#fresh;
      this.#fresh = aging;
    }
  }

  /** At loop close: reports every exception still unretrieved, once, oldest first. */
  close(): void {
    this.#reportCollected();
    for (const failure of this.#settled) {
      registry.unregister(failure);
      const future = failure.ref!.deref();
      this.#report(failure, future ? future._unretrievedContext() : failure.context!);
    }
    this.#settled.clear();
    for (const list of [this.#aging, this.#fresh]) {
      for (const failure of list) if (failure.state === 'fresh') this.#report(failure, failure.future!._unretrievedContext());
      list.length = 0;
    }
  }

  /** @internal The registry's callback: the future was collected with its exception unretrieved. */
  _collected(failure: Failure): void {
    if (failure.state !== 'settled') return;
    this.#settled.delete(failure);
    if (this.#owner.isClosed()) return;
    this.#collected.push(failure);
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      this.#owner.callSoon(this.#flush);
    }
  }

  #settle(failure: Failure): void {
    const future = failure.future!;
    detachStack(failure.exception, 0);
    const context = future._unretrievedContext();
    context.future = reprOf(future);
    failure.context = context;
    failure.ref = new WeakRef(future);
    failure.future = null;
    failure.state = 'settled';
    this.#settled.add(failure);
    registry.register(future, failure, failure);
  }

  #reportCollected(): void {
    this.#flushScheduled = false;
    const collected = this.#collected;
    this.#collected = [];
    for (const failure of collected) if (failure.state === 'settled') this.#report(failure, failure.context!);
  }

  #report(failure: Failure, context: ExceptionContext): void {
    failure.state = 'done';
    failure.future = null;
    this.#owner.callExceptionHandler(context);
  }
}

/** The future's repr, for a report made once it is gone (a subclass's toString may fail). */
function reprOf(future: Future<unknown>): string {
  try {
    return future.toString();
  } catch {
    return `<${future.constructor.name} finished>`;
  }
}

/** How deep a chain of causes and grouped exceptions is followed when formatting stacks. */
const DETACH_DEPTH = 4;
const DETACH_GROUP = 16;

/**
 * Formats the stack of the exception (and of its causes and grouped exceptions, bounded): V8 keeps
 * an unformatted stack as frames that hold their receivers and functions, and those reach whatever
 * was stepping (the task, a handle, a closure over the future). The formatted string holds nothing.
 */
function detachStack(err: unknown, depth: number): void {
  if (typeof err !== 'object' || err === null || depth > DETACH_DEPTH) return;
  try {
    void (err as { stack?: unknown }).stack;
  } catch {
    // A throwing `stack` getter: nothing we can format.
  }
  if (err instanceof Error) {
    if (err.cause !== undefined) detachStack(err.cause, depth + 1);
    if (err instanceof AggregateError && Array.isArray(err.errors)) {
      for (const sub of err.errors.slice(0, DETACH_GROUP)) detachStack(sub, depth + 1);
    }
  }
}
