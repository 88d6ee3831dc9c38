import { Coroutine, isGenerator, isThenable } from './coroutine';
import { CancelledError, RuntimeError } from './errors';
import { Future, markRetrieved, type DoneCallback, type Waker } from './future';
import { Handle, type ExceptionContext } from './handles';
import { isRuntimeFrame } from './runtime-frames';
import { siteOf, takeAwaitSite, takeCreationSite, type Site } from './sites';
import type { EventLoop } from './event-loop';
import { getRunningLoop } from './running';

/** Re-exported where the combinators have always imported it from. */
export { isThenable };

export type TaskState = 'PENDING' | 'CANCELLED' | 'FINISHED';

/** One entry of a task's await chain: a coroutine and the await it is suspended at. */
export interface StackEntry {
  readonly coroutine: Coroutine<unknown>;
  /** The source site of the `await` it is suspended at, when the loader recorded one. */
  readonly site: Site | undefined;
}

/** Sentinel a coroutine yields to give up the CPU for exactly one loop iteration (sleep(0)). */
export const YIELD = Symbol('coroscope.yield');

/** Hooks for an attached debugger; null when none is attached, so they cost one check. */
export interface TaskHooks {
  spawned(task: Task<unknown>): void;
  resuming(task: Task<unknown>): void;
  suspended(task: Task<unknown>): void;
  exited(task: Task<unknown>): void;
  cancelRequested(task: Task<unknown>): void;
}
let hooks: TaskHooks | null = null;
export function setTaskHooks(next: TaskHooks | null): void {
  hooks = next;
}

/** Called when a task parks on a future (runtime/deadlock.ts checks the wait-for graph); null: none. */
export type ParkCheck = (task: Task<unknown>, awaited: Future<unknown>) => void;
let parkCheck: ParkCheck | null = null;
export function setParkCheck(next: ParkCheck | null): void {
  parkCheck = next;
}

let nextTaskNumber = 1;
/** The tasks whose cancel() is cancelling what they wait for right now (see cancel). */
const cancelling = new Set<Task<unknown>>();
/** Every task not yet done, per loop (asyncio keeps a WeakSet; ours drops them when done). */
const liveTasks = new WeakMap<EventLoop, Set<Task<unknown>>>();

/**
 * One frame of the await chain an exception unwound through: the coroutine by name only. The
 * exception keeps its frames alive, and a coroutine would keep its generator and its locals (the
 * task, perhaps), which a report of the exception must not keep alive (runtime/unretrieved.ts).
 */
export interface AwaitFrame {
  /** The coroutine's name, and its definition site (-1: the runtime's own, not the program's). */
  readonly coroutine: { readonly name: string; readonly defSite: number };
  readonly site: Site | undefined;
}

/** Error frames recorded while an exception unwinds a task's await chain (outermost first). */
const awaitChains = new WeakMap<object, AwaitFrame[]>();
/** The name of the task an exception ended (a name, not the task: the exception must not keep it alive). */
const raisedIn = new WeakMap<object, string>();

/** The name of the task that ended with this exception, if one did (the debugger's ExceptionGroup details). */
export function taskRaising(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null ? raisedIn.get(err) : undefined;
}

/**
 * A coroutine scheduled on the loop (asyncio.Task), with its whole await chain.
 *
 * Invariant (as CPython's tasks.py): either #waiter is null and #step is scheduled (or running),
 * or #waiter is a pending Future this task awaits and #step is not scheduled.
 * #stack holds the coroutine being awaited by the one below it; the task's own coroutine is #stack[0].
 */
export class Task<T = unknown> extends Future<T> implements Waker {
  readonly coro: Coroutine<T>;
  #name: string | undefined;
  readonly #number: number;
  #stack: Coroutine<unknown>[];
  #waiter: Future<unknown> | null = null;
  #mustCancel = false;
  #cancelMessage: string | undefined = undefined;
  #numCancelsRequested = 0;
  /** Where the task was created (debug mode), for reports and the debugger. */
  readonly createdAt: string | undefined;
  /** The id of the task that created this one, or the TaskGroup's task for a group member (the debugger's parent/children). */
  readonly parentId: number | null;
  /** The site id of the line that created it: the task-creating call the loader marked (see sites.ts), or -1. */
  readonly creationSite: number;
  /** The creating task while this one runs; dropped when this one is done (see `parent`). */
  #parent: Task<unknown> | null;
  #sendValue: unknown = undefined;
  /** The one handle that schedules #step; reused, since the step is never queued twice (the invariant). */
  #stepHandle: StepHandle;
  #wakeupFn: ((fut: Future<unknown>) => void) | null = null;
  /** The future whose completion the queued step handle delivers (null: a plain step). */
  #wakeWith: Future<unknown> | null = null;
  /** @internal The journal's record of this task (runtime/journal.ts); null unless journaling. */
  _journal: object | null = null;

  constructor(coro: Coroutine<T> | Generator<unknown, T, unknown>, options: { loop?: EventLoop; name?: string; parent?: Task<unknown> | null } = {}) {
    const loop = options.loop ?? getRunningLoop();
    super({ loop });
    // Taken first, so a refused coroutine does not leave the mark for the next task.
    const creationSite = takeCreationSite();
    if (!(coro instanceof Coroutine) && isGenerator(coro)) coro = new Coroutine(coro as Generator<unknown, T, unknown>);
    // The bare YIELD sentinel (what a hand-written generator yields for sleep(0)) as a task.
    if ((coro as unknown) === YIELD) coro = new Coroutine(yieldOnce() as Generator<unknown, T, unknown>, -1, 'sleep');
    // Stream reads and socket operations return futures where asyncio's return coroutines; a task
    // of one awaits it, so createTask(reader.read()) works as in Python.
    else if (coro instanceof Future) coro = new Coroutine(awaitOnce(coro as Future<T>), -1, 'await');
    if (!(coro instanceof Coroutine)) {
      throw new TypeError(`a coroutine was expected, got ${describeValue(coro)}`);
    }
    coro.claim();
    this.coro = coro;
    this.#stack = [coro];
    this.#number = nextTaskNumber++;
    this.#name = options.name;
    this.#parent = options.parent ?? loop._currentTask;
    this.parentId = this.#parent?.id ?? null;
    this.creationSite = creationSite;
    this.createdAt = loop.getDebug() ? captureCreation() : coro.createdAt;
    this.#stepHandle = new StepHandle(this, loop);
    loop._scheduleHandle(this.#stepHandle);
    let set = liveTasks.get(loop);
    if (!set) liveTasks.set(loop, (set = new Set()));
    set.add(this);
    hooks?.spawned(this);
  }

  /** The task that created this one, while this one is not done (parentId stays). */
  get parent(): Task<unknown> | null {
    return this.#parent;
  }

  getName(): string {
    return (this.#name ??= `Task-${this.#number}`);
  }

  setName(name: string): void {
    this.#name = String(name);
  }

  getCoro(): Coroutine<T> {
    return this.coro;
  }

  /**
   * The task's frames, outermost first (asyncio's Task.get_stack). While it is not done: its whole
   * await chain (CPython shows only the task's own coroutine frame; see the README's table), with
   * `limit` keeping the newest (innermost) entries. Once it failed: the frames its exception
   * unwound through, with `limit` keeping the oldest, as CPython walks a traceback (those frames
   * name their coroutine, without keeping it alive). Otherwise none.
   */
  getStack(options: { limit?: number | null } = {}): AwaitFrame[] {
    const limit = options.limit ?? null;
    if (limit !== null && (typeof limit !== 'number' || Number.isNaN(limit))) {
      throw new TypeError(`getStack(): limit must be a number or null, got ${describeValue(limit)}`);
    }
    if (!this.done()) {
      const entries = this._awaitChain();
      return limit === null ? entries : entries.slice(entries.length - Math.max(0, Math.min(limit, entries.length)));
    }
    const err = this._peekException();
    if (err === undefined) return [];
    const chain = awaitChainOf(err);
    return limit === null ? [...chain] : chain.slice(0, Math.max(0, limit));
  }

  /** @internal The live await chain, outermost first; empty once done (what the debugger shows). */
  _awaitChain(): StackEntry[] {
    if (this.done()) return [];
    return this.#stack.map((c) => ({ coroutine: c, site: siteOf(c.awaitSite) }));
  }

  /**
   * @internal The await the program's innermost coroutine is suspended at (a sites.ts id, -1 for
   * none): read while the runtime's code runs on this task's behalf, it says which line of the
   * program asked for it (where a Lock was taken).
   */
  _programAwaitSite(): number {
    const stack = this.#stack;
    for (let i = stack.length - 1; i >= 0; i--) if (stack[i]!.defSite >= 0) return stack[i]!.awaitSite;
    return -1;
  }

  /** @internal The await site id of the innermost coroutine with one (-1: none): for the journal. */
  _innermostSite(): number {
    for (let i = this.#stack.length - 1; i >= 0; i--) {
      const site = this.#stack[i]!.awaitSite;
      if (site >= 0) return site;
    }
    return -1;
  }

  /** The future this task is blocked on, or null if it is scheduled to run. */
  get waitingOn(): Future<unknown> | null {
    return this.#waiter;
  }

  /** Requests cancellation: CancelledError is raised inside the coroutine at its await point. */
  override cancel(msg?: string): boolean {
    markRetrieved(this);
    if (this.done()) return false;
    hooks?.cancelRequested(this);
    if (cancelling.has(this)) return this.#breakCircle(msg);
    this.#numCancelsRequested += 1;
    if (this.#waiter !== null) {
      cancelling.add(this);
      try {
        // The waiter's callback (#wakeup) will throw CancelledError into the coroutine.
        if (this.#waiter.cancel(msg)) return true;
      } finally {
        cancelling.delete(this);
      }
    }
    this.#mustCancel = true;
    this.#cancelMessage = msg;
    return true;
  }

  /**
   * Tasks awaiting each other in a circle: this task's cancel() went round it and came back. The
   * circle has no future to cancel, so it is broken here: this task stops awaiting and takes the
   * CancelledError at its next step, and the others follow as it ends (CPython recurses until
   * RecursionError; see the README's table).
   */
  #breakCircle(msg: string | undefined): boolean {
    this.#waiter!.removeDoneCallback(this as unknown as DoneCallback<unknown>);
    this.#waiter = null;
    this.#mustCancel = true;
    this.#cancelMessage = msg;
    this.getLoop()._scheduleHandle(this.#stepHandle);
    return true;
  }

  /** How many cancellation requests are outstanding (for TaskGroup and timeout). */
  cancelling(): number {
    return this.#numCancelsRequested;
  }

  uncancel(): number {
    if (this.#numCancelsRequested > 0) this.#numCancelsRequested -= 1;
    return this.#numCancelsRequested;
  }

  override setResult(_result: T): void {
    throw new RuntimeError('Task does not support setResult operation');
  }

  override setException(_exception: unknown): void {
    throw new RuntimeError('Task does not support setException operation');
  }

  /** One step: send the awaited value (or throw the error) into the innermost coroutine and go on until it must wait. */
  #step(error?: unknown, hasError = false): void {
    if (this.done()) throw new RuntimeError(`step(): already done: ${this.toString()}`);
    if (this.#mustCancel) {
      // As CPython: a CancelledError already on its way in is kept; otherwise one carrying cancel()'s message.
      if (!(hasError && error instanceof CancelledError)) error = new CancelledError(this.#cancelMessage);
      hasError = true;
      this.#mustCancel = false;
    }
    const loop = this.getLoop();
    let stack = this.#stack;
    let value = this.#sendValue;
    this.#sendValue = undefined;
    loop._currentTask = this;
    hooks?.resuming(this);
    try {
      for (;;) {
        const top = stack[stack.length - 1]!;
        const gen = top.gen;
        let r: IteratorResult<unknown, unknown>;
        top.state = 'RUNNING';
        try {
          r = hasError ? gen.throw(error) : gen.next(value);
        } catch (err) {
          // The coroutine raised: pop it and raise in the one that awaited it.
          top.state = 'CLOSED';
          // Thrown into it at its await: that await is where it raised. Raised by its own code: the
          // JS stack has the line, and its last await would mislead.
          recordAwaitFrame(err, top, hasError);
          stack.pop();
          if (stack.length === 0) return this.#finishWithError(err);
          error = err;
          hasError = true;
          continue;
        }
        if (r.done) {
          top.state = 'CLOSED';
          const returned = r.value;
          // `return inner()` in an async function resolves to inner's result, as TypeScript types
          // it: the returned awaitable runs in the returning coroutine's place (one typeof test for
          // a plain value; adoptReturned is out of line). Only the loader's coroutines (defSite >= 0)
          // adopt: a hand-written generator's return type says what it returns (Queue.get() of a
          // queue of futures returns a future).
          if (((typeof returned === 'object' && returned !== null) || typeof returned === 'function' || returned === YIELD) && top.defSite >= 0) {
            const adopted = adoptReturned(returned, top);
            if (adopted !== null) {
              if (adopted instanceof Coroutine) {
                stack[stack.length - 1] = adopted;
                value = undefined;
                continue;
              }
              error = adopted.error;
              stack.pop();
              if (stack.length === 0) return this.#finishWithError(error);
              hasError = true;
              continue;
            }
          }
          stack.pop();
          if (stack.length === 0) return this.#finishWithResult(r.value as T);
          value = r.value;
          error = undefined;
          hasError = false;
          continue;
        }
        top.state = 'SUSPENDED';
        top.awaitSite = takeAwaitSite();
        const awaited = r.value;
        hasError = false;
        error = undefined;
        value = undefined;

        if (awaited instanceof Coroutine) {
          // `await coro()`: the callee runs on this task's stack, as `yield from` would.
          try {
            awaited.claim();
          } catch (err) {
            error = err;
            hasError = true;
            continue;
          }
          if (awaited instanceof YieldOnce) {
            // sleep(0): the same one-iteration yield as its body would make, without running it.
            awaited.state = 'CLOSED';
            loop._scheduleHandle(this.#stepHandle);
            hooks?.suspended(this);
            return;
          }
          stack = this.#push(stack, awaited);
          continue;
        }
        if (awaited instanceof Future) {
          if (awaited === this) {
            error = new RuntimeError(`Task cannot await on itself: ${this.toString()}`);
            hasError = true;
            continue;
          }
          if (awaited.getLoop() !== loop) {
            error = new RuntimeError(`Task ${this.toString()} got Future ${awaited.toString()} attached to a different loop`);
            hasError = true;
            continue;
          }
          if (awaited.done()) {
            // A done future does not suspend the task (Future.__await__ returns at once).
            try {
              value = awaited.result();
            } catch (err) {
              error = err;
              hasError = true;
            }
            continue;
          }
          awaited._addWaker(this);
          this.#waiter = awaited;
          if (this.#mustCancel) {
            if (awaited.cancel(this.#cancelMessage)) this.#mustCancel = false;
          }
          if (parkCheck !== null) parkCheck(this, awaited);
          hooks?.suspended(this);
          return;
        }
        if (awaited === YIELD) {
          // sleep(0): give every other ready callback one turn, then continue.
          loop._scheduleHandle(this.#stepHandle);
          hooks?.suspended(this);
          return;
        }
        if (isThenable(awaited)) {
          const fut = loop._wrapThenable(awaited);
          if (fut.done()) {
            value = fut.result();
            continue;
          }
          fut._addWaker(this);
          this.#waiter = fut;
          if (this.#mustCancel && fut.cancel(this.#cancelMessage)) this.#mustCancel = false;
          hooks?.suspended(this);
          return;
        }
        if (isGenerator(awaited)) {
          // A hand-written generator coroutine (the desugared form) awaited directly.
          stack = this.#push(stack, new Coroutine(awaited as Generator<unknown, unknown, unknown>));
          stack[stack.length - 1]!.claim();
          continue;
        }
        const where = siteOf(top.awaitSite);
        error = new TypeError(
          `object ${describeValue(awaited)} can't be used in 'await' expression` +
            (where ? ` (at ${where.file}:${where.line}:${where.column}, in ${top.name})` : ` (in ${top.name})`),
        );
        hasError = true;
      }
    } finally {
      loop._currentTask = null;
    }
  }

  /**
   * Pushes onto the coroutine stack; returns the stack (a new array on the first push: an array of
   * exactly two, where push would grow the one-entry array to seventeen slots, ~120 bytes more
   * for every suspended task).
   */
  #push(stack: Coroutine<unknown>[], coro: Coroutine<unknown>): Coroutine<unknown>[] {
    if (stack.length !== 1) {
      stack.push(coro);
      return stack;
    }
    return (this.#stack = [stack[0]!, coro]);
  }

  /** @internal The awaited future completed: queue this task's step to resume with it. */
  _wake(fut: Future<unknown>): void {
    this.#wakeWith = fut;
    this.getLoop()._scheduleHandle(this.#stepHandle);
  }

  /** @internal The done-callback equivalent of _wake, for introspection of a future's callbacks. */
  _wakeupFunction(): (fut: Future<unknown>) => void {
    return (this.#wakeupFn ??= (fut) => this.#wakeup(fut));
  }

  /** @internal What the step handle runs: a wake-up with the future it waited on, or a plain step. */
  _runStep(): void {
    const fut = this.#wakeWith;
    if (fut === null) return this.#step();
    this.#wakeWith = null;
    this.#wakeup(fut);
  }

  #wakeup(fut: Future<unknown>): void {
    this.#waiter = null;
    try {
      this.#sendValue = fut.result();
    } catch (err) {
      return this.#step(err, true);
    }
    this.#step();
  }

  #finishWithResult(result: T): void {
    if (this.#mustCancel) {
      // Cancelled right before the coroutine returned.
      this.#mustCancel = false;
      super.cancel(this.#cancelMessage);
    } else {
      super.setResult(result);
    }
    this.#exit();
  }

  #finishWithError(err: unknown): void {
    if (err instanceof CancelledError) {
      // As CPython 3.12: the error is kept (and re-raised by result()), the message is not.
      this.setCancelledError(err);
      super.cancel();
    } else {
      super.setException(err);
      if (typeof err === 'object' && err !== null) raisedIn.set(err, this.getName());
    }
    this.#exit();
  }

  #exit(): void {
    liveTasks.get(this.getLoop())?.delete(this);
    hooks?.exited(this);
    // A task that keeps creating its successor and ending (a restart loop) would otherwise keep
    // every ancestor alive: a done task lets go of its parent, so a live one keeps at most one.
    this.#parent = null;
  }

  protected override exceptionContext(): ExceptionContext {
    const context = super.exceptionContext();
    context.message = `Task exception was never retrieved`;
    if (this.createdAt) context.sourceTraceback = this.createdAt;
    return context;
  }

  protected override reprInfo(): string[] {
    // CPython's order (base_tasks._task_repr_info): state, name, coro, wait_for, then the future's
    // result or exception and its callbacks.
    const info = super.reprInfo();
    // As CPython's repr: a cancel() was requested and the task has not finished unwinding yet.
    if (this.#numCancelsRequested > 0 && !this.done()) info[0] = 'cancelling';
    info.splice(1, 0, `name='${this.getName()}'`);
    const top = this.#stack[this.#stack.length - 1];
    let coro: string | null = null;
    if (!this.done() && top) {
      // Not started yet: where its function begins, as CPython shows a new coroutine's frame.
      const site = siteOf(top.awaitSite) ?? (top.state === 'SUSPENDED' && top.awaitSite < 0 ? siteOf(top.defSite) : undefined);
      coro = `coro=<${this.coro.name}() ${site ? `running at ${site.file}:${site.line}` : top.state.toLowerCase()}>`;
    } else if (this.done()) {
      const def = siteOf(this.coro.defSite);
      coro = `coro=<${this.coro.name}() done${def ? `, defined at ${def.file}:${def.line}` : ''}>`;
    }
    if (coro !== null) info.splice(2, 0, coro);
    if (this.#waiter) info.splice(coro !== null ? 3 : 2, 0, `wait_for=${this.#waiter.toString()}`);
    return info;
  }
}

const NO_ARGS: readonly unknown[] = Object.freeze([]);
/** The callback a step handle reports (never called: StepHandle.run steps its task directly). */
const STEP = [() => {}][0]!;

/**
 * A task's step on the ready queue, described by its task in reports. It calls the task itself,
 * not through a closure: a closure and its context would cost every task ~100 bytes.
 */
class StepHandle extends Handle {
  constructor(readonly task: Task<unknown>, loop: EventLoop) {
    super(STEP, NO_ARGS, loop);
  }
  override run(): void {
    if (this.cancelled()) return;
    try {
      this.task._runStep();
    } catch (exception) {
      this.task.getLoop().callExceptionHandler({ message: `Exception in callback ${this.toString()}`, exception, handle: this });
    }
  }
  override toString(): string {
    return `<Handle ${this.task.toString()}.step()>`;
  }
}

/**
 * What takes a returning coroutine's place on the stack when it returned an awaitable: the
 * returned coroutine itself (claimed here, as `await` would), or a coroutine named after the
 * returning one that awaits the future, thenable or sleep(0). Null: a plain value, delivered as is.
 * A coroutine that cannot be claimed (already awaited) gives the error `await` would have raised.
 */
function adoptReturned(value: unknown, from: Coroutine<unknown>): Coroutine<unknown> | { error: unknown } | null {
  if (value instanceof Coroutine) {
    try {
      value.claim();
    } catch (error) {
      return { error };
    }
    return value;
  }
  if (!(value instanceof Future) && value !== YIELD && !isThenable(value)) return null;
  // Site -1: the stand-in does not adopt again what the future gives (a future resolved to
  // itself would loop for ever).
  const adopted = new Coroutine(awaitOnce(value as PromiseLike<unknown>), -1, from.name);
  adopted.claim();
  return adopted;
}

function* awaitOnce<T>(fut: Future<T> | PromiseLike<T>): Generator<unknown, T, unknown> {
  return (yield fut) as T;
}

function* yieldOnce(): Generator<unknown, undefined, unknown> {
  yield YIELD;
  return undefined;
}

/**
 * The body of sleep(0) as a hand-written iterator: `yield YIELD; return undefined`, with the
 * generator protocol's next/throw/return. A generator object and its register file would cost
 * every `await sleep(0)` ~130 bytes and their setup, for a body a task never runs (see YieldOnce).
 */
class YieldOnceBody {
  /** 0: not started; 1: suspended at its yield; 2: done. */
  #state = 0;
  next(): IteratorResult<unknown, undefined> {
    if (this.#state === 0) {
      this.#state = 1;
      return { value: YIELD, done: false };
    }
    this.#state = 2;
    return { value: undefined, done: true };
  }
  throw(err: unknown): IteratorResult<unknown, undefined> {
    this.#state = 2;
    throw err;
  }
  return(value?: unknown): IteratorResult<unknown, undefined> {
    this.#state = 2;
    return { value: value as undefined, done: true };
  }
  [Symbol.iterator](): this {
    return this;
  }
  get [Symbol.toStringTag](): string {
    return 'Generator';
  }
}

/**
 * What sleep(0) returns: a coroutine like any other (a program can hold it, close() it, hand it
 * to createTask), which a task awaiting it recognizes and turns into one yield of the loop
 * without pushing it on its stack: the common `await sleep(0)` stays a bare task switch.
 */
export class YieldOnce extends Coroutine<undefined> {
  constructor() {
    super(new YieldOnceBody() as unknown as Generator<unknown, undefined, unknown>, -1, 'sleep');
  }
}

/** The task running now on the given (or running) loop, or null (asyncio.current_task). */
export function currentTask(loop?: EventLoop): Task<unknown> | null {
  return (loop ?? getRunningLoop())._currentTask;
}

/** The tasks of the loop that are not done yet (asyncio.all_tasks). */
export function allTasks(loop?: EventLoop): Set<Task<unknown>> {
  return new Set(liveTasks.get(loop ?? getRunningLoop()) ?? []);
}

/** The await chain an exception unwound through, outermost first, for tracebacks. */
export function awaitChainOf(err: unknown): readonly AwaitFrame[] {
  return (typeof err === 'object' && err !== null && awaitChains.get(err)) || [];
}

function recordAwaitFrame(err: unknown, coroutine: Coroutine<unknown>, atAwait: boolean): void {
  if (typeof err !== 'object' || err === null) return;
  let chain = awaitChains.get(err);
  if (!chain) awaitChains.set(err, (chain = []));
  chain.unshift({ coroutine: { name: coroutine.name, defSite: coroutine.defSite }, site: atAwait ? siteOf(coroutine.awaitSite) : undefined });
}

export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 30 ? value.slice(0, 27) + '...' : value)}`;
  if (typeof value !== 'object' && typeof value !== 'function') return `${typeof value} ${String(value)}`;
  if (typeof value === 'function') return `function ${(value as { name?: string }).name || '<anonymous>'}`;
  return `${(value as object).constructor?.name ?? 'Object'} ${Array.isArray(value) ? `(length ${value.length})` : ''}`.trim();
}

function captureCreation(): string | undefined {
  const holder: { stack?: string } = {};
  Error.captureStackTrace(holder, Task);
  return holder.stack?.split('\n').slice(1).map((l) => l.trim()).filter((l) => !isRuntimeFrame(l)).join('\n');
}
