// PriorityQueue gives the smallest item first (numbers, strings and arrays compare as Python's
// numbers, strings and tuples), LifoQueue the newest; both keep the Queue interface (maxsize,
// QueueFull, join/taskDone) and wake waiting getters.
import { LifoQueue, PriorityQueue, QueueFull, createTask, run, sleep, type Queue } from 'coroscope';
import { describe } from './_support';

async function main() {
  let pq = new PriorityQueue<number>();
  for (const item of [5, 1, 4, 2, 3]) pq.putNowait(item);
  console.log('priority order:', Array.from({ length: 5 }, () => String(pq.getNowait())).join(' '));

  const tuples = new PriorityQueue<[number, string]>();
  for (const item of [[2, 'write'], [1, 'read'], [3, 'close'], [1, 'open']] as [number, string][]) tuples.putNowait(item);
  console.log('tuples by priority then name:', Array.from({ length: 4 }, () => tuples.getNowait()[1]).join(', '));

  let lq = new LifoQueue<string>(3);
  for (const item of ['a', 'b', 'c']) await lq.put(item);
  try {
    lq.putNowait('d');
  } catch (e) {
    if (!(e instanceof QueueFull)) throw e;
    console.log('LifoQueue full:', describe(e));
  }
  console.log('lifo order:', lq.getNowait(), lq.getNowait(), lq.getNowait());

  async function getter<T>(queue: Queue<T>, name: string) {
    console.log(name, 'got', await queue.get());
    queue.taskDone();
  }

  pq = new PriorityQueue<number>();
  let g = createTask(getter(pq, 'priority getter'));
  await sleep(0);
  console.log('putting into the priority queue');
  pq.putNowait(7);
  await pq.join();
  console.log('priority queue joined');
  await g;

  lq = new LifoQueue<string>();
  g = createTask(getter(lq, 'lifo getter'));
  await sleep(0);
  console.log('putting into the lifo queue');
  await lq.put('z');
  await lq.join();
  console.log('lifo queue joined');
  await g;
}

run(main());
