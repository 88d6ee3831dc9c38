// Who runs first when a future completes: its done callbacks and the tasks awaiting it are woken
// in the order they registered, all in the next iteration; a callback added while callbacks run
// still runs after them; awaiting a coroutine runs it inline (no iteration passes), awaiting a
// done future does not suspend, and a new task only starts on the next iteration.
import { createTask, currentTask, gather, getRunningLoop, run, sleep, type Future } from 'coroscope';

async function waiter(fut: Future<string>, name: string) {
  console.log(name, 'waits');
  const value = await fut;
  console.log(name, 'woke with', value);
}

async function inline(tag: string) {
  console.log('inline coroutine runs', tag);
  return tag;
}

async function main() {
  const loop = getRunningLoop();
  const fut = loop.createFuture<string>();
  fut.addDoneCallback(() => console.log('callback A'));
  const t1 = createTask(waiter(fut, 'task 1'));
  await sleep(0);
  fut.addDoneCallback(() => console.log('callback B'));
  const t2 = createTask(waiter(fut, 'task 2'));
  await sleep(0);

  function late(f: Future<string>) {
    console.log('callback C adds D');
    f.addDoneCallback(() => console.log('callback D (added while done)'));
  }

  fut.addDoneCallback(late);
  loop.callSoon(console.log, 'call_soon before the result');
  fut.setResult('v');
  loop.callSoon(console.log, 'call_soon after the result');
  console.log('result set');
  await gather(t1, t2);
  await sleep(0);

  console.log('before awaiting a coroutine');
  loop.callSoon(console.log, 'a callback queued before the inline await');
  console.log('got', await inline('x'), '- no iteration passed');
  await sleep(0);

  const done = loop.createFuture<string>();
  done.setResult('ready');
  loop.callSoon(console.log, 'a callback queued before awaiting a done future');
  console.log('got', await done, '- no iteration passed');
  await sleep(0);

  const t = createTask(inline('task'));
  console.log('task created; started?', t.done());
  await sleep(0);
  console.log('after one iteration: done?', t.done());

  loop.callSoon(() => console.log('current_task() in a callback is None:', currentTask() === null));
  await sleep(0);
}

run(main());
