// Exceptions through the await chain: an error raised deep in nested coroutines reaches the
// nearest handler on the way out, finally blocks run on the way, a caught error lets the
// coroutine go on awaiting; a task keeps its exception until someone retrieves it.
import { RuntimeError, createTask, run, sleep } from 'coroscope';
import { describe } from './_support';

class Boom extends Error {
  override name = 'Boom';
}

async function level3(): Promise<never> {
  await sleep(0);
  throw new Boom('deep down');
}

async function level2() {
  try {
    await level3();
  } finally {
    console.log('level2 finally');
  }
}

async function level1() {
  try {
    await level2();
  } catch (e) {
    if (!(e instanceof Boom)) throw e;
    console.log('level1 caught', describe(e));
    await sleep(0);
    throw new RuntimeError('wrapped', { cause: e });
  }
}

async function main() {
  try {
    await level1();
  } catch (e) {
    if (!(e instanceof RuntimeError)) throw e;
    console.log('main caught', describe(e), 'caused by', describe(e.cause));
  }

  const t = createTask(level3());
  await sleep(0.01);
  console.log('the task failed; exception():', describe(t.exception()));

  async function recovers() {
    try {
      await level3();
    } catch (e) {
      if (!(e instanceof Boom)) throw e;
      console.log('recovered, awaiting again');
    }
    await sleep(0.01);
    return 'fine';
  }

  console.log('recovers ->', await recovers());

  async function raisesInFinally() {
    try {
      await sleep(0);
      throw new Boom('first');
    } finally {
      await sleep(0);
      console.log('finally may await');
    }
  }

  try {
    await raisesInFinally();
  } catch (e) {
    if (!(e instanceof Boom)) throw e;
    console.log('after finally:', describe(e));
  }
}

run(main());
