// run(): returns main's value; an exception from main comes out of run(); tasks still running
// when main returns are cancelled (and see CancelledError) before run() returns.
// run() returns a Promise (Node must get turns while our loop runs), so its value and its error
// are taken with then/catch where Python simply uses the return value (see run-promise).
import { CancelledError, createTask, run, sleep } from 'coroscope';
import { describe } from './_support';

class Boom extends Error {
  override name = 'Boom';
}

async function background() {
  try {
    await sleep(10);
  } catch (e) {
    if (e instanceof CancelledError) console.log('background task cancelled at shutdown');
    throw e;
  }
}

async function main() {
  createTask(background());
  await sleep(0);
  console.log('main returns');
  return 42;
}

async function failing(): Promise<never> {
  await sleep(0);
  throw new Boom('from main');
}

run(main())
  .then((value) => {
    console.log('run returned', value);
    return run(failing());
  })
  .catch((e: unknown) => {
    if (!(e instanceof Boom)) throw e;
    console.log('run raised', describe(e));
  })
  .then(() => console.log('after both runs'));
