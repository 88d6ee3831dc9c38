// The echo benchmark's coroscope streams server with and without the debugger attached (launched
// through the debug adapter, no breakpoints): `node scripts/bench-dap-echo.mjs [--seconds=N]
// [--rounds=N]` runs the two setups in interleaved pairs (default 5 rounds; the order flips each
// round, so drift of a shared machine weighs on both) and prints, for 1 KiB messages at 10 and 100
// connections, each pair's requests/s and server CPU µs per request, and the median of the
// pair-by-pair ratios. Goal: the debugger costs under 10%. Needs gcc for the load client
// (test/bench/echo/load.c) and `npm run build`.
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
const roundsArg = process.argv.find((a) => a.startsWith('--rounds='));
const roundCount = roundsArg ? Number(roundsArg.slice('--rounds='.length)) : 5;
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
  return { rate: res.requests / res.seconds, cpuUs: ((res.userSec + res.sysSec) / res.requests) * 1e6 };
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
  const cells = [10, 100].map((c) => cell(port, child.pid, c));
  child.kill('SIGKILL');
  return cells;
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
  const cells = [10, 100].map((c) => cell(port, pid, c));
  await dc.disconnectRequest({ terminateDebuggee: true });
  await dc.stop();
  return cells;
}

// Interleaved pairs (the machine may be busy): only pair-by-pair ratios are trustworthy.
const pairs = [];
for (let i = 0; i < roundCount; i++) {
  if (i % 2 === 0) {
    const without = await plain();
    pairs.push({ without, with: await debugged() });
  } else {
    const withDebugger = await debugged();
    pairs.push({ without: await plain(), with: withDebugger });
  }
}
rmSync(buildDir, { recursive: true, force: true });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
[10, 100].forEach((conns, i) => {
  console.log(`1 KiB x ${conns} conns:`);
  pairs.forEach((p, k) => {
    const a = p.without[i];
    const b = p.with[i];
    console.log(`  round ${k + 1}: ${Math.round(a.rate)} req/s without, ${Math.round(b.rate)} under the debugger (${((b.rate / a.rate - 1) * 100).toFixed(1)}%); CPU ${a.cpuUs.toFixed(2)} vs ${b.cpuUs.toFixed(2)} µs/req`);
  });
  const rate = median(pairs.map((p) => p.with[i].rate / p.without[i].rate));
  const cpu = median(pairs.map((p) => p.with[i].cpuUs / p.without[i].cpuUs));
  console.log(`  median of ${pairs.length} pairs: requests/s ${((rate - 1) * 100).toFixed(1)}%, CPU per request ${((cpu - 1) * 100).toFixed(1)}% under the debugger`);
});
