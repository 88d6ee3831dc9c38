// `return <awaitable>` in an async function: TypeScript types `await f()` as the awaitable's
// result (JavaScript adopts a returned thenable), so the runtime runs the returned coroutine,
// task, future, promise or thenable in the returning coroutine's place and gives its result.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CancelledError, Coroutine, RuntimeError, createTask, gather, getRunningLoop, sleep } from 'coroscope';
import { runFake, raised } from '../helpers';

async function inner(n: number): Promise<number> {
  await sleep(1);
  return n * 2;
}

test('return inner(): the caller gets the returned coroutine\'s result, not the coroutine', () =>
  runFake(async () => {
    async function a(): Promise<number> {
      return inner(21);
    }
    const arrow = async (): Promise<number> => inner(5);
    const x = await a();
    assert.equal(x, 42);
    assert.equal(await arrow(), 10);
    assert.equal(await createTask(a()), 42, 'as a task\'s own coroutine too');
  }));

test('return of a future, a task, gather(), a native promise, a thenable and sleep(0)', () =>
  runFake(async () => {
    const loop = getRunningLoop();
    async function future(): Promise<string> {
      const f = loop.createFuture<string>();
      loop.callLater(1, () => f.setResult('future'));
      return f;
    }
    async function task(): Promise<number> {
      return createTask(inner(1));
    }
    async function gathered(): Promise<number[]> {
      return gather(inner(1), inner(2));
    }
    async function promise(): Promise<string> {
      return Promise.resolve('promise');
    }
    async function thenable(): Promise<string> {
      return { then: (resolve: (v: string) => void) => resolve('thenable') } as PromiseLike<string>;
    }
    async function pause(): Promise<void> {
      return sleep(0);
    }
    assert.equal(await future(), 'future');
    assert.equal(await task(), 2);
    assert.deepEqual(await gathered(), [2, 4]);
    assert.equal(await promise(), 'promise');
    assert.equal(await thenable(), 'thenable');
    assert.equal(await pause(), undefined);
    const plain = { then: 1 };
    async function notThenable() {
      return plain;
    }
    assert.equal(await notThenable(), plain, 'an object whose then is no function is a plain value');
  }));

test('while the returned coroutine runs, it stands in the await chain in the returning one\'s place', () =>
  runFake(async () => {
    async function a(): Promise<number> {
      return inner(1);
    }
    async function outer(): Promise<number> {
      return (await a()) + 1;
    }
    const t = createTask(outer());
    await sleep(0.5);
    assert.deepEqual(t.getStack().map((e) => e.coroutine.name), ['outer', 'inner', 'sleep']);
    assert.equal(await t, 3);
  }));

test('an exception from the adopted awaitable is raised in the caller, as if awaited', () =>
  runFake(async () => {
    async function fails(): Promise<number> {
      await sleep(1);
      throw new Error('from inner');
    }
    async function a(): Promise<number> {
      return fails();
    }
    async function rejected(): Promise<number> {
      return Promise.reject(new Error('from promise'));
    }
    let caught: unknown;
    try {
      await a();
    } catch (err) {
      caught = err;
    }
    assert.match(String(caught), /from inner/);
    assert.match(String(await raised(rejected())), /from promise/);
    const once = inner(1);
    await once;
    async function reuse(): Promise<number> {
      return once;
    }
    const err = await raised(reuse());
    assert.ok(err instanceof RuntimeError);
    assert.equal(err.message, 'cannot reuse already awaited coroutine');
    assert.match(String(err.hint), /'inner'/);
  }));

test('cancelling a task while it adopts cancels what it adopted; finally blocks run', () =>
  runFake(async () => {
    const log: string[] = [];
    async function slow(): Promise<number> {
      try {
        await sleep(10);
        return 1;
      } finally {
        log.push('slow finally');
      }
    }
    async function viaCoroutine(): Promise<number> {
      return slow();
    }
    const loop = getRunningLoop();
    const fut = loop.createFuture<number>();
    async function viaFuture(): Promise<number> {
      return fut;
    }
    const a = createTask(viaCoroutine());
    const b = createTask(viaFuture());
    await sleep(1);
    a.cancel();
    b.cancel();
    assert.ok((await raised(a)) instanceof CancelledError);
    assert.ok((await raised(b)) instanceof CancelledError);
    assert.deepEqual(log, ['slow finally']);
    assert.equal(fut.cancelled(), true, 'the adopted future is cancelled, as an awaited one is');
  }));

test('a coroutine driven by hand with send(): a returned awaitable is yielded, the value sent back is the result', () => {
  async function child(): Promise<number> {
    return 1;
  }
  async function a(): Promise<number> {
    return child();
  }
  const c = a() as unknown as Coroutine<number>;
  const first = c.send(undefined);
  assert.equal(first.done, false);
  assert.ok(first.value instanceof Coroutine && first.value.name === 'child', 'the driver is handed the returned coroutine, as `await` would');
  (first.value as Coroutine<number>).close();
  assert.deepEqual(c.send(7), { done: true, value: 7 });
  assert.equal(c.state, 'CLOSED');
  const d = a() as unknown as Coroutine<number>;
  (d.send(undefined).value as Coroutine<number>).close();
  assert.throws(() => d.throw(new Error('thrown in')), /thrown in/);
});
