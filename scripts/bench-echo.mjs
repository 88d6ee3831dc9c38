// `npm run bench:echo`: echo ping-pong on loopback TCP against several servers, loaded by the same
// C epoll client (test/bench/echo/load.c, built here with gcc) in a separate process. With two or
// more cores the server is pinned to core 0 and the client to core 1 (taskset). For each server,
// message size (64 B, 1 KiB) and connection count (1, 10, 100, 1000) it prints requests/s, p50/p99
// round-trip latency, and the server's CPU time per request (user and system, from /proc/PID/stat
// over the measured window). `--quick`: 1 KiB at 10, 100 and 1,000 connections, shorter windows.
// Each cell's load is bounded in time (its window) and in count (load.c's MAX_REQUESTS).
// `--only=name,name` runs a subset of servers; `--seconds=N` sets the measured window. `--no-tls`
// leaves out the TLS rows (scripts/bench-echo-tls.mjs: 1 KiB x 10 connections per TLS server).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..');
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');
const secondsArg = args.find((a) => a.startsWith('--seconds='));
const seconds = secondsArg ? Number(secondsArg.slice('--seconds='.length)) : quick ? 1.5 : 3;
const warmup = quick ? 0.5 : 0.7;
const sizes = quick ? [1024] : [64, 1024];
const connCounts = quick ? [10, 100, 1000] : [1, 10, 100, 1000];
const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

const hasTaskset = spawnSync('taskset', ['-c', '0', 'true']).status === 0;
const pin = hasTaskset && cpus().length >= 2;
const pinned = (core, cmd, cmdArgs) => (pin ? ['taskset', ['-c', String(core), cmd, ...cmdArgs]] : [cmd, cmdArgs]);

// ---- the load client ----------------------------------------------------------------------------
const buildDir = mkdtempSync(join(tmpdir(), 'coroscope-bench-'));
const load = join(buildDir, 'load');
process.on('exit', () => rmSync(buildDir, { recursive: true, force: true }));
const gcc = spawnSync('gcc', ['-O2', '-Wall', '-o', load, join(root, 'test', 'bench', 'echo', 'load.c')], { encoding: 'utf8' });
if (gcc.status !== 0) {
  console.error(`cannot build the load client with gcc:\n${gcc.stderr || gcc.error}`);
  process.exit(1);
}

// ---- the servers ----------------------------------------------------------------------------------
const coroscope = join(root, 'bin', 'coroscope.js');
const bench = join(root, 'test', 'bench', 'echo');
const servers = [
  { name: 'coroscope streams', cmd: process.execPath, args: [coroscope, 'run', join(bench, 'streams-server.ts')] },
  { name: 'coroscope streams (epoll)', cmd: process.execPath, args: [coroscope, 'run', '--selector', 'epoll', join(bench, 'streams-server.ts')] },
  { name: 'coroscope Protocol', cmd: process.execPath, args: [coroscope, 'run', join(bench, 'protocol-server.ts')] },
  { name: 'coroscope sockRecv/sockSendall', cmd: process.execPath, args: [coroscope, 'run', join(bench, 'sock-server.ts')] },
  { name: 'node net', cmd: process.execPath, args: [join(bench, 'net-server.mjs')] },
  { name: 'asyncio streams', cmd: python, args: [join(bench, 'py-server.py'), 'streams'] },
  { name: 'asyncio sock_recv/sock_sendall', cmd: python, args: [join(bench, 'py-server.py'), 'sock'] },
  { name: 'uvloop streams', cmd: python, args: [join(bench, 'py-server.py'), 'streams', 'uvloop'], uvloop: true },
  { name: 'uvloop Protocol', cmd: python, args: [join(bench, 'py-server.py'), 'protocol', 'uvloop'], uvloop: true },
];
const notes = [];
const haveUvloop = spawnSync(python, ['-c', 'import uvloop']).status === 0;
if (!haveUvloop) notes.push(`uvloop skipped: not importable by ${python} (Debian: apt-get install python3-uvloop)`);
const selected = servers.filter((s) => (!s.uvloop || haveUvloop) && (!only || only.some((o) => s.name.includes(o))));

function startServer(server) {
  const [cmd, cmdArgs] = pinned(0, server.cmd, server.args);
  const child = spawn(cmd, cmdArgs, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, COROSCOPE_NO_SIGINT: '1' } });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${server.name}: no PORT line within 20 s\n${stderr}`)), 20_000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = /PORT (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, port: Number(m[1]), stderr: () => stderr });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${server.name} exited (${code}) before listening\n${stderr}`));
    });
  });
}

function stopServer(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    const kill = setTimeout(() => child.kill('SIGKILL'), 2000);
    child.on('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

function runCell(port, pid, conns, size) {
  const [cmd, cmdArgs] = pinned(1, load, [port, conns, size, seconds, warmup, pid].map(String));
  const r = spawnSync(cmd, cmdArgs, { encoding: 'utf8', timeout: Math.round((seconds + warmup + 30) * 1000) });
  if (r.status !== 0) return { error: (r.stderr || String(r.error) || `exit ${r.status}`).trim().split('\n').pop() };
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

// ---- run --------------------------------------------------------------------------------------------
const started = Date.now();
console.log(
  `echo ping-pong, ${seconds} s per cell after ${warmup} s warm-up; ${pin ? 'server on core 0, client on core 1' : 'NOT pinned (needs taskset and 2 cores)'}; ${cpus().length} cores, node ${process.version}, ${python}`,
);
const results = new Map(); // `${size}/${conns}` -> [{server, ...}]
// Every server runs for the whole benchmark (an idle one sleeps in its selector), and each cell
// loads them one after another: whatever else the machine does then weighs on all of them alike.
const running = [];
for (const server of selected) {
  try {
    running.push({ server, ...(await startServer(server)) });
  } catch (err) {
    notes.push(`${server.name}: ${err.message.split('\n')[0]}`);
  }
}
try {
  for (const size of sizes) {
    for (const conns of connCounts) {
      const key = `${size}/${conns}`;
      results.set(key, []);
      for (const { server, child, port } of running) {
        const cell = runCell(port, child.pid, conns, size);
        results.get(key).push({ server: server.name, ...cell });
        process.stderr.write(`  ${server.name} ${size} B x ${conns}: ${cell.error ?? `${Math.round(cell.requests / cell.seconds)} req/s`}\n`);
      }
    }
  }
} finally {
  await Promise.all(running.map((r) => stopServer(r.child)));
}

const fmtRate = (x) => (x >= 1e6 ? `${(x / 1e6).toFixed(2)}M` : `${(x / 1e3).toFixed(1)}k`);
for (const size of sizes) {
  console.log(`\n### ${size === 1024 ? '1 KiB' : `${size} B`} messages`);
  const header = ['conns', 'server', 'req/s', 'p50 µs', 'p99 µs', 'user µs/req', 'sys µs/req', 'total µs/req'];
  const rows = [];
  for (const conns of connCounts) {
    for (const r of results.get(`${size}/${conns}`) ?? []) {
      if (r.error) {
        rows.push([String(conns), r.server, `failed: ${r.error}`, '', '', '', '', '']);
        continue;
      }
      const user = (r.userSec / r.requests) * 1e6;
      const sys = (r.sysSec / r.requests) * 1e6;
      rows.push([String(conns), r.server, fmtRate(r.requests / r.seconds), String(r.p50us), String(r.p99us), user.toFixed(2), sys.toFixed(2), (user + sys).toFixed(2)]);
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows) console.log(line(r));
}
// ---- TLS rows: their own servers and load client (scripts/bench-echo-tls.mjs); --no-tls skips them ----
if (!args.includes('--no-tls')) {
  const { benchTls } = await import('./bench-echo-tls.mjs');
  await benchTls({ root, buildDir, pinned, python, seconds, warmup, only, startServer, stopServer, notes });
}
for (const n of notes) console.log(`note: ${n}`);
console.log(`\n(${((Date.now() - started) / 1000).toFixed(0)} s; CPU per request counts the whole server process over the measured window, in 10 ms clock ticks)`);
