// What the debugger's hooks and journal add per task step, measured in one process: 10 tasks each
// sleep(1e-9) in a loop (a timer wakes each: the journal's quiet path, as a ready fd's), the probe
// attached and detached in alternating phases of 0.1 s, and the median of the on-minus-off pairs.
// `node bin/coroscope.js run test/bench/journal-ab.ts` (PHASES=200: more pairs; WALL=1: wall time
// per step instead of process CPU time, better on an idle machine). Each step is two callbacks (the
// timer's, the task's step), one wake-up and one park: the journal's work per echo request.
import { createTask, run, sleep } from 'coroscope';

let steps = 0;
async function worker(): Promise<void> {
  for (;;) {
    await sleep(1e-9);
    steps++;
  }
}
const probe = (globalThis as unknown as Record<symbol, { attach(): void; detach(): void }>)[Symbol.for('coroscope.probe')]!;
const PHASE = 0.1;
const PHASES = Number(process.env.PHASES ?? 100);
async function main(): Promise<void> {
  for (let i = 0; i < 10; i++) createTask(worker());
  let on = false;
  await sleep(1);
  const per: number[] = [];
  const diffs: number[] = [];
  for (let k = 1; k <= PHASES; k++) {
    const c0 = process.cpuUsage(); const w0 = performance.now();
    const s0 = steps;
    await sleep(PHASE);
    const c1 = process.cpuUsage(c0); const wall = performance.now() - w0;
    per.push(process.env.WALL ? (wall * 1e6) / (steps - s0) : ((c1.user + c1.system) * 1000) / (steps - s0));
    if (per.length % 2 === 0) diffs.push(on ? per[per.length - 1]! - per[per.length - 2]! : per[per.length - 2]! - per[per.length - 1]!);
    on = !on;
    if (on) probe.attach(); else probe.detach();
  }
  diffs.sort((a, b) => a - b);
  const offs = per.filter((_, i) => i % 2 === 0).sort((a, b) => a - b);
  console.log(`${process.env.WALL ? 'wall' : 'cpu'} ns/step off (median) ${offs[offs.length >> 1]!.toFixed(0)}, on minus off: median of ${diffs.length} pairs ${diffs[diffs.length >> 1]!.toFixed(0)} (quartiles ${diffs[diffs.length >> 2]!.toFixed(0)}..${diffs[(3 * diffs.length) >> 2]!.toFixed(0)})`);
  process.exit(0);
}
run(main());
