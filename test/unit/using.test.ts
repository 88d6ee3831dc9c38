// `await using` and `using` inside coroutines: disposal at the block's end in reverse order, awaited
// where declared `await using`, on every way out of the block (falling off, return, throw, break),
// with SuppressedError when a disposer fails while an error is leaving; the scoped primitives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CancelledError, Lock, Semaphore, createTask, gather, sleep, getRunningLoop } from 'coroscope';
import { raised, runFake } from '../helpers';

class Resource {
  constructor(
    readonly name: string,
    readonly log: string[],
    readonly failWith?: string,
  ) {}
  async [Symbol.asyncDispose](): Promise<void> {
    await sleep(0.5); // a real suspension: the task waits for the disposal
    this.log.push(`closed ${this.name} at ${getRunningLoop().time()}`);
    if (this.failWith) throw new Error(this.failWith);
  }
}

class SyncResource {
  constructor(readonly log: string[]) {}
  [Symbol.dispose](): void {
    this.log.push('sync closed');
  }
}

test('resources are disposed last first at the end of the block, each awaited', () =>
  runFake(async () => {
    const log: string[] = [];
    {
      await using a = new Resource('a', log);
      using s = new SyncResource(log);
      await using b = new Resource('b', log);
      log.push(`body uses ${a.name}, ${b.name} and ${s.constructor.name}`);
    }
    log.push('after');
    assert.deepEqual(log, ['body uses a, b and SyncResource', 'closed b at 0.5', 'sync closed', 'closed a at 1', 'after']);
  }));

test('return, break and a thrown error all dispose; the error leaves unchanged', () =>
  runFake(async () => {
    const log: string[] = [];
    async function early(): Promise<string> {
      await using r = new Resource('r', log);
      return `returned while holding ${r.name}`;
    }
    assert.equal(await early(), 'returned while holding r');
    for (const name of ['x', 'y']) {
      await using loopVar = new Resource(name, log);
      if (loopVar.name === 'x') break;
    }
    const err = await (async () => {
      try {
        await using t = new Resource('t', log);
        throw new RangeError(`failed holding ${t.name}`);
      } catch (e) {
        return e as Error;
      }
    })();
    assert.ok(err instanceof RangeError && err.message === 'failed holding t');
    assert.deepEqual(log, ['closed r at 0.5', 'closed x at 1', 'closed t at 1.5']);
  }));

test('a disposer failing while the body failed: SuppressedError holds both; a failing disposer alone throws its error', () =>
  runFake(async () => {
    const log: string[] = [];
    const both = await (async () => {
      try {
        await using c = new Resource('c', log, 'close failed');
        throw new Error(`body failed with ${c.name}`);
      } catch (e) {
        return e as Error & { error: Error; suppressed: Error };
      }
    })();
    assert.equal(both.name, 'SuppressedError');
    assert.equal(both.error.message, 'close failed');
    assert.equal(both.suppressed.message, 'body failed with c');
    const alone = await (async () => {
      try {
        await using d = new Resource('d', log, 'only the close failed');
        log.push(`used ${d.name}`);
      } catch (e) {
        return e as Error;
      }
      return null;
    })();
    assert.equal(alone?.message, 'only the close failed');
  }));

test('null and undefined are allowed; a value without a disposer is a TypeError naming it', () =>
  runFake(async () => {
    {
      await using nothing = null;
      assert.equal(nothing, null);
    }
    const err = await (async () => {
      try {
        await using bad = { name: 'not disposable' } as unknown as AsyncDisposable;
        return bad;
      } catch (e) {
        return e as Error;
      }
    })();
    assert.ok(err instanceof TypeError);
    assert.match(err.message, /'await using': .* has no \[Symbol\.asyncDispose\]\(\) or \[Symbol\.dispose\]\(\) method/);
  }));

test('await using releases a Lock and a Semaphore when the block ends, and another task gets them', () =>
  runFake(async () => {
    const lock = new Lock();
    const sem = new Semaphore(1);
    const order: string[] = [];
    async function holder(name: string): Promise<void> {
      {
        await using heldLock = await lock.enter();
        await using heldSem = await sem.enter();
        order.push(`${name} holds (${heldLock === lock}, ${heldSem === sem})`);
        await sleep(1);
      }
      order.push(`${name} released`);
    }
    await gather(createTask(holder('first')), createTask(holder('second')));
    assert.deepEqual(order, ['first holds (true, true)', 'first released', 'second holds (true, true)', 'second released']);
    assert.equal(lock.locked(), false);
    assert.equal(sem.locked(), false);
  }));

test('a cancellation during an awaited disposal stays a CancelledError (the body error is its cause)', () =>
  runFake(async () => {
    const log: string[] = [];
    async function body(): Promise<void> {
      await using r = new Resource('slow', log); // its disposal sleeps 0.5 s
      throw new Error(`failed holding ${r.name}`);
    }
    const t = createTask(body());
    await sleep(0.1); // the body has failed; the disposal is under way
    t.cancel();
    const err = await raised(t);
    assert.ok(err instanceof CancelledError, String(err));
    assert.ok(t.cancelled());
    assert.match(String((err as Error).cause), /failed holding slow/);
  }));

test("'await using' on a value with only [Symbol.dispose] calls it and does not await what it returns", () =>
  runFake(async () => {
    const log: string[] = [];
    const syncOnly = {
      [Symbol.dispose]() {
        log.push('disposed');
        return sleep(5); // not awaited: the block ends without waiting 5 s
      },
    };
    {
      await using s = syncOnly;
      log.push(`using ${typeof s}`);
    }
    log.push(`after, at ${getRunningLoop().time()}`);
    assert.deepEqual(log, ['using object', 'disposed', 'after, at 0']);
  }));

test("a block with only 'using' disposes synchronously at its end, on every way out", () =>
  runFake(async () => {
    const log: string[] = [];
    function work(fail: boolean): void {
      using first = new SyncResource(log);
      log.push(`working with ${first.constructor.name}`);
      if (fail) throw new Error('work failed');
    }
    async function inCoroutine(): Promise<number> {
      using s = new SyncResource(log);
      await sleep(1);
      log.push(`coroutine holds ${s.constructor.name}`);
      return 7;
    }
    work(false);
    assert.throws(() => work(true), /work failed/);
    assert.equal(await inCoroutine(), 7);
    assert.deepEqual(log, ['working with SyncResource', 'sync closed', 'working with SyncResource', 'sync closed', 'coroutine holds SyncResource', 'sync closed']);
  }));
