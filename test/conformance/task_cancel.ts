// Task cancellation: CancelledError is raised inside the coroutine at its await point (with the
// message given to cancel()); the task ends cancelled unless the coroutine suppresses it;
// cancelling() counts the requests and uncancel() takes one back; a task cancelled before its
// first step never runs its body; a task cancelling itself is cancelled at its next await.
import { CancelledError, createTask, currentTask, getRunningLoop, run, sleep, type Future } from 'coroscope';
import { describe } from './_support';

async function sleeper(name: string) {
  console.log(name, 'sleeping');
  try {
    await sleep(10);
  } catch (e) {
    if (e instanceof CancelledError) console.log(name, 'cancelled at its await:', describe(e));
    throw e;
  } finally {
    console.log(name, 'finally');
  }
}

async function stubborn() {
  try {
    await sleep(10);
  } catch (e) {
    if (!(e instanceof CancelledError)) throw e;
    console.log('stubborn suppresses the cancellation');
  }
  await sleep(0);
  return 'kept going';
}

async function resilient() {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await sleep(10);
    } catch (e) {
      if (!(e instanceof CancelledError)) throw e;
      console.log('resilient: cancelled on attempt', attempt, 'cancelling() =', currentTask()!.cancelling());
      currentTask()!.uncancel();
    }
  }
  return 'finished';
}

async function selfCancel() {
  currentTask()!.cancel('by myself');
  console.log('self_cancel: still running until the next await');
  try {
    await sleep(0);
  } catch (e) {
    if (e instanceof CancelledError) console.log('self_cancel: raised at the await:', describe(e));
    throw e;
  }
}

async function main() {
  let t = createTask(sleeper('t1'));
  await sleep(0);
  console.log('cancel() ->', t.cancel('shutting down'));
  console.log('cancelling() ->', t.cancelling());
  console.log('done right after cancel()?', t.done());
  try {
    await t;
  } catch (e) {
    if (!(e instanceof CancelledError)) throw e;
    console.log('awaiting t1 raised', describe(e));
  }
  console.log('t1 cancelled()?', t.cancelled());
  console.log('cancel() on a done task ->', t.cancel());
  try {
    t.result();
  } catch (e) {
    if (!(e instanceof CancelledError)) throw e;
    console.log('t1.result() raised', describe(e));
  }

  t = createTask(sleeper('t2'));
  t.cancel();
  t.cancel();
  console.log('cancelled twice before it ran; cancelling() ->', t.cancelling());
  try {
    await t;
  } catch (e) {
    if (!(e instanceof CancelledError)) throw e;
    console.log('t2 raised', describe(e), '(its body never ran)');
  }

  const s = createTask(stubborn());
  await sleep(0);
  s.cancel();
  console.log('stubborn returned', await s, 'cancelled()', s.cancelled(), 'cancelling()', s.cancelling());
  console.log('uncancel() ->', s.uncancel(), 'then', s.uncancel());

  const r = createTask(resilient());
  for (let i = 0; i < 3; i++) {
    await sleep(0);
    r.cancel();
  }
  console.log('resilient returned', await r);

  t = createTask(selfCancel());
  try {
    await t;
  } catch (e) {
    if (!(e instanceof CancelledError)) throw e;
    console.log('self_cancel task raised', describe(e));
  }

  const loop = getRunningLoop();
  const fut = loop.createFuture();

  async function waitsOn(f: Future<unknown>) {
    await f;
  }

  t = createTask(waitsOn(fut));
  await sleep(0);
  t.cancel();
  await sleep(0);
  console.log('the future a cancelled task awaited is cancelled too:', fut.cancelled());
  await sleep(0);
  console.log('task cancelled:', t.cancelled());

  const inner = createTask(sleeper('inner'));
  const outer = createTask(waitsOn(inner));
  await sleep(0);
  outer.cancel();
  try {
    await outer;
  } catch (e) {
    if (!(e instanceof CancelledError)) throw e;
    console.log('outer cancelled; inner cancelled too:', inner.cancelled());
  }
}

run(main());
