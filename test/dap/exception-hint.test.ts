// The exception widget shows the runtime's advice (RuntimeError.hint) on a line under the error,
// while the error's message stays CPython's text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { join } from 'node:path';
import { Session, drive, type Stop } from './harness';

const program = join(__dirname, 'fixtures', 'hinted-error.ts');

test("exceptionInfo: a RuntimeError's hint is a 'hint:' line under its message", () =>
  drive(function* () {
    const s = new Session();
    yield s.start();
    try {
      yield s.launch(program, {}, {}, ['uncaught']);
      const stop: Stop = yield s.stopped();
      assert.equal(stop.reason, 'exception');
      const info: DebugProtocol.ExceptionInfoResponse = yield s.dc.exceptionInfoRequest({ threadId: stop.threadId });
      assert.equal(info.body.exceptionId, 'RuntimeError');
      const [first, hint, ...rest] = info.body.description!.split('\n');
      assert.match(first!, /cannot reuse already awaited coroutine/);
      assert.doesNotMatch(first!, /compute/, 'the advice is not in the message line');
      assert.equal(hint, "hint: coroutine 'compute' already ran: call compute() again for a new one");
      assert.deepEqual(rest, []);
      const [exited] = yield Promise.all([s.waitFor('exited'), s.waitFor('terminated'), s.dc.continueRequest({ threadId: stop.threadId })]);
      assert.equal((exited as DebugProtocol.ExitedEvent).body.exitCode, 0);
      assert.match(s.output, /main caught cannot reuse already awaited coroutine/);
    } finally {
      yield s.stop();
    }
  }));
