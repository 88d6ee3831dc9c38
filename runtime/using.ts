// `await using` and `using` inside coroutines: the disposal scope of one block. The loader lowers
//
//   { await using conn = await open(); body }
//     ->  { const __cs_uN = __cs.using();
//           try { const conn = __cs_uN.use(await open(), true); body }
//           catch (__cs_eN) { __cs_uN.fail(__cs_eN) }
//           finally { yield __cs.aw(__cs_uN.dispose(), site) } }
//
// Resources are disposed in reverse order of declaration, each awaited when its declaration was
// `await using`; an error from a disposer while another is on its way out becomes a
// SuppressedError (error: the new one, suppressed: the earlier one), as ECMAScript specifies,
// except that a CancelledError is never wrapped (asyncio's contract: the task sees it).
import { Coroutine } from './coroutine';
import { CancelledError } from './errors';
import { isAwaitable } from './scoped';
import { describeValue } from './task';

interface Resource {
  readonly value: unknown;
  /** null for `await using x = null` (nothing to dispose). */
  readonly dispose: ((this: unknown) => unknown) | null;
  /** Its result is awaited: an `await using` whose value has [Symbol.asyncDispose]. */
  readonly awaitResult: boolean;
}

/** The global SuppressedError where the engine has one; else the same shape. */
const SuppressedErrorClass: new (error: unknown, suppressed: unknown, message?: string) => Error =
  (globalThis as { SuppressedError?: new (error: unknown, suppressed: unknown, message?: string) => Error }).SuppressedError ??
  class SuppressedError extends Error {
    override name = 'SuppressedError';
    constructor(
      readonly error: unknown,
      readonly suppressed: unknown,
      message = 'An error was suppressed during disposal.',
    ) {
      super(message);
    }
  };

/**
 * The resources of one block and the error leaving it.
 * Invariant: dispose() runs at most once, after the block's body ended (normally or by fail()).
 */
export class UsingScope {
  readonly #resources: Resource[] = [];
  #error: unknown = undefined;
  #hasError = false;

  /** Registers the value of a `using` (isAsync false) or `await using` declaration; returns it. */
  use<T>(value: T, isAsync: boolean): T {
    const what = isAsync ? "'await using'" : "'using'";
    if (value === null || value === undefined) {
      if (isAsync) this.#resources.push({ value, dispose: null, awaitResult: false });
      return value;
    }
    if (typeof value !== 'object' && typeof value !== 'function') {
      throw new TypeError(`${what}: ${describeValue(value)} is not an object with a ${isAsync ? '[Symbol.asyncDispose]() or ' : ''}[Symbol.dispose]() method`);
    }
    const holder = value as { [Symbol.asyncDispose]?: unknown; [Symbol.dispose]?: unknown };
    const asyncDispose = isAsync ? holder[Symbol.asyncDispose] : undefined;
    // `await using` falls back to [Symbol.dispose], whose result is not awaited (as specified).
    const dispose = asyncDispose ?? holder[Symbol.dispose];
    if (typeof dispose !== 'function') {
      throw new TypeError(`${what}: ${describeValue(value)} has no ${isAsync ? '[Symbol.asyncDispose]() or ' : ''}[Symbol.dispose]() method`);
    }
    this.#resources.push({ value, dispose: dispose as (this: unknown) => unknown, awaitResult: asyncDispose !== undefined && asyncDispose !== null });
    return value;
  }

  /** The block's body threw: disposal still happens, then this error (or a SuppressedError) leaves. */
  fail(error: unknown): void {
    this.#error = error;
    this.#hasError = true;
  }

  /** Disposes every resource, last first, awaiting the asynchronous ones; rethrows what must leave. */
  dispose(): Coroutine<void> {
    return new Coroutine(this.#disposeAll(), -1, 'dispose');
  }

  /** For a block with only `using` declarations: disposes synchronously, then rethrows. */
  disposeSync(): void {
    const resources = this.#resources;
    for (let i = resources.length - 1; i >= 0; i--) {
      const r = resources[i]!;
      try {
        r.dispose?.call(r.value);
      } catch (err) {
        this.#failDisposal(err);
      }
    }
    resources.length = 0;
    if (this.#hasError) throw this.#error;
  }

  *#disposeAll(): Generator<unknown, void, unknown> {
    const resources = this.#resources;
    for (let i = resources.length - 1; i >= 0; i--) {
      const r = resources[i]!;
      if (!r.dispose) continue;
      try {
        const out = r.dispose.call(r.value);
        if (r.awaitResult && isAwaitable(out)) yield out;
      } catch (err) {
        this.#failDisposal(err);
      }
    }
    resources.length = 0;
    if (this.#hasError) throw this.#error;
  }

  /**
   * A disposer failed: its error leaves instead, with the earlier one as `suppressed`. A
   * cancellation is never wrapped, and never replaced: the task must see its CancelledError (the
   * error it interrupted stays reachable as the cancellation's cause).
   */
  #failDisposal(err: unknown): void {
    if (!this.#hasError) this.#error = err;
    else if (this.#error instanceof CancelledError) return;
    else if (err instanceof CancelledError) {
      if (err.cause === undefined) (err as { cause?: unknown }).cause = this.#error;
      this.#error = err;
    } else this.#error = new SuppressedErrorClass(err, this.#error);
    this.#hasError = true;
  }
}

/** A new disposal scope for one block (the loader's `__cs.using()`). */
export function usingScope(): UsingScope {
  return new UsingScope();
}
