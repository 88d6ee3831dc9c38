// `node scripts/bench-tls-engines.mjs`: the measurement that chose coroscope's TLS engine. A 1 KiB
// TLS 1.3 ping-pong with both ends in this process, 20,000 round trips, process CPU per round trip:
//   - OpenSSL through koffi over memory BIOs (what runtime/tls/ does: SSL_write, BIO_read, BIO_write,
//     SSL_read per message on each side);
//   - two Node TLSSockets over Duplex streams (what "Node's tls over a duplex fed by our transport"
//     would be; on coroscope's loop each JSStreamSocket write would also need a host turn).
// Needs the openssl command for the certificate.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Duplex } from 'node:stream';
import tls from 'node:tls';

const N = 20_000;
const msg = Buffer.alloc(1024, 97);
const dir = mkdtempSync(join(tmpdir(), 'tls-engines-'));
execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=localhost'], { stdio: 'ignore' });
const cert = readFileSync(join(dir, 'cert.pem'));
const key = readFileSync(join(dir, 'key.pem'));
rmSync(dir, { recursive: true, force: true });
const perTrip = (c) => ((c.user + c.system) / N).toFixed(2);

function viaKoffi() {
  const koffi = createRequire(import.meta.url)('koffi');
  const L = koffi.load(null); // the OpenSSL the node binary exports
  const f = (d) => L.func(d);
  const TLS_method = f('void *TLS_method()'), SSL_CTX_new = f('void *SSL_CTX_new(void *m)'), SSL_new = f('void *SSL_new(void *ctx)');
  const BIO_s_mem = f('void *BIO_s_mem()'), BIO_new = f('void *BIO_new(void *m)'), SSL_set_bio = f('void SSL_set_bio(void *s, void *r, void *w)');
  const BIO_new_mem_buf = f('void *BIO_new_mem_buf(void *b, int len)');
  const PEM_read_bio_X509 = f('void *PEM_read_bio_X509(void *bio, void *x, void *cb, void *u)');
  const PEM_read_bio_PrivateKey = f('void *PEM_read_bio_PrivateKey(void *bio, void *x, void *cb, void *u)');
  const useCert = f('int SSL_CTX_use_certificate(void *c, void *x)'), useKey = f('int SSL_CTX_use_PrivateKey(void *c, void *k)');
  const accept = f('void SSL_set_accept_state(void *s)'), connect = f('void SSL_set_connect_state(void *s)');
  const handshake = f('int SSL_do_handshake(void *s)');
  const SSL_read = f('int SSL_read(void *s, void *buf, int n)'), SSL_write = f('int SSL_write(void *s, void *buf, int n)');
  const BIO_write = f('int BIO_write(void *b, void *buf, int n)'), BIO_read = f('int BIO_read(void *b, void *buf, int n)');
  const pending = f('size_t BIO_ctrl_pending(void *b)');
  const addCert = f('int X509_STORE_add_cert(void *st, void *x)'), store = f('void *SSL_CTX_get_cert_store(void *c)');
  const setVerify = f('void SSL_CTX_set_verify(void *c, int mode, void *cb)');
  const pem = (b) => BIO_new_mem_buf(b, b.length);
  const sctx = SSL_CTX_new(TLS_method());
  useCert(sctx, PEM_read_bio_X509(pem(cert), null, null, null));
  useKey(sctx, PEM_read_bio_PrivateKey(pem(key), null, null, null));
  const cctx = SSL_CTX_new(TLS_method());
  addCert(store(cctx), PEM_read_bio_X509(pem(cert), null, null, null));
  setVerify(cctx, 1, null);
  const end = (ctx, server) => {
    const s = SSL_new(ctx), rb = BIO_new(BIO_s_mem()), wb = BIO_new(BIO_s_mem());
    SSL_set_bio(s, rb, wb);
    (server ? accept : connect)(s);
    return { s, rb, wb };
  };
  const S = end(sctx, true), C = end(cctx, false);
  const buf = Buffer.allocUnsafe(65536);
  // One side's ciphertext into a Buffer (what the transport sends), then into the other's BIO (what it receives).
  const flush = (from, to) => {
    let n;
    while ((n = pending(from.wb)) > 0) {
      const r = BIO_read(from.wb, buf, Math.min(n, buf.length));
      const out = Buffer.from(buf.subarray(0, r));
      BIO_write(to.rb, out, out.length);
    }
  };
  for (let i = 0; i < 10; i++) {
    handshake(C.s);
    flush(C, S);
    handshake(S.s);
    flush(S, C);
  }
  const readAll = (e) => {
    const parts = [];
    for (let r; (r = SSL_read(e.s, buf, buf.length)) > 0; ) parts.push(Buffer.from(buf.subarray(0, r)));
    return Buffer.concat(parts);
  };
  const c0 = process.cpuUsage();
  for (let i = 0; i < N; i++) {
    SSL_write(C.s, msg, msg.length);
    flush(C, S);
    const d = readAll(S);
    SSL_write(S.s, d, d.length);
    flush(S, C);
    if (readAll(C).length !== msg.length) throw new Error('short echo');
  }
  return process.cpuUsage(c0);
}

function viaNodeTls() {
  return new Promise((resolve) => {
    let a, b;
    a = new Duplex({ read() {}, write(c, _e, cb) { b.push(c); cb(); } });
    b = new Duplex({ read() {}, write(c, _e, cb) { a.push(c); cb(); } });
    const server = new tls.TLSSocket(a, { isServer: true, secureContext: tls.createSecureContext({ cert, key }) });
    const client = tls.connect({ socket: b, ca: cert, servername: 'localhost' });
    server.on('data', (d) => server.write(d));
    let i = 0, got = 0, c0;
    client.on('secureConnect', () => {
      c0 = process.cpuUsage();
      client.write(msg);
    });
    client.on('data', (d) => {
      got += d.length;
      if (got < msg.length) return;
      got -= msg.length;
      if (++i === N) {
        const used = process.cpuUsage(c0);
        client.destroy();
        server.destroy();
        resolve(used);
        return;
      }
      client.write(msg);
    });
  });
}

console.log(`1 KiB TLS 1.3 ping-pong, both ends in one process, ${N} round trips; CPU µs per round trip (both ends):`);
console.log(`  OpenSSL via koffi, memory BIOs:   ${perTrip(viaKoffi())}`);
console.log(`  Node tls.TLSSocket over Duplex:   ${perTrip(await viaNodeTls())}`);
