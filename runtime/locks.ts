// Synchronization primitives for tasks on one loop: Lock, Event, Condition, Semaphore,
// BoundedSemaphore (asyncio's locks.py, CPython 3.12 semantics, FIFO wake-up order included).
//
// `async with lock: ...` is written, in TypeScript, as one of (the same for Semaphore,
// BoundedSemaphore and Condition; see scoped.ts):
//   await lock.run(async () => { ... })                    // returns the body's result
//   await using held = await lock.enter();                 // released at the block's end (see scoped.ts)
//   await lock.acquire(); try { ... } finally { lock.release(); }
// enter()/exit() are __aenter__/__aexit__: acquire, then release whatever the block did.
import { Coroutine } from './coroutine';
import { CancelledError, RuntimeError, ValueError } from './errors';
import type { EventLoop } from './event-loop';
import { Future, setWaitReason, type WaitReason } from './future';
import { getRunningLoop, peekRunningLoop } from './running';
import { runScoped, type Scoped, type ScopedBody } from './scoped';
import type { Task } from './task';
import type { Holding, WaitFacts, WaitOwner } from './wait-facts';

/**
 * Binds a primitive to the first loop that uses it (asyncio's _LoopBoundMixin): a primitive
 * shared between two loops is a bug, reported at once.
 */
export abstract class LoopBound implements WaitOwner {
  #loop: EventLoop | null = null;
  /** One frozen wait reason per primitive name this object waits as, made on its first wait. */
  #reasons: Map<string, WaitReason> | null = null;

  /** @internal What a wait on this object depends on (runtime/wait-facts.ts). */
  abstract _waitFacts(): WaitFacts;

  /** @internal The running loop, which must be the one this object is bound to. */
  protected getBoundLoop(): EventLoop {
    const loop = getRunningLoop();
    if (this.#loop === null) this.#loop = loop;
    if (loop !== this.#loop) throw new RuntimeError(`${this.toString()} is bound to a different event loop`);
    return loop;
  }

  /** @internal A pending future on the bound loop, labelled for the debugger. */
  protected waiterFuture<T>(primitive: string): Future<T> {
    const fut = this.getBoundLoop().createFuture<T>();
    let reason = this.#reasons?.get(primitive);
    if (reason === undefined) {
      // `owner` is not enumerable: the reason stays the plain JSON-ready `{ kind, primitive }` it was.
      reason = Object.freeze(Object.defineProperty({ kind: 'primitive', primitive }, 'owner', { value: this, enumerable: false })) as WaitReason;
      (this.#reasons ??= new Map()).set(primitive, reason);
    }
    setWaitReason(fut, reason);
    return fut;
  }
}

/** The task running now and the program's line it is at: who takes a primitive (null outside a task). */
function holding(): Holding | null {
  const task = peekRunningLoop()?._currentTask ?? null;
  return task === null ? null : { task, site: task._programAwaitSite() };
}

/** What `async with` does on Lock, Semaphore and Condition: acquire, then release. */
abstract class AcquireRelease extends LoopBound implements Scoped<unknown> {
  abstract acquire(): Coroutine<boolean>;
  abstract release(): void;

  /** __aenter__: acquires; resolves to this object (so `await using held = await x.enter()` works). */
  enter(): Coroutine<this> {
    return new Coroutine(this.#enter(), -1, `${this.constructor.name}.enter`);
  }

  /** __aexit__: releases, whatever the block did. */
  exit(..._thrown: [error?: unknown]): Coroutine<void> {
    return new Coroutine(this.#exit(), -1, `${this.constructor.name}.exit`);
  }

  /** `async with this: return await body(this)`. */
  run<R>(body: ScopedBody<this, R>): Coroutine<R> {
    return runScoped<this, R>(this, body, `${this.constructor.name}.run`);
  }

  /** For `await using`: releases. */
  [Symbol.asyncDispose](): Coroutine<void> {
    return this.exit();
  }

  *#enter(): Generator<unknown, this, unknown> {
    yield this.acquire();
    return this;
  }

  // A generator so that exit() runs when awaited, as __aexit__ does.
  *#exit(): Generator<unknown, void, unknown> {
    this.release();
  }
}

/**
 * A mutual-exclusion lock not owned by any task (asyncio.Lock); waiters acquire in FIFO order.
 * Invariant: #waiters holds the pending acquires in arrival order; release() wakes only the first
 * one, and a woken waiter cancelled before it ran wakes the next, so a wake-up is never lost.
 */
export class Lock extends AcquireRelease {
  #locked = false;
  #waiters: Set<Future<boolean>> | null = null;
  /** The task that took the lock and where (for the verdicts; asyncio's Lock has no owner, any task may release it). */
  #holder: Task<unknown> | null = null;
  #holderSite = -1;

  locked(): boolean {
    return this.#locked;
  }

  /** Waits until the lock is free and takes it; resolves to true. */
  acquire(): Coroutine<boolean> {
    return new Coroutine(this.#acquire(), -1, 'Lock.acquire');
  }

  /** Frees the lock and wakes the first waiter; RuntimeError if it is not locked. */
  release(): void {
    if (!this.#locked) throw new RuntimeError('Lock is not acquired.');
    this.#locked = false;
    this.#holder = null;
    this.#wakeUpFirst();
  }

  *#acquire(): Generator<unknown, boolean, unknown> {
    if (!this.#locked && (this.#waiters === null || allCancelled(this.#waiters))) {
      this.#locked = true;
      this.#took();
      return true;
    }
    if (this.#waiters === null) this.#waiters = new Set();
    const fut = this.waiterFuture<boolean>('Lock');
    this.#waiters.add(fut);
    try {
      try {
        yield fut;
      } finally {
        this.#waiters.delete(fut);
      }
    } catch (err) {
      // Woken but cancelled before running: pass the wake-up on, or it would be lost.
      if (err instanceof CancelledError && !this.#locked) this.#wakeUpFirst();
      throw err;
    }
    this.#locked = true;
    this.#took();
    return true;
  }

  /** Records the running task as the holder, and the program's line it took the lock at (no allocation). */
  #took(): void {
    const task = peekRunningLoop()?._currentTask ?? null;
    this.#holder = task;
    this.#holderSite = task === null ? -1 : task._programAwaitSite();
  }

  /** @internal */
  _waitFacts(): WaitFacts {
    return { kind: 'lock', holder: this.#locked && this.#holder !== null ? { task: this.#holder, site: this.#holderSite } : null };
  }

  #wakeUpFirst(): void {
    if (this.#waiters === null || this.#waiters.size === 0) return;
    const fut = first(this.#waiters);
    // A done first waiter will run later and either take the lock or, cancelled, wake the next.
    if (!fut.done()) fut.setResult(true);
  }

  override toString(): string {
    const extra = (this.#locked ? 'locked' : 'unlocked') + (this.#waiters?.size ? `, waiters:${this.#waiters.size}` : '');
    return `<Lock [${extra}]>`;
  }
}

/**
 * A flag tasks can wait for (asyncio.Event).
 * Invariant: while the flag is set, #waiters holds only futures that are done or about to be removed.
 */
export class Event extends LoopBound {
  #value = false;
  #waiters = new Set<Future<boolean>>();

  isSet(): boolean {
    return this.#value;
  }

  /** Sets the flag and wakes every waiter. */
  set(): void {
    if (this.#value) return;
    this.#value = true;
    for (const fut of this.#waiters) {
      if (!fut.done()) fut.setResult(true);
    }
  }

  clear(): void {
    this.#value = false;
  }

  /** Waits until the flag is set; resolves to true. */
  wait(): Coroutine<boolean> {
    return new Coroutine(this.#wait('Event'), -1, 'Event.wait');
  }

  /** @internal wait(), labelled for the debugger as what the caller really waits for (Queue.join). */
  waitAs(primitive: string, name: string): Coroutine<boolean> {
    return new Coroutine(this.#wait(primitive), -1, name);
  }

  *#wait(primitive: string): Generator<unknown, boolean, unknown> {
    if (this.#value) return true;
    const fut = this.waiterFuture<boolean>(primitive);
    this.#waiters.add(fut);
    try {
      yield fut;
      return true;
    } finally {
      this.#waiters.delete(fut);
    }
  }

  /** @internal */
  _waitFacts(): WaitFacts {
    let waiters = 0;
    for (const fut of this.#waiters) if (!fut.done()) waiters++;
    return { kind: 'event', isSet: this.#value, waiters };
  }

  override toString(): string {
    return `<Event [${this.#value ? 'set' : 'unset'}${this.#waiters.size ? `, waiters:${this.#waiters.size}` : ''}]>`;
  }
}

/**
 * A condition variable over a Lock (asyncio.Condition).
 * Invariant: #waiters holds the pending wait() calls in arrival order; a waiter is woken (its
 * future resolved) only by notify(), while the lock is held.
 */
export class Condition extends AcquireRelease {
  readonly #lock: Lock;
  #waiters = new Set<Future<boolean>>();

  constructor(lock: Lock = new Lock()) {
    super();
    this.#lock = lock;
  }

  locked(): boolean {
    return this.#lock.locked();
  }

  acquire(): Coroutine<boolean> {
    return this.#lock.acquire();
  }

  release(): void {
    this.#lock.release();
  }

  /** Releases the lock, waits for notify(), and re-acquires the lock before returning true. */
  wait(): Coroutine<boolean> {
    return new Coroutine(this.#wait(), -1, 'Condition.wait');
  }

  /** Waits until predicate() is truthy (checked first, then after each wake-up); returns its value. */
  waitFor<R>(predicate: () => R): Coroutine<R> {
    return new Coroutine(this.#waitFor(predicate), -1, 'Condition.waitFor');
  }

  /** Wakes up to n waiters (the lock must be held). */
  notify(n = 1): void {
    if (!this.locked()) throw new RuntimeError('cannot notify on un-acquired lock');
    let idx = 0;
    for (const fut of this.#waiters) {
      if (idx >= n) break;
      if (!fut.done()) {
        idx += 1;
        fut.setResult(false);
      }
    }
  }

  notifyAll(): void {
    this.notify(this.#waiters.size);
  }

  *#wait(): Generator<unknown, boolean, unknown> {
    if (!this.locked()) throw new RuntimeError('cannot wait on un-acquired lock');
    this.release();
    try {
      const fut = this.waiterFuture<boolean>('Condition');
      this.#waiters.add(fut);
      try {
        yield fut;
        return true;
      } finally {
        this.#waiters.delete(fut);
      }
    } finally {
      // Re-acquire even if cancelled meanwhile; the cancellation is raised afterwards.
      let cancelled = false;
      for (;;) {
        try {
          yield this.acquire();
          break;
        } catch (err) {
          if (!(err instanceof CancelledError)) throw err;
          cancelled = true;
        }
      }
      if (cancelled) throw new CancelledError();
    }
  }

  *#waitFor<R>(predicate: () => R): Generator<unknown, R, unknown> {
    let result = predicate();
    while (!result) {
      yield this.wait();
      result = predicate();
    }
    return result;
  }

  /** @internal */
  _waitFacts(): WaitFacts {
    let waiters = 0;
    for (const fut of this.#waiters) if (!fut.done()) waiters++;
    return { kind: 'condition', waiters };
  }

  override toString(): string {
    return `<Condition [${this.locked() ? 'locked' : 'unlocked'}${this.#waiters.size ? `, waiters:${this.#waiters.size}` : ''}]>`;
  }
}

/**
 * A counter of available slots (asyncio.Semaphore); acquire() waits while it is zero, FIFO.
 * Invariant: #value >= 0; a waiter woken by #wakeUpNext already took its slot (#value was
 * decremented for it), and gives it back if it is cancelled before running.
 */
export class Semaphore extends AcquireRelease {
  #value: number;
  #waiters: Set<Future<boolean>> | null = null;
  /**
   * Who took slots and where, oldest first (for the verdicts). A semaphore has no owner: release()
   * gives back the releasing task's slot when it holds one, else the oldest.
   */
  #holders: Holding[] | null = null;

  constructor(value = 1) {
    super();
    if (value < 0) throw new ValueError('Semaphore initial value must be >= 0');
    this.#value = value;
  }

  /** The slots available now (asyncio's _value). */
  protected get value(): number {
    return this.#value;
  }

  /** True if acquire() would wait. */
  locked(): boolean {
    return this.#value === 0 || (this.#waiters !== null && !allCancelled(this.#waiters));
  }

  acquire(): Coroutine<boolean> {
    return new Coroutine(this.#acquire(), -1, `${this.constructor.name}.acquire`);
  }

  release(): void {
    this.#value += 1;
    this.#released();
    this.#wakeUpNext();
  }

  #taken(): void {
    const h = holding();
    if (h !== null) (this.#holders ??= []).push(h);
  }

  #released(): void {
    const holders = this.#holders;
    if (holders === null || holders.length === 0) return;
    const task = peekRunningLoop()?._currentTask;
    const at = holders.findIndex((h) => h.task === task);
    holders.splice(at >= 0 ? at : 0, 1);
  }

  /** @internal */
  _waitFacts(): WaitFacts {
    return { kind: 'semaphore', name: this.constructor.name, holders: [...(this.#holders ?? [])], value: this.#value };
  }

  *#acquire(): Generator<unknown, boolean, unknown> {
    if (!this.locked()) {
      this.#value -= 1;
      this.#taken();
      return true;
    }
    if (this.#waiters === null) this.#waiters = new Set();
    const fut = this.waiterFuture<boolean>(this.constructor.name);
    this.#waiters.add(fut);
    // The finally runs first, so #wakeUpNext below never picks this waiter itself.
    try {
      try {
        yield fut;
      } finally {
        this.#waiters.delete(fut);
      }
    } catch (err) {
      if (err instanceof CancelledError && !fut.cancelled()) {
        // Woken (a slot was taken for us) but cancelled before running: hand the slot on.
        this.#value += 1;
        this.#wakeUpNext();
      }
      throw err;
    }
    this.#taken();
    if (this.#value > 0) this.#wakeUpNext();
    return true;
  }

  #wakeUpNext(): void {
    if (this.#waiters === null) return;
    for (const fut of this.#waiters) {
      if (!fut.done()) {
        this.#value -= 1;
        fut.setResult(true);
        return;
      }
    }
  }

  override toString(): string {
    const extra = this.locked() ? 'locked' : `unlocked, value:${this.#value}`;
    return `<${this.constructor.name} [${extra}${this.#waiters?.size ? `, waiters:${this.#waiters.size}` : ''}]>`;
  }
}

/** A Semaphore that refuses to be released above its initial value (asyncio.BoundedSemaphore). */
export class BoundedSemaphore extends Semaphore {
  readonly #boundValue: number;

  constructor(value = 1) {
    super(value);
    this.#boundValue = value;
  }

  override release(): void {
    if (this.value >= this.#boundValue) throw new ValueError('BoundedSemaphore released too many times');
    super.release();
  }
}

function allCancelled(waiters: Set<Future<unknown>>): boolean {
  for (const w of waiters) if (!w.cancelled()) return false;
  return true;
}

function first<T>(set: Set<T>): T {
  return set.values().next().value as T;
}
