// Async generators on the loop: each await inside suspends the consuming task, so two consumers
// interleave; an error inside comes out of `for await`; return() (asyncio's aclose()) runs the
// generator's finally. Leaving `for await` early closes the generator at once in Coroscope
// (JavaScript's for-await calls return()), later in CPython (its finalizer hook): see
// async-for-break in DIFFERENCES.md.
import { gather, run, sleep } from 'coroscope';
import { describe } from './_support';

class Boom extends Error {
  override name = 'Boom';
}

const closed = new Set<string>();

async function* ticker(name: string, n: number, failAt: number | null = null, quiet = false) {
  try {
    for (let i = 0; i < n; i++) {
      await sleep(0);
      if (i === failAt) throw new Boom(`${name} failed at ${i}`);
      yield `${name}${i}`;
    }
  } finally {
    closed.add(name);
    if (!quiet) console.log(name, 'generator finally');
  }
}

async function consume(name: string, n: number) {
  for await (const item of ticker(name, n)) {
    console.log('got', item);
  }
  return name;
}

async function main() {
  console.log('consumers done:', (await gather(consume('a', 3), consume('b', 2))).join(' '));

  try {
    for await (const item of ticker('e', 3, 1)) {
      console.log('got', item);
    }
  } catch (e) {
    if (!(e instanceof Boom)) throw e;
    console.log('async for raised', describe(e));
  }

  const gen = ticker('c', 5);
  console.log('first item:', (await gen.next()).value);
  console.log('second item:', (await gen.next()).value);
  await gen.return(undefined);
  console.log('after aclose(): closed', closed.has('c'));

  for await (const item of ticker('d', 5, null, true)) {
    console.log('got', item, '- breaking out');
    break;
  }
  console.log('after break: closed', closed.has('d'));
  await sleep(0);
  await sleep(0);
  console.log('a moment later: closed', closed.has('d'));
}

run(main());
