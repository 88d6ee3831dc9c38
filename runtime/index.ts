// The public API of the coroscope runtime: what `import ... from 'coroscope'` gives a program.
// Names follow asyncio in camelCase; times are in seconds.
import { setCoroutineBridge } from './coroutine';
import { peekRunningLoop } from './running';
import { run } from './runner';

export { run, KeyboardInterrupt, type RunOptions } from './runner';
export { sleep } from './sleep';
export { Future, isFuture, type FutureState, type WaitReason } from './future';
export { Task, currentTask, allTasks, YIELD, type StackEntry } from './task';
export { Coroutine, coroutine, isCoroutine } from './coroutine';
export { EventLoop, type EventLoopOptions, type ExceptionHandler, type IterationStats } from './event-loop';
export { getRunningLoop } from './running';
export { Handle, TimerHandle, type ExceptionContext } from './handles';
export { MonotonicClock, FakeClock, type Clock } from './clock';
export { FakeSelector } from './fake-selector';
export { EVENT_READ, EVENT_WRITE, type Selector, type SelectorKey, type SelectorEvent } from './selector';
export {
  CancelledError,
  InvalidStateError,
  TimeoutError,
  RuntimeError,
  ExceptionGroup,
  QueueEmpty,
  QueueFull,
  IncompleteReadError,
  LimitOverrunError,
} from './errors';
export { formatException } from './traceback';
export { createTask } from './create-task';

// A coroutine is also a thenable: native code can `await` one. Inside a running loop it becomes a
// task there; with no loop running, it runs to completion on a new loop.
setCoroutineBridge((coro) => {
  const loop = peekRunningLoop();
  if (loop !== null) return loop._futureToPromise(loop.createTask(coro));
  return run(coro);
});
