// Deadlines for a block of code (asyncio.timeout / timeout_at / Timeout, CPython 3.12 semantics).
//
// `async with asyncio.timeout(1): ...` is written, in TypeScript, as one of (see scoped.ts):
//   await timeout(1, async (t) => { ... })                 // returns the body's result
//   const t = timeout(1); await t.enter();
//   try { ... } catch (err) { await t.exit(err); throw err; }
//   await t.exit();
// When the deadline passes, the task is cancelled at its await point; exit() turns that
// CancelledError into TimeoutError (with the CancelledError as its cause) unless the task was also
// cancelled by someone else meanwhile, exactly as asyncio's __aexit__ counts with uncancel().
// No `await using`: [Symbol.asyncDispose]() is not told whether the block threw, which exit needs.
import { Coroutine } from './coroutine';
import { CancelledError, RuntimeError, TimeoutError } from './errors';
import type { TimerHandle, Handle } from './handles';
import { getRunningLoop } from './running';
import { runScoped, type Scoped, type ScopedBody } from './scoped';
import { currentTask, type Task } from './task';

type TimeoutState = 'created' | 'active' | 'expiring' | 'expired' | 'finished';

/**
 * A rescheduleable deadline for the task that entered it (asyncio.Timeout).
 * Invariant: a timer is scheduled only while the state is 'active' with a non-null deadline; it
 * moves the state to 'expiring' and cancels the task; exit() then moves 'expiring' to 'expired'
 * and 'active' to 'finished'.
 */
export class Timeout implements Scoped<Timeout> {
  #state: TimeoutState = 'created';
  #when: number | null;
  #handle: Handle | TimerHandle | null = null;
  #task: Task<unknown> | null = null;
  #cancelling = 0;
  readonly #onTimeoutFn = (): void => this.#onTimeout();

  /** Prefer timeout() or timeoutAt(). `when` is in loop time; null never expires. */
  constructor(when: number | null) {
    this.#when = when;
  }

  /** The current deadline (loop time), or null. */
  when(): number | null {
    return this.#when;
  }

  /** Moves the deadline (null: none); only while the timeout is active. A past deadline fires on the next iteration. */
  reschedule(when: number | null): void {
    if (this.#state !== 'active') {
      if (this.#state === 'created') throw new RuntimeError('Timeout has not been entered');
      throw new RuntimeError(`Cannot change state of ${this.#state} Timeout`);
    }
    this.#when = when;
    if (this.#handle !== null) this.#handle.cancel();
    if (when === null) {
      this.#handle = null;
    } else {
      const loop = getRunningLoop();
      this.#handle = when <= loop.time() ? loop.callSoon(this.#onTimeoutFn) : loop.callAt(when, this.#onTimeoutFn);
    }
  }

  /** True once the deadline passed while the block ran. */
  expired(): boolean {
    return this.#state === 'expiring' || this.#state === 'expired';
  }

  /** __aenter__: binds the timeout to the current task and schedules the deadline. */
  enter(): Coroutine<Timeout> {
    return new Coroutine(this.#enter(), -1, 'Timeout.enter');
  }

  /** __aexit__: exit() when the block completed, exit(err) when it threw err. May raise TimeoutError. */
  exit(...thrown: [error?: unknown]): Coroutine<void> {
    return new Coroutine(this.#exit(thrown.length > 0, thrown[0]), -1, 'Timeout.exit');
  }

  /** `async with this: return await body(this)`. */
  run<R>(body: ScopedBody<Timeout, R>): Coroutine<R> {
    return runScoped(this, body, 'Timeout.run');
  }

  *#enter(): Generator<unknown, Timeout, unknown> {
    if (this.#state !== 'created') throw new RuntimeError('Timeout has already been entered');
    const task = currentTask();
    if (task === null) throw new RuntimeError('Timeout should be used inside a task');
    this.#state = 'active';
    this.#task = task;
    this.#cancelling = task.cancelling();
    this.reschedule(this.#when);
    return this;
  }

  *#exit(hasError: boolean, error: unknown): Generator<unknown, void, unknown> {
    if (this.#state !== 'active' && this.#state !== 'expiring') {
      throw new RuntimeError(`Timeout.exit() called on a ${this.#state} Timeout`);
    }
    if (this.#handle !== null) {
      this.#handle.cancel();
      this.#handle = null;
    }
    if (this.#state === 'expiring') {
      this.#state = 'expired';
      if (this.#task!.uncancel() <= this.#cancelling && hasError && error instanceof CancelledError) {
        // No cancel request besides ours: this one is the timeout's to handle.
        throw new TimeoutError('', { cause: error });
      }
    } else {
      this.#state = 'finished';
    }
  }

  #onTimeout(): void {
    this.#task!.cancel();
    this.#state = 'expiring';
    this.#handle = null;
  }

  /** `<Timeout [active] when=12.5>`, as asyncio's repr. */
  toString(): string {
    const when = this.#state === 'active' ? ` when=${this.#when === null ? 'None' : Math.round(this.#when * 1000) / 1000}` : '';
    return `<Timeout [${this.#state}]${when}>`;
  }
}

/** A Timeout `delay` seconds from now (null: no deadline); with a body, runs it under the timeout. */
export function timeout(delay: number | null): Timeout;
export function timeout<R>(delay: number | null, body: ScopedBody<Timeout, R>): Coroutine<R>;
export function timeout<R>(delay: number | null, body?: ScopedBody<Timeout, R>): Timeout | Coroutine<R> {
  const t = new Timeout(delay === null ? null : getRunningLoop().time() + checkSeconds('timeout', delay));
  return body === undefined ? t : t.run(body);
}

/** A Timeout at loop time `when` (null: no deadline); with a body, runs it under the timeout. */
export function timeoutAt(when: number | null): Timeout;
export function timeoutAt<R>(when: number | null, body: ScopedBody<Timeout, R>): Coroutine<R>;
export function timeoutAt<R>(when: number | null, body?: ScopedBody<Timeout, R>): Timeout | Coroutine<R> {
  const t = new Timeout(when === null ? null : checkSeconds('timeoutAt', when));
  return body === undefined ? t : t.run(body);
}

function checkSeconds(fn: string, value: unknown): number {
  if (typeof value !== 'number' || Number.isNaN(value)) throw new TypeError(`${fn}(): expected a number of seconds or null, got ${String(value)}`);
  return value;
}
