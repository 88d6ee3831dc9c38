// Lock: one holder at a time, waiters served first come first served (a task that releases and
// asks again queues behind the waiters); a waiter cancelled in the queue is skipped; releasing
// an unlocked lock is a RuntimeError.
// `async with lock: body` is written `await lock.run(async () => { body })`.
import { Lock, RuntimeError, createTask, gather, run, sleep } from 'coroscope';
import { describe } from './_support';

async function user(lock: Lock, name: string, rounds: number) {
  for (let i = 0; i < rounds; i++) {
    await lock.run(async () => {
      console.log(name, 'holds the lock, round', i);
      await sleep(0);
    });
    console.log(name, 'released');
  }
}

async function main() {
  const lock = new Lock();
  console.log('locked at start:', lock.locked());
  const tasks = ['a', 'b', 'c'].map((name) => createTask(user(lock, name, 2)));
  await gather(...tasks);
  console.log('locked at the end:', lock.locked());

  await lock.acquire();
  console.log('acquire() returns when held; locked:', lock.locked());
  const waiter = createTask(lock.acquire());
  const nxt = createTask(user(lock, 'next', 1));
  await sleep(0);
  waiter.cancel();
  await sleep(0);
  lock.release();
  await nxt;
  console.log('the cancelled waiter was skipped:', waiter.cancelled());

  try {
    lock.release();
  } catch (e) {
    if (!(e instanceof RuntimeError)) throw e;
    console.log('release unlocked:', describe(e));
  }
}

run(main());
