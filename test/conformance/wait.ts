// wait: returns [done, pending] when the condition holds; FIRST_COMPLETED, FIRST_EXCEPTION,
// ALL_COMPLETED (the default); a timeout returns what is done so far and cancels nothing;
// an empty set is an error. Sets have no order, so names are printed sorted.
import {
  FIRST_COMPLETED,
  FIRST_EXCEPTION,
  ValueError,
  createTask,
  getRunningLoop,
  run,
  sleep,
  wait,
  type Coroutine,
  type Future,
  type Task,
} from 'coroscope';
import { describe } from './_support';

class Boom extends Error {
  override name = 'Boom';
}

function nameOf(t: Future<unknown>): string {
  return (t as Task<unknown>).getName();
}

function names(tasks: Set<Future<unknown>>): string {
  return [...tasks].map(nameOf).sort().join(' ') || '-';
}

async function job(delay: number, fail = false) {
  await sleep(delay);
  if (fail) throw new Boom('failed after ' + String(delay));
  return delay;
}

function start(specs: [string, number, boolean][]): Task<number>[] {
  return specs.map(([name, delay, fail]) => createTask(job(delay, fail), { name }));
}

async function main() {
  let tasks = start([['a', 0.2, false], ['b', 0.01, false], ['c', 0.1, false]]);
  let [done, pending] = await wait(tasks, { returnWhen: FIRST_COMPLETED });
  console.log('FIRST_COMPLETED done:', names(done), 'pending:', names(pending));
  [done, pending] = await wait(pending);
  console.log('ALL_COMPLETED done:', names(done), 'pending:', names(pending));

  tasks = start([['a', 0.01, false], ['b', 0.02, true], ['c', 0.2, false]]);
  [done, pending] = await wait(tasks, { returnWhen: FIRST_EXCEPTION });
  console.log('FIRST_EXCEPTION done:', names(done), 'pending:', names(pending));
  for (const t of [...done].sort((x, y) => nameOf(x).localeCompare(nameOf(y)))) {
    console.log(' ', nameOf(t), t.exception() ? describe(t.exception()) : t.result());
  }
  await wait(pending);

  tasks = start([['a', 0.01, false], ['b', 0.02, false]]);
  [done, pending] = await wait(tasks, { returnWhen: FIRST_EXCEPTION });
  console.log('FIRST_EXCEPTION without one waits for all:', names(done), 'pending:', names(pending));

  tasks = start([['a', 0.01, false], ['b', 1, false]]);
  [done, pending] = await wait(tasks, { timeout: 0.05 });
  console.log('timeout done:', names(done), 'pending:', names(pending));
  console.log('the pending task was not cancelled:', !tasks[1]!.cancelled() && !tasks[1]!.done());
  tasks[1]!.cancel();

  const loop = getRunningLoop();
  const fut = loop.createFuture<string>();
  fut.setResult('already');
  const [d, p] = await wait([fut]);
  console.log('a done future:', d.size, p.size);

  try {
    await wait([]);
  } catch (e) {
    if (!(e instanceof ValueError)) throw e;
    console.log('empty:', describe(e));
  }

  const coro = job(0.01) as unknown as Coroutine<number>; // the type checker already refuses a coroutine here
  try {
    await wait([coro as unknown as Future<number>]);
  } catch (e) {
    if (!(e instanceof TypeError)) throw e;
    console.log('coroutines:', describe(e));
  }
  coro.close();
}

run(main());
