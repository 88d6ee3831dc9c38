// Why is it stuck, under the debugger: a lock cycle stops the program with reason 'deadlock' (VS
// Code: "Paused on deadlock"), the cycle in the stop's description and its tasks first among the
// threads; each task's verdict is in its Task scope, its thread name and the `await` hover. When
// every task is asleep, the same kind of stop says so; a queue with no producer left and a future
// nothing refers to are named as such.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { join } from 'node:path';
import { ROOT, Session, delay, drive, type Stop } from './harness';

const fixture = (name: string): string => join(ROOT, 'test', 'dap', 'fixtures', name);

test('a lock cycle of two tasks: stop on deadlock, the cycle described, its tasks first with their verdicts', () =>
  drive(function* () {
    const s = new Session();
    yield s.start();
    try {
      yield s.launch(fixture('lock-cycle.ts'));
      const stop: Stop = yield s.stopped();
      assert.equal(stop.reason, 'deadlock');
      assert.equal(stop.description, 'Paused on deadlock: c1 → Lock b held by c2 → Lock a held by c1');

      const threads: DebugProtocol.Thread[] = yield s.threads();
      const names = threads.map((t) => t.name);
      assert.deepEqual(names.slice(0, 2), ['c1 ⏸ Lock b held by c2 (lock-cycle.ts:16) · left()', 'c2 ⏸ Lock a held by c1 (lock-cycle.ts:9) · right()']);
      assert.equal(stop.threadId, threads[0]!.id, 'the first task of the cycle is focused');
      assert.ok(names.includes('event loop'), names.join(' | '));

      // c1's frame is at its second acquire; the Task scope has the whole verdict.
      assert.deepEqual(stop.frames.map((f) => [f.name, f.line]), [['left', 11]]);
      const task: Record<string, string> = yield s.scope(stop.frames[0]!.id, 'Task');
      assert.equal(task.verdict, 'Lock b held by c2 (lock-cycle.ts:16), which waits for Lock a held by c1 (lock-cycle.ts:9): a deadlock');
      const aw = yield s.dc.evaluateRequest({ expression: 'await', frameId: stop.frames[0]!.id, context: 'hover' });
      assert.equal(aw.body.result, 'Lock · pending · Lock b held by c2 (lock-cycle.ts:16), which waits for Lock a held by c1 (lock-cycle.ts:9): a deadlock');

      // main waits for both through gather: each child with its own verdict.
      const main = threads.find((t) => t.name.startsWith('Task-1'))!;
      const mf: DebugProtocol.StackFrame[] = yield s.frames(main.id);
      const mt: Record<string, string> = yield s.scope(mf[0]!.id, 'Task');
      assert.match(mt.verdict!, /^gather: 2 of 2 not done: c1, which waits for Lock b held by c2 \(lock-cycle\.ts:16\), which waits for Lock a held by c1 \(lock-cycle\.ts:9\): a deadlock; c2, which waits for Lock a held by c1/);

      // The Tasks view's request carries each verdict.
      const list = yield s.dc.customRequest('coroscope/tasks', {});
      const c2 = (list.body.tasks as { name: string; verdict?: string }[]).find((t) => t.name === 'c2');
      assert.equal(c2?.verdict, 'Lock a held by c1 (lock-cycle.ts:9), which waits for Lock b held by c2 (lock-cycle.ts:16): a deadlock');

      // Go on: nothing else can run, so the next stop says every task is asleep.
      yield s.dc.continueRequest({ threadId: stop.threadId });
      const asleep: Stop = yield s.stopped();
      assert.equal(asleep.reason, 'deadlock');
      assert.equal(asleep.description, 'Paused on deadlock: all tasks are asleep: nothing can wake them');
      const after: DebugProtocol.Thread[] = yield s.threads();
      assert.deepEqual(after.map((t) => t.name.split(' ')[0]), ['Task-1', 'c1', 'c2', 'event'], 'every task first, the loop last');
    } finally {
      yield s.stop();
    }
  }));

test('a queue whose producers all finished, and a future nothing refers to: asleep, each verdict says why', () =>
  drive(function* () {
    const s = new Session();
    yield s.start();
    try {
      yield s.launch(fixture('no-producer.ts'));
      const stop: Stop = yield s.stopped();
      assert.equal(stop.reason, 'deadlock');
      assert.equal(stop.description, 'Paused on deadlock: all tasks are asleep: nothing can wake them');
      const threads: DebugProtocol.Thread[] = yield s.threads();
      const consumer = threads.find((t) => t.name.startsWith('consumer'))!;
      assert.equal(consumer.name, 'consumer ⏸ Queue jobs empty · no producer left');
      const frames: DebugProtocol.StackFrame[] = yield s.frames(consumer.id);
      const task: Record<string, string> = yield s.scope(frames[0]!.id, 'Task');
      assert.equal(task.verdict, 'Queue jobs empty · no producer left');
    } finally {
      yield s.stop();
    }
    const o = new Session();
    yield o.start();
    try {
      yield o.launch(fixture('orphan-future.ts'));
      const stop: Stop = yield o.stopped();
      assert.equal(stop.reason, 'deadlock');
      const task: Record<string, string> = yield o.scope(stop.frames[0]!.id, 'Task');
      assert.equal(task.verdict, 'nothing in the program can wake this: awaited at orphan-future.ts:8');
    } finally {
      yield o.stop();
    }
  }));

test('a server waiting for connections is no deadlock: no stop of its own; paused, its verdict names the address', () =>
  drive(function* () {
    const s = new Session();
    yield s.start();
    try {
      yield s.launch(fixture('idle-server.ts'));
      for (let i = 0; i < 100 && !s.output.includes('serving on port'); i++) yield delay(50);
      const port = /serving on port (\d+)/.exec(s.output)?.[1];
      assert.ok(port, s.output);
      yield delay(1500);
      assert.equal(s.queued('stopped'), 0, 'no stop while it waits for connections');
      yield s.dc.pauseRequest({ threadId: 1 });
      const stop: Stop = yield s.stopped();
      assert.equal(stop.reason, 'pause');
      const threads: DebugProtocol.Thread[] = yield s.threads();
      const main = threads.find((t) => t.name.startsWith('Task-1'))!;
      const frames: DebugProtocol.StackFrame[] = yield s.frames(main.id);
      const task: Record<string, string> = yield s.scope(frames[0]!.id, 'Task');
      assert.equal(task.verdict, `waits for a connection on 127.0.0.1:${port}`);
    } finally {
      yield s.stop();
    }
  }));
