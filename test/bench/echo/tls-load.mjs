// The TLS load client for `npm run bench:echo`: CONNS connections each send SIZE bytes and wait for
// them to come back, for WARMUP then DURATION seconds; prints the JSON line load.c prints (requests,
// seconds, p50us, p99us, and the server's user/system CPU over the measured window from /proc).
//   tls-load.mjs PORT CONNS SIZE DURATION WARMUP SERVER_PID CAFILE
import { readFileSync } from 'node:fs';
import tls from 'node:tls';

const [port, conns, size, duration, warmup, pid, caFile] = process.argv.slice(2);
const ca = readFileSync(caFile);
const tick = 100; // USER_HZ, as load.c assumes
const cpu = () => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return { user: Number(f[11]) / tick, sys: Number(f[12]) / tick };
};
const msg = Buffer.alloc(Number(size), 120);
const latencies = [];
let measuring = false;
let requests = 0;
const sockets = await Promise.all(
  Array.from({ length: Number(conns) }, () => new Promise((resolve, reject) => {
    const s = tls.connect({ host: '127.0.0.1', port: Number(port), ca, servername: 'localhost' }, () => resolve(s));
    s.setNoDelay(true);
    s.on('error', reject);
  })),
);
for (const s of sockets) {
  let got = 0;
  let sent = process.hrtime.bigint();
  s.on('data', (d) => {
    got += d.length;
    if (got < msg.length) return;
    got -= msg.length;
    if (measuring) {
      requests++;
      latencies.push(Number(process.hrtime.bigint() - sent) / 1000);
    }
    sent = process.hrtime.bigint();
    s.write(msg);
  });
  s.write(msg);
}
await new Promise((r) => setTimeout(r, Number(warmup) * 1000));
const c0 = cpu();
const t0 = process.hrtime.bigint();
measuring = true;
await new Promise((r) => setTimeout(r, Number(duration) * 1000));
measuring = false;
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
const c1 = cpu();
for (const s of sockets) s.destroy();
latencies.sort((a, b) => a - b);
const q = (p) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0);
console.log(JSON.stringify({ requests, seconds, p50us: q(0.5), p99us: q(0.99), userSec: c1.user - c0.user, sysSec: c1.sys - c0.sys }));
process.exit(0);
