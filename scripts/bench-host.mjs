// `npm run bench:host`: the cost of one Node event (a libuv timer) inside a coroscope program, next
// to the same event in plain Node, in one run: libuv's backend fd wakes our selector, and the loop
// gives Node a turn. Prints CPU microseconds per event (median of the rounds) for both.
// Then, per selector and for plain Node: how late a task awaiting a 200 ms setTimeout resumes and
// the CPU it used meanwhile, and the CPU and loop iterations of an idle `await sleep(1)` -- the
// figures test/io/host.test.ts used to assert as time budgets (tests check behaviour, not speed).
// Usage: node scripts/bench-host.mjs [seconds per event round] [rounds] [200 ms waits per selector]
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..');
const seconds = process.argv[2] ?? '4';
const rounds = Number(process.argv[3] ?? 3);
const waits = process.argv[4] ?? '5';
const SELECTORS = process.platform === 'linux' ? ['select', 'poll', 'epoll'] : ['select', 'poll'];

function once(args) {
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', cwd: root, timeout: 120_000 });
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = { coroscope: [], node: [] };
let wakeups;
for (let i = 0; i < rounds; i++) {
  const c = once([join(root, 'bin', 'coroscope.js'), 'run', 'test/bench/host-events.ts', seconds]);
  results.coroscope.push(c.usPerTick);
  wakeups = c.wakeups;
  results.node.push(once(['test/bench/host-events-node.js', seconds]).usPerTick);
  process.stderr.write(`round ${i + 1}/${rounds}: coroscope ${c.usPerTick.toFixed(1)} µs, node ${results.node.at(-1).toFixed(1)} µs\n`);
}
console.log(`one Node timer event (setInterval 1 ms) for ${seconds} s, ${rounds} rounds: median CPU µs per event`);
console.log(`  plain Node:                  ${median(results.node).toFixed(1)}`);
console.log(`  inside a coroscope program:  ${median(results.coroscope).toFixed(1)}  (the loop's wake-ups in the last round: ${JSON.stringify(wakeups)})`);

const fmt = (x) => x.toFixed(1).padStart(6);
console.log(`\nawaiting a 200 ms setTimeout (${waits} waits: median and worst ms late, median CPU ms during the wait); idle 1 s (CPU ms, loop iterations, wake-ups)`);
const peers = [...SELECTORS.map((kind) => once([join(root, 'bin', 'coroscope.js'), 'run', '--selector', kind, 'test/bench/host-wait.ts', waits])), once(['test/bench/host-wait-node.js', waits])];
for (const r of peers) {
  const label = r.selector === 'node' ? 'plain Node' : `coroscope, ${r.selector}`;
  const idle = r.selector === 'node' ? '' : `, ${r.idleIterations} iterations, wake-ups ${JSON.stringify(r.idleWakeups)}`;
  console.log(`  ${label.padEnd(18)} late ${fmt(median(r.lateMs))} (worst ${fmt(Math.max(...r.lateMs))})  CPU ${fmt(median(r.timerCpuMs))}   idle CPU ${fmt(r.idleCpuMs)}${idle}`);
}
