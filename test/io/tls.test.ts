// TLS streams over real sockets on 127.0.0.1, with certificates made at test time: handshake,
// verification failures, close_notify and abrupt close, 1 MiB, startTls, garbage instead of a
// ClientHello, the handshake timeout, and what the debugger shows. Every case checks for fd leaks.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  ConnectionAbortedError,
  SSLCertVerificationError,
  SSLError,
  SSLContext,
  SSLObject,
  SocketTransport,
  TlsTransport,
  createTask,
  socket,
  getRunningLoop,
  openConnection,
  sleep,
  startServer,
  type ExceptionContext,
  type Protocol,
  Protocol as ProtocolBase,
  type Transport,
  type StreamReader,
  type StreamWriter,
} from 'coroscope';
import type { probe as Probe } from 'coroscope/introspection';
import { runOn, sha256 } from './helpers';
import { NO_OPENSSL, testCerts } from './tls-certs';

const probe = (globalThis as Record<symbol, unknown>)[Symbol.for('coroscope.probe')] as typeof Probe;
// TLS sits above the transport, the same under every selector: one is enough.
const SELECTOR = process.platform === 'linux' ? 'epoll' : 'poll';
const text = (b: Uint8Array) => Buffer.from(b).toString();

async function raises(aw: PromiseLike<unknown>): Promise<Error> {
  try {
    await aw;
  } catch (err) {
    return err as Error;
  }
  assert.fail('nothing was raised');
}

/** Collects what the loop's exception handler is given (the server's log). */
function captureLog(): ExceptionContext[] {
  const seen: ExceptionContext[] = [];
  getRunningLoop().setExceptionHandler((_loop, ctx) => void seen.push(ctx));
  return seen;
}

async function echoLine(r: StreamReader, w: StreamWriter): Promise<void> {
  w.write(await r.readline());
  await w.drain();
  w.close();
  await w.waitClosed();
}

describe('TLS streams', { skip: NO_OPENSSL ?? false }, () => {
  it('handshakes, echoes, and reports cipher, peercert and the SSL object', () =>
    runOn(SELECTOR, async () => {
      const certs = testCerts();
      const server = await startServer(echoLine, '127.0.0.1', 0, { ssl: certs.server });
      const [r, w] = await openConnection('127.0.0.1', server.port, { ssl: { ca: certs.ca } });
      const cipher = w.getExtraInfo<[string, string, number]>('cipher')!;
      assert.equal(cipher[1], 'TLSv1.3');
      const cert = w.getExtraInfo<{ subject: [string, string][][]; subjectAltName: [string, string][] }>('peercert')!;
      assert.deepEqual(cert.subject, [[['commonName', 'localhost']]]);
      assert.deepEqual(cert.subjectAltName, [['DNS', 'localhost'], ['IP Address', '127.0.0.1']]);
      const sslObject = w.getExtraInfo<SSLObject>('sslObject')!;
      assert.ok(sslObject instanceof SSLObject);
      assert.equal(sslObject.version(), 'TLSv1.3');
      assert.equal(sslObject.serverHostname, '127.0.0.1');
      w.write('hello over TLS\n');
      assert.equal(text(await r.readline()), 'hello over TLS\n');
      assert.equal((await r.read()).length, 0, 'the server closed (close_notify): EOF');
      w.close();
      await w.waitClosed();
      server.close();
      await server.waitClosed();
    }));

  it('the debugger: the fd entry says TLS 1.3 · peer CN=…, a task in a handshake waits on `TLS handshake fd N`', () =>
    runOn(SELECTOR, async () => {
      const certs = testCerts();
      probe.attach();
      try {
        // A plain server that accepts and never answers: the client's handshake waits.
        const silent = await startServer(async (r) => void (await r.read()), '127.0.0.1', 0);
        const client = createTask(openConnection('127.0.0.1', silent.port, { ssl: { ca: certs.ca }, sslHandshakeTimeout: 30 }), { name: 'client' });
        let waiting = '';
        for (let i = 0; i < 50 && !waiting.startsWith('TLS'); i++) {
          await sleep(0.01);
          waiting = probe.snapshot().tasks.find((t) => t.name === 'client')?.waitingFor ?? '';
        }
        assert.match(waiting, /^TLS handshake fd \d+$/);
        const fd = Number(/fd (\d+)/.exec(waiting)![1]);
        assert.equal(probe.loop()!.fds.find((f) => f.fd === fd)?.tls, 'TLS handshake');
        client.cancel();
        await raises(client);

        const server = await startServer(echoLine, '127.0.0.1', 0, { ssl: certs.server });
        const [r, w] = await openConnection('localhost', server.port, { ssl: { ca: certs.ca } });
        const entry = probe.loop()!.fds.find((f) => f.fd === w.transport.fd)!;
        assert.equal(entry.tls, 'TLS 1.3 · peer CN=localhost');
        assert.equal(entry.peername, `127.0.0.1:${server.port}`);
        // The future a read waits on (the Awaiting scope, the await hover) says it too.
        const reading = createTask(r.readline(), { name: 'reading' });
        await sleep(0.01);
        const snap = probe.snapshot();
        const awaited = snap.futures.find((f) => f.id === snap.tasks.find((t) => t.name === 'reading')!.awaiting)!;
        assert.match(awaited.summary, new RegExp(`^recv fd ${w.transport.fd} · pending · 127\\.0\\.0\\.1:\\d+ ↔ 127\\.0\\.0\\.1:${server.port} · TLS 1\\.3 · peer CN=localhost$`));
        w.write('x\n');
        await reading;
        w.close();
        await w.waitClosed();
        for (const s of [server, silent]) {
          s.close();
          s.closeClients();
          await s.waitClosed();
        }
      } finally {
        probe.detach();
      }
    }));

  it('verification is on with ssl: true; failures read as Python’s, and the server logs them and goes on serving', () =>
    runOn(SELECTOR, async () => {
      const certs = testCerts();
      const log = captureLog();
      const server = await startServer(echoLine, '127.0.0.1', 0, { ssl: certs.server });
      // The system's CAs do not know the test CA.
      const unknown = await raises(openConnection('127.0.0.1', server.port, { ssl: true }));
      assert.ok(unknown instanceof SSLCertVerificationError);
      assert.equal(String(unknown), 'SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate (host 127.0.0.1)');
      // Hostname mismatch.
      const mismatch = await raises(openConnection('127.0.0.1', server.port, { ssl: { ca: certs.ca }, serverHostname: 'example.com' }));
      assert.equal(String(mismatch), "SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: Hostname mismatch, certificate is not valid for 'example.com'. (host example.com)");
      assert.equal((mismatch as SSLCertVerificationError).verifyCode, 62);
      // The same server still serves a client that trusts it.
      const [r, w] = await openConnection('127.0.0.1', server.port, { ssl: { ca: certs.ca } });
      w.write('still here\n');
      assert.equal(text(await r.readline()), 'still here\n');
      w.close();
      await w.waitClosed();
      server.close();
      await server.waitClosed();
      const messages = log.map((c) => `${c.message}: ${String(c.exception)}`);
      assert.equal(messages.length, 2, messages.join('\n'));
      for (const m of messages) assert.match(m, /^TLS handshake with 127\.0\.0\.1:\d+ failed: SSLError: \[SSL: (TLSV1_ALERT_UNKNOWN_CA|SSLV3_ALERT_BAD_CERTIFICATE)\]/);
    }));

  it('an expired certificate: certificate verify failed: certificate has expired (host 127.0.0.1)', () =>
    runOn(SELECTOR, async () => {
      const certs = testCerts();
      captureLog();
      const server = await startServer(echoLine, '127.0.0.1', 0, { ssl: certs.expired });
      const err = await raises(openConnection('127.0.0.1', server.port, { ssl: { ca: certs.ca } }));
      assert.ok(err instanceof SSLCertVerificationError && err instanceof SSLError);
      assert.equal(err.message, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: certificate has expired (host 127.0.0.1)');
      assert.equal((err as SSLCertVerificationError).verifyMessage, 'certificate has expired');
      server.close();
      await server.waitClosed();
    }));

  it('close_notify and an abrupt close both end in EOF; close() waits for the peer’s close_notify, not the shutdown timeout', () =>
    runOn(SELECTOR, async () => {
      const certs = testCerts();
      const log = captureLog();
      const server = await startServer(
        async (r, w) => {
          const how = text(await r.readline()).trim();
          w.write(`bye (${how})\n`);
          await w.drain();
          if (how === 'abort') w.transport.abort(); // TCP closes with no close_notify
          else w.close();
          await w.waitClosed().then(() => undefined, () => undefined);
        },
        '127.0.0.1',
        0,
        { ssl: certs.server, sslShutdownTimeout: 20 },
      );
      for (const how of ['close', 'abort']) {
        const started = getRunningLoop().time();
        const [r, w] = await openConnection('127.0.0.1', server.port, { ssl: { ca: certs.ca }, sslShutdownTimeout: 20 });
        w.write(`${how}\n`);
        assert.equal(text(await r.read()), `bye (${how})\n`, how);
        assert.equal(r.atEof(), true, how);
        w.close();
        await w.waitClosed();
        assert.ok(getRunningLoop().time() - started < 10, `${how}: closed without waiting for the shutdown timeout`);
      }
      server.close();
      await server.waitClosed();
      assert.deepEqual(log, [], 'no errors reported');
    }));

  it('carries 1 MiB each way', () =>
    runOn(SELECTOR, async () => {
      const certs = testCerts();
      const server = await startServer(
        async (r, w) => {
          for (;;) {
            const chunk = await r.read(65536);
            if (chunk.length === 0) break;
            w.write(chunk);
            await w.drain();
          }
          w.close();
          await w.waitClosed();
        },
        '127.0.0.1',
        0,
        { ssl: certs.server },
      );
      const [r, w] = await openConnection('127.0.0.1', server.port, { ssl: { ca: certs.ca } });
      const data = randomBytes(1024 * 1024);
      const reading = createTask(r.readexactly(data.length));
      w.write(data);
      await w.drain();
      const back = await reading;
      assert.equal(sha256(back), sha256(data));
      w.close();
      await w.waitClosed();
      server.close();
      await server.waitClosed();
    }));

  it('startTls upgrades a plain connection (STARTTLS), on both sides', () =>
    runOn(SELECTOR, async () => {
      const certs = testCerts();
      const server = await startServer(
        async (r, w) => {
          assert.equal(text(await r.readline()), 'STARTTLS\n');
          w.write('OK\n');
          await w.drain();
          await w.startTls(certs.server);
          w.write(`secret ${text(await r.readline())}`);
          await w.drain();
          w.close();
          await w.waitClosed();
        },
        '127.0.0.1',
        0,
      );
      const [r, w] = await openConnection('127.0.0.1', server.port);
      assert.equal(w.getExtraInfo('sslObject'), undefined);
      w.write('STARTTLS\n');
      assert.equal(text(await r.readline()), 'OK\n');
      await w.startTls({ ca: certs.ca }, { serverHostname: 'localhost' });
      assert.equal(w.getExtraInfo<SSLObject>('sslObject')!.version(), 'TLSv1.3');
      w.write('hello\n');
      assert.equal(text(await r.readline()), 'secret hello\n');
      assert.equal((await r.read()).length, 0);
      w.close();
      await w.waitClosed();
      server.close();
      await server.waitClosed();
    }));

  it('a client that sends garbage instead of a ClientHello is logged and dropped; the server goes on serving', () =>
    runOn(SELECTOR, async () => {
      const certs = testCerts();
      const log = captureLog();
      const server = await startServer(echoLine, '127.0.0.1', 0, { ssl: certs.server });
      const [pr, pw] = await openConnection('127.0.0.1', server.port);
      pw.write('GET / HTTP/1.0\r\n\r\n');
      await pr.read(); // an alert, or nothing: then EOF
      await pr.read();
      assert.equal(pr.atEof(), true);
      pw.close();
      await pw.waitClosed();
      const [r, w] = await openConnection('127.0.0.1', server.port, { ssl: { ca: certs.ca } });
      w.write('fine\n');
      assert.equal(text(await r.readline()), 'fine\n');
      w.close();
      await w.waitClosed();
      server.close();
      await server.waitClosed();
      assert.equal(log.length, 1);
      assert.match(log[0]!.message, /^TLS handshake with 127\.0\.0\.1:\d+ failed$/);
      assert.ok(log[0]!.exception instanceof SSLError);
      assert.match(String(log[0]!.exception), /^SSLError: \[SSL: (HTTP_REQUEST|WRONG_VERSION_NUMBER|PACKET_LENGTH_TOO_LONG)\] /);
    }));

  it('the handshake timeout aborts a handshake the peer never answers', () =>
    runOn(SELECTOR, async () => {
      const certs = testCerts();
      const silent = await startServer(async (r) => void (await r.read()), '127.0.0.1', 0);
      const err = await raises(openConnection('127.0.0.1', silent.port, { ssl: { ca: certs.ca }, sslHandshakeTimeout: 0.2 }));
      assert.ok(err instanceof ConnectionAbortedError);
      assert.equal(err.message, 'SSL handshake is taking longer than 0.2 seconds: aborting the connection');
      // And a TLS server drops a client that connects and never says hello.
      const log = captureLog();
      const server = await startServer(echoLine, '127.0.0.1', 0, { ssl: certs.server, sslHandshakeTimeout: 0.2 });
      const [r, w] = await openConnection('127.0.0.1', server.port);
      assert.equal((await r.read()).length, 0, 'the server hung up');
      w.close();
      await w.waitClosed();
      for (const s of [server, silent]) {
        s.close();
        s.closeClients();
        await s.waitClosed();
      }
      assert.equal(log.length, 1);
      assert.ok(log[0]!.exception instanceof ConnectionAbortedError);
    }));

  it('client certificates: a server with verifyMode CERT_REQUIRED sees the client’s, and refuses a client without one', () =>
    runOn(SELECTOR, async () => {
      const certs = testCerts();
      const log = captureLog();
      let seen: unknown = null;
      const server = await startServer(
        async (r, w) => {
          seen = w.getExtraInfo('peercert');
          await echoLine(r, w);
        },
        '127.0.0.1',
        0,
        { ssl: { ...certs.server, ca: certs.ca, verifyMode: 'CERT_REQUIRED' } },
      );
      const [r, w] = await openConnection('127.0.0.1', server.port, { ssl: { ca: certs.ca, ...certs.server } });
      w.write('me\n');
      assert.equal(text(await r.readline()), 'me\n');
      assert.deepEqual((seen as { subject: unknown }).subject, [[['commonName', 'localhost']]]);
      w.close();
      await w.waitClosed();
      // Without a certificate: TLS 1.3 lets the client finish first, so it learns on its first read.
      const [r2, w2] = await openConnection('127.0.0.1', server.port, { ssl: { ca: certs.ca } });
      w2.write('anonymous\n');
      const err = await raises(r2.readline());
      assert.ok(err instanceof SSLError, String(err));
      assert.match(String(err), /CERTIFICATE_REQUIRED/);
      w2.close();
      await w2.waitClosed().then(() => undefined, () => undefined);
      server.close();
      await server.waitClosed();
      assert.equal(log.length, 1);
      assert.match(String(log[0]!.exception), /^SSLError: \[SSL: PEER_DID_NOT_RETURN_A_CERTIFICATE\] peer did not return a certificate \(peer 127\.0\.0\.1:\d+\)$/);
    }));

  it('TlsTransport under any protocol: a hand-made Protocol over a SocketTransport (how createConnection wires ssl)', () =>
    runOn(SELECTOR, async () => {
      const certs = testCerts();
      const loop = getRunningLoop();
      const server = await startServer(echoLine, '127.0.0.1', 0, { ssl: certs.server });
      const sock = socket.socket();
      sock.setblocking(false);
      await loop.sockConnect(sock, ['127.0.0.1', server.port]);
      const events: string[] = [];
      const done = loop.createFuture<void>();
      const app: Protocol = {
        connectionMade: (t) => {
          events.push(`made ${t.getExtraInfo<[string, string, number]>('cipher')![1]}`);
          t.write('protocol\n');
        },
        dataReceived: (d) => void events.push(`data ${JSON.stringify(String(d))}`),
        eofReceived: () => (events.push('eof'), false),
        connectionLost: (exc) => {
          events.push(`lost ${String(exc)}`);
          done.setResult();
        },
        pauseWriting: () => undefined,
        resumeWriting: () => undefined,
      };
      // The byte transport's protocol is the TLS layer; the application's protocol sits on top.
      const tls = new TlsTransport(loop, app, new SSLContext({ ca: certs.ca }), { serverSide: false, serverHostname: '127.0.0.1' });
      new SocketTransport(loop, sock.detach(), tls, { peername: ['127.0.0.1', server.port] });
      await done;
      assert.deepEqual(events, ['made TLSv1.3', 'data "protocol\\n"', 'eof', 'lost null']);
      server.close();
      await server.waitClosed();
    }));

  it('the Protocol API over TLS: loop.createServer and loop.createConnection with ssl; a failed verification raises from createConnection', () =>
    runOn(SELECTOR, async () => {
      const certs = testCerts();
      const loop = getRunningLoop();
      const log = captureLog();
      /** Echoes each chunk back, upper-cased; records what it saw. */
      class Upper extends ProtocolBase {
        transport: Transport | null = null;
        override connectionMade(t: Transport): void {
          this.transport = t;
        }
        override dataReceived(d: Buffer): void {
          this.transport!.write(String(d).toUpperCase());
        }
      }
      const server = await loop.createServer(() => new Upper(), '127.0.0.1', 0, { ssl: certs.server });
      const got: string[] = [];
      const lost = loop.createFuture<Error | null>();
      class Client extends ProtocolBase {
        override dataReceived(d: Buffer): void {
          got.push(String(d));
          if (got.join('') === 'OVER TLS') this.transport!.close();
        }
        override connectionLost(exc: Error | null): void {
          lost.setResult(exc);
        }
        transport: Transport | null = null;
        override connectionMade(t: Transport): void {
          this.transport = t;
        }
      }
      const [transport, client] = await loop.createConnection(() => new Client(), '127.0.0.1', server.port, { ssl: { ca: certs.ca } });
      assert.ok(client.transport === transport, 'connectionMade ran before createConnection returned');
      assert.equal(transport.getExtraInfo<[string, string, number]>('cipher')![1], 'TLSv1.3');
      assert.equal(transport.getProtocol(), client);
      transport.write('over TLS');
      assert.equal(await lost, null);
      assert.equal(got.join(''), 'OVER TLS');
      // The system's CAs do not know the test CA: the handshake fails in createConnection.
      const failed = await raises(loop.createConnection(() => new Client(), '127.0.0.1', server.port, { ssl: true }));
      assert.ok(failed instanceof SSLCertVerificationError, String(failed));
      await sleep(0.05);
      assert.ok(log.some((c) => /TLS handshake with 127\.0\.0\.1:\d+ failed/.test(c.message)), 'the server logs the client it could not serve');
      server.close();
      server.closeClients();
      await server.waitClosed();
    }));

  it('bad options say what is wrong', () =>
    runOn(SELECTOR, async () => {
      await assert.rejects(async () => startServer(echoLine, '127.0.0.1', 0, { ssl: {} }), /startServer\(\): ssl needs cert and key/);
      assert.throws(() => openConnection('127.0.0.1', 1, { serverHostname: 'x' }), /serverHostname is only meaningful with ssl/);
      assert.throws(() => openConnection('127.0.0.1', 1, { ssl: { ca: 'not a pem' } }), /no PEM certificate found in ca/);
      assert.throws(() => openConnection('127.0.0.1', 1, { ssl: { verifyMode: 'CERT_NONE', checkHostname: true } }), /Cannot set verifyMode to CERT_NONE when checkHostname is enabled/);
      // A bad timeout is refused when called, before a socket exists that the error would leave open
      // (runOn's fd-leak check), on a client and on a server.
      const certs = testCerts();
      const server = await startServer(echoLine, '127.0.0.1', 0, { ssl: certs.server });
      assert.throws(() => openConnection('127.0.0.1', server.port, { ssl: { ca: certs.ca }, sslHandshakeTimeout: 0 }), /sslHandshakeTimeout should be a positive number, got 0/);
      assert.throws(() => getRunningLoop().createConnection(() => new ProtocolBase(), '127.0.0.1', server.port, { ssl: { ca: certs.ca }, sslShutdownTimeout: -1 }), /sslShutdownTimeout should be a positive number, got -1/);
      await assert.rejects(async () => startServer(echoLine, '127.0.0.1', 0, { ssl: certs.server, sslHandshakeTimeout: Number.NaN }), /sslHandshakeTimeout should be a positive number, got NaN/);
      server.close();
      await server.waitClosed();
    }));
});
