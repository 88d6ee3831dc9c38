// An async function that returns an awaitable: asyncio hands the caller the coroutine object (or
// future) itself; Coroscope awaits it, as TypeScript's types say (see return-awaitable).
import { Coroutine, Future, createTask, run, sleep } from 'coroscope';

async function inner(n: number): Promise<number> {
  await sleep(0);
  return n * 2;
}

async function returnsCoroutine(): Promise<number> {
  return inner(21);
}

async function returnsFuture(): Promise<number> {
  return createTask(inner(1));
}

async function main() {
  const got = await returnsCoroutine();
  console.log('coroutine:', (got as unknown) instanceof Coroutine);
  console.log('value:', got);
  const fut = await returnsFuture();
  console.log('future:', (fut as unknown) instanceof Future);
  console.log('value:', fut);
}

run(main());
