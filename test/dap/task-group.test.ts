// A TaskGroup's children are threads of their own, each at its own await with its own locals;
// the parent waits in the group's exit, and its Task scope lists the children.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { Session, drive, example, type Stop } from './harness';

const program = example('task-group.ts');

test('children of a TaskGroup as threads, the parent waiting in TaskGroup.exit', () =>
  drive(function* () {
    const s = new Session();
    yield s.start();
    try {
      yield s.launch(program, { [program]: [{ line: 10 }] });
      const first: Stop = yield s.stopped();
      const threads: DebugProtocol.Thread[] = yield s.threads();
      const names = threads.map((t) => t.name);
      assert.equal(threads.find((t) => t.id === first.threadId)!.name, 'get-1 ▶ running · download(url, seconds)');
      assert.ok(names.includes('get-2 ⏸ sleep 0.6 s · download(url, seconds)'), names.join(' | '));
      assert.ok(names.includes('get-3 ⏸ sleep 1 s · download(url, seconds)'), names.join(' | '));
      const main = threads.find((t) => t.name.startsWith('Task-1 '))!;
      assert.match(main.name, /⏸ TaskGroup\.exit \(Future #\d+\) · main\(\)$/);
      assert.deepEqual(((yield s.frames(main.id)) as DebugProtocol.StackFrame[]).map((f) => [f.name, f.line]), [['main', 15]]);

      const get2 = threads.find((t) => t.name.startsWith('get-2'))!;
      const frames: DebugProtocol.StackFrame[] = yield s.frames(get2.id);
      assert.deepEqual(frames.map((f) => [f.name, f.line]), [['download', 8]]);
      const locals: Record<string, string> = yield s.scope(frames[0]!.id, 'Locals');
      assert.equal(locals.url, '"b.example/22"');
      assert.ok(Math.abs(Number(locals.seconds) - 0.6) < 1e-9, locals.seconds);
      const task: Record<string, string> = yield s.scope(frames[0]!.id, 'Task');
      assert.equal(task.name, 'get-2');
      assert.match(task.parent!, /^Task-1 ⏸ TaskGroup\.exit \(Future #\d+\) · main\(\)$/);

      for (let hit = 2; hit <= 3; hit++) {
        yield s.dc.continueRequest({ threadId: first.threadId });
        const next: Stop = yield s.stopped();
        const now: DebugProtocol.Thread[] = yield s.threads();
        assert.equal(now.find((t) => t.id === next.threadId)!.name, `get-${hit} ▶ running · download(url, seconds)`);
      }
      const [exited] = yield Promise.all([s.waitFor('exited'), s.waitFor('terminated'), s.dc.continueRequest({ threadId: first.threadId })]);
      assert.equal((exited as DebugProtocol.ExitedEvent).body.exitCode, 0);
      assert.match(s.output, /total 3600/);
    } finally {
      yield s.stop();
    }
  }));
