// The inspector's connection to a debugger sends each message at once (TCP_NODELAY): without it,
// a pause right after a resume waits for the debugger's delayed ACK (40 ms on Linux).
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import inspector from 'node:inspector';
import { test } from 'node:test';
import WebSocket from 'ws';
import { noDelayOnInspectorConnections } from 'coroscope/host/inspector-socket';
import { getSockOptInt, getsockname, getpeername } from 'coroscope/sys/calls';
import { C } from 'coroscope/sys/constants';

/** TCP_NODELAY of each connected socket whose local port is `port`. */
function noDelayOf(port: number): number[] {
  const out: number[] = [];
  for (const fd of readdirSync('/proc/self/fd').map(Number)) {
    try {
      const local = getsockname(fd);
      if (!Array.isArray(local) || local[1] !== port) continue;
      getpeername(fd);
      out.push(getSockOptInt(fd, C.IPPROTO_TCP, C.TCP_NODELAY));
    } catch {
      // not a connected socket
    }
  }
  return out;
}

test('sets TCP_NODELAY on the debugger connection to this process, and only there', { skip: process.platform !== 'linux' && 'reads /proc/self/fd' }, () => {
  inspector.open(0, '127.0.0.1');
  const url = inspector.url()!;
  const port = Number(new URL(url).port);
  const ws = new WebSocket(url);
  return new Promise<void>((resolve, reject) => {
    ws.on('error', reject);
    ws.on('open', () => {
      try {
        assert.deepEqual(noDelayOf(port), [0], 'Node leaves Nagle on for the inspector connection');
        assert.equal(noDelayOnInspectorConnections(), 1);
        assert.deepEqual(noDelayOf(port).map((v) => v !== 0), [true]);
        resolve();
      } catch (err) {
        reject(err);
      } finally {
        ws.close();
        inspector.close();
      }
    });
  });
});
