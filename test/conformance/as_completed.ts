// asCompleted: yields awaitables that give the results in completion order; an error comes
// out of the await that meets it; with a timeout, the await after the deadline raises TimeoutError.
import { TimeoutError, asCompleted, createTask, run, sleep } from 'coroscope';
import { describe } from './_support';

class Boom extends Error {
  override name = 'Boom';
}

async function job(name: string, delay: number, fail = false) {
  await sleep(delay);
  if (fail) throw new Boom(name);
  return name;
}

async function main() {
  for (const nextDone of asCompleted([job('c', 0.03), job('a', 0.01), job('b', 0.02)])) {
    console.log('completed:', await nextDone);
  }

  for (const nextDone of asCompleted([job('ok', 0.01), job('bad', 0.02, true)])) {
    try {
      console.log('completed:', await nextDone);
    } catch (e) {
      if (!(e instanceof Boom)) throw e;
      console.log('raised:', describe(e));
    }
  }

  const slow = createTask(job('slow', 1));
  try {
    for (const nextDone of asCompleted([job('fast', 0.01), slow], { timeout: 0.5 })) {
      console.log('completed:', await nextDone);
    }
  } catch (e) {
    if (!(e instanceof TimeoutError)) throw e;
    console.log('timeout:', describe(e));
  }
  slow.cancel();
}

run(main());
