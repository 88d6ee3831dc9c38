// Breakpoint kinds on real programs: conditional, hit count, logpoints, and the three exception
// filters (all exceptions at the throw, a task ending with an exception, an exception never retrieved).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { Session, drive, example, type Stop } from './harness';

const pc = example('producer-consumer.ts');
const errors = example('task-errors.ts');

test('a conditional breakpoint stops only when its condition holds', () =>
  drive(function* () {
    const s = new Session();
    yield s.start();
    try {
      yield s.launch(pc, { [pc]: [{ line: 17, condition: 'item === 3' }] });
      const stop: Stop = yield s.stopped();
      const locals: Record<string, string> = yield s.scope(stop.frames[0]!.id, 'Locals');
      assert.equal(locals.item, '3');
    } finally {
      yield s.stop();
    }
  }));

test('a hit count skips the first hits; a logpoint logs without stopping', () =>
  drive(function* () {
    const s = new Session();
    yield s.start();
    try {
      yield s.launch(pc, { [pc]: [{ line: 17, hitCondition: '==4' }, { line: 8, logMessage: 'LOG produced {item} of {count}' }] });
      const stop: Stop = yield s.stopped();
      const locals: Record<string, string> = yield s.scope(stop.frames[0]!.id, 'Locals');
      assert.equal(locals.item, '4');
      assert.match(s.output, /LOG produced 1 of 6/);
      const [exited] = yield Promise.all([s.waitFor('exited'), s.waitFor('terminated'), s.dc.continueRequest({ threadId: stop.threadId })]);
      assert.equal((exited as DebugProtocol.ExitedEvent).body.exitCode, 0);
      for (let i = 1; i <= 6; i++) assert.match(s.output, new RegExp(`LOG produced ${i} of 6`));
    } finally {
      yield s.stop();
    }
  }));

test('exception filters: at the throw, when a task ends with it, and when it was never retrieved', () =>
  drive(function* () {
    const s = new Session();
    yield s.start();
    try {
      yield Promise.all([
        s.dc.waitForEvent('initialized').then(() =>
          drive(function* () {
            yield s.dc.setExceptionBreakpointsRequest({ filters: ['all', 'uncaught', 'neverRetrieved'] });
            yield s.dc.configurationDoneRequest();
          }),
        ),
        s.dc.launch({ program: errors }),
      ]);
      // 1. All exceptions: at the throw, in parse(), awaited by worker() in the task 'forgotten'.
      const thrown: Stop = yield s.stopped();
      assert.equal(thrown.reason, 'exception');
      assert.equal(thrown.description, 'RangeError: not a number: forty-two');
      assert.deepEqual(thrown.frames.map((f) => [f.name, f.line]), [['parse', 7], ['worker', 13]]);
      const threads: DebugProtocol.Thread[] = yield s.threads();
      assert.equal(threads.find((t) => t.id === thrown.threadId)!.name, 'forgotten worker(text) ▶ running');
      // 2. The task ends with the exception.
      yield s.dc.continueRequest({ threadId: thrown.threadId });
      const ended: Stop = yield s.stopped();
      assert.equal(ended.reason, 'exception');
      assert.match(ended.description!, /a task ended with an exception: <Task finished name='forgotten' exception=RangeError\('not a number: forty-two'\)/);
      // 3. Nobody retrieved it: reported when the loop closes.
      yield s.dc.continueRequest({ threadId: ended.threadId });
      const lost: Stop = yield s.stopped();
      assert.equal(lost.reason, 'exception');
      assert.equal(lost.description, 'Task exception was never retrieved');
      assert.equal(lost.threadId, 1, 'reported by the loop itself, outside any task');
      const [exited] = yield Promise.all([s.waitFor('exited'), s.waitFor('terminated'), s.dc.continueRequest({ threadId: lost.threadId })]);
      assert.equal((exited as DebugProtocol.ExitedEvent).body.exitCode, 0);
      assert.match(s.output, /Task exception was never retrieved/);
    } finally {
      yield s.stop();
    }
  }));
