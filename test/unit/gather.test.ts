// gather(): orderings and errors as CPython 3.12's asyncio.gather shows them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CancelledError, createTask, gather, getRunningLoop, sleep, type Future } from 'coroscope';
import { runFake, raised } from '../helpers';

/** What awaiting aw raises (fails the test if it returns). */

function worker(log: string[]) {
  return async function w(name: string, delay: number, fail = false): Promise<string> {
    log.push(`start ${name}`);
    await sleep(delay);
    if (fail) throw new Error(name);
    log.push(`end ${name}`);
    return name;
  };
}

test('results come in argument order, whatever order the children finish in', () =>
  runFake(async () => {
    const log: string[] = [];
    const w = worker(log);
    const r = await gather(w('a', 3), w('b', 1), w('c', 2));
    assert.deepEqual(r, ['a', 'b', 'c']);
    assert.deepEqual(log, ['start a', 'start b', 'start c', 'end b', 'end c', 'end a']);
    assert.equal(getRunningLoop().time(), 3);
  }));

test('the first exception is raised at once; the other children keep running', () =>
  runFake(async () => {
    const log: string[] = [];
    const w = worker(log);
    const g = gather(w('x', 1, true), w('y', 2));
    const err = await raised(g);
    assert.ok(err instanceof Error && err.message === 'x');
    assert.equal(getRunningLoop().time(), 1);
    assert.deepEqual(log, ['start x', 'start y']);
    await sleep(1.5);
    assert.deepEqual(log, ['start x', 'start y', 'end y']);
  }));

test('returnExceptions puts errors and CancelledErrors in the results', () =>
  runFake(async () => {
    const log: string[] = [];
    const w = worker(log);
    const t = createTask(w('z', 5));
    async function canceller() {
      await sleep(1);
      t.cancel('stop');
    }
    const r = await gather(w('p', 1, true), t, w('q', 2), canceller(), { returnExceptions: true });
    assert.equal(r.length, 4);
    assert.ok(r[0] instanceof Error && r[0].message === 'p');
    // As CPython 3.12: the result is a new CancelledError without the message...
    assert.ok(r[1] instanceof CancelledError);
    assert.equal((r[1] as CancelledError).message, '');
    assert.equal(r[2], 'q');
    assert.equal(r[3], undefined);
    // ...while awaiting the task raises the one its coroutine raised, message included.
    const err = await raised(t);
    assert.ok(err instanceof CancelledError && err.message === 'stop');
  }));

test('a cancelled child fails gather with CancelledError; gather itself is not cancelled', () =>
  runFake(async () => {
    const w = worker([]);
    const t = createTask(w('k', 5));
    const g = gather(t, w('m', 1));
    await sleep(0);
    t.cancel();
    assert.ok((await raised(g)) instanceof CancelledError);
    assert.equal(g.cancelled(), false);
    assert.equal(g.done(), true);
    await sleep(2);
  }));

test('cancelling the task awaiting gather cancels every child', () =>
  runFake(async () => {
    const w = worker([]);
    const g = gather(w('u', 5), w('v', 5));
    async function waiter() {
      return await g;
    }
    const wt = createTask(waiter());
    await sleep(1);
    assert.equal(wt.cancel('bye'), true);
    const err = await raised(wt);
    assert.ok(err instanceof CancelledError && err.message === 'bye');
    assert.equal(g.cancelled(), false);
    assert.deepEqual(
      g.children.map((c) => c.cancelled()),
      [true, true],
    );
    assert.equal(g.cancel(), false, 'cancel() after done is false');
  }));

test('the same awaitable twice is one child; no arguments gives []', () =>
  runFake(async () => {
    const c = createTask(sleep(1, 'd'));
    const g = gather(c, c);
    assert.equal(g.children.length, 2);
    assert.equal(g.children[0], g.children[1]);
    assert.deepEqual(await g, ['d', 'd']);
    assert.deepEqual(await gather(), []);
  }));

test('gather records its children as what it waits for', () =>
  runFake(async () => {
    const a = createTask(sleep(1));
    const b = createTask(sleep(2));
    const g = gather(a, b);
    const reason = g.waitReason;
    assert.equal(reason?.kind, 'gather');
    assert.deepEqual(reason?.kind === 'gather' ? reason.children : [], [a, b] as Future<unknown>[]);
    await g;
  }));

test('children already done complete gather at once', () =>
  runFake(async () => {
    const loop = getRunningLoop();
    const f = loop.createFuture<number>();
    f.setResult(7);
    const g = gather(f, f);
    assert.equal(g.done(), true);
    assert.deepEqual(g.result(), [7, 7]);
  }));
