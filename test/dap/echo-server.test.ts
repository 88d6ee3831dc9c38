// The socket echo server with two clients connected: each connection's task is a thread waiting
// on its socket's fd, and the Event loop scope lists the readers with the task each one wakes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { uringUnavailable } from 'coroscope/sys/uring';
import { Session, delay, drive, example, type Stop } from './harness';

function client(port: number, line: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(line);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

test('connection tasks wait on their fds; readers name the task they wake', () =>
  drive(function* () {
    const s = new Session();
    const sockets: Socket[] = [];
    yield s.start();
    try {
      yield s.launch(example('echo-server.ts'), {}, { args: ['0'] });
      for (let i = 0; i < 200 && !/Serving on/.test(s.output); i++) yield delay(25);
      const port = Number(/Serving on 127\.0\.0\.1:(\d+)/.exec(s.output)![1]);
      for (const name of ['one', 'two']) sockets.push(yield client(port, `hello ${name}\n`));
      for (let i = 0; i < 200 && !/hello two/.test(s.output); i++) yield delay(25);
      yield s.dc.pauseRequest({ threadId: 1 });
      const stop: Stop = yield s.stopped();
      assert.equal(stop.reason, 'pause');
      const threads: DebugProtocol.Thread[] = yield s.threads();
      const handlers = threads.filter((t) => /^handleEcho 127\.0\.0\.1:\d+ ⏸ (?:read|recv) fd \d+$/.test(t.name));
      assert.equal(handlers.length, 2, threads.map((t) => t.name).join(' | '));
      const frames: DebugProtocol.StackFrame[] = yield s.frames(handlers[0]!.id);
      assert.deepEqual(frames.map((f) => [f.name, f.line]), [['handleEcho', 14]]);
      const locals: Record<string, string> = yield s.scope(frames[0]!.id, 'Locals');
      assert.match(locals.peer!, /^"127\.0\.0\.1:\d+"$/);
      const loop: Record<string, string> = yield s.scope(frames[0]!.id, 'Event loop');
      assert.equal(loop.selector, uringUnavailable() === null ? 'uring' : 'epoll', 'the default: io_uring where the kernel allows it');
      // The clients' connections and data woke the loop through fds; each wake gave Node a turn.
      assert.match(loop.wakeups!, /^\d+ waits: [1-9]\d* ended by fds, \d+ by timeouts · \d+ iterations did not wait · [1-9]\d* host turns$/);
      const scopes: DebugProtocol.Scope[] = (yield s.dc.scopesRequest({ frameId: frames[0]!.id })).body.scopes;
      const loopVars: DebugProtocol.Variable[] = (yield s.dc.variablesRequest({ variablesReference: scopes.find((x) => x.name === 'Event loop')!.variablesReference })).body.variables;
      const readers: Record<string, string> = yield s.variables(loopVars.find((v) => v.name === 'readers')!.variablesReference);
      for (const h of handlers) {
        const [, task, fd] = /^(handleEcho 127\.0\.0\.1:\d+) ⏸ (?:read|recv) fd (\d+)$/.exec(h.name)!;
        assert.match(readers[`fd ${fd}`]!, new RegExp(`→ ${task}$`), JSON.stringify(readers));
        // The connection's addresses: the server's port on one side, the client's on the other.
        assert.match(readers[`fd ${fd}`]!, /^127\.0\.0\.1:\d+ ↔ 127\.0\.0\.1:\d+ · /, JSON.stringify(readers));
      }
    } finally {
      for (const sock of sockets) sock.destroy();
      yield s.stop();
    }
  }));
