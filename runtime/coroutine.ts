import { markCoroutineFunction } from './coroutine-function';
import { RuntimeError } from './errors';
import { warn } from './log';
import { isRuntimeFrame } from './runtime-frames';
import { formatSite, siteOf } from './sites';

export type CoroutineState = 'CREATED' | 'RUNNING' | 'SUSPENDED' | 'CLOSED';

type Bridge = (coro: Coroutine<any>) => Promise<any>;
let bridge: Bridge = () => Promise.reject(new RuntimeError('the coroscope runtime is not loaded'));
let debugCreation = false;

/** Reports coroutines garbage-collected without ever starting (debug mode only: registration costs). */
const neverAwaited = new FinalizationRegistry<{ name: string; createdAt: string; started: { value: boolean } }>((held) => {
  if (!held.started.value) warn('RuntimeWarning', `coroutine '${held.name}' was never awaited`, held.createdAt);
});

/**
 * Debug mode's facts about a coroutine, kept aside (two fields on every coroutine would cost each
 * suspended task 32 bytes): where it was made, and whether it started (for "never awaited").
 */
const debugInfo = new WeakMap<Coroutine<any>, { createdAt: string | undefined; started: { value: boolean } }>();
/** Whether debug mode was ever on: until then, no coroutine has an entry in debugInfo. */
let debugEverOn = false;

function markStarted(coro: Coroutine<any>): void {
  const info = debugInfo.get(coro);
  if (info) info.started.value = true;
}

/**
 * A coroutine object: a suspended computation that a Task drives with send/throw, Python's
 * coroutine. Calling an `async function` in a program compiled by the loader returns one; its body
 * runs only once a task (or `await`) drives it.
 * Invariant: `gen` is driven by at most one task; `state` is CREATED until the first send and
 * CLOSED once the generator returned or threw.
 */
export class Coroutine<T = unknown> implements PromiseLike<T> {
  state: CoroutineState = 'CREATED';
  /** The site id of the `await` this coroutine is suspended at (-1: unknown or not suspended). */
  awaitSite = -1;
  /** Set once the body returned a thenable: drives `return await it` for a caller of send/throw. */
  #adoption: Generator<unknown, T, unknown> | null = null;

  constructor(
    readonly gen: Generator<unknown, T, unknown>,
    /** The loader's site id of the function's definition (-1 for hand-written generators). */
    readonly defSite: number = -1,
    readonly name: string = siteOf(defSite)?.functionName ?? 'generator',
  ) {
    if (debugCreation) {
      const holder: { stack?: string } = {};
      Error.captureStackTrace(holder, new.target); // (not `Coroutine`: a self-reference makes the bundler rename the class `_Coroutine`, which the debugger shows)
      const createdAt = callerFromStack(holder.stack, defSite >= 0);
      const started = { value: false };
      debugInfo.set(this, { createdAt, started });
      neverAwaited.register(this, { name: this.name, createdAt: createdAt ?? formatSite(siteOf(defSite)), started });
    }
  }

  /** Where it was created, captured only in debug mode (a stack capture costs microseconds). */
  get createdAt(): string | undefined {
    return debugEverOn ? debugInfo.get(this)?.createdAt : undefined;
  }

  /** Marks the coroutine as taken by a driver; raises if it was already awaited. */
  claim(): void {
    if (this.state !== 'CREATED') {
      if (this.state === 'CLOSED') {
        throw new RuntimeError('cannot reuse already awaited coroutine', {
          hint: `coroutine '${this.name}' already ran: call ${this.name}() again for a new one`,
        });
      }
      throw new RuntimeError('coroutine is being awaited already', {
        hint: `coroutine '${this.name}' is being awaited by another task: await that task instead`,
      });
    }
    this.state = 'SUSPENDED';
    if (debugEverOn) markStarted(this);
  }

  /** Python's coro.send(value): resumes the body; returns what it yields next, or its result. */
  send(value?: unknown): IteratorResult<unknown, T> {
    if (this.state === 'CREATED') {
      if (value !== undefined) throw new TypeError("can't send non-undefined value to a just-started coroutine");
      this.claim();
    }
    const adoption = this.#adoption;
    return this.#drive(adoption ? () => adoption.next(value) : () => this.gen.next(value));
  }

  /** Python's coro.throw(err): raises err at the await point. */
  throw(err: unknown): IteratorResult<unknown, T> {
    if (this.state === 'CREATED') this.claim();
    const adoption = this.#adoption;
    return this.#drive(adoption ? () => adoption.throw(err) : () => this.gen.throw(err));
  }

  /** Closes the coroutine (runs its finally blocks). */
  close(): void {
    if (this.state === 'CREATED' && debugEverOn) markStarted(this);
    this.state = 'CLOSED';
    this.#adoption?.return(undefined as T);
    this.gen.return(undefined as T);
  }

  #drive(step: () => IteratorResult<unknown, T>): IteratorResult<unknown, T> {
    this.state = 'RUNNING';
    try {
      let r = step();
      if (r.done && this.#adoption === null && this.defSite >= 0 && isThenable(r.value)) {
        // In an async function, `return x` where x is awaitable means `return await x` (a Task
        // does the same in its step): x is yielded to the driver, what it sends back is the result.
        this.#adoption = returnAwait(r.value) as Generator<unknown, T, unknown>;
        r = this.#adoption.next();
      }
      this.state = r.done ? 'CLOSED' : 'SUSPENDED';
      return r;
    } catch (err) {
      this.state = 'CLOSED';
      throw err;
    }
  }

  /**
   * Lets code outside the runtime `await` a coroutine: inside a running loop it becomes a task;
   * with no loop running it is run to completion on a new one, as run() would.
   */
  then<R1 = T, R2 = never>(
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return bridge(this).then(onFulfilled, onRejected);
  }

  catch<R = never>(onRejected?: ((reason: unknown) => R | PromiseLike<R>) | null): Promise<T | R> {
    return this.then(undefined, onRejected);
  }

  finally(onFinally?: (() => void) | null): Promise<T> {
    return bridge(this).finally(onFinally);
  }

  get [Symbol.toStringTag](): string {
    return 'Coroutine';
  }

  toString(): string {
    return `<coroutine object ${this.name} at ${formatSite(siteOf(this.defSite))}>`;
  }
}

/** An object with a `then` method: what `await` (and a returning async function) adopts. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

function* returnAwait(value: unknown): Generator<unknown, unknown, unknown> {
  return yield value;
}

/** The loader's per-call entry point: `function f() { return coro({ *f() {...} }.f, this, arguments, site) }` (see transform.ts). */
export function coro<T>(genFn: (...args: any[]) => Generator<unknown, T, unknown>, thisArg: unknown, args: ArrayLike<unknown> | undefined, defSite: number): Coroutine<T> {
  return new Coroutine(args ? genFn.apply(thisArg, args as unknown[]) : genFn.call(thisArg), defSite);
}

/** The loader's entry point for a coroutine function whose generator function is made once per scope (see transform.ts). */
export function coroOf<T>(gen: Generator<unknown, T, unknown>, defSite: number): Coroutine<T> {
  return new Coroutine(gen, defSite);
}

/**
 * Wraps a generator function as a coroutine function (the desugared form):
 * `const worker = coroutine(function* worker(n) { yield sleep(1); return n })`.
 */
export function coroutine<A extends unknown[], T>(genFn: (...args: A) => Generator<unknown, T, unknown>): (...args: A) => Coroutine<T> {
  const name = genFn.name || 'generator';
  const wrapped = function (this: unknown, ...args: A): Coroutine<T> {
    return new Coroutine(genFn.apply(this, args), -1, name);
  };
  Object.defineProperty(wrapped, 'name', { value: name });
  markCoroutineFunction(wrapped);
  return wrapped;
}

/**
 * The loader wraps each call whose result a statement discards: a coroutine that nobody will ever
 * await is reported at once, at that line, as Python's "coroutine ... was never awaited".
 */
export function discarded(value: unknown, siteId: number): void {
  if (value instanceof Coroutine && value.state === 'CREATED') {
    warn('RuntimeWarning', `coroutine '${value.name}' was never awaited (add 'await', or schedule it with createTask())`, formatSite(siteOf(siteId)));
    value.close();
  }
}

export function isCoroutine(value: unknown): value is Coroutine<unknown> {
  return value instanceof Coroutine;
}

export function isGenerator(value: unknown): value is Generator<unknown, unknown, unknown> {
  return typeof value === 'object' && value !== null && Object.prototype.toString.call(value) === '[object Generator]';
}

/** @internal Installed by the task module: how a coroutine becomes a promise for native await. */
export function setCoroutineBridge(fn: Bridge): void {
  bridge = fn;
}

/** Debug mode: capture where each coroutine is created and report GC'd ones never awaited. */
export function setCoroutineCreationTracking(on: boolean): void {
  debugCreation = on;
  if (on) debugEverOn = true;
}

export function coroutineCreationTracking(): boolean {
  return debugCreation;
}

/**
 * The first stack line outside the runtime, as `file:line:col`: where the coroutine was created.
 * A compiled `async function` is itself the first such frame (its body calls `coro()`), so with
 * `skipOwn` the line after it, its caller's, is the site.
 */
function callerFromStack(stack: string | undefined, skipOwn: boolean): string | undefined {
  if (!stack) return undefined;
  let skip = skipOwn;
  for (const line of stack.split('\n').slice(1)) {
    const m = /\(?([^\s()]+:\d+:\d+)\)?\s*$/.exec(line.trim());
    if (!m || isRuntimeFrame(m[1]!) || m[1]!.startsWith('node:')) continue;
    if (!skip) return m[1];
    skip = false;
  }
  return undefined;
}
