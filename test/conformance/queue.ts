// Queue: FIFO; with maxsize, put() waits while the queue is full (backpressure); getNowait()
// on an empty queue raises QueueEmpty and putNowait() on a full one QueueFull; join() waits
// until taskDone() was called for every item put; a cancelled get() loses no item.
import { Queue, QueueEmpty, QueueFull, ValueError, createTask, gather, run, sleep } from 'coroscope';
import { describe } from './_support';

async function producer(queue: Queue<number>, count: number) {
  for (let i = 0; i < count; i++) {
    await queue.put(i);
    console.log('put', i, 'qsize', queue.qsize());
  }
  console.log('producer done');
}

async function consumer(queue: Queue<number>, count: number) {
  for (let i = 0; i < count; i++) {
    await sleep(0.01);
    const item = await queue.get();
    console.log('got', item);
  }
}

async function worker(queue: Queue<number>, name: string) {
  for (;;) {
    const item = await queue.get();
    await sleep(item / 20);
    console.log(name, 'handled', item);
    queue.taskDone();
  }
}

async function main() {
  const queue = new Queue<string>();
  console.log('empty', queue.empty(), 'full', queue.full(), 'maxsize', queue.maxsize);
  for (const item of ['x', 'y', 'z']) queue.putNowait(item);
  console.log('FIFO:', queue.getNowait(), queue.getNowait(), await queue.get());
  try {
    queue.getNowait();
  } catch (e) {
    if (!(e instanceof QueueEmpty)) throw e;
    console.log('get_nowait on empty:', describe(e));
  }

  const bounded = new Queue<number>(2);
  await gather(producer(bounded, 5), consumer(bounded, 5));

  const small = new Queue<string>(2);
  small.putNowait('a');
  small.putNowait('b');
  console.log('full', small.full());
  try {
    small.putNowait('c');
  } catch (e) {
    if (!(e instanceof QueueFull)) throw e;
    console.log('put_nowait on full:', describe(e));
  }
  small.getNowait();
  small.getNowait();

  const work = new Queue<number>();
  for (const item of [4, 1, 2]) work.putNowait(item);
  const workers = ['w1', 'w2'].map((name) => createTask(worker(work, name)));
  await work.join();
  console.log('join returned: every item is done');
  for (const w of workers) w.cancel();
  await gather(...workers, { returnExceptions: true });
  try {
    work.taskDone();
  } catch (e) {
    if (!(e instanceof ValueError)) throw e;
    console.log('task_done too often:', describe(e));
  }

  const q = new Queue<string>();
  const getter = createTask(q.get());
  await sleep(0);
  getter.cancel();
  await sleep(0);
  q.putNowait('kept');
  console.log('after a cancelled get(): qsize', q.qsize(), 'item', await q.get());
}

run(main());
