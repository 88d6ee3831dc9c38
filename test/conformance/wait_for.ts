// waitFor: the result when it completes in time; on timeout the inner awaitable is cancelled
// (and waited for) before TimeoutError is raised; cancelling the waiter cancels the inner
// task; timeout null waits forever.
import { CancelledError, TimeoutError, createTask, getRunningLoop, run, sleep, waitFor } from 'coroscope';
import { describe } from './_support';

async function work(name: string, delay: number) {
  try {
    await sleep(delay);
  } catch (e) {
    if (e instanceof CancelledError) console.log(name, 'cancelled inside');
    throw e;
  } finally {
    console.log(name, 'cleans up');
  }
  return name + ' result';
}

async function main() {
  console.log('in time:', await waitFor(work('quick', 0.01), 0.5));
  console.log('no timeout:', await waitFor(work('unbounded', 0.01), null));

  try {
    await waitFor(work('slow', 1), 0.02);
  } catch (e) {
    if (!(e instanceof TimeoutError)) throw e;
    console.log('timed out:', describe(e));
  }

  const t = createTask(work('task', 1));
  try {
    await waitFor(t, 0.02);
  } catch (e) {
    if (!(e instanceof TimeoutError)) throw e;
    console.log('timed out on a task; task cancelled:', t.cancelled());
  }

  const inner = createTask(work('inner', 1));

  async function waiter() {
    return await waitFor(inner, 0.5);
  }

  const w = createTask(waiter());
  await sleep(0.01);
  w.cancel();
  try {
    await w;
  } catch (e) {
    if (!(e instanceof CancelledError)) throw e;
    console.log('waiter cancelled; inner cancelled:', inner.cancelled());
  }

  const loop = getRunningLoop();
  const fut = loop.createFuture<string>();
  fut.setResult('done already');
  console.log('done future:', await waitFor(fut, 0.01));
}

run(main());
