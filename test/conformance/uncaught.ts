// An exception that escapes main ends the program with exit status 1; what was printed before it
// still comes out, and the traceback on stderr ends with the same `Boom: message` line.
import { run, sleep } from 'coroscope';

class Boom extends Error {
  override name = 'Boom';
}

async function helper(): Promise<never> {
  await sleep(0);
  throw new Boom('nobody catches this');
}

async function main() {
  console.log('main starts');
  await helper();
  console.log('never printed');
}

run(main());
