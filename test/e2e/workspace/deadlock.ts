// Two tasks take two locks in opposite orders: c2 waits for a (held by c1), then c1 waits for b
// (held by c2), and neither can go on. main waits for both.
import { run, sleep, createTask, gather, Lock } from 'coroscope';

const a = new Lock();
const b = new Lock();

async function left(): Promise<void> {
  await a.acquire();
  await sleep(0.1);
  await b.acquire();
  console.log('never printed');
}

async function right(): Promise<void> {
  await b.acquire();
  await sleep(0.05);
  await a.acquire();
  console.log('never printed');
}

async function main(): Promise<void> {
  const c1 = createTask(left(), { name: 'c1' });
  const c2 = createTask(right(), { name: 'c2' });
  await gather(c1, c2);
}

run(main());
