// The probe's snapshot, as the debug adapter reads it: tasks with their await chains and what each
// waits on, the futures, and the loop's ready queue and timers (fake clock, so times are exact).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventLoop, FakeClock, FakeSelector, run, sleep, createTask, gather, getRunningLoop, type Future } from 'coroscope';
import type { probe as Probe } from 'coroscope/introspection';

// The runtime programs load is one bundle: read its probe through the global, as the adapter does.
const PROBE_KEY = Symbol.for('coroscope.probe');
const probe = (globalThis as Record<symbol, unknown>)[PROBE_KEY] as typeof Probe;

function fakeLoop(): EventLoop {
  const clock = new FakeClock();
  return new EventLoop({ clock, selector: new FakeSelector(clock) });
}

test('the probe is published on the well-known global', () => {
  assert.equal((globalThis as Record<symbol, unknown>)[PROBE_KEY], probe);
  assert.equal(probe.version, 1);
});

test('snapshot: tasks, what each waits on, the await chain, futures and the loop', () => {
  probe.attach();
  let seen: ReturnType<typeof probe.snapshot> | undefined;
  let threads: ReturnType<typeof probe.threads> | undefined;
  async function ticker(): Promise<void> {
    await sleep(0.25);
  }
  async function inner(fut: Future<number>): Promise<number> {
    return await fut;
  }
  async function stuck(fut: Future<number>): Promise<number> {
    return await inner(fut);
  }
  async function main(): Promise<void> {
    const fut = getRunningLoop().createFuture<number>();
    const t1 = createTask(ticker(), { name: 'ticker' });
    const t2 = createTask(stuck(fut), { name: 'stuck' });
    await sleep(0);
    const g = gather(t1, sleep(1));
    await sleep(0.1);
    seen = probe.snapshot();
    threads = probe.threads(10);
    fut.setResult(1);
    await g;
    await t2;
  }
  return run(main(), { loopFactory: fakeLoop }).then(() => check());
  function check(): void {
  assert.ok(seen && threads);
  assert.equal(seen.version, 1);
  const byName = new Map(seen.tasks.map((t) => [t.name, t]));
  const ticker_ = byName.get('ticker')!;
  assert.equal(ticker_.state, 'waiting');
  assert.equal(ticker_.waitingFor, 'sleep 0.25 s');
  assert.deepEqual(ticker_.stack.map((f) => f.name), ['ticker', 'sleep']);
  const stuck_ = byName.get('stuck')!;
  assert.deepEqual(stuck_.stack.map((f) => f.name), ['stuck', 'inner']);
  assert.match(stuck_.waitingFor, /^Future #\d+$/);
  // For the Tasks view: the kind of wait and the innermost await with a site (the user's, not sleep's).
  assert.equal(ticker_.waitKind, 'timer');
  assert.deepEqual(ticker_.awaitSite, { file: __filename, line: 27, column: 5 });
  assert.equal(stuck_.waitKind, 'nothing');
  assert.equal(stuck_.awaitSite?.line, 30);
  const awaited = seen.futures.find((f) => f.id === stuck_.awaiting)!;
  assert.equal(awaited.state, 'PENDING');
  assert.match(awaited.completedBy, /^nobody/);
  assert.deepEqual(awaited.callbacks.map((c) => c.description), ['wakes stuck']);
  assert.deepEqual(awaited.awaitedBy, [stuck_.id]);
  const main_ = seen.tasks.find((t) => t.coroutine === 'main')!;
  assert.equal(main_.state, 'running');
  assert.equal(main_.waitKind, 'none');
  assert.equal(seen.currentTask, main_.id);
  assert.equal(ticker_.parent, main_.id);
  assert.ok(main_.children.includes(ticker_.id));
  const loop = seen.loop!;
  assert.equal(loop.selector, 'fake');
  assert.ok(Math.abs(loop.time - 0.1) < 1e-9);
  const tick = loop.timers.find((t) => t.task === ticker_.id)!;
  assert.ok(Math.abs(tick.dueIn! - 0.15) < 1e-9, `due in ${tick.dueIn}`);
  assert.equal(threads.current, main_.id);
  assert.ok(threads.threads.some((t) => t.name === 'stuck'));
  assert.doesNotThrow(() => JSON.stringify(seen));
  }
});

test('generatorOf and breakOnResume hand out the suspended generator and disarm on resume', () => {
  probe.attach();
  const order: string[] = [];
  async function worker(): Promise<void> {
    order.push('before');
    await sleep(1);
    order.push('after');
  }
  async function main(): Promise<void> {
    const t = createTask(worker(), { name: 'w' });
    await sleep(0);
    const gen = probe.generatorOf(t.id, 0)!;
    assert.equal(Object.prototype.toString.call(gen), '[object Generator]');
    assert.equal(probe.breakOnResume(t.id), true);
    assert.ok(Object.prototype.hasOwnProperty.call(gen, 'next'));
    await t;
    assert.ok(!Object.prototype.hasOwnProperty.call(gen, 'next'));
  }
  return run(main(), { loopFactory: fakeLoop }).then(() => {
    assert.deepEqual(order, ['before', 'after']);
    probe.detach();
  });
});

test('breakOnStart arms a coroutine nobody drives yet; its first send disarms it; started ones and other values are refused', () => {
  probe.attach();
  async function ask(question: string): Promise<string> {
    await sleep(0);
    return `${question}?`;
  }
  async function main(): Promise<void> {
    const coro = ask('why');
    const gen = (coro as unknown as { gen: object }).gen;
    assert.equal(probe.breakOnStart(coro, 1), true);
    assert.ok(Object.prototype.hasOwnProperty.call(gen, 'next'));
    assert.equal(await coro, 'why?');
    assert.ok(!Object.prototype.hasOwnProperty.call(gen, 'next'));
    assert.equal(probe.breakOnStart(coro, 1), false, 'already ran');
    assert.equal(probe.breakOnStart({ gen }, 1), false, 'not a coroutine');
  }
  return run(main(), { loopFactory: fakeLoop }).then(() => probe.detach());
});

import { withLabel } from 'coroscope/handles';

test("handles are labelled in the program's words: a timer by its task's wait, a ready task's step, a labelled callback", () => {
  probe.attach();
  let loop: ReturnType<typeof probe.loop> = null;
  async function nap(): Promise<void> {
    await sleep(2);
  }
  async function main(): Promise<void> {
    const l = getRunningLoop();
    const napper = createTask(nap(), { name: 'napper' });
    await sleep(0);
    createTask(nap(), { name: 'late' }); // ready: its first step is queued
    const h = l.callLater(5, withLabel(() => undefined, 'flushes the log'));
    loop = probe.loop();
    h.cancel();
    napper.cancel();
  }
  return run(main(), { loopFactory: fakeLoop }).catch(() => undefined).then(() => {
    assert.ok(loop);
    assert.deepEqual(loop.timers.map((t) => t.label), ['sleep 2 s', 'flushes the log']);
    assert.deepEqual(loop.ready.map((h) => h.label), ['runs its next step']);
    assert.match(loop.ready[0]!.description, /^Handle <Task pending name='late'/);
  });
});

test('the awaited future in one phrase: a timer with when it is due, a task with its state', () => {
  probe.attach();
  const phrases: (string | undefined)[] = [];
  async function nap(): Promise<number> {
    await sleep(2);
    return 42;
  }
  async function waiter(t: PromiseLike<number>): Promise<number> {
    return await t;
  }
  async function main(): Promise<void> {
    const napper = createTask(nap(), { name: 'napper' });
    const w = createTask(waiter(napper), { name: 'waiter' });
    await sleep(0.5);
    phrases.push(probe.awaitedFuture(napper.id)?.summary, probe.awaitedFuture(w.id)?.summary);
    await w;
  }
  return run(main(), { loopFactory: fakeLoop }).then(() => {
    assert.deepEqual(phrases, ['sleep 2 s · due in 1.5 s', 'napper nap() · pending']);
  });
});
