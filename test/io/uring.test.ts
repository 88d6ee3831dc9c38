// The io_uring selector's own part: stream transports whose reads the ring does (multishot
// receives into incrementally consumed pools). The streams, Protocol and selector suites also run
// under it (helpers.ts SELECTORS, selectors.test.ts); here is what only it can get wrong.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { spawn } from 'node:child_process';
import * as net from 'node:net';
import { join } from 'node:path';
import * as calls from 'coroscope/sys/calls';
import * as libc from 'coroscope/sys/libc';
import { EVENT_READ, Protocol, UringSelector, createSelector, gather, getRunningLoop, openConnection, sleep, startServer, type Transport } from 'coroscope';
import { URING_OFF, runOn } from './helpers';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const cli = join(__dirname, '..', '..', 'bin', 'coroscope.js');

/**
 * Runs fixtures/uring-client.ts MODE against a Node `net` peer in this process (one that reads
 * only after a second, or never for abort-after-close) and checks what the peer got and how the
 * client ended. Not an async function: in a test file that would be a coroutine.
 */
function clientAgainstPeer(mode: 'big' | 'last-words' | 'abort-after-close'): Promise<void> {
  let received = 0;
  let text = '';
  const server = net.createServer((conn) => {
    if (mode === 'abort-after-close') return conn.pause();
    conn.pause();
    setTimeout(() => conn.resume(), mode === 'big' ? 1000 : 0);
    conn.on('data', (d: Buffer) => {
      received += d.length;
      if (mode === 'last-words') text += d.toString();
    });
  });
  return new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    .then(
      () =>
        new Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }>((resolve) => {
          const port = (server.address() as net.AddressInfo).port;
          const child = spawn(process.execPath, [cli, 'run', '--selector', 'uring', join(__dirname, 'fixtures', 'uring-client.ts'), mode, String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
          let out = '';
          let err = '';
          child.stdout.on('data', (d) => (out += d));
          child.stderr.on('data', (d) => (err += d));
          child.on('exit', (code, signal) => resolve({ code, signal, out, err }));
        }),
    )
    .then((r) => new Promise<typeof r>((resolve) => setTimeout(() => resolve(r), 200))) // the peer's last reads
    .then((r) => {
      server.close();
      assert.equal(r.signal, null, `the client was killed by ${r.signal}\n${r.err}`);
      assert.equal(r.code, 0, `the client exited ${r.code}\n${r.out}${r.err}`);
      if (mode === 'big') {
        assert.match(r.out, /closed/);
        assert.equal(received, 16 << 20);
      } else if (mode === 'last-words') assert.equal(text, 'last words\n');
      else assert.match(r.out, /abort: RuntimeError: Event loop is closed/);
    });
}

describe('io_uring selector', { skip: URING_OFF ?? false }, () => {
  it('is chosen by name, says so to the debugger, and keeps a receiving fd in its map for reading', () =>
    runOn('uring', async () => {
      const loop = getRunningLoop();
      assert.ok(loop.selector instanceof UringSelector);
      assert.equal(loop.selector.kind, 'uring');
      let serverFd = -1;
      const server = await startServer(async (r, w) => {
        serverFd = (w.transport as unknown as { fd: number }).fd;
        w.write(await r.readline());
        await r.read(); // waits: its fd must be listed as waiting to read
        w.close();
      }, '127.0.0.1', 0);
      const [reader, writer] = await openConnection('127.0.0.1', server.port);
      writer.write('ping\n');
      assert.equal((await reader.readline()).toString(), 'ping\n');
      await sleep(0.01);
      const key = loop.selector.getKey(serverFd);
      assert.ok(key && key.events & EVENT_READ, 'the server side waiting in read() is in the selector map for reading');
      writer.close();
      await writer.waitClosed();
      server.close();
      await server.waitClosed();
    }));

  it('reads are views of 8 KiB pools: a kept small read pins at most 8 KiB (issue 8), and its bytes never change', () =>
    runOn('uring', async () => {
      const kept: Buffer[] = [];
      const server = await startServer(async (r, w) => {
        for (let i = 0; i < 40; i++) {
          const line = await r.readline();
          kept.push(line);
          w.write('.');
        }
        w.close();
      }, '127.0.0.1', 0);
      const [reader, writer] = await openConnection('127.0.0.1', server.port);
      for (let i = 0; i < 40; i++) {
        writer.write(`${String(i).padStart(3, '0')} ${'x'.repeat(700)}\n`);
        await reader.readexactly(1);
      }
      for (const [i, line] of kept.entries()) {
        assert.ok(line.buffer.byteLength <= 8192, `read ${i} pins ${line.buffer.byteLength} bytes`);
        assert.equal(line.toString(), `${String(i).padStart(3, '0')} ${'x'.repeat(700)}\n`, `read ${i} was overwritten`);
      }
      writer.close();
      await writer.waitClosed();
      server.close();
      await server.waitClosed();
    }));

  it('300 connections sending 16 KiB at once (more than its first pools hold): every byte arrives, in order', () =>
    runOn('uring', async () => {
      const server = await startServer(async (r, w) => {
        const data = await r.readexactly(16 * 1024);
        w.write(sha(data));
        await w.drain();
        w.close();
      }, '127.0.0.1', 0, { backlog: 1024 });
      const results = await gather(
        ...Array.from({ length: 300 }, async () => {
          const [r, w] = await openConnection('127.0.0.1', server.port);
          const payload = randomBytes(16 * 1024);
          w.write(payload);
          const digest = (await r.read()).toString();
          w.close();
          await w.waitClosed();
          return digest === sha(payload);
        }),
      );
      assert.equal(results.filter(Boolean).length, 300);
      server.close();
      await server.waitClosed();
    }));

  it('pauseReading with bytes already received: they wait, in order, and come after resumeReading; EOF last', () =>
    runOn('uring', async () => {
      const got: string[] = [];
      let transport: Transport | null = null;
      let eof = false;
      const loop = getRunningLoop();
      const server = await loop.createServer(
        () =>
          new (class extends Protocol {
            override connectionMade(t: Transport) {
              transport = t;
            }
            override dataReceived(data: Uint8Array) {
              got.push(Buffer.from(data).toString());
              // Paused after the first chunk, while the peer's later writes may already be received.
              if (got.length === 1) transport!.pauseReading();
            }
            override eofReceived() {
              eof = true;
              return false;
            }
          })(),
        '127.0.0.1',
        0,
      );
      const [, writer] = await openConnection('127.0.0.1', server.port);
      writer.write('a');
      while (got.length === 0) await sleep(0.005);
      for (const part of ['b', 'c', 'd']) {
        writer.write(part);
        await sleep(0.01);
      }
      writer.writeEof();
      await sleep(0.05);
      assert.deepEqual(got, ['a'], 'nothing is delivered while paused');
      assert.equal(eof, false, 'nor the end of file');
      transport!.resumeReading();
      while (!eof) await sleep(0.005);
      assert.equal(got.join(''), 'abcd');
      writer.close();
      server.close();
      await server.waitClosed();
    }));

  it('a loop closed with connections still receiving leaves no fd behind (runOn checks) and a new one starts clean', () => {
    const once = () =>
      runOn('uring', async () => {
        const server = await startServer(async (r, w) => {
          await r.read();
          w.close();
        }, '127.0.0.1', 0);
        const conns = await gather(...Array.from({ length: 5 }, () => openConnection('127.0.0.1', server.port)));
        await sleep(0.01);
        for (const [, w] of conns) w.close();
        server.close();
        await server.waitClosed();
      });
    // Not an async function: in a test file that would be a coroutine, and run() cannot nest.
    return once().then(once);
  });

  it('write() copies: a buffer reused right after write (small or large) does not change what the peer gets', () =>
    runOn('uring', async () => {
      const small = Buffer.alloc(1000, 0x61);
      const large = randomBytes(300 * 1024);
      const expected = Buffer.concat([small, large, small]);
      const server = await startServer(async (_r, w) => {
        const buf = Buffer.from(small);
        w.write(buf);
        buf.fill(0x7a); // reused at once: the send is only submitted by the loop's next wait
        const big = Buffer.from(large);
        w.write(big);
        big.fill(0);
        w.write(buf.fill(0x61));
        buf.fill(0x7a);
        await w.drain();
        w.close();
      }, '127.0.0.1', 0);
      const [reader, writer] = await openConnection('127.0.0.1', server.port);
      const got = await reader.read();
      assert.equal(got.length, expected.length);
      assert.equal(sha(got), sha(expected));
      writer.close();
      await writer.waitClosed();
      server.close();
      await server.waitClosed();
    }));

  it('thousands of receivers at once: each one is armed again after every completion and hears its next byte', () => {
    const sel = new UringSelector<number>();
    const COUNT = 2500;
    const pairs: [number, number][] = [];
    const receivers: ReturnType<UringSelector['startReceiving']>[] = [];
    try {
      for (let i = 0; i < COUNT; i++) {
        const pair = calls.socketpair();
        pairs.push(pair);
        receivers.push(sel.startReceiving(pair[0], () => {}));
        sel.register(pair[0], EVENT_READ, i);
      }
      sel.select(0); // arms the receives
      for (let round = 1; round <= 3; round++) {
        for (const [, b] of pairs) libc.send(b, Buffer.from([round]), 1, 0);
        const heard = new Set<number>();
        const deadline = Date.now() + 10_000;
        while (heard.size < COUNT && Date.now() < deadline) {
          for (const [key] of sel.select(0.05)) {
            const got = sel.takeReceived(receivers[key.data]!);
            if (got instanceof Buffer && got[0] === round) heard.add(key.data);
          }
        }
        assert.equal(heard.size, COUNT, `round ${round}: ${COUNT - heard.size} receivers never heard their byte`);
      }
    } finally {
      for (let i = 0; i < pairs.length; i++) {
        sel.stopReceiving(receivers[i]!);
        sel.unregister(pairs[i]![0]);
        libc.close(pairs[i]![0]);
        libc.close(pairs[i]![1]);
      }
      sel.close();
    }
  });

  for (const [mode, what] of [
    ['big', '16 MiB written then close(), to a peer that reads only after a second: no "all asleep" verdict while the send is in flight, every byte arrives, waitClosed returns'],
    ['last-words', 'a line written then close() as the program ends: the loop closing sends it (asyncio sends inside write())'],
    ['abort-after-close', 'abort() after the loop closed with a send in flight: the error epoll gives (Event loop is closed), no crash'],
  ] as const) {
    it(what, () => clientAgainstPeer(mode));
  }

  it('an unknown selector name is a clear error naming the choices', () => {
    assert.throws(() => createSelector('iouring'), /unknown selector 'iouring'.*select, poll, epoll, kqueue or uring/);
  });
});
