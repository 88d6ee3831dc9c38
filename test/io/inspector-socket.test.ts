// The inspector's connection to a debugger sends each message at once (TCP_NODELAY): without it,
// a pause right after a resume waits for the debugger's delayed ACK (40 ms on Linux).
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import inspector from 'node:inspector';
import { createServer, connect, type Socket } from 'node:net';
import { test } from 'node:test';
import WebSocket from 'ws';
import { noDelayOnInspectorConnections } from 'coroscope/host/inspector-socket';
import { getSockOptInt, getsockname, getpeername } from 'coroscope/sys/calls';
import { C } from 'coroscope/sys/constants';

/** TCP_NODELAY of each connected socket whose local address is host:port. */
function noDelayOf(host: string, port: number): number[] {
  const out: number[] = [];
  for (const fd of readdirSync('/proc/self/fd').map(Number)) {
    try {
      const local = getsockname(fd);
      if (!Array.isArray(local) || local[0] !== host || local[1] !== port) continue;
      getpeername(fd);
      out.push(getSockOptInt(fd, C.IPPROTO_TCP, C.TCP_NODELAY));
    } catch {
      // not a connected socket
    }
  }
  return out;
}

test('sets TCP_NODELAY on the debugger connection to this process, not on a socket of the program on the same port elsewhere', { skip: process.platform !== 'linux' && 'reads /proc/self/fd' }, () => {
  inspector.open(0, '127.0.0.1');
  const url = inspector.url()!;
  const port = Number(new URL(url).port);
  const ws = new WebSocket(url);
  // The program's own server on the same port number, on 127.0.0.2, with a connection accepted.
  const server = createServer();
  const accepted = new Promise<Socket>((resolve) => server.once('connection', resolve));
  return new Promise<void>((resolve) => server.listen(port, '127.0.0.2', resolve))
    .then(() => new Promise<void>((resolve, reject) => {
      const client = connect(port, '127.0.0.2');
      client.on('error', reject);
      ws.on('error', reject);
      let open = 0;
      const both = () => (++open === 2 ? resolve() : undefined);
      client.on('connect', both);
      ws.on('open', both);
    }))
    .then(() => accepted)
    .then(() => {
      assert.deepEqual(noDelayOf('127.0.0.1', port), [0], 'Node leaves Nagle on for the inspector connection');
      const programSide = noDelayOf('127.0.0.2', port);
      assert.equal(programSide.length, 1);
      assert.equal(noDelayOnInspectorConnections(), 1);
      assert.deepEqual(noDelayOf('127.0.0.1', port).map((v) => v !== 0), [true]);
      assert.deepEqual(noDelayOf('127.0.0.2', port), programSide, "the program's own socket is left as it was");
    })
    .finally(() => {
      // The debugger hangs up first and the inspector closes once it has gone: closing the inspector
      // under a connected client in this same thread crashes Node 20 now and then (SIGSEGV).
      server.close();
      server.unref();
      const gone = new Promise<void>((resolve) => ws.once('close', () => resolve()));
      ws.close();
      return gone.then(() => inspector.close());
    });
});
