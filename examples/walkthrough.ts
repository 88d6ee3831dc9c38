// How does asyncio actually work? This program answers with coroscope's own machinery.
// Run it: `npm start` (or `node bin/coroscope.js run examples/walkthrough.ts`).
import { Coroutine, createTask, getRunningLoop, run, sleep, type Future } from 'coroscope';

// 1. An async function returns a coroutine object. Nothing has run yet.
async function greet(name: string): Promise<string> {
  console.log(`  greet(${name}): started`);
  const loop = getRunningLoop();
  const fut: Future<string> = loop.createFuture();
  loop.callLater(0.05, () => fut.setResult(`hello, ${name}`)); // a timer will complete the future
  const text = await fut; // suspends: the task yields `fut` to the loop and waits for its callback
  console.log(`  greet(${name}): resumed with "${text}"`);
  return text;
}

async function ticker(label: string, period: number, count: number): Promise<void> {
  for (let i = 1; i <= count; i++) {
    await sleep(period);
    const loop = getRunningLoop();
    console.log(`  ${label} tick ${i} at t=${(loop.time() - start).toFixed(2)} s (loop iteration ${loop.iteration})`);
  }
}

let start = 0;

async function main(): Promise<void> {
  const loop = getRunningLoop();
  start = loop.time();

  console.log('1. A coroutine object is a suspended computation driven by send():');
  const coro = greet('by hand') as unknown as Coroutine<string>;
  console.log(`   created ${coro} in state ${coro.state}`);
  const first = coro.send(undefined); // runs greet() up to its first await
  console.log(`   send(undefined) ran it to its first await; it yielded ${first.value} (state ${coro.state})`);
  coro.close();

  console.log('2. A Task drives a coroutine on the loop: each await hands a Future to the loop.');
  const task = createTask(greet('task'));
  console.log(`   ${task}`);
  console.log(`   ready queue now holds ${loop.readyHandles().length} callback(s): the task's first step`);
  const result = await task;
  console.log(`   the task finished with "${result}"`);

  console.log('3. Timers live in a heap; the loop sleeps in its selector until the earliest one is due.');
  const a = createTask(ticker('fast', 0.1, 3), { name: 'fast' });
  const b = createTask(ticker('slow', 0.25, 1), { name: 'slow' });
  await sleep(0);
  const timers = loop.scheduledTimers().map((h) => `${(h.when - loop.time()).toFixed(2)} s`);
  console.log(`   scheduled timers (due in): ${timers.join(', ')}; selector: ${loop.selector.kind}`);
  await a;
  await b;
  const stats = loop.lastIteration;
  console.log(`4. The last loop iteration: ${stats.fdsReady} fd(s) ready, ${stats.timersFired} timer(s) fired, ${stats.callbacksRun} callback(s) run.`);
  const w = loop.wakeups;
  // loop.iteration counts the iterations that have ended; this line runs inside one more.
  console.log(`   ${loop.iteration + 1} iterations in all, this one included: ${w.noWait} ran ready callbacks at once, ${w.byTimeout} slept until a timer, ${w.byFd} were woken by an fd. Done.`);
}

run(main());
