// A task's repr says 'cancelling' from cancel() until it is done; getStack() of a failed task gives
// the frames its exception unwound through (oldest first; limit keeps the oldest), of a task that
// returned or was cancelled none; of a suspended task, its frames (see the get-stack row).
import { CancelledError, createTask, run, sleep, wait, type AwaitFrame } from 'coroscope';

async function inner() {
  await sleep(5);
}

async function outer() {
  await inner();
}

async function failing() {
  await sleep(0);
  throw new RangeError('boom');
}

async function caller() {
  await failing();
}

function names(frames: readonly AwaitFrame[]): string {
  return frames.map((f) => f.coroutine.name).join(' ');
}

async function main() {
  const t = createTask(outer());
  await sleep(0);
  console.log('suspended stack:', names(t.getStack()));
  console.log('suspended stack, limit 1:', t.getStack({ limit: 1 }).length);
  console.log('before cancel:', String(t).split(' ')[1]);
  t.cancel();
  console.log('after cancel:', String(t).split(' ')[1]);
  await sleep(0);
  console.log('one step later:', String(t).split(' ')[1], 'done', t.done());
  try {
    await t;
  } catch (e) {
    if (!(e instanceof CancelledError)) throw e;
  }
  console.log('when done:', String(t).split(' ')[1], 'stack', t.getStack().length);

  const f = createTask(caller());
  // Awaiting f would raise its exception through main too (in CPython, adding main's frame).
  await wait([f]);
  f.exception();
  console.log('failed task stack:', names(f.getStack()));
  console.log('failed task stack, limit 1:', names(f.getStack({ limit: 1 })));
  console.log('failed task stack, limit 0:', f.getStack({ limit: 0 }).length);

  const ok = createTask(sleep(0));
  await ok;
  console.log('returned task stack:', ok.getStack().length);
}

run(main());
