// Task: names, cancellation at the await point, cancelling()/uncancel(), misuse errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CancelledError, RuntimeError, Task, allTasks, createTask, currentTask, gather, getRunningLoop, sleep } from 'coroscope';
import { runFake, raised } from '../helpers';

test('tasks are named Task-N unless named; setName renames', () =>
  runFake(async () => {
    const a = createTask(sleep(1));
    const b = createTask(sleep(1), { name: 'worker' });
    assert.match(a.getName(), /^Task-\d+$/);
    assert.equal(b.getName(), 'worker');
    b.setName('renamed');
    assert.equal(b.getName(), 'renamed');
    assert.ok(allTasks().has(a) && allTasks().has(currentTask()!));
    await gather(a, b);
    assert.equal(allTasks().has(a), false, 'a done task is no longer listed');
  }));

test('a task cancelled before it starts never runs its body; the message reaches the awaiter', () =>
  runFake(async () => {
    let started = false;
    async function body() {
      started = true;
    }
    const t = createTask(body());
    assert.equal(t.cancel('first'), true);
    const err = await raised(t);
    assert.ok(err instanceof CancelledError && err.message === 'first');
    assert.equal(started, false);
    assert.equal(t.cancelled(), true);
    assert.equal(t.cancel(), false, 'cancel() on a done task is false');
  }));

test('cancel() is delivered at the await point; a coroutine may suppress it', () =>
  runFake(async () => {
    const log: string[] = [];
    async function supp() {
      try {
        await sleep(5);
      } catch (err) {
        log.push(`caught ${(err as Error).name} at ${getRunningLoop().time()}`);
        return 'kept going';
      }
      return 'slept';
    }
    const t = createTask(supp());
    await sleep(1);
    t.cancel();
    t.cancel();
    assert.equal(t.cancelling(), 2);
    assert.equal(await t, 'kept going');
    assert.equal(t.cancelled(), false);
    assert.deepEqual(log, ['caught CancelledError at 1']);
    // As CPython 3.12: the count stays until uncancel(), which stops at zero.
    assert.deepEqual([t.cancelling(), t.uncancel(), t.uncancel(), t.uncancel()], [2, 1, 0, 0]);
  }));

test('sleep(0) lets every other ready task run once: strict alternation', () =>
  runFake(async () => {
    const log: string[] = [];
    async function w(n: string) {
      for (let i = 0; i < 3; i++) {
        log.push(`${n}${i}`);
        await sleep(0);
      }
    }
    await gather(w('a'), w('b'));
    assert.deepEqual(log, ['a0', 'b0', 'a1', 'b1', 'a2', 'b2']);
    const loop = getRunningLoop();
    const before = loop.iteration;
    await sleep(0);
    assert.equal(loop.iteration - before, 1, 'sleep(0) takes exactly one iteration');
  }));

test('a task awaiting itself gets RuntimeError; setResult/setException on a task are refused', () =>
  runFake(async () => {
    async function selfWait() {
      await currentTask()!;
    }
    const err = await raised(createTask(selfWait()));
    assert.ok(err instanceof RuntimeError && /^Task cannot await on itself/.test(err.message));
    const t = createTask(sleep(1));
    assert.throws(() => t.setResult(undefined), RuntimeError);
    assert.throws(() => t.setException(new Error('x')), RuntimeError);
    t.cancel();
    await raised(t);
  }));

test('awaiting a value that is not awaitable raises TypeError naming it', () =>
  runFake(async () => {
    async function bad() {
      await (42 as unknown as Promise<void>);
    }
    const err = await raised(createTask(bad()));
    assert.ok(err instanceof TypeError);
    assert.match(err.message, /number 42 can't be used in 'await' expression/);
  }));

test('getStack() shows the whole await chain, outermost first; waitingOn is the awaited future', () =>
  runFake(async () => {
    async function inner() {
      await sleep(5);
    }
    async function outer() {
      await inner();
    }
    const t = createTask(outer());
    await sleep(0);
    assert.deepEqual(
      t.getStack().map((e) => e.coroutine.name),
      ['outer', 'inner', 'sleep'],
    );
    assert.equal(t.waitingOn?.waitReason?.kind, 'timer');
    assert.ok(t instanceof Task);
    t.cancel();
    await raised(t);
    assert.deepEqual(t.getStack(), []);
  }));

test('getStack({ limit }): the newest entries of a suspended chain; a failed task gives the frames its error unwound through', () =>
  runFake(async () => {
    async function inner() {
      await sleep(5);
    }
    async function outer() {
      await inner();
    }
    const t = createTask(outer());
    await sleep(0);
    const names = (entries: readonly { coroutine: { name: string } }[]) => entries.map((e) => e.coroutine.name);
    assert.deepEqual(names(t.getStack({ limit: 2 })), ['inner', 'sleep']);
    assert.deepEqual(names(t.getStack({ limit: 10 })), ['outer', 'inner', 'sleep']);
    assert.deepEqual(t.getStack({ limit: 0 }), []);
    assert.deepEqual(names(t.getStack({ limit: null })), ['outer', 'inner', 'sleep']);
    assert.throws(() => t.getStack({ limit: 'x' as unknown as number }), /getStack\(\): limit must be a number or null, got string "x"/);
    t.cancel();
    await raised(t);

    async function failing() {
      await sleep(1);
      throw new Error('boom');
    }
    async function caller() {
      await failing();
    }
    const f = createTask(caller());
    await raised(f);
    assert.deepEqual(names(f.getStack()), ['caller', 'failing'], 'outermost first, as CPython walks the traceback');
    assert.deepEqual(names(f.getStack({ limit: 1 })), ['caller'], 'a traceback keeps its oldest frames');
    const ok = createTask(sleep(1));
    await ok;
    assert.deepEqual(ok.getStack(), [], 'a task that returned has no frames');
  }));

test("repr: a waiting task says 'cancelling' from cancel() until it is done, then 'cancelled'", () =>
  runFake(async () => {
    const t = createTask(sleep(5), { name: 'sleeper' });
    await sleep(0);
    assert.match(String(t), /^<Task pending name='sleeper' /);
    t.cancel();
    assert.match(String(t), /^<Task cancelling name='sleeper' /);
    await raised(t);
    assert.match(String(t), /^<Task cancelled name='sleeper' /);
  }));

test('createTask(sleep(0)) is a task like any other', () =>
  runFake(async () => {
    const t = createTask(sleep(0));
    await t;
    assert.equal(t.done(), true);
  }));
