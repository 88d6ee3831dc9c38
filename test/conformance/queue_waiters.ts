// Queue waiters: blocked getters are served in the order they waited, blocked putters too (with
// maxsize); a cancelled put() puts nothing and a cancelled get() takes nothing; putNowait() and
// getNowait() wake the next waiter on the other side.
import { Queue, createTask, gather, run, sleep } from 'coroscope';

async function getter(queue: Queue<string>, name: string) {
  const item = await queue.get();
  console.log(name, 'got', item);
}

async function putter(queue: Queue<string>, name: string, item: string) {
  await queue.put(item);
  console.log(name, 'put', item);
}

async function main() {
  let queue = new Queue<string>();
  const getters = [0, 1, 2].map((i) => createTask(getter(queue, 'g' + String(i))));
  await sleep(0);
  for (const item of ['x', 'y', 'z']) queue.putNowait(item);
  console.log('three items put; qsize', queue.qsize());
  await gather(...getters);

  queue = new Queue<string>(1);
  queue.putNowait('first');
  const putters = [0, 1, 2].map((i) => createTask(putter(queue, 'p' + String(i), 'item' + String(i))));
  await sleep(0);
  putters[1]!.cancel();
  for (let i = 0; i < 3; i++) {
    console.log('got', await queue.get(), '- full', queue.full());
    await sleep(0);
  }
  await gather(...putters, { returnExceptions: true });
  console.log('the cancelled putter put nothing; qsize', queue.qsize());

  queue = new Queue<string>();
  const g1 = createTask(getter(queue, 'cancelled getter'));
  const g2 = createTask(getter(queue, 'second getter'));
  await sleep(0);
  g1.cancel();
  queue.putNowait('only item');
  await gather(g1, g2, { returnExceptions: true });
  console.log('the item went to the second getter; qsize', queue.qsize());
}

run(main());
