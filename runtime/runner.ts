import { Coroutine, isGenerator } from './coroutine';
import { RuntimeError } from './errors';
import { EventLoop, type EventLoopOptions } from './event-loop';
import { armSigintOneShot } from './host/interrupt';
import type { Future } from './future';
import { isModuleBody, peekRunningLoop, takeModuleLoop } from './running';
import { allTasks, describeValue, type Task } from './task';

export interface RunOptions extends EventLoopOptions {
  /** Makes the loop to run on (for tests: a loop with a fake clock and selector). */
  loopFactory?: () => EventLoop;
}

/**
 * Runs a coroutine on a new event loop and closes the loop (asyncio.run): when main finishes, the
 * tasks still running are cancelled and awaited, then the loop is closed.
 * Returns a promise because Node must get turns while our loop runs; its value is main's result.
 */
export async function run<T>(main: Coroutine<T> | PromiseLike<T> | Generator<unknown, T, unknown>, options: RunOptions = {}): Promise<T> {
  const running = peekRunningLoop();
  if (running !== null) {
    // `await run(main())` in a module body that awaits (module-main.ts): that body is the
    // program's main task already, on this loop; main runs as a task of it and is awaited.
    if (isModuleBody(running._currentTask) && (main instanceof Coroutine || isGenerator(main))) {
      return running._futureToPromise(running.createTask(main as Coroutine<T>));
    }
    if (main instanceof Coroutine) main.close();
    throw new RuntimeError('run() cannot be called from a running event loop', {
      hint: 'await the coroutine, or use createTask()',
    });
  }
  if (isGenerator(main)) main = new Coroutine(main as Generator<unknown, T, unknown>);
  if (!(main instanceof Coroutine)) throw new TypeError(`run(): a coroutine was expected, got ${describeValue(main)}`);
  const { loopFactory, ...loopOptions } = options;
  // A module's top-level await may have started the program's loop already: main joins it.
  const loop = loopFactory ? loopFactory() : (takeModuleLoop() ?? new EventLoop(loopOptions));
  return runMainTask(loop, main, undefined);
}

/**
 * @internal run()'s body, also the entry module's top-level await (module-main.ts): `main` as the
 * loop's main task (named `name`), then the tasks still running cancelled and the loop closed.
 */
export async function runMainTask<T>(loop: EventLoop, main: Coroutine<T>, name: string | undefined, created?: (task: Task<T>) => void): Promise<T> {
  const task = loop.createTask(main, name === undefined ? {} : { name });
  created?.(task);
  (loop as { mainTask?: Task<unknown> }).mainTask = task;
  const interrupt = installInterruptHandler(loop, task);
  try {
    return await loop.runUntilComplete(task);
  } finally {
    interrupt.uninstall();
    try {
      await cancelAllTasks(loop);
    } finally {
      loop.close();
    }
    if (interrupt.interrupted && task.cancelled()) throw new KeyboardInterrupt();
  }
}

/** Raised by run() when Ctrl-C (SIGINT) cancelled the main task, as asyncio.run raises KeyboardInterrupt. */
export class KeyboardInterrupt extends Error {
  override name = 'KeyboardInterrupt';
  constructor() {
    super('interrupted (Ctrl-C): the main task was cancelled');
  }
}

/**
 * Ctrl-C cancels the main task once; a second Ctrl-C before run() returns ends the process (as
 * asyncio.run). On Linux the kernel ends it (killed by SIGINT, see host/interrupt.ts), so that works
 * even while a task spins in synchronous code; elsewhere the listener exits with code 130, which
 * needs the loop to come back to Node.
 */
function installInterruptHandler(loop: EventLoop, main: Future<unknown>): { uninstall(): void; interrupted: boolean } {
  const state = { interrupted: false, uninstall: () => {} };
  if (process.env.COROSCOPE_NO_SIGINT) return state;
  function onSigint(): void {
    if (state.interrupted || main.done()) {
      process.exit(130);
    }
    state.interrupted = true;
    loop.callSoonThreadsafe(() => main.cancel());
  }
  process.on('SIGINT', onSigint);
  // After process.on: that is what installs libuv's C handler, the one made one-shot.
  const oneShot = armSigintOneShot();
  state.uninstall = () => {
    process.removeListener('SIGINT', onSigint);
    oneShot?.restore();
  };
  return state;
}

async function cancelAllTasks(loop: EventLoop): Promise<void> {
  const tasks = [...allTasks(loop)];
  if (tasks.length === 0) return;
  for (const t of tasks) t.cancel();
  const all = loop.createFuture<void>();
  let remaining = tasks.length;
  for (const t of tasks) {
    t.addDoneCallback(() => {
      remaining -= 1;
      if (remaining === 0 && !all.done()) all.setResult();
    });
  }
  await loop.runUntilComplete(all);
  for (const t of tasks) {
    if (t.cancelled()) continue;
    const exception = t.exception();
    if (exception !== null) {
      loop.callExceptionHandler({ message: 'unhandled exception during run() shutdown', exception, task: t });
    }
  }
}
