// The io_uring selector's own part: stream transports whose reads the ring does (multishot
// receives into incrementally consumed pools). The streams, Protocol and selector suites also run
// under it (helpers.ts SELECTORS, selectors.test.ts); here is what only it can get wrong.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { EVENT_READ, Protocol, UringSelector, createSelector, gather, getRunningLoop, openConnection, sleep, startServer, type Transport } from 'coroscope';
import { URING_OFF, runOn } from './helpers';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

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

  it('an unknown selector name is a clear error naming the choices', () => {
    assert.throws(() => createSelector('iouring'), /unknown selector 'iouring'.*select, poll, epoll, kqueue or uring/);
  });
});
