// Scheduler benchmark, coroscope side (run by scripts/bench-sched.mjs). Prints one JSON line per
// workload: operations per second of CPU time (user + system), as PERF-NOTES.md measures peers.
import { createTask, getRunningLoop, run, sleep } from 'coroscope';

function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

async function measure(name: string, ops: number, body: () => Promise<void>): Promise<void> {
  const t0 = cpuSeconds();
  await body();
  const dt = cpuSeconds() - t0;
  console.log(JSON.stringify({ name, ops, seconds: dt, opsPerSecond: ops / dt }));
}

async function sleeper(): Promise<void> {
  for (let i = 0; i < 10; i++) await sleep(0);
}

/** 10,000 timers due at random within 5 ms; completes when every one has fired. */
async function timerBatch(): Promise<void> {
  const loop = getRunningLoop();
  const done = loop.createFuture<void>();
  let n = 0;
  const cb = () => {
    if (++n === 10_000) done.setResult();
  };
  for (let i = 0; i < 10_000; i++) loop.callLater(Math.random() * 0.005, cb);
  await done;
}

/**
 * Batches of 10k timers per measured round. One batch is too short to measure alone: its CPU is a
 * few ms, and V8 is still compiling the timer path for several batches.
 */
const TIMER_BATCHES = 10;

async function main(): Promise<void> {
  const loop = getRunningLoop();
  const rounds = Number(process.argv[2] ?? 3);
  for (let round = 0; round < rounds; round++) {
    await measure('100k tasks x 10 sleep(0)', 1_000_000, async () => {
      const tasks = [];
      for (let i = 0; i < 100_000; i++) tasks.push(createTask(sleeper()));
      for (const t of tasks) await t;
    });
    await measure('100k callSoon callbacks', 100_000, async () => {
      const done = loop.createFuture<void>();
      let n = 0;
      const cb = () => {
        if (++n === 100_000) done.setResult();
      };
      for (let i = 0; i < 100_000; i++) loop.callSoon(cb);
      await done;
    });
    // A batch is about 10 ms of CPU: a round measures TIMER_BATCHES of them, one after the other.
    await measure('10k timers, random 0-5 ms', 10_000 * TIMER_BATCHES, async () => {
      for (let b = 0; b < TIMER_BATCHES; b++) await timerBatch();
    });
    await measure('1M future setResult + await', 1_000_000, async () => {
      for (let i = 0; i < 1_000_000; i++) {
        const f = loop.createFuture<number>();
        loop.callSoon(() => f.setResult(i));
        await f;
      }
    });
  }
}

run(main());
