// Streams over real sockets on 127.0.0.1 (under every selector), and StreamReader's buffer rules
// on a fake loop.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  CancelledError,
  ConnectionRefusedError,
  ConnectionResetError,
  IncompleteReadError,
  LimitOverrunError,
  RuntimeError,
  StreamReader,
  ValueError,
  createTask,
  gather,
  sleep,
  socket,
  startServer,
  openConnection,
  waitFor,
  TimeoutError,
  type Server,
  type StreamWriter,
} from 'coroscope';
import { runFake } from '../helpers';
import { SELECTORS, assertNoLeaks, openFds, runOn, sha256 } from './helpers';

const text = (b: Uint8Array) => Buffer.from(b).toString();

/** Awaits aw and asserts what it raised (assert.rejects wants native promises). */
async function raises(aw: PromiseLike<unknown>, check: ((err: any) => boolean) | (new (...args: any[]) => Error)): Promise<void> {
  try {
    await aw;
  } catch (err) {
    if (check.prototype instanceof Error || check === Error) assert.ok(err instanceof (check as new () => Error), `expected ${check.name}, got ${String(err)}`);
    else assert.ok((check as (e: unknown) => boolean)(err), `unexpected error ${String(err)}`);
    return;
  }
  assert.fail('nothing was raised');
}

/** A server whose handler is `handle`, and a client connected to it. */
async function pair(handle: (r: StreamReader, w: StreamWriter) => unknown, limit?: number) {
  const server = await startServer(handle, '127.0.0.1', 0, { limit });
  const [reader, writer] = await openConnection('127.0.0.1', server.port, { limit });
  return { server, reader, writer };
}

async function shutdown(server: Server, ...writers: StreamWriter[]) {
  for (const w of writers) w.close();
  for (const w of writers) await w.waitClosed().then(() => undefined, () => undefined);
  server.close();
  await server.waitClosed();
}

for (const kind of SELECTORS) {
  describe(`streams (${kind})`, () => {
    it('echoes lines, resolves localhost, and reports peername/sockname', () =>
      runOn(kind, async () => {
        const server = await startServer(async (r, w) => {
          for await (const line of r) w.write(line.toString().toUpperCase());
          w.close();
        }, '127.0.0.1', 0);
        const [reader, writer] = await openConnection('localhost', server.port);
        assert.deepEqual(writer.getExtraInfo('peername'), ['127.0.0.1', server.port]);
        assert.equal((writer.getExtraInfo('sockname') as [string, number])[0], '127.0.0.1');
        assert.ok(writer.getExtraInfo('socket') instanceof socket.Socket);
        writer.write('hello\nworld\n');
        assert.equal(text(await reader.readline()), 'HELLO\n');
        assert.equal(text(await reader.readuntil('\n')), 'WORLD\n');
        writer.writeEof();
        assert.equal((await reader.read()).length, 0);
        assert.ok(reader.atEof());
        await shutdown(server, writer);
      }));

    it('readexactly at EOF raises IncompleteReadError with the partial bytes', () =>
      runOn(kind, async () => {
        const { server, reader, writer } = await pair((_r, w) => {
          w.write('12345');
          w.close();
        });
        await raises(reader.readexactly(10), (err: unknown) => {
          assert.ok(err instanceof IncompleteReadError);
          assert.equal(text(err.partial), '12345');
          assert.equal(err.expected, 10);
          return true;
        });
        assert.ok(reader.atEof());
        await shutdown(server, writer);
      }));

    it('a line longer than the limit: readline raises ValueError, readuntil LimitOverrunError', () =>
      runOn(kind, async () => {
        const { server, reader, writer } = await pair((_r, w) => {
          w.write('x'.repeat(100) + '\nok\n' + 'y'.repeat(100) + '\n');
          w.close();
        }, 16);
        await sleep(0.05); // everything has arrived: one chunk, far above the limit
        await raises(reader.readline(), (err: unknown) => err instanceof ValueError && /Separator is found, but chunk is longer than limit/.test((err as Error).message));
        assert.equal(text(await reader.readline()), 'ok\n'); // the long line was dropped, through its '\n'
        await raises(reader.readuntil('\n'), (err: unknown) => err instanceof LimitOverrunError && err.consumed === 100);
        assert.equal((await reader.readexactly(101)).length, 101); // readuntil left the data in place
        assert.equal((await reader.readline()).length, 0);
        await shutdown(server, writer);
      }));

    it('drain() waits while the peer does not read, and completes once it does', () =>
      runOn(kind, async () => {
        let serverReader: StreamReader | null = null;
        let serverWriter: StreamWriter | null = null;
        const { server, reader, writer } = await pair((r, w) => {
          serverReader = r;
          serverWriter = w;
        });
        const chunk = Buffer.alloc(64 * 1024, 7);
        let written = 0;
        let blocked = false;
        for (let i = 0; i < 1000 && !blocked; i++) {
          writer.write(chunk);
          written += chunk.length;
          try {
            await waitFor(writer.drain(), 0.05);
          } catch (err) {
            assert.ok(err instanceof TimeoutError);
            blocked = true;
          }
        }
        assert.ok(blocked, 'drain() never blocked');
        const [low, high] = writer.transport.getWriteBufferLimits();
        assert.equal(high, 64 * 1024);
        assert.ok(writer.transport.getWriteBufferSize() > low);
        const draining = createTask((async () => await writer.drain())());
        let got = 0;
        while (got < written) got += (await serverReader!.read(1 << 20)).length;
        await draining;
        assert.equal(got, written);
        assert.equal(writer.transport.getWriteBufferSize(), 0);
        void reader;
        await shutdown(server, writer, serverWriter!);
      }));

    it('writes 1 MiB while the peer reads 1000-byte chunks: every byte arrives, checksum equal', () =>
      runOn(kind, async () => {
        const data = randomBytes(1 << 20);
        let received: Buffer[] = [];
        let done: () => void;
        const finished = new Promise<void>((resolve) => (done = resolve));
        const { server, writer } = await pair(async (r, w) => {
          for (;;) {
            const part = await r.read(1000);
            if (part.length === 0) break;
            assert.ok(part.length <= 1000);
            received.push(part);
          }
          w.close();
          done();
        });
        writer.write(data);
        await writer.drain();
        writer.writeEof();
        await finished;
        assert.equal(Buffer.concat(received).length, data.length);
        assert.equal(sha256(...received), sha256(data));
        received = [];
        await shutdown(server, writer);
      }));

    it('half-close: the peer reads EOF and can still answer', () =>
      runOn(kind, async () => {
        const { server, reader, writer } = await pair(async (r, w) => {
          const all = await r.read(); // until EOF
          w.write(`got ${all.length} bytes`);
          w.close();
        });
        assert.ok(writer.canWriteEof());
        writer.write('abc');
        writer.write('def');
        writer.writeEof();
        assert.throws(() => writer.write('more'), RuntimeError);
        assert.equal(text(await reader.read()), 'got 6 bytes');
        assert.equal((await reader.read()).length, 0);
        await shutdown(server, writer);
      }));

    it('peer reset: a pending read raises ConnectionResetError, drain too, the process lives', () =>
      runOn(kind, async () => {
        const { server, reader, writer } = await pair((_r, w) => {
          const sock = w.getExtraInfo('socket') as socket.Socket;
          sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, new Uint8Array(new Int32Array([1, 0]).buffer)); // close() sends RST
          w.transport.abort();
        });
        await raises(reader.read(100), ConnectionResetError);
        writer.write('into the void'); // ignored, as asyncio does after the connection is lost
        await raises(writer.drain(), ConnectionResetError);
        await raises(writer.waitClosed(), ConnectionResetError);
        await shutdown(server, writer);
      }));

    it('connecting to a closed port raises ConnectionRefusedError', () =>
      runOn(kind, async () => {
        const s = socket.createServer(['127.0.0.1', 0]);
        const port = (s.getsockname() as [string, number])[1];
        s.close();
        await raises(openConnection('127.0.0.1', port), ConnectionRefusedError);
      }));

    it('serveForever ends when cancelled, closing the server; 50 connections leave no fd behind', () =>
      runOn(kind, async () => {
        const before = openFds();
        const server = await startServer(async (r, w) => {
          w.write(await r.readline());
          await w.drain();
          w.close();
        }, '127.0.0.1', 0);
        const serving = createTask(server.serveForever());
        const clients = Array.from({ length: 50 }, async (_, i) => {
          const [r, w] = await openConnection('127.0.0.1', server.port);
          w.write(`client ${i}\n`);
          const line = text(await r.readline());
          w.close();
          await w.waitClosed();
          return line;
        });
        const lines = await gather(...clients);
        assert.deepEqual(lines, Array.from({ length: 50 }, (_, i) => `client ${i}\n`));
        assert.ok(server.isServing());
        serving.cancel();
        await raises(serving, CancelledError);
        assert.ok(!server.isServing());
        assert.deepEqual(server.sockets, []);
        await server.waitClosed();
        assertNoLeaks(before, 'streams', { insideLoop: true });
      }));
  });
}

for (const kind of ['epoll', 'uring']) describe(`streams at scale (${kind})`, { skip: !SELECTORS.includes(kind) }, () => {
  it('1,000 concurrent connections each get their own line back', () =>
    runOn(kind, async () => {
      const server = await startServer(async (r, w) => {
        w.write(await r.readline());
        await w.drain();
        w.close();
      }, '127.0.0.1', 0, { backlog: 1024 });
      const replies = await gather(
        ...Array.from({ length: 1000 }, async (_, i) => {
          const [r, w] = await openConnection('127.0.0.1', server.port);
          w.write(`line ${i}\n`);
          const line = text(await r.readline());
          w.close();
          await w.waitClosed();
          return line === `line ${i}\n`;
        }),
      );
      assert.equal(replies.filter(Boolean).length, 1000);
      server.close();
      await server.waitClosed();
    }));
});

describe('StreamReader buffer rules (fake loop)', () => {
  it('read(n) returns what is buffered, up to n; read() waits for EOF', () =>
    runFake(async () => {
      const r = new StreamReader();
      r.feedData(Buffer.from('hello world'));
      assert.equal(text(await r.read(5)), 'hello');
      const rest = r.read();
      r.feedData(Buffer.from('!'));
      r.feedEof();
      assert.equal(text(await rest), ' world!');
      assert.ok(r.atEof());
      assert.equal((await r.read(10)).length, 0);
    }));

  it('readuntil finds a multi-byte separator split across chunks', () =>
    runFake(async () => {
      const r = new StreamReader();
      const line = r.readuntil('\r\n');
      r.feedData(Buffer.from('GET / HTTP/1.1\r'));
      await sleep(0);
      assert.equal(line.done(), false);
      r.feedData(Buffer.from('\nHost: x\r\n'));
      assert.equal(text(await line), 'GET / HTTP/1.1\r\n');
      assert.equal(text(await r.readuntil('\r\n')), 'Host: x\r\n');
    }));

  it('readuntil without separator past the limit: LimitOverrunError, data kept', () =>
    runFake(async () => {
      const r = new StreamReader({ limit: 8 });
      r.feedData(Buffer.from('0123456789abc'));
      await raises(r.readuntil('\n'), (e: unknown) => e instanceof LimitOverrunError && e.consumed === 13);
      assert.equal(text(await r.read(100)), '0123456789abc');
      r.feedData(Buffer.from('0123456789abc'));
      await raises(r.readline(), ValueError); // readline drops the buffer
      r.feedData(Buffer.from('ok\n'));
      assert.equal(text(await r.readline()), 'ok\n');
    }));

  it('readline at EOF returns the partial last line, then an empty buffer', () =>
    runFake(async () => {
      const r = new StreamReader();
      r.feedData(Buffer.from('a\nb'));
      r.feedEof();
      const lines: string[] = [];
      for await (const line of r) lines.push(text(line));
      assert.deepEqual(lines, ['a\n', 'b']);
    }));

  it('two concurrent reads are refused', () =>
    runFake(async () => {
      const r = new StreamReader();
      const first = r.read(1);
      assert.throws(() => r.read(1), RuntimeError);
      r.feedData(Buffer.from('x'));
      assert.equal(text(await first), 'x');
    }));

  it('a read cancelled after its data arrived gives the data back (nothing lost)', () =>
    runFake(async () => {
      const r = new StreamReader();
      const t = createTask((async () => await r.read(10))());
      await sleep(0); // the task now waits in read()
      r.feedData(Buffer.from('abc')); // completes the read...
      t.cancel(); // ...but the task is cancelled before it resumes
      await raises(t, CancelledError);
      assert.equal(text(await r.read(10)), 'abc');
    }));

  it('an exception set on the reader fails the pending read and later ones', () =>
    runFake(async () => {
      const r = new StreamReader();
      const pending = r.readexactly(4);
      const err = new ConnectionResetError(104, 'Connection lost');
      r.setException(err);
      await raises(pending, (e) => e === err);
      await raises(r.read(1), (e) => e === err);
      assert.equal(r.exception(), err);
    }));
});
