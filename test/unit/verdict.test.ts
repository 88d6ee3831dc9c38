// Each task's verdict, as the probe's summaries give it (TaskSummary.verdict): from the awaited
// future to what can complete it, the chain followed to its end. Fake clock where times matter,
// real sockets for fds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Condition,
  Event,
  Lock,
  Queue,
  Semaphore,
  TaskGroup,
  createTask,
  gather,
  getRunningLoop,
  openConnection,
  run,
  sleep,
  startServer,
  wait,
  type StreamReader,
  type StreamWriter,
  type Task,
} from 'coroscope';
import type { probe as Probe } from 'coroscope/introspection';
import { runFake } from '../helpers';

const probe = (globalThis as Record<symbol, unknown>)[Symbol.for('coroscope.probe')] as typeof Probe;

/** The verdict of each task, by name, as a snapshot taken now gives it. */
function verdicts(...tasks: Task<unknown>[]): Record<string, string> {
  return Object.fromEntries(probe.summaries(tasks.map((t) => t.id)).map((s) => [s.name, s.verdict]));
}

/** The line of this file where `marker` (a comment at the end of a line) is. */
function lineOf(marker: string): number {
  const lines = require('node:fs').readFileSync(__filename.replace(/\.js$/, '.ts'), 'utf8').split('\n') as string[];
  const i = lines.findIndex((l) => l.includes(`// ${marker}`));
  assert.ok(i >= 0, marker);
  return i + 1;
}

test('a timer: wakes in 3.2 s; another task: awaits task x, which …, to the end of the chain', () =>
  runFake(async () => {
    const sleeper = createTask(sleep(3.2), { name: 'sleeper' });
    const middle = createTask((async () => await sleeper)(), { name: 'middle' });
    const top = createTask((async () => await middle)(), { name: 'top' });
    await sleep(0);
    await sleep(0);
    assert.deepEqual(verdicts(sleeper, middle, top), {
      sleeper: 'wakes in 3.2 s',
      middle: 'awaits task sleeper, which wakes in 3.2 s',
      top: 'awaits task middle, which awaits task sleeper, which wakes in 3.2 s',
    });
    const self = verdicts(getRunningLoop()._currentTask!);
    assert.deepEqual(Object.values(self), ['running']);
    top.cancel();
    middle.cancel();
    sleeper.cancel();
  }));

test('a Lock: its holder, where it took it, and what the holder waits for', () =>
  runFake(async () => {
    const lock = new Lock();
    async function holder(): Promise<void> {
      await lock.acquire(); // holder-acquires
      await sleep(5);
    }
    async function waiter(): Promise<void> {
      await lock.acquire();
    }
    const h = createTask(holder(), { name: 'h' });
    await sleep(0);
    const w = createTask(waiter(), { name: 'w' });
    await sleep(0);
    assert.equal(verdicts(w).w, `Lock lock held by h (verdict.test.ts:${lineOf('holder-acquires')}), which wakes in 5 s`);
    h.cancel();
    w.cancel();
  }));

test('a Semaphore: its holders, each with its own verdict', () =>
  runFake(async () => {
    const sem = new Semaphore(2);
    async function worker(seconds: number): Promise<void> {
      await sem.acquire(); // sem-acquires
      await sleep(seconds);
      sem.release();
    }
    const a = createTask(worker(1), { name: 'a' });
    const b = createTask(worker(2), { name: 'b' });
    await sleep(0);
    const c = createTask(worker(3), { name: 'c' });
    await sleep(0);
    const at = `verdict.test.ts:${lineOf('sem-acquires')}`;
    assert.equal(verdicts(c).c, `Semaphore sem held by a (${at}), which wakes in 1 s; b (${at}), which wakes in 2 s`);
    await gather(a, b, c);
  }));

test('an Event: not set, and how many tasks set() would wake; a Condition: notify() and its waiters', () =>
  runFake(async () => {
    const ready = new Event();
    const waiters = [1, 2, 3].map((i) => createTask(ready.wait(), { name: `e${i}` }));
    const cond = new Condition();
    async function waitForNotify(): Promise<void> {
      await cond.acquire();
      await cond.wait();
    }
    const cw = createTask(waitForNotify(), { name: 'cw' });
    await sleep(0);
    // The tasks await Event.wait() directly: the program's line is this test's (no name on it).
    assert.equal(verdicts(waiters[0]!).e1, 'Event not set · set() would wake 3 tasks');
    assert.equal(verdicts(cw).cw, 'notify() on Condition cond · 1 task waits on it');
    ready.set();
    cw.cancel();
    await gather(...waiters);
  }));

test('Queue.get on an empty queue: the producers still alive, or no producer left; Queue.put on a full one: its consumers', () =>
  runFake(async () => {
    const jobs = new Queue<number>();
    async function producer(n: number, pause: number): Promise<void> {
      for (let i = 0; i < n; i++) {
        await jobs.put(i);
        await sleep(pause);
      }
    }
    async function consumer(): Promise<void> {
      for (;;) await jobs.get();
    }
    const p = createTask(producer(2, 10), { name: 'p' });
    const c = createTask(consumer(), { name: 'c' });
    await sleep(1);
    assert.equal(verdicts(c).c, 'Queue jobs empty · producer alive: p, which wakes in 9 s');
    await p;
    assert.equal(verdicts(c).c, 'Queue jobs empty · no producer left');
    c.cancel();

    const slots = new Queue<number>(1);
    async function filler(): Promise<void> {
      for (let i = 0; ; i++) await slots.put(i);
    }
    async function taker(): Promise<void> {
      await slots.get();
      await sleep(7);
    }
    const f = createTask(filler(), { name: 'f' });
    const t = createTask(taker(), { name: 't' });
    await sleep(1);
    assert.equal(verdicts(f).f, 'Queue slots full (1 of 1) · consumer alive: t, which wakes in 6 s');
    await t;
    assert.equal(verdicts(f).f, 'Queue slots full (1 of 1) · no consumer left');
    f.cancel();
  }));

test('gather, wait and a TaskGroup: the children not done, each with its own verdict', () =>
  runFake(async () => {
    const a = createTask(sleep(1), { name: 'a' });
    const b = createTask(sleep(2), { name: 'b' });
    const g = createTask((async () => await gather(a, b, sleep(0)))(), { name: 'g' });
    const w = createTask((async () => await wait([a, b]))(), { name: 'w' });
    async function group(): Promise<void> {
      const tg = new TaskGroup();
      await tg.run(async (tg) => {
        tg.createTask(sleep(4), { name: 'm1' });
        tg.createTask(sleep(5), { name: 'm2' });
      });
    }
    const tg = createTask(group(), { name: 'tg' });
    await sleep(0.5);
    assert.deepEqual(verdicts(g, w, tg), {
      g: 'gather: 2 of 3 not done: a, which wakes in 0.5 s; b, which wakes in 1.5 s',
      w: 'wait (ALL_COMPLETED): 2 of 2 not done: a, which wakes in 0.5 s; b, which wakes in 1.5 s',
      tg: 'its TaskGroup: 2 tasks not done: m1, which wakes in 3.5 s; m2, which wakes in 4.5 s',
    });
    await gather(g, w, tg);
  }));

test('a future nothing refers to: nothing in the program can wake it; while other code can run: completed by program code', () =>
  runFake(async () => {
    const loop = getRunningLoop();
    const orphan = loop.createFuture<void>();
    async function stuck(): Promise<void> {
      await orphan; // awaits-orphan
    }
    const s = createTask(stuck(), { name: 's' });
    const ticker = createTask(sleep(1), { name: 'ticker' });
    await sleep(0);
    const at = `verdict.test.ts:${lineOf('awaits-orphan')}`;
    assert.equal(verdicts(s).s, `completed by program code: awaited at ${at}`);
    await ticker;
    // Now no timer, fd, callback or Node work is left (the fake loop has no host): nothing can.
    assert.equal(verdicts(s).s, `nothing in the program can wake this: awaited at ${at}`);
    s.cancel();
  }));

test('a Node promise: where it is awaited', () =>
  run(
    (async () => {
      async function fetchLater(): Promise<number> {
        return await new Promise<number>((resolve) => setTimeout(() => resolve(1), 200)); // awaits-promise
      }
      const t = createTask(fetchLater(), { name: 'fetch' });
      await sleep(0.01);
      assert.equal(verdicts(t).fetch, `waits for a Node promise (awaited at verdict.test.ts:${lineOf('awaits-promise')})`);
      await t;
    })(),
  ));

test('an fd: readable, with both ends of the connection; a listening socket: waits for a connection', () =>
  run(
    (async () => {
      async function handle(reader: StreamReader, writer: StreamWriter): Promise<void> {
        await reader.read(10);
        writer.close();
      }
      const server = await startServer(handle, '127.0.0.1', 0);
      const port = (server.sockets[0]!.getsockname() as [string, number])[1];
      const serving = createTask(server.serveForever(), { name: 'serving' });
      const [reader, writer] = await openConnection('127.0.0.1', port);
      const client = createTask(reader.read(10), { name: 'client' });
      await sleep(0.05);
      const v = verdicts(serving, client);
      assert.equal(v.serving, `waits for a connection on 127.0.0.1:${port}`);
      assert.match(v.client!, new RegExp(`^waits for fd \\d+ readable · 127\\.0\\.0\\.1:\\d+ ↔ 127\\.0\\.0\\.1:${port}$`));
      writer.close();
      await client;
      serving.cancel();
      server.close();
    })(),
  ));
