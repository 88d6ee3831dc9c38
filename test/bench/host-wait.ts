// How well a coroscope program waits (run it with --selector): a task awaiting a 200 ms Node
// setTimeout promise (how late it resumes, the CPU used meanwhile), and an idle `await sleep(1)`
// (its CPU, loop iterations). The figures the host tests used to assert as budgets; they are
// measured here, next to plain Node (host-wait-node.js), by `npm run bench:host`. Prints one JSON line.
import { run, sleep, getRunningLoop } from 'coroscope';

const cpuMs = (u: NodeJS.CpuUsage): number => (u.user + u.system) / 1000;

async function main(rounds: number): Promise<void> {
  const loop = getRunningLoop();
  await sleep(0.2); // warm up
  const lateMs: number[] = [];
  const timerCpuMs: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    const cpu = process.cpuUsage();
    await new Promise((resolve) => setTimeout(resolve, 200));
    timerCpuMs.push(cpuMs(process.cpuUsage(cpu)));
    lateMs.push(performance.now() - t0 - 200);
  }
  const before = { iterations: loop.iteration, ...loop.wakeups };
  const cpu = process.cpuUsage();
  await sleep(1);
  const idleCpuMs = cpuMs(process.cpuUsage(cpu));
  const after = loop.wakeups;
  console.log(
    JSON.stringify({
      selector: loop.selector.kind,
      lateMs,
      timerCpuMs,
      idleCpuMs,
      idleIterations: loop.iteration - before.iterations,
      idleWakeups: { noWait: after.noWait - before.noWait, byFd: after.byFd - before.byFd, byTimeout: after.byTimeout - before.byTimeout },
    }),
  );
}

run(main(Number(process.argv[2] ?? 5)));
