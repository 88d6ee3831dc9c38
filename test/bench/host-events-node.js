// The peer of host-events.ts: the same setInterval(1) in plain Node, nothing else running.
const seconds = Number(process.argv[2] ?? 5);
let ticks = 0;
const interval = setInterval(() => (ticks += 1), 1);
setTimeout(() => {
  const before = ticks;
  const cpu = process.cpuUsage();
  setTimeout(() => {
    const used = process.cpuUsage(cpu);
    clearInterval(interval);
    const n = ticks - before;
    console.log(JSON.stringify({ name: 'node', ticks: n, usPerTick: (used.user + used.system) / n }));
  }, seconds * 1000);
}, 500);
