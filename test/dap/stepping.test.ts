// Stepping follows the task: step in on an `await` line lands in the same task's next line (the
// runtime's own code is skipped), step out of a coroutine stops in the coroutine that awaited it
// once it resumes, and the running task's frames continue with its suspended await chain.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { Session, drive, example, type Stop } from './harness';

const program = example('producer-consumer.ts');

test('the running task shows its V8 frame and, below it, the coroutine that awaits it', () =>
  drive(function* () {
    const s = new Session();
    yield s.start();
    try {
      yield s.launch(program, { [program]: [{ line: 8 }] });
      const stop: Stop = yield s.stopped();
      assert.deepEqual(stop.frames.map((f) => [f.name, f.line]), [['producer', 8], ['main', 26]]);
      const threads: DebugProtocol.Thread[] = yield s.threads();
      assert.equal(threads.find((t) => t.id === stop.threadId)!.name, 'Task-1 ▶ running · main()');
      const outer: Record<string, string> = yield s.scope(stop.frames[1]!.id, 'Locals');
      assert.equal(outer.queue, 'Queue');
      assert.equal(outer.consumers, 'Array(2)');
      const awaiting: Record<string, string> = yield s.scope(stop.frames[1]!.id, 'Awaiting');
      assert.equal(awaiting.coroutine, 'producer');

      // Step in on `await queue.put(item)` (line 7 after the loop comes round): the runtime's put() is skipped.
      yield s.dc.setBreakpointsRequest({ source: { path: program }, breakpoints: [{ line: 7 }] });
      yield s.dc.continueRequest({ threadId: stop.threadId });
      const at7: Stop = yield s.stopped();
      assert.equal(at7.frames[0]!.line, 7);
      yield s.dc.setBreakpointsRequest({ source: { path: program }, breakpoints: [] });
      yield s.dc.stepInRequest({ threadId: at7.threadId });
      const stepped: Stop = yield s.stopped();
      assert.equal(stepped.reason, 'step');
      assert.equal(stepped.threadId, at7.threadId);
      assert.deepEqual(stepped.frames.map((f) => [f.name, f.line]), [['producer', 8], ['main', 26]]);

      // Step out of producer(): main resumes after `await producer(queue, 6)`, at the next line.
      yield s.dc.stepOutRequest({ threadId: stepped.threadId });
      const out: Stop = yield s.stopped();
      assert.equal(out.reason, 'step');
      assert.equal(out.threadId, stepped.threadId);
      assert.deepEqual(out.frames.map((f) => [f.name, f.line]), [['main', 27]]);
      assert.match(s.output, /produced 6/);
    } finally {
      yield s.stop();
    }
  }));

test('stopOnEntry stops at the first line of the program, before any task exists', () =>
  drive(function* () {
    const s = new Session();
    yield s.start();
    try {
      yield s.launch(program, {}, { stopOnEntry: true });
      const stop: Stop = yield s.stopped();
      assert.equal(stop.reason, 'entry');
      assert.equal(stop.threadId, 1);
      assert.equal(stop.frames[0]!.source?.path, program);
      assert.equal(stop.frames[0]!.line, 1);
      const threads: DebugProtocol.Thread[] = yield s.threads();
      assert.deepEqual(threads.map((t) => t.name), ['event loop']);
      const [exited] = yield Promise.all([s.waitFor('exited'), s.waitFor('terminated'), s.dc.continueRequest({ threadId: 1 })]);
      assert.equal((exited as DebugProtocol.ExitedEvent).body.exitCode, 0);
    } finally {
      yield s.stop();
    }
  }));
