// Handles: a callback queued on the loop, and its timed variant. The loop runs them in run-once.

/** What the loop needs from itself to run a handle: where to report a callback's exception. */
export interface HandleOwner {
  callExceptionHandler(context: ExceptionContext): void;
}

/** The context passed to a loop's exception handler, as asyncio's `context` dict. */
export interface ExceptionContext {
  message: string;
  exception?: unknown;
  future?: unknown;
  task?: unknown;
  handle?: Handle;
  /** Where the future or task was created, when known (the source line of the creating call). */
  sourceTraceback?: string;
  [key: string]: unknown;
}

let nextHandleId = 1;

/** A callback with its arguments, queued on the ready queue. Invariant: runs at most once per queuing, never after cancel(). */
export class Handle {
  readonly id = nextHandleId++;
  #callback: ((...args: any[]) => unknown) | null;
  #args: readonly unknown[];
  #cancelled = false;
  #owner: HandleOwner;

  constructor(callback: (...args: any[]) => unknown, args: readonly unknown[], owner: HandleOwner) {
    this.#callback = callback;
    this.#args = args;
    this.#owner = owner;
  }

  cancel(): void {
    if (this.#cancelled) return;
    this.#cancelled = true;
    this.#callback = null; // drop references so a cancelled timer holds nothing alive
    this.#args = [];
  }

  cancelled(): boolean {
    return this.#cancelled;
  }

  /** The callback, for introspection and slow-callback warnings (null once cancelled). */
  get callback(): ((...args: any[]) => unknown) | null {
    return this.#callback;
  }

  get args(): readonly unknown[] {
    return this.#args;
  }

  /** Runs the callback; an exception goes to the owner's exception handler, never up the stack. */
  run(): void {
    const cb = this.#callback;
    if (cb === null) return;
    try {
      const args = this.#args;
      if (args.length === 0) cb();
      else if (args.length === 1) cb(args[0]);
      else cb(...args);
    } catch (exception) {
      this.#owner.callExceptionHandler({
        message: `Exception in callback ${describeCallback(cb, this.#args)}`,
        exception,
        handle: this,
      });
    }
  }

  toString(): string {
    const state = this.#cancelled ? ' cancelled' : '';
    return `<${this.constructor.name}${state} ${this.#callback ? describeCallback(this.#callback, this.#args) : ''}>`;
  }
}

/** TimerHandle's sequence (module-level: a class that names itself inside is renamed `_TimerHandle` by the bundler, and the debugger shows that name). */
let nextTimerSeq = 0;

/** A handle due at a point of loop time. Ordered by (when, seq): equal deadlines keep FIFO order. */
export class TimerHandle extends Handle {
  readonly seq = nextTimerSeq++;
  /** Set by the loop while the handle sits in its timer heap (for lazy removal accounting). */
  scheduled = false;

  constructor(
    readonly when: number,
    callback: (...args: any[]) => unknown,
    args: readonly unknown[],
    owner: HandleOwner & { timerCancelled(h: TimerHandle): void },
  ) {
    super(callback, args, owner);
    this.#owner = owner;
  }

  #owner: { timerCancelled(h: TimerHandle): void };

  override cancel(): void {
    if (!this.cancelled() && this.scheduled) this.#owner.timerCancelled(this);
    super.cancel();
  }

  override toString(): string {
    return super.toString().replace(/^<TimerHandle/, `<TimerHandle when=${this.when.toFixed(3)}`);
  }
}

/**
 * Gives a callback the phrase a person reads for it in the debugger (`Node's event loop (libuv
 * backend fd)`); its repr (`Handle <anonymous>()`) stays as asyncio's, one click deeper.
 */
export function withLabel<F extends (...args: any[]) => unknown>(callback: F, label: string): F & { label: string } {
  return Object.assign(callback, { label });
}

/** The phrase given by withLabel, if any. */
export function labelOf(callback: ((...args: any[]) => unknown) | null): string | undefined {
  const label = (callback as { label?: unknown } | null)?.label;
  return typeof label === 'string' ? label : undefined;
}

/** `name(args)`, or the callback's own description when it carries one (tasks' steps do). */
export function describeCallback(cb: (...args: any[]) => unknown, args: readonly unknown[]): string {
  const described = (cb as { description?: () => string }).description;
  if (typeof described === 'function') return described();
  const name = cb.name ? cb.name.replace(/^bound /, '') : '<anonymous>';
  return `${name}(${args.map((a) => shortRepr(a)).join(', ')})`;
}

export function shortRepr(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? value.slice(0, 37) + '...' : value);
  if (value === null || value === undefined || typeof value !== 'object') return String(value);
  const s = String(value);
  return s === '[object Object]' ? `<${value.constructor?.name ?? 'object'}>` : s;
}
