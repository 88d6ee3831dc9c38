// A producer and two consumers over a bounded Queue: the producer blocks when the queue is full,
// consumers block when it is empty. Each step is printed so a debugging session can be followed.
import { run, sleep, createTask, Queue } from 'coroscope';

async function producer(queue: Queue<number>, count: number): Promise<void> {
  for (let item = 1; item <= count; item++) {
    await queue.put(item);
    console.log(`produced ${item}`);
    await sleep(0.01);
  }
}

async function consumer(name: string, queue: Queue<number>): Promise<void> {
  let total = 0;
  for (;;) {
    const item = await queue.get();
    total += item;
    console.log(`${name} got ${item} (total ${total})`);
    queue.taskDone();
  }
}

async function main(): Promise<void> {
  const queue = new Queue<number>(2);
  const consumers = [createTask(consumer('c1', queue), { name: 'c1' }), createTask(consumer('c2', queue), { name: 'c2' })];
  await producer(queue, 6);
  await queue.join();
  for (const c of consumers) c.cancel();
  console.log('all consumed');
}

run(main());
