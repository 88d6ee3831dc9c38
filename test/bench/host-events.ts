// What a Node event costs inside a coroscope program: a setInterval(1) ticks while the main task
// sleeps on our loop, so every tick is libuv waking our selector and getting a host turn. Prints
// one JSON line: ticks, CPU microseconds per tick, and the loop's wake-up counts.
import { run, sleep, getRunningLoop } from 'coroscope';

async function main(seconds: number): Promise<void> {
  let ticks = 0;
  const interval = setInterval(() => (ticks += 1), 1);
  await sleep(0.5); // warm up: the loop's code is optimized by now
  const before = ticks;
  const cpu = process.cpuUsage();
  await sleep(seconds);
  const used = process.cpuUsage(cpu);
  clearInterval(interval);
  const n = ticks - before;
  console.log(JSON.stringify({ name: 'coroscope', ticks: n, usPerTick: (used.user + used.system) / n, wakeups: getRunningLoop().wakeups }));
}

run(main(Number(process.argv[2] ?? 5)));
