// Semaphore: at most `value` holders, the others wait first come first served; locked() says
// whether acquire() would block; a plain Semaphore may be released above its start value, a
// BoundedSemaphore may not; a negative start value is an error.
// `async with sem: body` is written `await sem.run(async () => { body })`.
import { BoundedSemaphore, Semaphore, ValueError, createTask, gather, run, sleep } from 'coroscope';
import { describe } from './_support';

async function worker(sem: Semaphore, name: string, delay: number) {
  await sem.run(async () => {
    console.log(name, 'in');
    await sleep(delay);
    console.log(name, 'out');
  });
}

async function main() {
  let sem = new Semaphore(2);
  console.log('locked:', sem.locked());
  const specs: [string, number][] = [['a', 0.02], ['b', 0.2], ['c', 0.01], ['d', 0.01]];
  const tasks = specs.map(([name, delay]) => createTask(worker(sem, name, delay)));
  await sleep(0);
  console.log('two inside; locked:', sem.locked());
  await gather(...tasks);
  console.log('locked at the end:', sem.locked());

  sem = new Semaphore(0);
  console.log('Semaphore(0) locked:', sem.locked());
  sem.release();
  sem.release();
  console.log('released twice above 0; acquire:', await sem.acquire(), await sem.acquire());

  const bounded = new BoundedSemaphore(1);
  await bounded.acquire();
  bounded.release();
  try {
    bounded.release();
  } catch (e) {
    if (!(e instanceof ValueError)) throw e;
    console.log('bounded released too often:', describe(e));
  }

  try {
    new Semaphore(-1);
  } catch (e) {
    if (!(e instanceof ValueError)) throw e;
    console.log('negative value:', describe(e));
  }

  sem = new Semaphore(1);
  await sem.acquire();
  const waiter = createTask(sem.acquire());
  const second = createTask(worker(sem, 'second', 0));
  await sleep(0);
  waiter.cancel();
  await sleep(0);
  sem.release();
  await second;
  console.log('a cancelled waiter does not take the permit:', waiter.cancelled());
}

run(main());
