// Driving a loop by hand: runUntilComplete gives the result (or raises the error) and leaves
// the loop usable; stop() ends runForever after the current iteration (callbacks already queued
// for it still run); runUntilComplete on a stopped-early future is an error; a closed loop
// refuses work; the loop's time does not go backwards.
// runUntilComplete and runForever return Promises (see run-promise), so the steps are chained.
import { EventLoop, RuntimeError, sleep, type Future } from 'coroscope';
import { describe } from './_support';

class Boom extends Error {
  override name = 'Boom';
}

async function compute(x: number) {
  await sleep(0);
  return x * 2;
}

async function explode(): Promise<never> {
  await sleep(0);
  throw new Boom('inside run_until_complete');
}

const loop = new EventLoop();
let t0 = 0;
let fut: Future<unknown>;
console.log('running before:', loop.isRunning(), 'closed:', loop.isClosed());
loop
  .runUntilComplete(compute(21))
  .then((value) => {
    console.log('run_until_complete ->', value);
    return loop.runUntilComplete(explode());
  })
  .catch((e: unknown) => {
    if (!(e instanceof Boom)) throw e;
    console.log('run_until_complete raised', describe(e));
  })
  .then(() => {
    t0 = loop.time();
    loop.callSoon(console.log, 'callback 1');
    loop.callSoon(() => loop.stop());
    loop.callSoon(console.log, 'callback 2, queued after stop(), same iteration');
    loop.callLater(0.05, console.log, 'a timer for later runs in the next run_forever');
    return loop.runForever();
  })
  .then(() => {
    console.log('run_forever returned; running:', loop.isRunning());
    loop.callLater(0.1, () => loop.stop());
    return loop.runForever();
  })
  .then(() => {
    console.log('time went forward:', loop.time() >= t0 + 0.1);
    fut = loop.createFuture();
    loop.callSoon(() => loop.stop());
    return loop.runUntilComplete(fut).catch((e: unknown) => {
      if (!(e instanceof RuntimeError)) throw e;
      console.log('stopped before the future completed:', e.name);
    });
  })
  .then(() => {
    fut.cancel();
    loop.close();
    loop.close();
    console.log('closed twice is fine; closed:', loop.isClosed());
    try {
      loop.callSoon(console.log, 'never');
    } catch (e) {
      if (!(e instanceof RuntimeError)) throw e;
      console.log('call_soon on a closed loop:', e.name);
    }
  });
