// timeout()/timeoutAt()/Timeout and waitFor(): deadlines as CPython 3.12 shows them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CancelledError, RuntimeError, Timeout, TimeoutError, createTask, currentTask, getRunningLoop, sleep, timeout, timeoutAt, waitFor } from 'coroscope';
import { runFake, raised, thrown } from '../helpers';

test('an expired timeout raises TimeoutError caused by the CancelledError, and uncancels the task', () =>
  runFake(async () => {
    const loop = getRunningLoop();
    const t = timeout(1);
    const err = await raised(t.run(() => sleep(5)));
    assert.ok(err instanceof TimeoutError);
    assert.ok((err as Error).cause instanceof CancelledError);
    assert.equal(loop.time(), 1);
    assert.equal(t.expired(), true);
    assert.equal(t.when(), 1);
    assert.equal(String(t), '<Timeout [expired]>');
    assert.equal(currentTask()!.cancelling(), 0);
  }));

test('the explicit enter()/exit() pair behaves as async with', () =>
  runFake(async () => {
    const t = timeout(1);
    let caught: unknown;
    try {
      await t.enter();
      assert.equal(String(t), '<Timeout [active] when=1>');
      try {
        await sleep(5);
      } catch (err) {
        await t.exit(err);
        throw err;
      }
      await t.exit();
    } catch (err) {
      caught = err;
    }
    assert.ok(caught instanceof TimeoutError);
    const ok = timeout(1);
    await ok.enter();
    await sleep(0.5);
    await ok.exit();
    assert.equal(ok.expired(), false);
    assert.equal(String(ok), '<Timeout [finished]>');
  }));

test('timeout(delay, body) returns the body result when in time', () =>
  runFake(async () => {
    assert.equal(await timeout(2, async () => await sleep(1, 'v')), 'v');
    assert.equal(await timeoutAt(getRunningLoop().time() + 2, () => sleep(1, 'w')), 'w');
  }));

test('reschedule() moves the deadline; a deadline in the past fires on the next iteration', () =>
  runFake(async () => {
    const loop = getRunningLoop();
    let t0 = loop.time();
    const e1 = await raised(
      timeout(null, async (t) => {
        assert.equal(t.when(), null);
        t.reschedule(loop.time() + 2);
        await sleep(5);
      }),
    );
    assert.ok(e1 instanceof TimeoutError);
    assert.equal(loop.time() - t0, 2);
    t0 = loop.time();
    const e2 = await raised(
      timeout(10, async (t) => {
        await sleep(0);
        t.reschedule(loop.time() - 1);
        await sleep(5);
      }),
    );
    assert.ok(e2 instanceof TimeoutError);
    assert.equal(loop.time() - t0, 0);
  }));

test('nested timeouts: only the one that expired turns the cancellation into TimeoutError', () =>
  runFake(async () => {
    const log: string[] = [];
    let inner: Timeout | undefined;
    const outer = timeout(1);
    const err = await raised(
      outer.run(async () => {
        inner = timeout(5);
        try {
          await inner.run(() => sleep(10));
        } catch (e) {
          log.push(`inner saw ${(e as Error).name} inner.expired=${inner.expired()}`);
          throw e;
        }
      }),
    );
    assert.ok(err instanceof TimeoutError);
    assert.equal(outer.expired(), true);
    assert.deepEqual(log, ['inner saw CancelledError inner.expired=false']);

    const outer2 = timeout(5);
    const inner2 = timeout(1);
    await outer2.run(async () => {
      const e = await raised(inner2.run(() => sleep(10)));
      assert.ok(e instanceof TimeoutError);
    });
    assert.equal(outer2.expired(), false);
    assert.equal(inner2.expired(), true);
  }));

test('a cancel() from elsewhere at the deadline wins: CancelledError, not TimeoutError', () =>
  runFake(async () => {
    const loop = getRunningLoop();
    async function victim() {
      await timeout(1, () => sleep(5));
    }
    const v = createTask(victim());
    await sleep(0.5);
    loop.callLater(0.5, () => v.cancel());
    const err = await raised(v);
    assert.ok(err instanceof CancelledError);
    assert.equal(v.cancelled(), true);
  }));

test('a body that swallows the cancellation ends normally; the timeout still reports expired', () =>
  runFake(async () => {
    const log: string[] = [];
    const t = timeout(1);
    await t.run(async () => {
      try {
        await sleep(5);
      } catch (err) {
        if (!(err instanceof CancelledError)) throw err;
        log.push('swallowed');
      }
    });
    assert.deepEqual(log, ['swallowed']);
    assert.equal(t.expired(), true);
    assert.equal(currentTask()!.cancelling(), 0);
  }));

test('misuse: reschedule before enter, after exit, and entering twice raise RuntimeError', () =>
  runFake(async () => {
    const t = timeout(1);
    const e1 = thrown(() => t.reschedule(3));
    assert.ok(e1 instanceof RuntimeError && e1.message === 'Timeout has not been entered');
    await t.run(() => undefined);
    const e2 = thrown(() => t.reschedule(3));
    assert.ok(e2 instanceof RuntimeError && e2.message === 'Cannot change state of finished Timeout');
    const e3 = await raised(t.enter());
    assert.ok(e3 instanceof RuntimeError && e3.message === 'Timeout has already been entered');
  }));

test('waitFor: TimeoutError on expiry, the result otherwise, timeout 0 cancels at once', () =>
  runFake(async () => {
    const loop = getRunningLoop();
    const e1 = await raised(waitFor(sleep(5), 1));
    assert.ok(e1 instanceof TimeoutError && (e1 as Error).cause instanceof CancelledError);
    assert.equal(await waitFor(sleep(1, 'ok'), null), 'ok');
    const inner = createTask(sleep(5, 'r'));
    const e2 = await raised(waitFor(inner, 0));
    assert.ok(e2 instanceof TimeoutError);
    assert.equal(inner.cancelled(), true);
    const f = loop.createFuture<number>();
    f.setResult(3);
    assert.equal(await waitFor(f, 0), 3);
    async function slow() {
      try {
        await sleep(5);
      } catch (err) {
        if (err instanceof CancelledError) return 'suppressed';
        throw err;
      }
      return 'slept';
    }
    assert.equal(await waitFor(slow(), 1), 'suppressed');
  }));

test('waitFor: cancelling the caller cancels the awaited task', () =>
  runFake(async () => {
    const inner = createTask(sleep(5, 'r'));
    const outer = createTask(waitFor(inner, 10));
    await sleep(1);
    outer.cancel();
    assert.ok((await raised(outer)) instanceof CancelledError);
    assert.equal(inner.cancelled(), true);
  }));
