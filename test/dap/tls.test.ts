// TLS in the debugger: a task in a handshake says so in its thread name, and a TLS connection's fd
// entry in the Event loop scope names the protocol version and the peer's certificate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { Session, delay, drive, type Stop } from './harness';

const NO_OPENSSL = spawnSync('openssl', ['version']).status === 0 ? false : 'the openssl command is not installed';

test('threads: ⏸ TLS handshake fd N; readers: … ↔ … · TLS 1.3 · peer CN=localhost · …', { skip: NO_OPENSSL }, () =>
  drive(function* () {
    const s = new Session();
    yield s.start();
    try {
      yield s.launch(join(__dirname, 'fixtures', 'tls-waits.ts'));
      for (let i = 0; i < 200 && !/ready/.test(s.output); i++) yield delay(25);
      yield s.dc.pauseRequest({ threadId: 1 });
      const stop: Stop = yield s.stopped();
      assert.equal(stop.reason, 'pause');
      const threads: DebugProtocol.Thread[] = yield s.threads();
      const names = threads.map((t) => t.name);
      assert.ok(names.some((n) => /^handshaker ⏸ TLS handshake fd \d+ · openConnection$/.test(n)), names.join(' | '));
      const reader = threads.find((t) => /^reader ⏸ recv fd \d+ · waitForLine\(port\)$/.test(t.name));
      assert.ok(reader, names.join(' | '));
      const fd = /fd (\d+)/.exec(reader.name)![1];
      const frames: DebugProtocol.StackFrame[] = yield s.frames(reader.id);
      const scopes: DebugProtocol.Scope[] = (yield s.dc.scopesRequest({ frameId: frames[0]!.id })).body.scopes;
      const loopVars: DebugProtocol.Variable[] = (yield s.dc.variablesRequest({ variablesReference: scopes.find((x) => x.name === 'Event loop')!.variablesReference })).body.variables;
      const readers: Record<string, string> = yield s.variables(loopVars.find((v) => v.name === 'readers')!.variablesReference);
      assert.match(readers[`fd ${fd}`]!, /^127\.0\.0\.1:\d+ ↔ 127\.0\.0\.1:\d+ · TLS 1\.3 · peer CN=localhost · .*→ reader/, JSON.stringify(readers));
      // The handshaking connection says so too, and the server's side of the TLS connection has no peer certificate.
      assert.ok(Object.values(readers).some((v) => /^127\.0\.0\.1:\d+ ↔ 127\.0\.0\.1:\d+ · TLS handshake fd \d+ → handshaker openConnection$/.test(v)), JSON.stringify(readers));
      assert.ok(Object.values(readers).some((v) => / · TLS 1\.3 · peer no certificate · /.test(v)), JSON.stringify(readers));
    } finally {
      yield s.stop();
    }
  }));
