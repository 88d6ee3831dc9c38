// Awaits that do not suspend: acquiring a free Lock or Semaphore (or a Condition's lock), waiting
// on a set Event, putting into a non-full Queue and getting from a non-empty one. A callback
// queued just before such an await runs only at the next real suspension (the sleep(0) after).
// And a waiter woken by Event.set() returns true even if clear() came before it ran.
import { Condition, Event, Lock, Queue, Semaphore, createTask, getRunningLoop, run, sleep } from 'coroscope';

async function main() {
  const loop = getRunningLoop();

  async function check<T>(label: string, aw: PromiseLike<T>) {
    loop.callSoon(console.log, '  callback queued before', label);
    const result = await aw;
    console.log(label, 'did not suspend');
    await sleep(0);
    return result;
  }

  const lock = new Lock();
  await check('lock.acquire()', lock.acquire());
  lock.release();
  const sem = new Semaphore(1);
  await check('sem.acquire()', sem.acquire());
  sem.release();
  const event = new Event();
  event.set();
  await check('event.wait()', event.wait());
  const queue = new Queue<string>(1);
  await check('queue.put()', queue.put('item'));
  console.log('got', await check('queue.get()', queue.get()));
  const cond = new Condition();
  await check('cond.acquire()', cond.acquire());
  cond.release();

  event.clear();
  const waiters = [0, 1].map(() => createTask(event.wait()));
  await sleep(0);
  event.set();
  event.clear();
  const results = [await waiters[0]!, await waiters[1]!];
  console.log('set() then clear() at once: the woken waiters return', results[0], results[1]);
}

run(main());
