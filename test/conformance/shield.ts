// shield: cancelling the task that awaits shield(x) cancels only the waiting, not x, which runs
// on and can be awaited later; if x itself is cancelled or fails, the waiter sees that.
import { CancelledError, createTask, run, shield, sleep } from 'coroscope';
import { describe } from './_support';

class Boom extends Error {
  override name = 'Boom';
}

async function inner(delay: number, fail = false) {
  await sleep(delay);
  if (fail) throw new Boom('inner failed');
  console.log('inner finished');
  return 'inner result';
}

async function main() {
  const innerTask = createTask(inner(0.1));

  async function guarded() {
    try {
      return await shield(innerTask);
    } catch (e) {
      if (e instanceof CancelledError) console.log('guarded: cancelled while the inner task runs on');
      throw e;
    }
  }

  const g = createTask(guarded());
  await sleep(0.01);
  g.cancel();
  try {
    await g;
  } catch (e) {
    if (!(e instanceof CancelledError)) throw e;
    console.log('guarded task cancelled:', g.cancelled());
  }
  console.log('inner cancelled?', innerTask.cancelled(), 'done?', innerTask.done());
  console.log('awaited later:', await innerTask);

  console.log('shield of a coroutine:', await shield(inner(0.01)));

  try {
    await shield(inner(0.01, true));
  } catch (e) {
    if (!(e instanceof Boom)) throw e;
    console.log('shield passes the error:', describe(e));
  }

  const victim = createTask(inner(1));
  const shielded = shield(victim);
  await sleep(0);
  victim.cancel();
  try {
    await shielded;
  } catch (e) {
    if (!(e instanceof CancelledError)) throw e;
    console.log('the inner task was cancelled, so is the shield:', shielded.cancelled());
  }
}

run(main());
