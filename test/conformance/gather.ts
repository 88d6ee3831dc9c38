// gather: results in argument order whatever the completion order; the first exception goes to
// the awaiter while the other children keep running; returnExceptions puts exceptions (and
// CancelledError) in the list; cancelling the gather cancels every child; a cancelled child makes
// the gather raise CancelledError.
import { CancelledError, createTask, gather, getRunningLoop, run, sleep } from 'coroscope';
import { describe } from './_support';

class Boom extends Error {
  override name = 'Boom';
}

function show(results: unknown[]): string {
  return results.map((r) => (r instanceof Error ? describe(r) : String(r))).join(', ');
}

async function job(name: string, delay: number, fail = false) {
  try {
    await sleep(delay);
  } catch (e) {
    if (e instanceof CancelledError) console.log('job', name, 'cancelled');
    throw e;
  }
  if (fail) {
    console.log('job', name, 'fails');
    throw new Boom(name);
  }
  console.log('job', name, 'finished');
  return name;
}

async function main() {
  const results = await gather(job('slow', 0.03), job('fast', 0.01), job('mid', 0.02));
  console.log('results in argument order:', show(results));

  console.log('empty gather:', show(await gather()));

  try {
    await gather(job('ok', 0.01), job('bad', 0.02, true), job('late', 0.2));
  } catch (e) {
    if (!(e instanceof Boom)) throw e;
    console.log('gather raised', describe(e));
  }
  await sleep(0.25);
  console.log('the other children kept running');

  const mixed = await gather(job('x', 0.01), job('y', 0.02, true), { returnExceptions: true });
  console.log('return_exceptions:', show(mixed));

  const loop = getRunningLoop();
  const fut = loop.createFuture<string>();
  loop.callLater(0.01, (v: string) => fut.setResult(v), 'a future');
  const t = createTask(job('task', 0.02));
  console.log('futures and tasks, one twice:', show(await gather(fut, t, t)));

  let g = gather(job('p', 1), job('q', 1));
  await sleep(0.01);
  console.log('cancel the gather:', g.cancel());
  try {
    await g;
  } catch (e) {
    if (!(e instanceof CancelledError)) throw e;
    console.log('gather cancelled:', g.cancelled());
  }

  let victim = createTask(job('victim', 1));
  const other = createTask(job('other', 0.1));
  g = gather(victim, other);
  await sleep(0.01);
  victim.cancel();
  try {
    await g;
  } catch (e) {
    if (!(e instanceof CancelledError)) throw e;
    console.log('a cancelled child makes the gather raise CancelledError');
  }
  await other;

  victim = createTask(job('victim2', 1));
  const g2 = gather(victim, job('other2', 0.1), { returnExceptions: true });
  await sleep(0.01);
  victim.cancel();
  console.log('with return_exceptions:', show(await g2));
}

run(main());
