// loop.time() and sleeping: concurrent sleeps overlap (three sleeps of 0.2, 0.4 and 0.6 s take
// 0.6 s, not 1.2 s); callAt fires at an absolute loop time; sleep(delay, result) returns result.
// Times are printed in ticks of 0.2 s (rounded), so that a loaded machine does not change them.
import { gather, getRunningLoop, run, sleep } from 'coroscope';

const TICK = 0.2;

function ticks(seconds: number): number {
  return Math.round(seconds / TICK);
}

async function nap(name: string, delay: number, t0: number) {
  const loop = getRunningLoop();
  const value = await sleep(delay, name);
  console.log(value, 'woke at tick', ticks(loop.time() - t0));
  return value;
}

async function main() {
  const loop = getRunningLoop();
  let t0 = loop.time();
  const results = await gather(nap('c', 3 * TICK, t0), nap('a', TICK, t0), nap('b', 2 * TICK, t0));
  console.log('results:', results.join(' '));
  console.log('all three took', ticks(loop.time() - t0), 'ticks');

  t0 = loop.time();
  const fired = loop.createFuture<number>();
  const handle = loop.callAt(t0 + TICK, () => fired.setResult(loop.time() - t0));
  console.log('call_at when - t0:', ticks(handle.when - t0), 'tick'); // `when` is a property here, a method in asyncio
  console.log('call_at fired after', ticks(await fired), 'tick');

  t0 = loop.time();
  const timer = loop.callLater(TICK, console.log, 'never printed');
  timer.cancel();
  await sleep(0);
  console.log('a cancelled timer does not delay anything:', ticks(loop.time() - t0), 'ticks');
}

run(main());
