// Builds echo.c (with liburing) and the bench's load client, then runs each mode at 10, 100 and
// 1,000 connections, 3 alternating rounds of 2 s, server on core 0 and client on core 1; prints the
// median server CPU per request. `node test/bench/uring/run.mjs [plain uring]`.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = join(fileURLToPath(import.meta.url), '..');
const dir = mkdtempSync(join(tmpdir(), 'coroscope-uring-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const echo = join(dir, 'echo');
const load = join(dir, 'load');
for (const [out, src, libs] of [[echo, join(here, 'echo.c'), ['-luring']], [load, join(here, '..', 'echo', 'load.c'), []]]) {
  const cc = spawnSync('gcc', ['-O2', '-o', out, src, ...libs], { encoding: 'utf8' });
  if (cc.status !== 0) {
    console.error(`cannot build ${src}${libs.length ? ' (liburing: apt-get install liburing-dev)' : ''}:\n${cc.stderr}`);
    process.exit(1);
  }
}
const modes = process.argv.length > 2 ? process.argv.slice(2) : ['plain', 'uring'];

/** One 2 s window of echo load on a fresh server: its user and system µs per request. */
async function measure(mode, conns) {
  const child = spawn('taskset', ['-c', '0', echo, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((resolve) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /PORT (\d+)/.exec(out);
      if (m) resolve(m[1]);
    });
  });
  const r = spawnSync('taskset', ['-c', '1', load, port, String(conns), '1024', '2', '0.5', String(child.pid)], { encoding: 'utf8', timeout: 60_000 });
  child.kill();
  await new Promise((resolve) => child.on('exit', resolve));
  const j = JSON.parse(r.stdout);
  return { user: (j.userSec / j.requests) * 1e6, sys: (j.sysSec / j.requests) * 1e6 };
}

const results = new Map();
for (let round = 0; round < 3; round++) {
  for (const conns of [10, 100, 1000]) {
    for (const mode of round % 2 ? [...modes].reverse() : modes) {
      const key = `${conns} ${mode}`;
      if (!results.has(key)) results.set(key, []);
      results.get(key).push(await measure(mode, conns));
    }
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
for (const [key, runs] of results) {
  const user = median(runs.map((x) => x.user));
  const sys = median(runs.map((x) => x.sys));
  const total = median(runs.map((x) => x.user + x.sys));
  console.log(`${key.padEnd(12)} user ${user.toFixed(2)}  sys ${sys.toFixed(2)}  total ${total.toFixed(2)} µs per request`);
}
