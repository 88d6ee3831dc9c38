// What a program can ask of coroutines and coroutine functions: sleep(0) is a coroutine like any
// other; isCoroutineFunction recognizes the functions the loader compiled from `async`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { types } from 'node:util';
import { Coroutine, RuntimeError, coroutine, createTask, gather, isCoroutine, isCoroutineFunction, sleep } from 'coroscope';
import { raised, runFake } from '../helpers';

test('sleep(0) returns a coroutine: isCoroutine holds, close() works, it can be awaited once, or made a task', () =>
  runFake(async () => {
    const held = sleep(0);
    assert.equal(isCoroutine(held), true);
    assert.ok(held instanceof Coroutine);
    assert.equal(String(held), '<coroutine object sleep at <unknown>>');
    (held as unknown as Coroutine<void>).close();
    const err = await raised(held);
    assert.ok(err instanceof RuntimeError);
    assert.equal(err.message, 'cannot reuse already awaited coroutine');

    const once = sleep(0);
    assert.equal(await once, undefined);
    assert.equal((await raised(once) as Error).message, 'cannot reuse already awaited coroutine');
    assert.equal(await createTask(sleep(0)), undefined);
    assert.deepEqual(await gather(sleep(0), sleep(0, 'r')), [undefined, 'r']);
  }));

test('await sleep(0) still yields exactly one loop iteration', () =>
  runFake(async () => {
    const order: string[] = [];
    const other = createTask((async () => {
      order.push('other 1');
      await sleep(0);
      order.push('other 2');
    })());
    await sleep(0);
    order.push('main 1');
    await sleep(0);
    order.push('main 2');
    await other;
    assert.deepEqual(order, ['other 1', 'main 1', 'other 2', 'main 2']);
  }));

class Service {
  async fetch(): Promise<number> {
    return 1;
  }
  static async make(): Promise<Service> {
    return new Service();
  }
  plain(): number {
    return 2;
  }
}

test('isCoroutineFunction: true for compiled async functions, methods and arrows, for coroutine() and sleep; false otherwise', () => {
  async function declared(a = { text: '(' }): Promise<string> {
    return a.text;
  }
  const arrow = async (x: number) => x;
  const obj = { async m() {} };
  const wrapped = coroutine(function* worker() {
    yield sleep(1);
  });
  for (const fn of [declared, arrow, obj.m, Service.prototype.fetch, Service.make, wrapped, sleep]) {
    assert.equal(isCoroutineFunction(fn), true, `${fn.name} is a coroutine function`);
  }
  function returnsOne() {
    return async () => 1;
  }
  const curried = () => async () => 1;
  async function* agen() {}
  function* gen() {}
  for (const fn of [returnsOne, curried, Service.prototype.plain, agen, gen, (x: number) => x, Math.max, declared.bind(null)]) {
    assert.equal(isCoroutineFunction(fn), false, `${fn.name || String(fn)} is not a coroutine function`);
  }
  assert.equal(isCoroutineFunction(5), false);
  assert.equal(isCoroutineFunction(declared()), false, 'a coroutine object is not a function');
  // The V8 function kind: a compiled async function is a plain function (README: async-function-kind).
  assert.equal(types.isAsyncFunction(declared), false);
});

test("sleep(0)'s coroutine, driven by hand, behaves as its generator body would (yield once, then return)", () => {
  const c = sleep(0) as unknown as Coroutine<undefined>;
  assert.deepEqual([c.send(undefined).done, c.state], [false, 'SUSPENDED']);
  assert.deepEqual(c.send(undefined), { value: undefined, done: true });
  assert.equal(c.state, 'CLOSED');
  const d = sleep(0) as unknown as Coroutine<undefined>;
  d.send(undefined);
  assert.throws(() => d.throw(new Error('boom')), /boom/);
  assert.equal(d.state, 'CLOSED');
  const e = sleep(0) as unknown as Coroutine<undefined>;
  e.close();
  assert.equal(e.state, 'CLOSED');
  assert.equal(Object.prototype.toString.call(e.gen), '[object Generator]');
});
