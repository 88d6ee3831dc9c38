// Exceptions as a person meets them, on programs no other test runs: a Node built-in failing inside
// a task (execSync) stops once, at the task's own line, with its locals; a TaskGroup's
// ExceptionGroup lists each sub-exception (exceptionInfo's innerException); a program that ends with
// an error leaves its traceback and exit code as the Debug Console's last lines, before `exited`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { Session, drive, type Stop } from './harness';

const fixture = (name: string): string => join(__dirname, 'fixtures', name);

test('execSync failing in a task: one stop, at the line that called it, with its locals; then the traceback and exit code', () =>
  drive(function* () {
    const program = fixture('exec-fail.ts');
    const s = new Session();
    const order: string[] = [];
    s.dc.on('output', (e: DebugProtocol.OutputEvent) => order.push(`output ${e.body.category}`));
    s.dc.on('exited', () => order.push('exited'));
    yield s.start();
    try {
      yield s.launch(program, {}, {}, ['uncaught']);
      const stop: Stop = yield s.stopped();
      assert.equal(stop.reason, 'exception');
      assert.match(stop.description!, /^Uncaught Error: Command failed: ls \/no\/such\/dir-for-coroscope/);
      assert.deepEqual(stop.frames.map((f) => [f.name, f.source?.path, f.line]), [['backup', program, 11]]);
      const threads: DebugProtocol.Thread[] = yield s.threads();
      assert.equal(threads.find((t) => t.id === stop.threadId)!.name, 'backup ▶ running');
      const locals: Record<string, string> = yield s.scope(stop.frames[0]!.id, 'Locals');
      assert.equal(locals.command, '"ls /no/such/dir-for-coroscope"');
      assert.equal(locals.target, '"/no/such/dir-for-coroscope"');
      yield s.dc.continueRequest({ threadId: stop.threadId });
      // No second stop (when the task ends, or in main that awaits it): the program ends.
      yield s.waitFor('exited');
      assert.equal(s.queued('stopped'), 0, 'stopped once');
      const lines = s.output.trimEnd().split('\n');
      assert.equal(lines[lines.length - 1], 'Program exited with code 1');
      assert.ok(lines.includes('Traceback (most recent call last, through the await chain):'), s.output);
      assert.ok(lines.some((l) => /^\s+at backup \(.*exec-fail\.ts:11:\d+\)$/.test(l)), s.output);
      assert.deepEqual(order.slice(-3), ['output stderr', 'output console', 'exited']);
    } finally {
      yield s.stop();
    }
  }));

test('exceptionInfo of a TaskGroup’s ExceptionGroup lists each sub-exception with its task and await chain', () =>
  drive(function* () {
    const program = fixture('quota-group.ts');
    const s = new Session();
    yield s.start();
    try {
      yield s.launch(program, {}, {}, ['uncaught']);
      // First the child's own throw (nobody in the task catches it), then the group in main.
      const child: Stop = yield s.stopped();
      assert.match(child.description!, /^Uncaught QuotaExceeded: holiday\.mov is 240 MB/);
      yield s.dc.continueRequest({ threadId: child.threadId });
      const group: Stop = yield s.stopped();
      assert.match(group.description!, /^Uncaught ExceptionGroup: unhandled errors in a TaskGroup/);
      assert.deepEqual(group.frames.map((f) => [f.name, f.line]), [['main', 20]]);
      const info: DebugProtocol.ExceptionInfoResponse = yield s.dc.exceptionInfoRequest({ threadId: group.threadId });
      assert.equal(info.body.exceptionId, 'ExceptionGroup');
      assert.equal(
        info.body.description,
        `ExceptionGroup: unhandled errors in a TaskGroup\n  1. QuotaExceeded: holiday.mov is 240 MB; the quota is 100 MB (in task 'upload holiday.mov', at upload (${program}:11))`,
      );
      assert.deepEqual(info.body.details!.innerException, [
        { message: 'holiday.mov is 240 MB; the quota is 100 MB', typeName: 'QuotaExceeded', stackTrace: `    in task 'upload holiday.mov'\n    at upload (${program}:11)` },
      ]);
    } finally {
      yield s.stop();
    }
  }));
