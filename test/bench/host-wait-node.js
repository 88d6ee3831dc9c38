// The peer of host-wait.ts in plain Node: the same 200 ms setTimeout awaited (how late, CPU
// meanwhile), and an idle 1 s wait (a setTimeout). Prints one JSON line.
const rounds = Number(process.argv[2] ?? 5);
const cpuMs = (u) => (u.user + u.system) / 1000;
const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function main() {
  await wait(200); // warm up
  const lateMs = [];
  const timerCpuMs = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    const cpu = process.cpuUsage();
    await wait(200);
    timerCpuMs.push(cpuMs(process.cpuUsage(cpu)));
    lateMs.push(performance.now() - t0 - 200);
  }
  const cpu = process.cpuUsage();
  await wait(1000);
  console.log(JSON.stringify({ selector: 'node', lateMs, timerCpuMs, idleCpuMs: cpuMs(process.cpuUsage(cpu)) }));
}

main();
