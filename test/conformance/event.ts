// Event: wait() blocks until set(); set() wakes every waiter (in the order they waited) and later
// waits return at once; clear() makes wait() block again; wait() returns true.
import { CancelledError, Event, createTask, gather, getRunningLoop, run, sleep } from 'coroscope';

async function waiter(event: Event, name: string) {
  console.log(name, 'waits');
  const result = await event.wait();
  console.log(name, 'woke up with', result);
}

async function main() {
  const event = new Event();
  console.log('is_set:', event.isSet());
  const tasks = ['w1', 'w2', 'w3'].map((name) => createTask(waiter(event, name)));
  await sleep(0);
  console.log('setting the event');
  event.set();
  console.log('is_set:', event.isSet(), '- nobody has run yet');
  await gather(...tasks);
  await waiter(event, 'late');
  event.set();
  console.log('set() twice is fine');

  event.clear();
  console.log('after clear() is_set:', event.isSet());
  let t = createTask(waiter(event, 'again'));
  await sleep(0.01);
  console.log('still waiting:', !t.done());
  getRunningLoop().callLater(0.01, () => event.set());
  await t;

  event.clear();
  t = createTask(waiter(event, 'cancelled'));
  await sleep(0);
  t.cancel();
  try {
    await t;
  } catch (e) {
    if (!(e instanceof CancelledError)) throw e;
    console.log('a cancelled wait raises CancelledError');
  }
}

run(main());
