// Breakpoint kinds on real programs: conditional, hit count, logpoints, and the three exception
// filters (all exceptions at the throw, an exception that will end its task, one never retrieved).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { join } from 'node:path';
import { Session, drive, example, type Stop } from './harness';

const pc = example('producer-consumer.ts');
const errors = example('task-errors.ts');
const caught = join(__dirname, 'fixtures', 'caught-and-uncaught.ts');

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

test('exception filters: an uncaught exception stops at its throw, once; never retrieved at loop close', () =>
  drive(function* () {
    const s = new Session();
    yield s.start();
    try {
      yield s.launch(errors, {}, {}, ['all', 'uncaught', 'neverRetrieved']);
      // 1. At the throw in parse(), awaited by worker() in the task 'forgotten': nothing in that
      //    task catches it, so it is reported as uncaught there, with the frames still in place.
      const thrown: Stop = yield s.stopped();
      assert.equal(thrown.reason, 'exception');
      assert.equal(thrown.description, 'Uncaught RangeError: not a number: forty-two');
      assert.deepEqual(thrown.frames.map((f) => [f.name, f.line]), [['parse', 7], ['worker', 13]]);
      const threads: DebugProtocol.Thread[] = yield s.threads();
      assert.equal(threads.find((t) => t.id === thrown.threadId)!.name, 'forgotten ▶ running · worker(text)');
      // The editor's exception widget: class, message, break mode, and the stack through the await chain.
      const info: DebugProtocol.ExceptionInfoResponse = yield s.dc.exceptionInfoRequest({ threadId: thrown.threadId });
      assert.equal(info.body.exceptionId, 'RangeError');
      assert.equal(info.body.description, 'RangeError: not a number: forty-two');
      assert.equal(info.body.breakMode, 'unhandled');
      assert.match(info.body.details!.stackTrace!, /^ {4}at parse \(.*task-errors\.ts:7:\d+\)\n {4}at worker \(.*task-errors\.ts:13:\d+\)$/);
      const other = threads.find((t) => t.id !== thrown.threadId)!.id;
      yield assert.rejects(s.dc.exceptionInfoRequest({ threadId: other }), new RegExp(`thread ${other} did not stop on an exception`));
      // 2. Not again at each await on its way out, nor when the task ends with it. Nobody retrieved
      //    it: reported when the loop closes.
      yield s.dc.continueRequest({ threadId: thrown.threadId });
      const lost: Stop = yield s.stopped();
      assert.equal(lost.reason, 'exception');
      assert.equal(lost.description, 'Task exception was never retrieved');
      assert.equal(lost.threadId, 1, 'reported by the loop itself, outside any task');
      const lostInfo: DebugProtocol.ExceptionInfoResponse = yield s.dc.exceptionInfoRequest({ threadId: 1 });
      assert.deepEqual([lostInfo.body.exceptionId, lostInfo.body.breakMode, lostInfo.body.details?.evaluateName], ['RangeError', 'unhandled', 'exception']);
      const lostValue: DebugProtocol.EvaluateResponse = yield s.dc.evaluateRequest({ expression: 'exception', context: 'watch', ...(lost.frames[0] ? { frameId: lost.frames[0].id } : {}) });
      assert.match(lostValue.body.result, /RangeError: not a number: forty-two/);
      const [exited] = yield Promise.all([s.waitFor('exited'), s.waitFor('terminated'), s.dc.continueRequest({ threadId: lost.threadId })]);
      assert.equal((exited as DebugProtocol.ExitedEvent).body.exitCode, 0);
      assert.match(s.output, /Task exception was never retrieved/);
    } finally {
      yield s.stop();
    }
  }));

test('uncaught exceptions: caught ones pass (in the coroutine, up the await chain, in a plain function, cancellations); one that ends its task stops at the throw', () =>
  drive(function* () {
    const s = new Session();
    yield s.start();
    try {
      yield s.launch(caught, {}, {}, ['uncaught']);
      const stop: Stop = yield s.stopped();
      assert.equal(stop.reason, 'exception');
      assert.equal(stop.description, 'Uncaught RangeError: not a number: z');
      assert.deepEqual(stop.frames.map((f) => [f.name, f.line]), [['parseStrict', 9], ['parse', 15], ['strict', 54]]);
      assert.match(s.output, /tolerant 0/);
      assert.match(s.output, /safe -1/);
      assert.match(s.output, /emitter caught/);
      assert.match(s.output, /cancelled/);
      // The frames and their locals are still there: the task has not unwound.
      const strictLocals: Record<string, string> = yield s.scope(stop.frames[2]!.id, 'Locals');
      assert.equal(strictLocals.attempt, '1');
      assert.equal(strictLocals.text, '"z"');
      assert.match(strictLocals.held!, /Lock/);
      assert.ok(!Object.keys(strictLocals).some((k) => k.startsWith('__cs')), Object.keys(strictLocals).join(', '));
      const threads: DebugProtocol.Thread[] = yield s.threads();
      assert.match(threads.find((t) => t.id === stop.threadId)!.name, /^strict ▶ running$/);
      // Once: not again where it is rethrown at strict()'s await, nor when the task ends with it.
      const [exited] = yield Promise.all([s.waitFor('exited'), s.waitFor('terminated'), s.dc.continueRequest({ threadId: stop.threadId })]);
      assert.equal((exited as DebugProtocol.ExitedEvent).body.exitCode, 0);
      assert.equal(s.queued('stopped'), 0, 'no other stop');
      assert.match(s.output, /strict failed: not a number: z - lock released: true/);
    } finally {
      yield s.stop();
    }
  }));

const kinds = join(__dirname, 'fixtures', 'exception-kinds.ts');

test("'All Exceptions' alone: every throw in user code once, a thrown string included; break mode 'always'", () =>
  drive(function* () {
    const s = new Session();
    yield s.start();
    try {
      yield s.launch(kinds, {}, {}, ['all']);
      const str: Stop = yield s.stopped();
      assert.equal(str.description, '"plain string"');
      assert.deepEqual(str.frames.map((f) => [f.name, f.line]), [['inner', 7], ['middle', 11], ['main', 16]]);
      const info: DebugProtocol.ExceptionInfoResponse = yield s.dc.exceptionInfoRequest({ threadId: str.threadId });
      assert.equal(info.body.breakMode, 'always');
      yield s.dc.continueRequest({ threadId: str.threadId });
      // Not again where the string passes middle() and main(): the next stop is the next throw.
      const native: Stop = yield s.stopped();
      assert.match(native.description!, /^SyntaxError: /);
      assert.equal(native.frames[0]!.line, 29);
      yield s.dc.continueRequest({ threadId: native.threadId });
      const wrapped: Stop = yield s.stopped();
      assert.equal(wrapped.description, 'RangeError: set on a future');
      assert.deepEqual(wrapped.frames.map((f) => [f.name, f.line]), [['main', 37]]);
      const [exited] = yield Promise.all([s.waitFor('exited'), s.waitFor('terminated'), s.dc.continueRequest({ threadId: wrapped.threadId })]);
      assert.equal((exited as DebugProtocol.ExitedEvent).body.exitCode, 0);
      assert.equal(s.queued('stopped'), 0, 'no other stop');
    } finally {
      yield s.stop();
    }
  }));

test("'Uncaught Exceptions': a thrown string stops once; a task that fails with no code of its own stops when it ends", () =>
  drive(function* () {
    const s = new Session();
    yield s.start();
    try {
      yield s.launch(kinds, {}, { args: ['--uncaught-string'] }, ['uncaught']);
      const str: Stop = yield s.stopped();
      assert.equal(str.description, 'Uncaught "plain string"');
      assert.deepEqual(str.frames.map((f) => [f.name, f.line]), [['inner', 7], ['middle', 11]]);
      const threads: DebugProtocol.Thread[] = yield s.threads();
      assert.match(threads.find((t) => t.id === str.threadId)!.name, /^stringly /);
      yield s.dc.continueRequest({ threadId: str.threadId });
      const ended: Stop = yield s.stopped();
      assert.match(ended.description!, /^a task ended with an exception: <Task finished name='wrapped' .*RangeError\('set on a future'\)/);
      const info: DebugProtocol.ExceptionInfoResponse = yield s.dc.exceptionInfoRequest({ threadId: ended.threadId });
      assert.deepEqual([info.body.exceptionId, info.body.breakMode, info.body.details?.evaluateName], ['RangeError', 'unhandled', 'exception']);
      const value: DebugProtocol.EvaluateResponse = yield s.dc.evaluateRequest({ expression: 'exception', context: 'watch', ...(ended.frames[0] ? { frameId: ended.frames[0].id } : {}) });
      assert.match(value.body.result, /RangeError: set on a future/);
      const [exited] = yield Promise.all([s.waitFor('exited'), s.waitFor('terminated'), s.dc.continueRequest({ threadId: ended.threadId })]);
      assert.equal((exited as DebugProtocol.ExitedEvent).body.exitCode, 0);
      assert.equal(s.queued('stopped'), 0, 'no other stop');
      assert.match(s.output, /stringly failed with plain string/);
      assert.match(s.output, /wrapped failed: set on a future/);
    } finally {
      yield s.stop();
    }
  }));
