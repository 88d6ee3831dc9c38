// `npm run bench:sched`: the scheduler workloads of PERF-NOTES.md on coroscope and on CPython's
// asyncio (and uvloop when Debian's python3-uvloop is installed), in one run. Prints the median
// operations per CPU-second of each, side by side, and the bytes each holds per suspended task.
// The timer workload measures 10 batches of 10k timers per round (one batch is a few ms of CPU).
// Every implementation runs one more round than asked and its first round is not counted (a
// warm-up, as PERF-NOTES.md's method says: V8 compiles as it goes, and a 10k-timer round is ~10 ms
// of CPU, so a first round measures the compiler as much as the loop).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..');
const rounds = process.argv[2] ?? '3';
const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

function runJsonLines(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', cwd: root, timeout: 600_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
  const byName = new Map();
  const seen = new Set();
  for (const line of r.stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const m = JSON.parse(line);
    if (!byName.has(m.name)) byName.set(m.name, []);
    if (!seen.has(m.name)) seen.add(m.name); // the warm-up round
    else byName.get(m.name).push(m.opsPerSecond);
  }
  return byName;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (x) => (x === undefined ? 'n/a' : x >= 1e6 ? `${(x / 1e6).toFixed(2)}M` : `${Math.round(x / 1e3)}k`);

console.log(`scheduler benchmark, ${rounds} rounds each after one warm-up round, median ops per CPU-second`);
const counted = String(Number(rounds) + 1);
const columns = [['coroscope', runJsonLines(process.execPath, [join(root, 'bin', 'coroscope.js'), 'run', 'test/bench/sched.ts', counted])]];
columns.push([`CPython asyncio (${python})`, runJsonLines(python, ['test/bench/sched.py', counted])]);
if (spawnSync(python, ['-c', 'import uvloop']).status === 0) columns.push(['uvloop', runJsonLines(python, ['test/bench/sched.py', counted, 'uvloop'])]);
else console.log('(uvloop not installed: apt-get install python3-uvloop to compare with it)');

// The fifth workload, memory: each implementation in a process of its own (a heap that ran the
// workloads above is no baseline). Live bytes after a full collection: V8's heap after gc(),
// tracemalloc's count for CPython.
function bytesPerTask(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', cwd: root, timeout: 300_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}
const memory = [bytesPerTask(process.execPath, ['--expose-gc', join(root, 'bin', 'coroscope.js'), 'run', 'test/bench/task-memory.ts', '100000'])];
memory.push(bytesPerTask(python, ['test/bench/task_memory.py', '100000']));
if (columns.length > 2) memory.push(bytesPerTask(python, ['test/bench/task_memory.py', '100000', 'uvloop']));

const names = [...columns[0][1].keys()];
const header = ['workload', ...columns.map(([n]) => n)];
const rows = names.map((name) => [name, ...columns.map(([, m]) => fmt(m.get(name) && median(m.get(name))))]);
rows.push([`${memory[0].name} (fewer is better)`, ...memory.map((m) => `${Math.round(m.bytesPerTask)} B`)]);
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
for (const row of [header, widths.map((w) => '-'.repeat(w)), ...rows]) console.log(row.map((c, i) => c.padEnd(widths[i])).join('  '));
