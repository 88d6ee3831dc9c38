// wait() and asCompleted(): return conditions, timeouts and errors as CPython 3.12 shows them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ALL_COMPLETED,
  FIRST_COMPLETED,
  FIRST_EXCEPTION,
  TimeoutError,
  ValueError,
  asCompleted,
  createTask,
  getRunningLoop,
  sleep,
  wait,
  type ReturnWhen,
} from 'coroscope';
import { runFake, raised, thrown } from '../helpers';

async function f<T>(v: T, delay: number, fail = false): Promise<T> {
  await sleep(delay);
  if (fail) throw new Error(String(v));
  return v;
}

test('wait: FIRST_COMPLETED, then ALL_COMPLETED; done and pending are sets in argument order', () =>
  runFake(async () => {
    const loop = getRunningLoop();
    const ts = [3, 1, 2].map((d, i) => createTask(f(i, d)));
    let [done, pending] = await wait(ts, { returnWhen: FIRST_COMPLETED });
    assert.deepEqual([...done], [ts[1]]);
    assert.deepEqual([...pending], [ts[0], ts[2]]);
    assert.equal(loop.time(), 1);
    [done, pending] = await wait(ts, { returnWhen: ALL_COMPLETED });
    assert.deepEqual([...done], ts);
    assert.equal(pending.size, 0);
    assert.equal(loop.time(), 3);
  }));

test('wait: FIRST_EXCEPTION returns at the first failure; a timeout returns what is done (no raise)', () =>
  runFake(async () => {
    const loop = getRunningLoop();
    const ts = [createTask(f(0, 1)), createTask(f(1, 2, true)), createTask(f(2, 3))];
    let [done, pending] = await wait(ts, { returnWhen: FIRST_EXCEPTION });
    assert.deepEqual([done.size, pending.size, loop.time()], [2, 1, 2]);
    [done, pending] = await wait(ts, { timeout: 0.5 });
    assert.deepEqual([done.size, pending.size, loop.time()], [2, 1, 2.5]);
    await wait(ts);
    ts[1]!.exception();
  }));

test('wait: the waiting task is labelled with what it waits for', () =>
  runFake(async () => {
    const ts = [createTask(sleep(1)), createTask(sleep(2))];
    const w = createTask(wait(ts, { returnWhen: FIRST_COMPLETED }));
    await sleep(0);
    const reason = w.waitingOn?.waitReason;
    assert.equal(reason?.kind, 'wait');
    assert.deepEqual(reason?.kind === 'wait' ? [reason.mode, reason.children] : [], [FIRST_COMPLETED, ts]);
    await w;
    await wait(ts);
  }));

test('wait: bad arguments raise as in asyncio', () =>
  runFake(async () => {
    const e1 = thrown(() => wait([]));
    assert.ok(e1 instanceof ValueError && e1.message === 'Set of Tasks/Futures is empty.');
    const c = f(1, 1);
    const e2 = thrown(() => wait([c as never]));
    assert.ok(e2 instanceof TypeError && e2.message === 'Passing coroutines is forbidden, use tasks explicitly.');
    (c as unknown as { close(): void }).close();
    const t = createTask(sleep(0));
    const e3 = thrown(() => wait([t], { returnWhen: 'bogus' as ReturnWhen }));
    assert.ok(e3 instanceof ValueError && e3.message === 'Invalid return_when value: bogus');
    const e4 = thrown(() => wait(t as never));
    assert.ok(e4 instanceof TypeError && e4.message === 'expect a list of futures, not Task');
    await t;
  }));

test('asCompleted: results in completion order', () =>
  runFake(async () => {
    const loop = getRunningLoop();
    const res: [string, number][] = [];
    for (const next of asCompleted([f('c', 3), f('a', 1), f('b', 2)])) res.push([await next, loop.time()]);
    assert.deepEqual(res, [
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ]);
  }));

test('asCompleted: errors come out of their await; after the timeout the rest raise TimeoutError', () =>
  runFake(async () => {
    const loop = getRunningLoop();
    const res: string[] = [];
    for (const next of asCompleted([f('c', 3), f('a', 1), f('x', 2, true)], { timeout: 2.5 })) {
      try {
        res.push(await next);
      } catch (err) {
        res.push(`${(err as Error).name}:${(err as Error).message} at ${loop.time()}`);
      }
    }
    assert.deepEqual(res, ['a', 'Error:x at 2', 'TimeoutError: at 2.5']);
    await sleep(1); // the 'c' task finishes on its own
  }));

test('asCompleted: for await gives the results directly', () =>
  runFake(async () => {
    const res: string[] = [];
    for await (const r of asCompleted([f('c', 3), f('a', 1), f('b', 2)])) res.push(r);
    assert.deepEqual(res, ['a', 'b', 'c']);
  }));
