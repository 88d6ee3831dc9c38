// shield(): cancellation of the waiter does not reach the shielded task, as CPython 3.12 shows it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CancelledError, createTask, getRunningLoop, shield, sleep } from 'coroscope';
import { runFake, raised } from '../helpers';

async function f<T>(v: T, delay: number, fail = false): Promise<T> {
  await sleep(delay);
  if (fail) throw new Error(String(v));
  return v;
}

test('cancelling the task awaiting a shield leaves the inner task running', () =>
  runFake(async () => {
    const inner = createTask(f('in', 2));
    async function outer() {
      return await shield(inner);
    }
    const o = createTask(outer());
    await sleep(1);
    o.cancel();
    assert.ok((await raised(o)) instanceof CancelledError);
    assert.equal(inner.done(), false);
    assert.equal(await inner, 'in');
    assert.equal(getRunningLoop().time(), 2);
  }));

test('the shield follows the inner task: its cancellation, its exception, its result', () =>
  runFake(async () => {
    const inner = createTask(f('in', 2));
    const s = shield(inner);
    await sleep(0);
    inner.cancel();
    assert.ok((await raised(s)) instanceof CancelledError);
    assert.equal(s.cancelled(), true);

    const failing = createTask(f('in', 1, true));
    const err = await raised(shield(failing));
    assert.ok(err instanceof Error && err.message === 'in');

    assert.equal(await shield(f('coro', 1)), 'coro');
  }));

test('a future already done is returned as it is', () =>
  runFake(async () => {
    const ff = getRunningLoop().createFuture<number>();
    ff.setResult(1);
    assert.equal(shield(ff), ff);
  }));
