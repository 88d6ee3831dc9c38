// `npm run bench:streams-path`: the CPU a stream echo costs per request above its transport, with
// no socket: the same echo task (read, write, drain) over a transport that keeps writes in memory,
// on coroscope (test/bench/streams-path.ts) and on CPython's asyncio and uvloop
// (test/bench/streams_path.py: asyncio's StreamReader/StreamWriter, which uvloop uses too). Each
// runs one more round than asked; the first is a warm-up and is not counted. Prints the median
// ns of CPU per request at 10, 100 and 1,000 connections.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..');
const rounds = Number(process.argv[2] ?? 3);
const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

function run(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', cwd: root, timeout: 600_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
  const byConns = new Map();
  for (const line of r.stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const m = JSON.parse(line);
    if (!byConns.has(m.conns)) byConns.set(m.conns, []);
    byConns.get(m.conns).push(m.nsPerRequest);
  }
  for (const xs of byConns.values()) xs.shift(); // the warm-up round
  return byConns;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const counted = String(rounds + 1);
const columns = [['coroscope', run(process.execPath, [join(root, 'bin', 'coroscope.js'), 'run', 'test/bench/streams-path.ts', counted])]];
columns.push([`asyncio (${python})`, run(python, ['test/bench/streams_path.py', counted])]);
if (spawnSync(python, ['-c', 'import uvloop']).status === 0) columns.push(['uvloop', run(python, ['test/bench/streams_path.py', counted, 'uvloop'])]);
else console.log('(uvloop not installed: apt-get install python3-uvloop to compare with it)');

console.log(`streams layer, no socket: ns of CPU per request (read, write, drain), median of ${rounds} rounds after a warm-up`);
console.log(`| conns | ${columns.map(([name]) => name).join(' | ')} |`);
console.log(`|-------|${columns.map(() => '---').join('|')}|`);
for (const conns of [10, 100, 1000]) {
  console.log(`| ${conns} | ${columns.map(([, by]) => `${median(by.get(conns))} ns`).join(' | ')} |`);
}
