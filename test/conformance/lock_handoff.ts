// Hand-off races of the primitives: a waiter that is woken (the lock or permit is handed to it)
// but cancelled before it runs must pass the lock on, not keep it or lose it; a Condition.wait()
// that is cancelled reacquires the lock before CancelledError leaves it.
import { CancelledError, Condition, Lock, Semaphore, createTask, gather, run, sleep } from 'coroscope';

async function take(primitive: Lock | Semaphore, name: string) {
  try {
    await primitive.acquire();
  } catch (e) {
    if (e instanceof CancelledError) console.log(name, 'cancelled while waiting');
    throw e;
  }
  console.log(name, 'acquired');
  await sleep(0);
  primitive.release();
  console.log(name, 'released');
}

async function handoff(primitive: Lock | Semaphore, label: string) {
  await primitive.acquire();
  const a = createTask(take(primitive, label + ' A'));
  const c = createTask(take(primitive, label + ' B'));
  await sleep(0);
  primitive.release();
  a.cancel();
  await gather(a, c, { returnExceptions: true });
  console.log(label, 'free at the end:', !primitive.locked());
}

async function main() {
  await handoff(new Lock(), 'lock');
  await handoff(new Semaphore(1), 'semaphore');

  const cond = new Condition();

  async function condWaiter() {
    await cond.run(async () => {
      try {
        await cond.wait();
      } catch (e) {
        if (e instanceof CancelledError) console.log('cancelled wait: holds the lock again:', cond.locked());
        throw e;
      }
    });
  }

  const t = createTask(condWaiter());
  await sleep(0);
  await cond.run(async () => {
    t.cancel();
    await sleep(0);
    console.log('the waiter needs the lock back first; done?', t.done());
  });
  try {
    await t;
  } catch (e) {
    if (!(e instanceof CancelledError)) throw e;
    console.log('waiter cancelled; lock free:', !cond.locked());
  }

  const lock = new Lock();
  await lock.acquire();
  const waiters = [0, 1, 2].map((i) => createTask(take(lock, 'w' + String(i))));
  await sleep(0);
  waiters[1]!.cancel();
  lock.release();
  await gather(...waiters, { returnExceptions: true });
  console.log('order kept around a cancelled waiter; free:', !lock.locked());
}

run(main());
