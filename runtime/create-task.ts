import type { Coroutine } from './coroutine';
import { getRunningLoop } from './running';
import type { Task } from './task';

/** Schedules a coroutine as a task on the running loop (asyncio.create_task). */
export function createTask<T>(coro: Coroutine<T> | PromiseLike<T> | Generator<unknown, T, unknown>, options: { name?: string } = {}): Task<T> {
  return getRunningLoop().createTask(coro, options);
}
