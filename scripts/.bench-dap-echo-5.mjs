// The echo benchmark's coroscope streams server with and without the debugger attached (launched
// through the debug adapter, no breakpoints): `node scripts/bench-dap-echo.mjs [--seconds=N]`
// prints requests/s for 1 KiB messages at 10 and 100 connections and the ratio. Goal: the
// debugger costs under 10%. Needs gcc for the load client (test/bench/echo/load.c) and `npm run build`.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { DebugClient } = require('@vscode/debugadapter-testsupport');
const root = join(fileURLToPath(import.meta.url), '..', '..');
const secondsArg = process.argv.find((a) => a.startsWith('--seconds='));
const seconds = secondsArg ? Number(secondsArg.slice('--seconds='.length)) : 2;
const server = join(root, 'test', 'bench', 'echo', 'streams-server.ts');

const buildDir = mkdtempSync(join(tmpdir(), 'coroscope-bench-'));
const load = join(buildDir, 'load');
const gcc = spawnSync('gcc', ['-O2', '-o', load, join(root, 'test', 'bench', 'echo', 'load.c')], { encoding: 'utf8' });
if (gcc.status !== 0) {
  console.error(`cannot build the load client with gcc:\n${gcc.stderr || gcc.error}`);
  process.exit(1);
}

function cell(port, pid, conns) {
  const r = spawnSync(load, [port, conns, 1024, seconds, 0.5, pid].map(String), { encoding: 'utf8', timeout: (seconds + 30) * 1000 });
  if (r.status !== 0) throw new Error((r.stderr || `exit ${r.status}`).trim());
  const res = JSON.parse(r.stdout.trim().split('\n').pop());
  return [res.requests / res.seconds, ((res.userSec + res.sysSec) / res.requests) * 1e6];
}

async function plain() {
  const child = spawn(process.execPath, [join(root, 'bin', 'coroscope.js'), 'run', server], { stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, COROSCOPE_NO_SIGINT: '1' } });
  const port = await new Promise((resolve) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /PORT (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
  });
  const rates = [10, 100].map((c) => cell(port, child.pid, c));
  child.kill('SIGKILL');
  return rates;
}

function childOf(ppid) {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === ppid) return Number(name);
    } catch {
      // the process ended meanwhile
    }
  }
  return 0;
}

async function debugged() {
  const dc = new DebugClient('node', join(root, 'dist', 'debug-adapter', 'main.js'), 'coroscope');
  let out = '';
  dc.on('output', (e) => (out += e.body.output));
  await dc.start();
  await Promise.all([dc.waitForEvent('initialized').then(() => dc.configurationDoneRequest()), dc.launch({ program: server, env: { COROSCOPE_NO_SIGINT: '1' } })]);
  while (!/PORT (\d+)/.test(out)) await new Promise((r) => setTimeout(r, 20));
  const port = Number(/PORT (\d+)/.exec(out)[1]);
  const pid = childOf(dc._adapterProcess.pid);
  const rates = [10, 100].map((c) => cell(port, pid, c));
  await dc.disconnectRequest({ terminateDebuggee: true });
  await dc.stop();
  return rates;
}

// Alternate the two setups (the machine may be busy): the best of three rounds of each.
const rounds = { without: [], with: [] };
for (let i = 0; i < 5; i++) {
  rounds.without.push(await plain());
  rounds.with.push(await debugged());
}
console.log(JSON.stringify(rounds));
rmSync(buildDir, { recursive: true, force: true });
const best = (rs, i, k) => (k === 0 ? Math.max : Math.min)(...rs.map((r) => r[i][k]));
const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
[10, 100].forEach((conns, i) => {
  const a = best(rounds.without, i, 0);
  const b = best(rounds.with, i, 0);
  const ca = median(rounds.without.map((r) => r[i][1]));
  const cb = median(rounds.with.map((r) => r[i][1]));
  console.log(`1 KiB x ${conns} conns: best ${Math.round(a)} req/s without, ${Math.round(b)} req/s under the debugger (${((b / a - 1) * 100).toFixed(1)}%); median server CPU ${ca.toFixed(2)} us/req without, ${cb.toFixed(2)} us/req with (${((cb / ca - 1) * 100).toFixed(1)}%)`);
});
