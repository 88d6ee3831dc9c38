// The end-to-end test's program: a producer feeding two consumers through a Queue, a ticker on a
// timer, and a watchdog waiting on an Event nobody sets. The test stops at the marked line.
import { CancelledError, createTask, run, sleep, Event, Queue } from 'coroscope';

async function tick(period: number): Promise<void> {
  let ticks = 0;
  while (true) {
    ticks += 1;
    await sleep(period);
  }
}

async function handle(item: number): Promise<number> {
  const doubled = item * 2;
  await sleep(30);
  return doubled;
}

async function consumer(queue: Queue<number>): Promise<void> {
  while (true) {
    const item = await queue.get();
    const result = await handle(item);
    console.log(`handled ${item} -> ${result}`);
    queue.taskDone();
  }
}

async function watchdog(alarm: Event): Promise<void> {
  const armedAt = Date.now();
  try {
    await alarm.wait();
  } catch (err) {
    // Cancelled with a message (the test's Cancel Task from the Tasks view): say so.
    if (err instanceof CancelledError && err.message) console.log(`watchdog cancelled: ${err.message}`);
    throw err;
  }
  console.log(`alarm after ${Date.now() - armedAt} ms`);
}

async function main(): Promise<void> {
  const queue = new Queue<number>();
  const alarm = new Event();
  createTask(tick(0.05), { name: 'ticker' });
  createTask(consumer(queue), { name: 'consumer-1' });
  createTask(consumer(queue), { name: 'consumer-2' });
  createTask(watchdog(alarm), { name: 'watchdog' });
  for (let i = 1; i <= 3; i++) {
    await queue.put(i * 10);
    await sleep(0.05);
  }
  const produced = 3;
  console.log(`produced ${produced} items`); // BREAKPOINT
  await sleep(0.05);
}

run(main());
