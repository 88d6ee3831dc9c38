// The TLS rows of `npm run bench:echo`: echo ping-pong through TLS 1.3 (1 KiB, 10 connections, one
// cell per server, bounded by the same --seconds window) against coroscope's TLS streams, Node's
// `tls` and asyncio's ssl streams, loaded by a Node `tls` client (test/bench/echo/tls-load.mjs) on
// the other core. The certificate is made with the openssl command; without it the rows are skipped.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const SIZE = 1024;
const CONNS = 10;

export async function benchTls({ root, buildDir, pinned, python, seconds, warmup, only, startServer, stopServer, notes }) {
  const cert = join(buildDir, 'tls-cert.pem');
  const key = join(buildDir, 'tls-key.pem');
  const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1']);
  if (made.status !== 0) {
    notes.push('TLS rows skipped: the openssl command is not installed (Debian: apt-get install openssl)');
    return;
  }
  const bench = join(root, 'test', 'bench', 'echo');
  const servers = [
    { name: 'coroscope TLS streams', cmd: process.execPath, args: [join(root, 'bin', 'coroscope.js'), 'run', join(bench, 'tls-streams-server.ts'), '0', cert, key] },
    { name: 'node tls', cmd: process.execPath, args: [join(bench, 'tls-server.mjs'), '0', cert, key] },
    { name: 'asyncio ssl streams', cmd: python, args: [join(bench, 'py-tls-server.py'), '0', cert, key] },
  ].filter((s) => !only || only.some((o) => s.name.includes(o)));
  const rows = [];
  for (const server of servers) {
    let started;
    try {
      started = await startServer(server);
    } catch (err) {
      notes.push(`${server.name}: ${err.message.split('\n')[0]}`);
      continue;
    }
    try {
      const [cmd, cmdArgs] = pinned(1, process.execPath, [join(bench, 'tls-load.mjs'), started.port, CONNS, SIZE, seconds, warmup, started.child.pid, cert].map(String));
      const r = spawnSync(cmd, cmdArgs, { encoding: 'utf8', timeout: Math.round((seconds + warmup + 30) * 1000) });
      if (r.status !== 0) {
        rows.push([server.name, `failed: ${(r.stderr || String(r.error)).trim().split('\n').pop()}`, '', '', '', '', '']);
        continue;
      }
      const c = JSON.parse(r.stdout.trim().split('\n').pop());
      const user = (c.userSec / c.requests) * 1e6;
      const sys = (c.sysSec / c.requests) * 1e6;
      rows.push([server.name, `${((c.requests / c.seconds) / 1e3).toFixed(1)}k`, String(c.p50us), String(c.p99us), user.toFixed(2), sys.toFixed(2), (user + sys).toFixed(2)]);
      process.stderr.write(`  ${server.name} TLS ${SIZE} B x ${CONNS}: ${Math.round(c.requests / c.seconds)} req/s\n`);
    } finally {
      await stopServer(started.child);
    }
  }
  const header = ['server (TLS 1.3)', 'req/s', 'p50 µs', 'p99 µs', 'user µs/req', 'sys µs/req', 'total µs/req'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  console.log(`\n### TLS: 1 KiB messages, ${CONNS} connections (load: a Node tls client)`);
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows) console.log(line(r));
}
