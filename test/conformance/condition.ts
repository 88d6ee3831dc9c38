// Condition: wait() releases the lock and reacquires it before returning; notify(n) wakes the
// first n waiters in order, notifyAll() the rest; waitFor(predicate) waits until the
// predicate holds; notify() without holding the lock is a RuntimeError.
// `async with cond: body` is written `await cond.run(async () => { body })`.
import { Condition, RuntimeError, createTask, gather, run, sleep } from 'coroscope';
import { describe } from './_support';

async function waiter(cond: Condition, name: string) {
  await cond.run(async () => {
    console.log(name, 'waits');
    const result = await cond.wait();
    console.log(name, 'woke up with', result, 'holding the lock:', cond.locked());
  });
}

async function main() {
  const cond = new Condition();
  const tasks = ['w1', 'w2', 'w3', 'w4'].map((name) => createTask(waiter(cond, name)));
  await sleep(0);
  await cond.run(async () => {
    console.log('notify(1)');
    cond.notify(1);
    console.log('nobody runs while the notifier holds the lock');
  });
  await sleep(0.01);
  await cond.run(async () => {
    console.log('notify(2)');
    cond.notify(2);
  });
  await sleep(0.01);
  await cond.run(async () => {
    console.log('notify_all()');
    cond.notifyAll();
  });
  await gather(...tasks);

  const items: string[] = [];

  async function consumer() {
    await cond.run(async () => {
      const result = await cond.waitFor(() => items.length >= 2);
      console.log('consumer sees', items.length, 'items; wait_for returned', result);
    });
  }

  const t = createTask(consumer());
  for (const item of ['x', 'y']) {
    await sleep(0.01);
    await cond.run(async () => {
      items.push(item);
      console.log('produced', item);
      cond.notify();
    });
  }
  await t;

  try {
    cond.notify();
  } catch (e) {
    if (!(e instanceof RuntimeError)) throw e;
    console.log('notify without the lock:', describe(e));
  }
}

run(main());
