// `return inner()` in an async function: the debugger shows the returned coroutine in the
// returning one's place under its caller, and stepping out of it lands in the caller.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Session, drive, type Stop } from './harness';

const program = join(__dirname, 'fixtures', 'return-adoption.ts');

test('a breakpoint in the returned coroutine shows it under the caller; step out returns there with its value', () =>
  drive(function* () {
    const s = new Session();
    yield s.start();
    try {
      yield s.launch(program, { [program]: [{ line: 6 }] });
      const at6: Stop = yield s.stopped();
      assert.deepEqual(at6.frames.map((f) => [f.name, f.line]), [['inner', 6], ['main', 15]]);
      yield s.dc.setBreakpointsRequest({ source: { path: program }, breakpoints: [] });
      yield s.dc.stepOutRequest({ threadId: at6.threadId });
      const out: Stop = yield s.stopped();
      assert.equal(out.reason, 'step');
      assert.deepEqual(out.frames.map((f) => [f.name, f.line]), [['main', 16]]);
      const locals: Record<string, string> = yield s.scope(out.frames[0]!.id, 'Locals');
      assert.equal(locals.r, '42');
    } finally {
      yield s.stop();
    }
  }));
