// The Python-shaped socket module and the OS errors, used synchronously (blocking mode, as Python's
// socket module is used before asyncio), plus AF_UNIX and AF_INET6 on the loop.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import {
  BlockingIOError,
  ConnectionRefusedError,
  ConnectionResetError,
  FileNotFoundError,
  OSError,
  PermissionError,
  TimeoutError,
  getRunningLoop,
  socket,
} from 'coroscope';
import { decodeSockaddr, encodeSockaddr } from 'coroscope/sys/sockaddr';
import { C } from 'coroscope/sys/constants'; // plain numbers: the per-file module is fine
import { assertNoLeaks, openFds, runOn } from './helpers';

describe('socket module, blocking mode', () => {
  let before: ReturnType<typeof openFds>;
  beforeEach(() => (before = openFds()));
  afterEach(() => assertNoLeaks(before, 'socket test'));

  it('reads like Python: socket(), setsockopt, bind, listen, connect, accept, sendall, recv', () => {
    const srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
    assert.equal(srv.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR), 1);
    srv.bind(['127.0.0.1', 0]);
    srv.listen(5);
    const [host, port] = srv.getsockname() as [string, number];
    assert.equal(host, '127.0.0.1');
    assert.ok(port > 0);

    const cli = socket.socket();
    assert.equal(cli.getblocking(), true);
    assert.equal(cli.gettimeout(), null);
    cli.connect(['127.0.0.1', port]); // loopback: the handshake completes within connect()
    cli.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, true);
    assert.equal(cli.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY), 1);
    const [conn, addr] = srv.accept();
    assert.deepEqual(addr, cli.getsockname());
    assert.match(String(conn), /^<socket\.socket fd=\d+, family=2, type=1, proto=0, laddr=\('127\.0\.0\.1', \d+\), raddr=\('127\.0\.0\.1', \d+\)>$/);

    cli.sendall(Buffer.from('ping'));
    assert.equal(conn.recv(1024).toString(), 'ping');
    conn.send(Buffer.from('pong'));
    const buf = Buffer.alloc(8);
    assert.equal(cli.recv_into(buf), 4);
    assert.equal(buf.subarray(0, 4).toString(), 'pong');
    cli.shutdown(socket.SHUT_WR);
    assert.equal(conn.recv(10).length, 0, 'EOF');
    for (const s of [conn, cli, srv]) s.close();
    assert.equal(String(srv), '<socket.socket [closed] fd=-1, family=2, type=1, proto=0>');
    srv.close(); // twice is fine, as in Python
    assert.throws(() => srv.recv(1), (err: OSError) => err.code === 'EBADF');
  });

  it('non-blocking calls raise BlockingIOError instead of blocking', () => {
    const srv = socket.createServer(['127.0.0.1', 0]);
    srv.setblocking(false);
    assert.equal(srv.gettimeout(), 0);
    assert.throws(() => srv.accept(), (err: BlockingIOError) => err instanceof BlockingIOError && err.code === 'EAGAIN' && err.syscall === 'accept');
    const [a, b] = socket.socketpair();
    a.setblocking(false);
    assert.throws(() => a.recv(10), BlockingIOError);
    const c = socket.socket();
    c.setblocking(false);
    assert.equal(c.connect_ex(['127.0.0.1', (srv.getsockname() as [string, number])[1]]), C.errno.EINPROGRESS);
    for (const s of [a, b, c, srv]) s.close();
  });

  it('refuses strings where bytes are due, and bad addresses, with clear messages', () => {
    const [a, b] = socket.socketpair();
    assert.throws(() => a.send('text' as unknown as Uint8Array), /Buffer\.from\(text\)/);
    const s = socket.socket();
    assert.throws(() => s.bind(['example.com', 80]), /numeric IPv4 host/);
    assert.throws(() => s.bind(['127.0.0.1', 70000]), /port must be 0-65535/);
    assert.throws(() => s.bind('/tmp/x' as unknown as [string, number]), /AF_INET address must be a \[host, port\] pair/);
    for (const x of [a, b, s]) x.close();
  });

  it('works with AF_UNIX paths on the loop', () =>
    runOn(process.platform === 'linux' ? 'epoll' : 'poll', async () => {
      const loop = getRunningLoop();
      const dir = mkdtempSync(join(tmpdir(), 'coroscope-unix-'));
      const path = join(dir, 'sock');
      try {
        const srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
        srv.bind(path);
        srv.listen();
        srv.setblocking(false);
        assert.equal(srv.getsockname(), path);
        const accepting = loop.sockAccept(srv);
        const c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
        c.setblocking(false);
        await loop.sockConnect(c, path);
        const [conn, peer] = await accepting;
        assert.equal(peer, '', 'an unbound client has an empty address, as in Python');
        await loop.sockSendall(c, Buffer.from('over unix'));
        assert.equal((await loop.sockRecv(conn, 100)).toString(), 'over unix');
        for (const s of [conn, c, srv]) s.close();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      assert.equal(existsSync(path), false);
    }));

  it('works with AF_INET6 on the loop', (t) => {
    // A machine without an IPv6 loopback cannot run this: say so in the report (a skip with the
    // reason), rather than pass having checked nothing.
    const missing = noIpv6Loopback();
    if (missing) {
      t.skip(missing);
      return undefined;
    }
    return runOn(process.platform === 'linux' ? 'epoll' : 'poll', async () => {
      const loop = getRunningLoop();
      const v6 = socket.createServer(['::1', 0]);
      v6.setblocking(false);
      const [host, port, flowinfo, scopeId] = v6.getsockname() as [string, number, number, number];
      assert.deepEqual([host, flowinfo, scopeId], ['::1', 0, 0]);
      const accepting = loop.sockAccept(v6);
      const c6 = socket.socket(socket.AF_INET6, socket.SOCK_STREAM);
      c6.setblocking(false);
      await loop.sockConnect(c6, ['::1', port]);
      const [conn6] = await accepting;
      await loop.sockSendall(conn6, Buffer.from('six'));
      assert.equal((await loop.sockRecv(c6, 10)).toString(), 'six');
      for (const s of [conn6, c6, v6]) s.close();
    });
  });
});

/** Why this machine cannot listen on [::1] (the reason for a skip), or null when it can. */
function noIpv6Loopback(): string | null {
  try {
    socket.createServer(['::1', 0]).close();
    return null;
  } catch (err) {
    return `no IPv6 loopback on this machine: listening on [::1] failed (${(err as Error).message})`;
  }
}

describe('sockaddr encoding', () => {
  const buf = Buffer.alloc(128);
  function roundTrip(family: number, address: socket.SockAddress): socket.SockAddress {
    return decodeSockaddr(buf, encodeSockaddr(family, address, buf));
  }

  it('round-trips IPv4, IPv6 (RFC 5952 text) and AF_UNIX addresses', () => {
    assert.deepEqual(roundTrip(C.AF_INET, ['10.1.2.3', 443]), ['10.1.2.3', 443]);
    assert.deepEqual(roundTrip(C.AF_INET, ['localhost', 80]), ['127.0.0.1', 80]);
    assert.deepEqual(roundTrip(C.AF_INET, ['', 80]), ['0.0.0.0', 80]);
    assert.deepEqual(roundTrip(C.AF_INET6, ['::1', 8080]), ['::1', 8080, 0, 0]);
    assert.deepEqual(roundTrip(C.AF_INET6, ['2001:DB8:0:0:1:0:0:1', 1, 5, 2]), ['2001:db8::1:0:0:1', 1, 5, 2]);
    assert.deepEqual(roundTrip(C.AF_INET6, ['::ffff:192.0.2.1', 2]), ['::ffff:192.0.2.1', 2, 0, 0]);
    assert.deepEqual(roundTrip(C.AF_INET6, ['fe80::1%2', 3, 0, 2]), ['fe80::1', 3, 0, 2]);
    assert.equal(roundTrip(C.AF_UNIX, '/run/x.sock'), '/run/x.sock');
    assert.equal(roundTrip(C.AF_UNIX, '\0abstract'), '\0abstract');
  });

  it('refuses malformed hosts', () => {
    for (const host of ['1.2.3', '1.2.3.256', 'a.b.c.d']) assert.throws(() => encodeSockaddr(C.AF_INET, [host, 1], buf), TypeError);
    for (const host of ['1::2::3', '12345::', ':::']) assert.throws(() => encodeSockaddr(C.AF_INET6, [host, 1], buf), TypeError);
    assert.throws(() => encodeSockaddr(C.AF_UNIX, 'x'.repeat(200), buf), /too long/);
  });
});

describe('OS errors', () => {
  it('maps errno to Python\'s classes, keeping errno, code and syscall', () => {
    const cases: [number, Function, string, string][] = [
      [C.errno.ECONNREFUSED, ConnectionRefusedError, 'ConnectionRefusedError', 'ECONNREFUSED'],
      [C.errno.ECONNRESET, ConnectionResetError, 'ConnectionResetError', 'ECONNRESET'],
      [C.errno.EAGAIN, BlockingIOError, 'BlockingIOError', 'EAGAIN'],
      [C.errno.ENOENT, FileNotFoundError, 'FileNotFoundError', 'ENOENT'],
      [C.errno.EACCES, PermissionError, 'PermissionError', 'EACCES'],
      [C.errno.EPERM, PermissionError, 'PermissionError', 'EPERM'],
      [C.errno.EINVAL, OSError, 'OSError', 'EINVAL'],
    ];
    for (const [errno, cls, name, code] of cases) {
      const err = OSError.fromErrno(errno, 'connect', '127.0.0.1:1');
      assert.ok(err instanceof cls, `${code} -> ${name}`);
      assert.ok(err instanceof OSError);
      assert.equal(err.name, name);
      assert.equal(err.errno, errno);
      assert.equal(err.code, code);
      assert.equal(err.syscall, 'connect');
      assert.match(err.message, new RegExp(`^\\[Errno ${errno}\\] .+ \\(connect 127\\.0\\.0\\.1:1\\)$`));
    }
  });

  it('raises ETIMEDOUT as the runtime\'s TimeoutError, which is also an OSError', () => {
    const err = OSError.fromErrno(C.errno.ETIMEDOUT, 'connect');
    assert.ok(err instanceof TimeoutError, 'catchable as TimeoutError (asyncio.timeout raises the same class)');
    assert.ok(err instanceof OSError, 'and as OSError, as in Python');
    assert.equal(err.code, 'ETIMEDOUT');
    assert.ok(new TimeoutError('deadline') instanceof OSError, "a deadline's TimeoutError is an OSError too (Python's builtin)");
    assert.equal(new TimeoutError('deadline').errno, null, 'with no errno');
    assert.equal(OSError.fromErrno(C.errno.ECONNRESET, 'recv') instanceof TimeoutError, false);
  });
});
