// Step in on a call that creates a task follows the new task: the first step enters the coroutine
// function's call, the next one stops at the first line of its body, running in the new task.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { Session, drive, type Stop } from './harness';

const program = join(__dirname, 'fixtures', 'spawn.ts');

test('step in on createTask(worker(21)) follows the new task into worker', () =>
  drive(function* () {
    const s = new Session();
    yield s.start();
    try {
      yield s.launch(program, { [program]: [{ line: 11 }] });
      const at11: Stop = yield s.stopped();
      assert.deepEqual(at11.frames.map((f) => [f.name, f.line]), [['main', 11]]);
      let stop: Stop = at11;
      // Step in until the stop is in another thread (at most a few steps: the call, then the task).
      for (let i = 0; i < 4 && stop.threadId === at11.threadId; i++) {
        yield s.dc.stepInRequest({ threadId: stop.threadId });
        stop = yield s.stopped();
        assert.equal(stop.reason, 'step');
      }
      assert.notEqual(stop.threadId, at11.threadId, 'the step moved to the new task');
      assert.deepEqual(stop.frames.map((f) => [f.name, f.line]), [['worker', 5]]);
      const threads: DebugProtocol.Thread[] = yield s.threads();
      assert.match(threads.find((t) => t.id === stop.threadId)!.name, /^Task-2 ▶ running · worker\(n\)$/);
      const locals: Record<string, string> = yield s.scope(stop.frames[0]!.id, 'Locals');
      assert.equal(locals.n, '21');
      // The created task has not printed yet: main goes on only when worker suspends.
      assert.doesNotMatch(s.output, /result/);
    } finally {
      yield s.stop();
    }
  }));
