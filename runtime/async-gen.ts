// Async generators and `for await` on our loop. The loader compiles `async function* g()` into a
// generator that yields two kinds of values: awaitables (its `await`s, which go to the task) and
// AsyncYield boxes (its `yield`s, which go to whoever called next()). AsyncGen separates the two.
import { Coroutine } from './coroutine';
import { RuntimeError } from './errors';
import { describeValue, isThenable } from './task';

/** A value an async generator yields to its consumer (as opposed to an awaitable it awaits). */
export class AsyncYield {
  constructor(readonly value: unknown) {}
}

export function asyncYield(value: unknown): AsyncYield {
  return new AsyncYield(value);
}

type Resume = 'next' | 'throw' | 'return';

/**
 * An async generator object whose next()/throw()/return() are coroutines run by the awaiting task.
 * Invariant: at most one resume runs at a time (#running), as Python's "already running" check.
 */
export class AsyncGen<T = unknown, R = unknown, N = unknown> implements AsyncGenerator<T, R, N> {
  #gen: Generator<unknown, R, unknown>;
  #running = false;

  constructor(gen: Generator<unknown, R, unknown>, readonly name: string) {
    this.#gen = gen;
  }

  next(...args: [] | [N]): Promise<IteratorResult<T, R>> {
    return this.#step('next', args[0]);
  }

  throw(err: unknown): Promise<IteratorResult<T, R>> {
    return this.#step('throw', err);
  }

  return(value?: R | PromiseLike<R>): Promise<IteratorResult<T, R>> {
    return this.#step('return', value);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.return(undefined as R).then(() => undefined);
  }

  /** TypeScript types next() as a Promise; it is a coroutine, which is a thenable too. */
  #step(kind: Resume, value: unknown): Promise<IteratorResult<T, R>> {
    return new Coroutine(this.#resume(kind, value), -1, `${this.name}.${kind === 'next' ? 'asend' : kind === 'throw' ? 'athrow' : 'aclose'}`) as unknown as Promise<IteratorResult<T, R>>;
  }

  *#resume(kind: Resume, value: unknown): Generator<unknown, IteratorResult<T, R>, unknown> {
    if (this.#running) throw new RuntimeError(`anext(): asynchronous generator '${this.name}' is already running`);
    this.#running = true;
    const gen = this.#gen;
    try {
      let r = kind === 'next' ? gen.next(value) : kind === 'throw' ? gen.throw(value) : gen.return(value as R);
      for (;;) {
        if (r.done) return { value: r.value, done: true };
        if (r.value instanceof AsyncYield) return { value: r.value.value as T, done: false };
        // An `await` inside the generator: the awaiting task waits for it on our behalf.
        let sent: unknown;
        let failed = false;
        try {
          sent = yield r.value;
        } catch (err) {
          failed = true;
          sent = err;
        }
        r = failed ? gen.throw(sent) : gen.next(sent);
      }
    } finally {
      this.#running = false;
    }
  }
}

/** The loader's `async function* g()` entry point. */
export function agen<T>(genFn: (...args: any[]) => Generator<unknown, T, unknown>, thisArg: unknown, args: ArrayLike<unknown> | undefined, name: string): AsyncGen {
  return new AsyncGen(args ? genFn.apply(thisArg, args as unknown[]) : genFn.call(thisArg), name);
}

/** `for await (x of source)`: the async iterator of source, or of a sync iterable (awaiting each awaitable item). */
export function aiter(source: unknown): AsyncIterator<unknown> {
  if (source !== null && source !== undefined) {
    const asyncMethod = (source as { [Symbol.asyncIterator]?: () => AsyncIterator<unknown> })[Symbol.asyncIterator];
    if (typeof asyncMethod === 'function') return asyncMethod.call(source);
    const syncMethod = (source as { [Symbol.iterator]?: () => Iterator<unknown> })[Symbol.iterator];
    if (typeof syncMethod === 'function') return syncToAsync(syncMethod.call(source));
  }
  throw new TypeError(`'for await' needs an async iterable or an iterable, got ${describeValue(source)}`);
}

function syncToAsync(it: Iterator<unknown>): AsyncIterator<unknown> {
  function* step(r: IteratorResult<unknown>): Generator<unknown, IteratorResult<unknown>, unknown> {
    if (r.done) return r;
    const v = r.value;
    // Coroutines and futures are thenables too: every awaitable item is awaited, as the language does.
    return { value: isThenable(v) ? yield v : v, done: false };
  }
  return {
    next: () => new Coroutine(step(it.next()), -1, 'for-await') as unknown as Promise<IteratorResult<unknown>>,
    return: (value?: unknown) => new Coroutine(step(it.return ? it.return(value) : { value, done: true }), -1, 'for-await') as unknown as Promise<IteratorResult<unknown>>,
  };
}

/** Leaving a `for await` early (break, return, throw) closes the iterator, as the language does. */
export function aclose(it: AsyncIterator<unknown>): Coroutine<void> {
  function* close(): Generator<unknown, void, unknown> {
    if (typeof it.return === 'function') yield it.return();
  }
  return new Coroutine(close(), -1, 'for-await.close');
}

/** `yield* inner` inside an async generator: re-yields inner's items, forwards its awaits. */
export function* asyncYieldStar(source: unknown): Generator<unknown, unknown, unknown> {
  const it = aiter(source);
  let sent: unknown = undefined;
  for (;;) {
    const r = (yield it.next(sent)) as IteratorResult<unknown>;
    if (r.done) return r.value;
    sent = yield new AsyncYield(r.value);
  }
}
