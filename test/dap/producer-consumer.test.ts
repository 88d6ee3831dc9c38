// A whole session on the producer/consumer program, pinned as a golden transcript: a breakpoint in
// a consumer, every task as a thread, the stopped task's frames and locals, a suspended consumer's
// locals, stepping over `yield queue.get()` (the step stops in the same task when it resumes,
// while the producer and the other consumer run meanwhile), then running to the exit code.
// Set UPDATE_GOLDEN=1 to rewrite the transcript after an intended change (and review its diff).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Session, drive, example, matchGolden, type Stop } from './harness';
import type { DebugProtocol } from '@vscode/debugprotocol';

const program = example('producer-consumer.ts');

test('breakpoint, threads, suspended locals, step over an await, exit: the golden transcript', () =>
  drive(function* () {
    const s = new Session();
    yield s.start();
    try {
      s.record();
      yield s.launch(program, { [program]: [{ line: 17 }] });
      const first: Stop = yield s.stopped();
      assert.equal(first.reason, 'breakpoint');
      assert.deepEqual(first.frames.map((f) => [f.name, f.line]), [['consumer', 17]]);
      const threads: DebugProtocol.Thread[] = yield s.threads();
      const stoppedName = threads.find((t) => t.id === first.threadId)!.name;
      assert.equal(stoppedName, 'c1 ▶ running · consumer(name, queue)');
      const c2 = threads.find((t) => t.name.startsWith('c2'))!;
      // c2 was created after c1 and has not run yet: its coroutine waits at its first line.
      assert.equal(c2.name, 'c2 ▶ ready · consumer(name, queue)');
      const c2frames: DebugProtocol.StackFrame[] = yield s.frames(c2.id);
      const c2locals: Record<string, string> = yield s.scope(c2frames[0]!.id, 'Locals');
      assert.equal(c2locals.name, '"c2"');
      assert.equal(c2locals.queue, 'Queue');
      const locals: Record<string, string> = yield s.scope(first.frames[0]!.id, 'Locals');
      assert.equal(locals.item, '1');
      assert.equal(locals.total, '0');
      const ev = yield s.dc.evaluateRequest({ expression: 'total + item * 10', frameId: first.frames[0]!.id, context: 'watch' });
      assert.equal(ev.body.result, '10');

      yield s.dc.setBreakpointsRequest({ source: { path: program }, breakpoints: [] });
      const lines: number[] = [];
      for (let i = 0; i < 4; i++) {
        yield s.dc.nextRequest({ threadId: first.threadId });
        const step: Stop = yield s.stopped();
        assert.equal(step.reason, 'step');
        assert.equal(step.threadId, first.threadId, 'stepping follows the task');
        lines.push(step.frames[0]!.line);
      }
      // 17 -> 18 -> 19 -> 16 (the await) -> 17 once c1 resumes with its next item.
      assert.deepEqual(lines, [18, 19, 16, 17]);
      const after: Record<string, string> = yield s.scope(((yield s.frames(first.threadId)) as DebugProtocol.StackFrame[])[0]!.id, 'Locals');
      assert.ok(Number(after.item) > 1, `c1 got a later item: ${after.item}`);

      const [exited] = yield Promise.all([s.waitFor('exited'), s.waitFor('terminated'), s.dc.continueRequest({ threadId: first.threadId })]);
      assert.equal((exited.body as { exitCode: number }).exitCode, 0);
      assert.match(s.output, /all consumed/);

      const { actual, expected } = matchGolden('producer-consumer', s.transcript);
      assert.equal(actual, expected, 'the session differs from test/dap/golden/producer-consumer.json (UPDATE_GOLDEN=1 rewrites it)');
    } finally {
      yield s.stop();
    }
  }));
