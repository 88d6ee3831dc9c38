// timeout / timeoutAt: the body is cancelled at the deadline and the cancellation turns into
// TimeoutError at the end of the block; expired() says whether it fired; reschedule() moves or
// removes the deadline; a deadline already past cancels at the first await; nested timeouts
// report the one that fired.
// `async with asyncio.timeout(d) as cm: body` is written `const cm = timeout(d); await cm.run(async () => { body })`.
import { CancelledError, RuntimeError, TimeoutError, currentTask, getRunningLoop, run, sleep, timeout, timeoutAt } from 'coroscope';
import { describe } from './_support';

async function main() {
  const loop = getRunningLoop();

  let cm = timeout(0.02);
  try {
    await cm.run(async () => {
      try {
        await sleep(1);
      } catch (e) {
        if (e instanceof CancelledError) console.log('the body sees CancelledError');
        throw e;
      }
    });
  } catch (e) {
    if (!(e instanceof TimeoutError)) throw e;
    console.log('outside the block:', describe(e), 'expired', cm.expired());
  }
  console.log('cancelling() after the timeout:', currentTask()!.cancelling());

  cm = timeout(0.5);
  await cm.run(async () => {
    await sleep(0.01);
  });
  console.log('finished in time; expired', cm.expired());

  cm = timeout(null);
  await cm.run(async () => {
    console.log('timeout(None): no deadline:', cm.when() === null);
    await sleep(0.01);
  });
  console.log('no deadline; expired', cm.expired());

  cm = timeout(null);
  try {
    await cm.run(async () => {
      cm.reschedule(loop.time() + 0.02);
      await sleep(1);
    });
  } catch (e) {
    if (!(e instanceof TimeoutError)) throw e;
    console.log('rescheduled from None: expired', cm.expired());
  }

  cm = timeout(0.02);
  await cm.run(async () => {
    cm.reschedule(null);
    await sleep(0.04);
  });
  console.log('deadline removed: expired', cm.expired());

  cm = timeout(0.02);
  await cm.run(async () => {
    cm.reschedule(loop.time() + 0.5);
    await sleep(0.04);
  });
  console.log('deadline pushed back: expired', cm.expired());

  cm = timeoutAt(loop.time() + 0.02);
  try {
    await cm.run(async () => {
      await sleep(1);
    });
  } catch (e) {
    if (!(e instanceof TimeoutError)) throw e;
    console.log('timeout_at fired: expired', cm.expired());
  }

  try {
    await timeout(-1, async () => {
      console.log('a past deadline: the body starts');
      await sleep(0);
      console.log('never printed');
    });
  } catch (e) {
    if (!(e instanceof TimeoutError)) throw e;
    console.log('a past deadline: TimeoutError at the first await');
  }

  let outer = timeout(0.02);
  let inner = timeout(null);
  try {
    await outer.run(async () => {
      inner = timeout(0.5);
      try {
        await inner.run(async () => {
          await sleep(1);
        });
      } catch (e) {
        if (!(e instanceof TimeoutError)) throw e;
        console.log('never printed: the inner timeout did not fire');
      }
    });
  } catch (e) {
    if (!(e instanceof TimeoutError)) throw e;
    console.log('nested: outer expired', outer.expired(), 'inner expired', inner.expired());
  }

  outer = timeout(0.5);
  try {
    await outer.run(async () => {
      inner = timeout(0.02);
      try {
        await inner.run(async () => {
          await sleep(1);
        });
      } catch (e) {
        if (!(e instanceof TimeoutError)) throw e;
        console.log('nested: inner expired', inner.expired(), 'outer expired', outer.expired());
      }
      await sleep(0.01);
    });
    console.log('the outer block finished normally');
  } catch (e) {
    if (!(e instanceof TimeoutError)) throw e;
    console.log('never printed');
  }

  cm = timeout(1);
  await cm.run(async () => {});
  try {
    cm.reschedule(null);
  } catch (e) {
    if (!(e instanceof RuntimeError)) throw e;
    console.log('reschedule() after leaving:', e.name);
  }
}

run(main());
