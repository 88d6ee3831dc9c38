// Lock, Event, Condition, Semaphore, BoundedSemaphore: wake orders and errors as CPython 3.12 shows them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BoundedSemaphore,
  CancelledError,
  Condition,
  Event,
  Lock,
  RuntimeError,
  Semaphore,
  ValueError,
  createTask,
  gather,
  sleep,
} from 'coroscope';
import { runFake, raised, thrown } from '../helpers';

test('Lock: waiters acquire in FIFO order', () =>
  runFake(async () => {
    const lock = new Lock();
    const log: string[] = [];
    async function user(i: number) {
      log.push(`wait ${i}`);
      await lock.run(async () => {
        log.push(`got ${i}`);
        await sleep(0);
      });
      log.push(`released ${i}`);
    }
    await lock.acquire();
    const ts = [1, 2, 3].map((i) => createTask(user(i)));
    await sleep(0);
    lock.release();
    await gather(...ts);
    assert.deepEqual(log, ['wait 1', 'wait 2', 'wait 3', 'got 1', 'released 1', 'got 2', 'released 2', 'got 3', 'released 3']);
    assert.equal(lock.locked(), false);
  }));

test('Lock: a woken waiter cancelled before it runs passes the lock to the next one', () =>
  runFake(async () => {
    const lock = new Lock();
    const log: string[] = [];
    async function user(i: number) {
      log.push(`wait ${i}`);
      await lock.acquire();
      log.push(`got ${i}`);
      lock.release();
    }
    await lock.acquire();
    const ts = [1, 2].map((i) => createTask(user(i)));
    await sleep(0);
    lock.release();
    ts[0]!.cancel();
    assert.equal(lock.locked(), false);
    await gather(...ts, { returnExceptions: true });
    assert.deepEqual(log, ['wait 1', 'wait 2', 'got 2']);
    assert.equal(ts[0]!.cancelled(), true);
  }));

test('Lock: release() of an unlocked lock raises RuntimeError; a pending acquire says what it waits for', () =>
  runFake(async () => {
    const lock = new Lock();
    const err = thrown(() => lock.release());
    assert.ok(err instanceof RuntimeError && err.message === 'Lock is not acquired.');
    await lock.acquire();
    const t = createTask(lock.acquire());
    await sleep(0);
    assert.deepEqual(t.waitingOn?.waitReason, { kind: 'primitive', primitive: 'Lock' });
    assert.equal(String(lock), '<Lock [locked, waiters:1]>');
    lock.release();
    await t;
    assert.equal(lock.locked(), true);
  }));

test('Lock: enter()/exit() release even when the block throws; enter() resolves to the lock', () =>
  runFake(async () => {
    const lock = new Lock();
    const held = await lock.enter();
    assert.equal(held, lock);
    assert.equal(lock.locked(), true);
    try {
      throw new Error('in block');
    } catch (err) {
      await lock.exit(err);
    }
    assert.equal(lock.locked(), false);
    const err = await raised(
      lock.run(async () => {
        assert.equal(lock.locked(), true);
        throw new Error('boom');
      }),
    );
    assert.ok(err instanceof Error && err.message === 'boom');
    assert.equal(lock.locked(), false);
    assert.equal(await lock.run(async () => 42), 42);
  }));

test('Lock: Symbol.asyncDispose releases (for `await using`)', () =>
  runFake(async () => {
    const lock = new Lock();
    await lock.enter();
    await lock[Symbol.asyncDispose]();
    assert.equal(lock.locked(), false);
  }));

test('Semaphore: at most value holders, the rest in FIFO order', () =>
  runFake(async () => {
    const sem = new Semaphore(2);
    const log: string[] = [];
    async function s(i: number) {
      log.push(`w${i}`);
      await sem.run(async () => {
        log.push(`in${i}`);
        await sleep(1);
      });
      log.push(`out${i}`);
    }
    await gather(s(0), s(1), s(2), s(3));
    assert.deepEqual(log, ['w0', 'in0', 'w1', 'in1', 'w2', 'w3', 'out0', 'out1', 'in2', 'in3', 'out2', 'out3']);
  }));

test('Semaphore: a woken waiter cancelled before it runs hands its slot on', () =>
  runFake(async () => {
    const sem = new Semaphore(0);
    const log: string[] = [];
    async function s(i: number) {
      log.push(`w${i}`);
      await sem.run(async () => {
        log.push(`in${i}`);
        await sleep(1);
      });
      log.push(`out${i}`);
    }
    const ts = [1, 2].map((i) => createTask(s(i)));
    await sleep(0);
    sem.release();
    assert.equal(sem.locked(), true);
    ts[0]!.cancel();
    await gather(...ts, { returnExceptions: true });
    assert.deepEqual(log, ['w1', 'w2', 'in2', 'out2']);
    assert.equal(sem.locked(), false);
    assert.match(String(sem), /^<Semaphore \[unlocked, value:1\]>$/);
  }));

test('Semaphore: negative value and BoundedSemaphore over-release raise ValueError', () =>
  runFake(async () => {
    const e1 = thrown(() => new Semaphore(-1));
    assert.ok(e1 instanceof ValueError && e1 instanceof RangeError);
    assert.equal((e1 as Error).message, 'Semaphore initial value must be >= 0');
    const b = new BoundedSemaphore(1);
    const e2 = thrown(() => b.release());
    assert.ok(e2 instanceof ValueError);
    assert.equal((e2 as Error).message, 'BoundedSemaphore released too many times');
    await b.acquire();
    const t = createTask(b.acquire());
    await sleep(0);
    assert.deepEqual(t.waitingOn?.waitReason, { kind: 'primitive', primitive: 'BoundedSemaphore' });
    b.release();
    await t;
  }));

test('Event: set() wakes every waiter in order; clear() after set() does not un-wake them', () =>
  runFake(async () => {
    const ev = new Event();
    const log: string[] = [];
    async function ew(i: number) {
      log.push(`ew${i}`);
      const r = await ev.wait();
      log.push(`woke${i} ${r}`);
    }
    const ts = [1, 2, 3].map((i) => createTask(ew(i)));
    await sleep(0);
    assert.deepEqual(ts[0]!.waitingOn?.waitReason, { kind: 'primitive', primitive: 'Event' });
    ev.set();
    log.push('set');
    ev.clear();
    await gather(...ts);
    assert.deepEqual(log, ['ew1', 'ew2', 'ew3', 'set', 'woke1 true', 'woke2 true', 'woke3 true']);
    assert.equal(ev.isSet(), false);
    ev.set();
    assert.equal(await ev.wait(), true);
  }));

test('Condition: notify(1) wakes the first waiter, notifyAll() the rest, each holding the lock', () =>
  runFake(async () => {
    const cond = new Condition();
    const log: string[] = [];
    async function cw(i: number) {
      await cond.run(async () => {
        log.push(`cw${i}`);
        const r = await cond.wait();
        log.push(`cwoke${i} ${r} locked=${cond.locked()}`);
      });
    }
    const ts = [1, 2, 3].map((i) => createTask(cw(i)));
    await sleep(0);
    await cond.run(() => {
      cond.notify(1);
      log.push('notify1');
    });
    await sleep(0);
    await cond.run(() => {
      cond.notifyAll();
      log.push('notifyall');
    });
    await gather(...ts);
    assert.deepEqual(log, ['cw1', 'cw2', 'cw3', 'notify1', 'cwoke1 true locked=true', 'notifyall', 'cwoke2 true locked=true', 'cwoke3 true locked=true']);
  }));

test('Condition: waitFor(predicate) returns the predicate value once it holds', () =>
  runFake(async () => {
    const cond = new Condition();
    const log: string[] = [];
    let n = 0;
    const t = createTask(
      cond.run(async () => {
        const r = await cond.waitFor(() => n >= 2 && n);
        log.push(`pred ${r}`);
      }),
    );
    for (let i = 0; i < 3; i++) {
      await sleep(0);
      await cond.run(() => {
        n += 1;
        log.push(`n=${n}`);
        cond.notify();
      });
    }
    await t;
    assert.deepEqual(log, ['n=1', 'n=2', 'pred 2', 'n=3']);
  }));

test('Condition: wait()/notify() without the lock raise RuntimeError', () =>
  runFake(async () => {
    const cond = new Condition();
    const e1 = await raised(cond.wait());
    assert.ok(e1 instanceof RuntimeError && e1.message === 'cannot wait on un-acquired lock');
    const e2 = thrown(() => cond.notify());
    assert.ok(e2 instanceof RuntimeError && e2.message === 'cannot notify on un-acquired lock');
  }));

test('Condition: a cancelled wait() re-acquires the lock before raising CancelledError', () =>
  runFake(async () => {
    const cond = new Condition();
    const log: string[] = [];
    async function cc() {
      await cond.run(async () => {
        try {
          await cond.wait();
        } catch (err) {
          log.push(`cancelled locked=${cond.locked()}`);
          throw err;
        }
      });
    }
    await cond.acquire();
    const t = createTask(cc());
    cond.release();
    await sleep(0);
    await cond.acquire();
    t.cancel();
    await sleep(0);
    log.push(`done? ${t.done()}`);
    cond.release();
    const err = await raised(t);
    assert.ok(err instanceof CancelledError);
    log.push('t cancelled');
    assert.deepEqual(log, ['done? false', 'cancelled locked=true', 't cancelled']);
    assert.equal(cond.locked(), false);
  }));

test('a primitive bound to one loop refuses to wait on another (RuntimeError)', () => {
  const ev = new Event();
  return runFake(async () => {
    const t = createTask(ev.wait());
    await sleep(0);
    ev.set();
    await t;
  }).then(() =>
    runFake(async () => {
      ev.clear();
      const err = await raised(ev.wait());
      assert.ok(err instanceof RuntimeError);
      assert.match((err as Error).message, /is bound to a different event loop$/);
    }),
  );
});

test('Lock: a cancelled waiter in the queue is skipped; cancelled waiters do not block a fresh acquire', () =>
  runFake(async () => {
    const lock = new Lock();
    const log: string[] = [];
    async function u(i: number) {
      await lock.acquire();
      log.push(`got${i}`);
      lock.release();
    }
    await lock.acquire();
    const ts = [0, 1, 2].map((i) => createTask(u(i)));
    await sleep(0);
    ts[1]!.cancel();
    await sleep(0);
    lock.release();
    await gather(...ts, { returnExceptions: true });
    assert.deepEqual(log, ['got0', 'got2']);

    await lock.acquire();
    const t = createTask(lock.acquire());
    await sleep(0);
    t.cancel();
    lock.release();
    assert.equal(lock.locked(), false);
    await lock.acquire(); // the only waiter is cancelled: taken at once
    lock.release();
    await sleep(0);
  }));

test('Semaphore: a cancelled waiter does not take the slot a release() frees', () =>
  runFake(async () => {
    const sem = new Semaphore(0);
    const t = createTask(sem.acquire());
    await sleep(0);
    t.cancel();
    sem.release();
    assert.equal(sem.locked(), false);
    await sleep(0);
    assert.equal(t.cancelled(), true);
    assert.equal(String(sem), '<Semaphore [unlocked, value:1]>');
  }));
