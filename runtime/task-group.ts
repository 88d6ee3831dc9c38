// TaskGroup: structured concurrency (asyncio.TaskGroup, CPython 3.12 taskgroups.py semantics).
//
// `async with asyncio.TaskGroup() as tg: ...` is written, in TypeScript, as one of (see scoped.ts):
//   await taskGroup(async (tg) => { tg.createTask(a()); tg.createTask(b()); })
//   const tg = new TaskGroup(); await tg.enter();
//   try { ... } catch (err) { await tg.exit(err); throw err; }
//   await tg.exit();
// exit() waits for every child. The first child that fails cancels its siblings and the parent
// task (which the group uncancels in exit()); exit() then raises an ExceptionGroup of the failures.
// No `await using`: [Symbol.asyncDispose]() is not told whether the block threw, and a group must
// abort its children when it did.
import { Coroutine } from './coroutine';
import { CancelledError, ExceptionGroup, RuntimeError } from './errors';
import type { EventLoop } from './event-loop';
import type { Future } from './future';
import { KeyboardInterrupt } from './runner';
import { getRunningLoop } from './running';
import { runScoped, type Scoped, type ScopedBody } from './scoped';
import { currentTask, type Task } from './task';

/**
 * A set of child tasks that a parent task waits for as a unit.
 * Invariant: #tasks holds exactly the children not yet done; once #aborting is set every one of
 * them has been cancelled and no new child is accepted; #parentCancelRequested is set at most once,
 * and then exit() calls parent.uncancel() exactly once.
 */
export class TaskGroup implements Scoped<TaskGroup> {
  #entered = false;
  #exiting = false;
  #aborting = false;
  #loop: EventLoop | null = null;
  #parentTask: Task<unknown> | null = null;
  #parentCancelRequested = false;
  #tasks = new Set<Task<unknown>>();
  #errors: unknown[] = [];
  #baseError: unknown = null;
  #onCompletedFut: Future<boolean> | null = null;
  readonly #onTaskDoneFn = (task: Future<unknown>): void => this.#onTaskDone(task as Task<unknown>);

  /** __aenter__: binds the group to the current task. */
  enter(): Coroutine<TaskGroup> {
    return new Coroutine(this.#enter(), -1, 'TaskGroup.enter');
  }

  /** __aexit__: exit() when the block completed, exit(err) when it threw err; waits for all children. */
  exit(...thrown: [error?: unknown]): Coroutine<void> {
    return new Coroutine(this.#exit(thrown.length > 0, thrown[0]), -1, 'TaskGroup.exit');
  }

  /** `async with this as tg: return await body(tg)`. */
  run<R>(body: ScopedBody<TaskGroup, R>): Coroutine<R> {
    return runScoped(this, body, 'TaskGroup.run');
  }

  /** Starts a child task in this group (asyncio's TaskGroup.create_task). */
  createTask<T>(coro: Coroutine<T> | PromiseLike<T> | Generator<unknown, T, unknown>, options: { name?: string } = {}): Task<T> {
    const close = () => {
      if (coro instanceof Coroutine && coro.state === 'CREATED') coro.close();
    };
    if (!this.#entered) {
      close();
      throw new RuntimeError(`TaskGroup ${this.toString()} has not been entered`);
    }
    if (this.#exiting && this.#tasks.size === 0) {
      close();
      throw new RuntimeError(`TaskGroup ${this.toString()} is finished`);
    }
    if (this.#aborting) {
      close();
      throw new RuntimeError(`TaskGroup ${this.toString()} is shutting down`);
    }
    // The group's task is a member's parent, whichever task adds it (a member may add a sibling).
    const task = this.#loop!.createTask(coro, { name: options.name, parent: this.#parentTask });
    // Always through the done callback, even for a task done already (as CPython 3.12.9+, gh-128550):
    // a child failing at once must not cancel the parent before it reaches its next await.
    this.#tasks.add(task);
    task.addDoneCallback(this.#onTaskDoneFn);
    return task;
  }

  /** The children not done yet (for introspection). */
  get tasks(): ReadonlySet<Task<unknown>> {
    return this.#tasks;
  }

  *#enter(): Generator<unknown, TaskGroup, unknown> {
    if (this.#entered) throw new RuntimeError(`TaskGroup ${this.toString()} has already been entered`);
    if (this.#loop === null) this.#loop = getRunningLoop();
    this.#parentTask = currentTask(this.#loop);
    if (this.#parentTask === null) throw new RuntimeError(`TaskGroup ${this.toString()} cannot determine the parent task`);
    this.#entered = true;
    return this;
  }

  *#exit(hasError: boolean, error: unknown): Generator<unknown, void, unknown> {
    this.#exiting = true;
    if (hasError && isBaseError(error) && this.#baseError === null) this.#baseError = error;

    let propagateCancellationError: unknown = hasError && error instanceof CancelledError ? error : null;
    // As CPython 3.12 (3.13 moved this after the wait below, gh-116720): a child failing after the
    // block finished cancels the parent here too, and that request is not taken back.
    if (this.#parentCancelRequested) {
      // The group cancelled its parent: that request is ours to take back.
      if (this.#parentTask!.uncancel() === 0) propagateCancellationError = null;
    }
    if (hasError && !this.#aborting) {
      // The parent is being cancelled, or the block itself raised: stop the children.
      this.#abort();
    }

    // A loop: the parent may be cancelled again (or repeatedly) while it waits for the children.
    while (this.#tasks.size > 0) {
      if (this.#onCompletedFut === null) this.#onCompletedFut = this.#loop!.createFuture<boolean>();
      try {
        yield this.#onCompletedFut;
      } catch (ex) {
        if (!(ex instanceof CancelledError)) throw ex;
        if (!this.#aborting) {
          // The parent was cancelled while its block had already finished: pass it on.
          propagateCancellationError = ex;
          this.#abort();
        }
      }
      this.#onCompletedFut = null;
    }

    if (this.#baseError !== null) throw this.#baseError;
    // A CancelledError is propagated unless children failed: those have priority.
    if (propagateCancellationError !== null && this.#errors.length === 0) throw propagateCancellationError;
    if (hasError && !(error instanceof CancelledError)) this.#errors.push(error);
    if (this.#errors.length > 0) {
      const errors = this.#errors;
      this.#errors = [];
      throw new ExceptionGroup('unhandled errors in a TaskGroup', errors);
    }
  }

  #abort(): void {
    this.#aborting = true;
    for (const t of this.#tasks) {
      if (!t.done()) t.cancel();
    }
  }

  #onTaskDone(task: Task<unknown>): void {
    this.#tasks.delete(task);
    if (this.#onCompletedFut !== null && this.#tasks.size === 0 && !this.#onCompletedFut.done()) {
      this.#onCompletedFut.setResult(true);
    }
    if (task.cancelled()) return;
    const exc = task.exception();
    if (exc === null) return;

    this.#errors.push(exc);
    if (isBaseError(exc) && this.#baseError === null) this.#baseError = exc;

    const parent = this.#parentTask!;
    if (parent.done()) {
      this.#loop!.callExceptionHandler({
        message: `Task ${task.toString()} has errored out but its parent task ${parent.toString()} is already completed`,
        exception: exc,
        task,
      });
      return;
    }
    if (!this.#aborting && !this.#parentCancelRequested) {
      // Cancel whatever the parent is awaiting inside the block; exit() uncancels it, so code
      // after the block (catching the ExceptionGroup) runs normally.
      this.#abort();
      this.#parentCancelRequested = true;
      parent.cancel();
    }
  }

  /** `<TaskGroup tasks=2 entered>`, as asyncio's repr. */
  toString(): string {
    const info = [''];
    if (this.#tasks.size > 0) info.push(`tasks=${this.#tasks.size}`);
    if (this.#errors.length > 0) info.push(`errors=${this.#errors.length}`);
    if (this.#aborting) info.push('cancelling');
    else if (this.#entered) info.push('entered');
    return `<TaskGroup${info.join(' ')}>`;
  }
}

/** Runs body with a new TaskGroup and waits for all its children: `async with TaskGroup() as tg`. */
export function taskGroup<R>(body: ScopedBody<TaskGroup, R>): Coroutine<R> {
  return new TaskGroup().run(body);
}

/** KeyboardInterrupt (and SystemExit in Python) are not ordinary failures: they are re-raised as is. */
function isBaseError(err: unknown): boolean {
  return err instanceof KeyboardInterrupt;
}
