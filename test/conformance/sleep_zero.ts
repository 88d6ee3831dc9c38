// sleep(0) yields for exactly one loop iteration: every callback and task step that was ready
// runs once before the caller continues. Tasks start in creation order, after the callbacks
// scheduled before them.
import { createTask, getRunningLoop, run, sleep } from 'coroscope';

async function worker(name: string, steps: number) {
  for (let i = 0; i < steps; i++) {
    console.log(name, 'step', i);
    await sleep(0);
  }
  console.log(name, 'done');
  return name;
}

async function nested() {
  console.log('nested before sleep(0)');
  const value = await sleep(0, 'result of sleep');
  console.log('nested got', value);
  return value;
}

async function main() {
  const loop = getRunningLoop();
  loop.callSoon(console.log, 'callback scheduled before the tasks');
  const a = createTask(worker('a', 3));
  const b = createTask(worker('b', 2));
  loop.callSoon(console.log, 'callback scheduled after the tasks');
  console.log('main before sleep(0)');
  await sleep(0);
  console.log('main after one sleep(0)');
  await nested();
  console.log('main awaits a and b');
  console.log(await a, await b);
  await sleep(-1);
  console.log('a negative delay is sleep(0)');
}

run(main());
