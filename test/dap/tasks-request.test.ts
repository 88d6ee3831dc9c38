// The extension's two non-standard requests (extension/ADAPTER-CONVENTIONS.md),
// on the producer/consumer program: `coroscope/tasks` lists every task with what it waits on, its
// await line and the thread showing it (also the tasks beyond the thread cap), and `evaluate
// $await@<line>` answers for the frame of the focused thread suspended at that line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { Session, drive, example, failure, type Stop } from './harness';
import type { TaskListBody, TaskListEntry } from '../../debug-adapter/task-list';

const program = example('producer-consumer.ts');

function tasks(s: Session, args: { limit?: unknown } = {}): Promise<TaskListBody> {
  return s.dc.customRequest('coroscope/tasks', args).then((r) => r.body as TaskListBody);
}

/** A task as a line: name, state, wait kind and text, await line. */
function row(t: TaskListEntry): string {
  return `${t.name} ${t.coroutine} | ${t.state} | ${t.wait.kind}: ${t.wait.text} | ${t.location ? `${t.location.path}:${t.location.line}` : '-'}`;
}

test('coroscope/tasks: every task with its wait kind, await line and thread; errors when there is nothing to list', () =>
  drive(function* () {
    const s = new Session();
    yield s.start();
    try {
      assert.match(yield failure(tasks(s)), /^coroscope\/tasks: the program is not stopped/);
      yield s.launch(program, { [program]: [{ line: 17 }] }, { stopOnEntry: true });
      const entry: Stop = yield s.stopped();
      assert.equal(entry.reason, 'entry');
      assert.match(yield failure(tasks(s)), /^coroscope\/tasks: no event loop is running/);
      yield s.dc.continueRequest({ threadId: entry.threadId });

      // c1 at its breakpoint; main in producer's sleep; c2 created but not started.
      const first: Stop = yield s.stopped();
      const list: TaskListBody = yield tasks(s);
      assert.equal(list.total, 3);
      assert.deepEqual(list.tasks.map(row), [
        `Task-1 main() | suspended | timer: sleep 0.01 s | ${program}:9`,
        `c1 consumer(name, queue) | running | none: running | ${program}:17`,
        'c2 consumer(name, queue) | ready | none: ready | -',
      ]);
      const threads: DebugProtocol.Thread[] = yield s.threads();
      for (const t of list.tasks) {
        const thread = threads.find((th) => th.id === t.threadId);
        assert.ok(thread?.name.startsWith(`${t.name} `) && thread.name.endsWith(` · ${t.coroutine}`), `${t.name} is thread ${t.threadId}: ${threads.map((th) => `${th.id} ${th.name}`).join(' | ')}`);
      }
      assert.equal(list.tasks[1]!.threadId, first.threadId);
      assert.equal(list.tasks[0]!.location!.column, 5);
      assert.equal(list.loop.iteration > 0, true);
      assert.equal(typeof list.loop.selector, 'string');
      assert.ok(list.loop.timers.some((t) => t.what === 'sleep 0.01 s → Task-1 main()' && t.dueIn >= 0), JSON.stringify(list.loop.timers));

      // The next hit: c1 again, c2 now suspended in Queue.get at its await.
      yield s.dc.continueRequest({ threadId: first.threadId });
      const second: Stop = yield s.stopped();
      const next: TaskListBody = yield tasks(s);
      const byName = new Map(next.tasks.map((t) => [t.name.split(' ')[0], t]));
      const waiting = byName.get(second.threadId === first.threadId ? 'c2' : 'c1')!;
      assert.equal(row(waiting).replace(/^c\d/, 'c'), `c consumer(name, queue) | suspended | primitive: Queue.get | ${program}:16`);
      assert.equal(byName.get('Task-1')!.wait.kind, 'timer');
      assert.equal(next.total, 3);
    } finally {
      yield s.stop();
    }
  }));

test('coroscope/tasks lists the tasks beyond the thread cap (maxThreads), and pages with limit', () =>
  drive(function* () {
    const s = new Session();
    yield s.start();
    try {
      yield s.launch(program, { [program]: [{ line: 17 }] }, { maxThreads: 1 });
      const first: Stop = yield s.stopped();
      const threads: DebugProtocol.Thread[] = yield s.threads();
      assert.deepEqual(threads.map((t) => t.id), [1, first.threadId], 'one task as a thread, beside the event loop');
      const list: TaskListBody = yield tasks(s);
      assert.equal(list.total, 3);
      assert.deepEqual(list.tasks.map((t) => [`${t.name} ${t.coroutine}`, t.threadId]), [
        ['Task-1 main()', undefined],
        ['c1 consumer(name, queue)', first.threadId],
        ['c2 consumer(name, queue)', undefined],
      ]);
      assert.deepEqual(list.tasks[0]!.wait, { kind: 'timer', text: 'sleep 0.01 s' });
      assert.deepEqual(list.tasks[0]!.location, { path: program, line: 9, column: 5 });

      const page: TaskListBody = yield tasks(s, { limit: 2 });
      assert.equal(page.total, 3);
      assert.deepEqual(page.tasks.map((t) => `${t.name} ${t.coroutine}`), ['Task-1 main()', 'c1 consumer(name, queue)']);
      assert.match(yield failure(tasks(s, { limit: -1 })), /"limit" must be a non-negative integer/);
      assert.match(yield failure(tasks(s, { limit: 'all' })), /"limit" must be a non-negative integer/);
    } finally {
      yield s.stop();
    }
  }));

test('$await@<line>: the future or coroutine awaited by the frame of the thread suspended at that line', () =>
  drive(function* () {
    const s = new Session();
    yield s.start();
    try {
      yield s.launch(program, { [program]: [{ line: 17 }] });
      const first: Stop = yield s.stopped();
      // Another task: main awaits producer() at line 26, producer awaits sleep() at line 9.
      const threads: DebugProtocol.Thread[] = yield s.threads();
      const main = threads.find((t) => t.name.startsWith('Task-1 '))!;
      const frames: DebugProtocol.StackFrame[] = yield s.frames(main.id);
      assert.deepEqual(frames.map((f) => [f.name, f.line]), [['producer', 9], ['main', 26]]);
      const [producer, mainFrame] = frames as [DebugProtocol.StackFrame, DebugProtocol.StackFrame];
      const evaluate = (expression: string, frameId: number): Promise<DebugProtocol.EvaluateResponse['body']> =>
        s.dc.evaluateRequest({ expression, frameId, context: 'hover' }).then((r) => r.body);

      // The focused frame's own line: the same answer as the plain `await`.
      const own: DebugProtocol.EvaluateResponse['body'] = yield evaluate('$await@9', producer.id);
      const plain: DebugProtocol.EvaluateResponse['body'] = yield evaluate('await', producer.id);
      assert.match(own.result, /^sleep 0\.01 s · due in 0(\.\d+)? s$/);
      assert.equal(own.type, 'Future');
      assert.equal(own.result, plain.result);
      assert.ok(own.variablesReference > 0);
      const fut: Record<string, string> = yield s.variables(own.variablesReference);
      assert.equal(fut.state, 'PENDING');

      // Another frame of the same thread: main, suspended at line 26, awaits the coroutine producer().
      const outer: DebugProtocol.EvaluateResponse['body'] = yield evaluate('$await@26', producer.id);
      assert.equal(outer.result, 'producer() · suspended at producer-consumer.ts:9');
      assert.ok(outer.variablesReference > 0);
      assert.equal(((yield s.variables(outer.variablesReference)) as Record<string, string>).coroutine, 'producer');
      // And the other way round: from main's frame, the await at line 9 is producer's.
      assert.equal(((yield evaluate('$await@9', mainFrame.id)) as { result: string }).result, own.result);

      // No frame of the thread is suspended there: an error response.
      assert.equal(yield failure(evaluate('$await@20', producer.id)), 'not suspended at line 20');
      // c1 runs at line 17 (not suspended); main's line 26 is another thread's: answered by task name.
      assert.equal(yield failure(evaluate('$await@17', first.frames[0]!.id)), 'not suspended at line 17');
      assert.equal(((yield evaluate('$await@26', first.frames[0]!.id)) as { result: string }).result, 'Task-1: producer() · suspended at producer-consumer.ts:9');
      assert.match(yield failure(evaluate('$await@x', producer.id)), /the line must be a positive integer/);
    } finally {
      yield s.stop();
    }
  }));
