// Two ways a task's exception gets lost: a worker task fails while nobody awaits it yet, and a
// task fails and is never awaited at all ("Task exception was never retrieved" once the loop closes).
import { run, sleep, createTask } from 'coroscope';

async function parse(text: string): Promise<number> {
  const value = Number(text);
  if (Number.isNaN(value)) throw new RangeError(`not a number: ${text}`);
  return value;
}

async function worker(text: string): Promise<number> {
  await sleep(0.01);
  return await parse(text);
}

async function main(): Promise<void> {
  const good = createTask(worker('42'), { name: 'good' });
  createTask(worker('forty-two'), { name: 'forgotten' });
  console.log('good =', await good);
  await sleep(0.05);
  console.log('main done');
}

run(main());
