// How timeouts, task groups, shield and outside cancellation compose: a timeout around a task
// group turns the group's cancellation into TimeoutError; a shielded task outlives the timeout
// around the shield; a timeout whose task is also cancelled by someone else lets CancelledError
// through (the cancel requests are counted); a coroutine that swallows the timeout's
// cancellation makes the block end normally.
import { CancelledError, TimeoutError, createTask, currentTask, getRunningLoop, run, shield, sleep, taskGroup, timeout } from 'coroscope';
import { describe } from './_support';

const cancelled: string[] = []; // a task group cancels its children in no defined order: printed sorted

async function child(name: string, delay: number) {
  try {
    await sleep(delay);
  } catch (e) {
    if (e instanceof CancelledError) cancelled.push(name);
    throw e;
  }
  console.log(name, 'done');
  return name;
}

async function main() {
  const loop = getRunningLoop();

  let cm = timeout(0.02);
  try {
    await cm.run(async () => {
      await taskGroup(async (tg) => {
        tg.createTask(child('g1', 1));
        tg.createTask(child('g2', 2));
      });
    });
  } catch (e) {
    if (!(e instanceof TimeoutError)) throw e;
    console.log('timeout around a task group:', describe(e), 'expired', cm.expired());
    console.log('cancelled:', [...cancelled].sort().join(' '));
  }

  const inner = createTask(child('shielded', 0.1));
  try {
    await timeout(0.02, async () => {
      await shield(inner);
    });
  } catch (e) {
    if (!(e instanceof TimeoutError)) throw e;
    console.log('the shield timed out; inner cancelled?', inner.cancelled());
  }
  console.log('inner finished anyway:', await inner);

  async function doublyCancelled() {
    await timeout(10, async (cm) => {
      currentTask()!.cancel();
      cm.reschedule(loop.time() - 1);
      try {
        await sleep(1);
      } finally {
        console.log('inside: expired', cm.expired(), 'cancelling()', currentTask()!.cancelling());
      }
    });
  }

  const t = createTask(doublyCancelled());
  try {
    await t;
  } catch (e) {
    if (e instanceof CancelledError) console.log('cancelled from outside too: CancelledError, not TimeoutError');
    else if (e instanceof TimeoutError) console.log('TimeoutError');
    else throw e;
  }

  cm = timeout(0.02);
  await cm.run(async () => {
    try {
      await sleep(1);
    } catch (e) {
      if (!(e instanceof CancelledError)) throw e;
      console.log('swallowing the cancellation inside the block');
    }
  });
  console.log('the block ended normally; expired', cm.expired(), 'cancelling()', currentTask()!.cancelling());

  async function counts() {
    const task = currentTask()!;
    console.log('cancelling() before:', task.cancelling());
    try {
      await timeout(0.01, async () => {
        await sleep(1);
      });
    } catch (e) {
      if (!(e instanceof TimeoutError)) throw e;
      console.log('cancelling() after the timeout:', task.cancelling());
    }
    task.cancel();
    try {
      await sleep(0);
    } catch (e) {
      if (!(e instanceof CancelledError)) throw e;
      console.log('cancelling() after an outside cancel:', task.cancelling(), 'uncancel() ->', task.uncancel());
    }
    return 'counted';
  }

  console.log(await createTask(counts()));
}

run(main());
