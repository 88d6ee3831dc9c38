// Bytes per suspended task, coroscope side (run by scripts/bench-sched.mjs and
// test/unit/task-memory.test.ts, with --expose-gc): N tasks (default 100,000) each suspended in
// `await sleep(3600)`; the live heap after gc() before and after, per task. Prints one JSON line.
import { createTask, run, sleep, type Task } from 'coroscope';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc: the figure is the live heap after a full gc()');

async function sleeper(): Promise<void> {
  await sleep(3600);
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 100_000);
  await sleep(0);
  gc!();
  const before = process.memoryUsage().heapUsed;
  const tasks: Task<void>[] = [];
  for (let i = 0; i < n; i++) tasks.push(createTask(sleeper()));
  await sleep(0); // every task runs to its sleep
  gc!();
  const after = process.memoryUsage().heapUsed;
  console.log(JSON.stringify({ name: `bytes per suspended task (${n / 1000}k)`, tasks: n, bytesPerTask: (after - before) / n }));
  for (const t of tasks) t.cancel();
}

run(main());
