// The loop's socket operations over real sockets on 127.0.0.1, under every selector.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  BrokenPipeError,
  CancelledError,
  ConnectionError,
  ConnectionRefusedError,
  ConnectionResetError,
  OSError,
  RuntimeError,
  createTask,
  gather,
  getRunningLoop,
  sleep,
  socket,
} from 'coroscope';
import { SELECTORS, runOn, sha256 } from './helpers';

type Sock = socket.Socket;

/** A non-blocking listening socket on 127.0.0.1 with an OS-chosen port. */
function listener(): [Sock, number] {
  const srv = socket.createServer(['127.0.0.1', 0]);
  srv.setblocking(false);
  return [srv, (srv.getsockname() as [string, number])[1]];
}

/** A port nothing listens on (bound, then closed). */
function closedPort(): number {
  const s = socket.socket();
  s.bind(['127.0.0.1', 0]);
  const port = (s.getsockname() as [string, number])[1];
  s.close();
  return port;
}

async function connectTo(port: number): Promise<Sock> {
  const c = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  c.setblocking(false);
  await getRunningLoop().sockConnect(c, ['127.0.0.1', port]);
  return c;
}

/** A connected TCP pair over loopback: [client, server side]. */
async function tcpPair(): Promise<[Sock, Sock]> {
  const loop = getRunningLoop();
  const [srv, port] = listener();
  try {
    const accepting = loop.sockAccept(srv);
    const c = await connectTo(port);
    const [s] = await accepting;
    return [c, s];
  } finally {
    srv.close();
  }
}

/** Awaits aw and returns what it raised (assert.rejects wants native promises). */
async function raises(aw: PromiseLike<unknown>, check: RegExp | ((err: any) => boolean) | (new (...args: any[]) => Error)): Promise<unknown> {
  try {
    await aw;
  } catch (err) {
    if (check instanceof RegExp) assert.match(String((err as Error)?.message ?? err), check);
    else if (check.prototype instanceof Error || check === Error) assert.ok(err instanceof (check as new () => Error), `expected ${check.name}, got ${String(err)}`);
    else assert.ok((check as (e: unknown) => boolean)(err), `unexpected error: ${String(err)}`);
    return err;
  }
  assert.fail('expected an error');
}

async function recvExactly(sock: Sock, n: number): Promise<Buffer> {
  const loop = getRunningLoop();
  const parts: Buffer[] = [];
  let got = 0;
  while (got < n) {
    const b = await loop.sockRecv(sock, n - got);
    if (b.length === 0) break;
    parts.push(b);
    got += b.length;
  }
  return Buffer.concat(parts);
}

for (const kind of SELECTORS) {
  describe(`socket operations on ${kind}`, { timeout: 20000 }, () => {
    it('echoes through sockAccept, sockConnect, sockSendall and sockRecv', () =>
      runOn(kind, async () => {
        const loop = getRunningLoop();
        const [srv, port] = listener();
        const server = createTask(
          (async () => {
            const [conn, addr] = await loop.sockAccept(srv);
            assert.equal(conn.getblocking(), false);
            assert.equal((addr as [string, number])[0], '127.0.0.1');
            for (;;) {
              const data = await loop.sockRecv(conn, 1024);
              if (data.length === 0) break;
              await loop.sockSendall(conn, data);
            }
            conn.close();
          })(),
        );
        const c = await connectTo(port);
        assert.deepEqual(c.getpeername(), ['127.0.0.1', port]);
        for (const text of ['hello', 'world', 'x'.repeat(3000)]) {
          await loop.sockSendall(c, Buffer.from(text));
          assert.equal((await recvExactly(c, text.length)).toString(), text);
        }
        c.shutdown(socket.SHUT_WR);
        assert.equal((await loop.sockRecv(c, 10)).length, 0, 'EOF after the server closed');
        await server;
        c.close();
        srv.close();
      }));

    it('resolves a host name before connecting', () =>
      runOn(kind, async () => {
        const loop = getRunningLoop();
        const [srv, port] = listener();
        const accepting = loop.sockAccept(srv);
        const c = socket.socket();
        c.setblocking(false);
        await loop.sockConnect(c, ['LOCALHOST', port]); // not a literal: goes through dns.lookup
        const [s] = await accepting;
        assert.deepEqual(c.getpeername(), ['127.0.0.1', port]);
        for (const x of [s, c, srv]) x.close();
      }));

    it('raises ConnectionRefusedError for a closed port', () =>
      runOn(kind, async () => {
        const port = closedPort();
        const c = socket.socket();
        c.setblocking(false);
        try {
          await raises(getRunningLoop().sockConnect(c, ['127.0.0.1', port]), (err: ConnectionRefusedError) => {
            assert.ok(err instanceof ConnectionRefusedError);
            assert.ok(err instanceof ConnectionError && err instanceof OSError);
            assert.equal(err.code, 'ECONNREFUSED');
            assert.equal(err.syscall, 'connect');
            assert.match(err.message, new RegExp(`Connection refused \\(connect 127\\.0\\.0\\.1:${port}\\)`));
            return true;
          });
        } finally {
          c.close();
        }
      }));

    it('raises ConnectionResetError in a pending sockRecv when the peer resets', () =>
      runOn(kind, async () => {
        const loop = getRunningLoop();
        const [c, s] = await tcpPair();
        const reading = loop.sockRecv(c, 100);
        await sleep(0.01);
        assert.equal(reading.done(), false, 'the read waits');
        // SO_LINGER {on, 0 s}: close() sends RST instead of FIN.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, Buffer.from(new Int32Array([1, 0]).buffer));
        s.close();
        await raises(reading, (err: Error) => err instanceof ConnectionResetError && (err as OSError).code === 'ECONNRESET');
        c.close();
      }));

    it('raises BrokenPipeError when writing after the peer closed', () =>
      runOn(kind, async () => {
        const loop = getRunningLoop();
        const [c, s] = await tcpPair();
        s.close();
        const errors: string[] = [];
        // The first send may still be accepted (the peer answers it with RST); then ECONNRESET
        // once, then EPIPE: no SIGPIPE in between, thanks to MSG_NOSIGNAL.
        for (let i = 0; i < 50 && !errors.includes('BrokenPipeError'); i++) {
          try {
            await loop.sockSendall(c, Buffer.from('data'));
          } catch (err) {
            assert.ok(err instanceof BrokenPipeError || err instanceof ConnectionResetError, String(err));
            errors.push((err as Error).name);
          }
          await sleep(0.002);
        }
        assert.ok(errors.includes('BrokenPipeError'), `got ${errors.join(', ')}`);
        c.close();
      }));

    it('half-closes: EOF reaches the peer, which can still answer', () =>
      runOn(kind, async () => {
        const loop = getRunningLoop();
        const [c, s] = await tcpPair();
        await loop.sockSendall(c, Buffer.from('question'));
        c.shutdown(socket.SHUT_WR);
        assert.equal((await recvExactly(s, 100)).toString(), 'question', 'data, then EOF');
        assert.equal((await loop.sockRecv(s, 100)).length, 0);
        await loop.sockSendall(s, Buffer.from('answer'));
        s.close();
        assert.equal((await recvExactly(c, 100)).toString(), 'answer');
        c.close();
      }));

    it('sends 1 MiB with sockSendall while the peer reads small chunks: every byte arrives', () =>
      runOn(kind, async () => {
        const loop = getRunningLoop();
        const [c, s] = await tcpPair();
        // A small send buffer: the kernel takes a few KiB per send, so sockSendall goes through many
        // partial sends and waits. (Not a small receive buffer: with loopback's 64 KiB MSS, TCP's
        // silly-window avoidance would then stall on zero-window probes.)
        c.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096);
        const data = Buffer.alloc(1 << 20);
        for (let i = 0; i < data.length; i++) data[i] = (i * 7 + (i >> 11)) & 0xff;
        const sending = loop.sockSendall(c, data);
        const chunks: Buffer[] = [];
        let got = 0;
        for (let i = 0; got < data.length; i++) {
          const b = await loop.sockRecv(s, 997);
          assert.ok(b.length > 0, 'no early EOF');
          chunks.push(b);
          got += b.length;
          if (i % 64 === 0) await sleep(0);
        }
        await sending;
        assert.equal(got, data.length);
        assert.equal(sha256(...chunks), sha256(data));
        c.close();
        s.close();
      }));

    it('sockRecvInto fills the caller\'s buffer', () =>
      runOn(kind, async () => {
        const loop = getRunningLoop();
        const [a, b] = socket.socketpair();
        a.setblocking(false);
        b.setblocking(false);
        const buf = Buffer.alloc(16);
        const reading = loop.sockRecvInto(a, buf.subarray(4), 5);
        await sleep(0);
        await loop.sockSendall(b, Buffer.from('abcdefgh'));
        assert.equal(await reading, 5);
        assert.equal(buf.subarray(4, 9).toString(), 'abcde');
        a.close();
        b.close();
      }));

    it('a cancelled sockRecv leaves the socket usable', () =>
      runOn(kind, async () => {
        const loop = getRunningLoop();
        const [a, b] = socket.socketpair();
        a.setblocking(false);
        b.setblocking(false);
        const reading = loop.sockRecv(a, 10);
        await sleep(0);
        reading.cancel();
        await raises(reading, CancelledError);
        await loop.sockSendall(b, Buffer.from('later'));
        await sleep(0.01); // readable with nobody waiting: the loop stops watching
        assert.equal((await loop.sockRecv(a, 10)).toString(), 'later');
        const again = loop.sockRecv(a, 10);
        await sleep(0);
        await loop.sockSendall(b, Buffer.from('more'));
        assert.equal((await again).toString(), 'more');
        a.close();
        b.close();
      }));

    it('refuses a second reader, a blocking socket, and a string', () =>
      runOn(kind, async () => {
        const loop = getRunningLoop();
        const [a, b] = socket.socketpair();
        a.setblocking(false);
        const first = loop.sockRecv(a, 10);
        await sleep(0);
        await raises(loop.sockRecv(a, 10), (err: Error) => err instanceof RuntimeError && /already waiting to read from fd/.test(err.message));
        await raises(loop.sockRecv(b, 10), /must be non-blocking/);
        await raises(loop.sockSendall(a, 'text' as unknown as Uint8Array), /takes bytes.*Buffer\.from/);
        first.cancel();
        await raises(first, CancelledError);
        a.close();
        b.close();
      }));

    it('closing a socket fails the task waiting on it with EBADF', () =>
      runOn(kind, async () => {
        const loop = getRunningLoop();
        const [a, b] = socket.socketpair();
        a.setblocking(false);
        const reading = loop.sockRecv(a, 10);
        await sleep(0);
        a.close();
        await raises(reading, (err: OSError) => err instanceof OSError && err.code === 'EBADF');
        assert.equal(loop.selector.getKey(a.fileno()), undefined);
        b.close();
      }));

    it('serves many short connections in turn (fd numbers reused)', () =>
      runOn(kind, async () => {
        const loop = getRunningLoop();
        const [srv, port] = listener();
        for (let i = 0; i < 100; i++) {
          const accepting = loop.sockAccept(srv);
          const c = await connectTo(port);
          const [s] = await accepting;
          const reading = loop.sockRecv(s, 10);
          await sleep(0);
          await loop.sockSendall(c, Buffer.from(`#${i}`));
          assert.equal((await reading).toString(), `#${i}`);
          c.close();
          s.close();
        }
        srv.close();
      }));
  });
}

describe('socket operations at scale', { timeout: 60000 }, () => {
  it('echoes on 1,200 concurrent connections under EpollSelector', { skip: process.platform !== 'linux' }, () =>
    runOn('epoll', async () => {
      const loop = getRunningLoop();
      const N = 1200;
      const [srv, port] = listener();
      const handlers: PromiseLike<unknown>[] = [];
      const acceptor = createTask(
        (async () => {
          for (let i = 0; i < N; i++) {
            const [conn] = await loop.sockAccept(srv);
            handlers.push(
              createTask(
                (async () => {
                  const data = await recvExactly(conn, 8);
                  await loop.sockSendall(conn, data);
                  assert.equal((await loop.sockRecv(conn, 1)).length, 0);
                  conn.close();
                })(),
              ),
            );
          }
        })(),
      );
      const started = loop.time();
      const clients = Array.from({ length: N }, (_, i) =>
        (async () => {
          const c = await connectTo(port);
          const msg = Buffer.from(String(i).padStart(8, '0'));
          await loop.sockSendall(c, msg);
          const back = await recvExactly(c, 8);
          return [c, back.equals(msg)] as const;
        })(),
      );
      const results = await gather(...clients);
      assert.equal(results.filter(([, ok]) => ok).length, N);
      await acceptor;
      // All 2 x N sockets are open here; EOF now lets every handler finish.
      assert.ok(loop.selector.getMap().size >= N, `${loop.selector.getMap().size} fds registered`);
      for (const [c] of results) c.shutdown(socket.SHUT_WR);
      await gather(...handlers);
      for (const [c] of results) c.close();
      srv.close();
      assert.ok(loop.time() - started < 30, 'bounded in time');
    }));
});
