// Queue, PriorityQueue, LifoQueue: backpressure, join/taskDone and wake orders as CPython 3.12 shows them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LifoQueue, PriorityQueue, Queue, QueueEmpty, QueueFull, ValueError, createTask, gather, getRunningLoop, sleep } from 'coroscope';
import { runFake, thrown } from '../helpers';

test('Queue(maxsize): put() waits while full; join() waits for taskDone() of every item', () =>
  runFake(async () => {
    const loop = getRunningLoop();
    const log: string[] = [];
    const q = new Queue<number>(2);
    async function prod() {
      for (let i = 0; i < 5; i++) {
        await q.put(i);
        log.push(`put ${i} size=${q.qsize()}`);
      }
      log.push('prod done');
    }
    async function cons() {
      for (;;) {
        const x = await q.get();
        log.push(`got ${x}`);
        await sleep(1);
        q.taskDone();
      }
    }
    const p = createTask(prod());
    const c = createTask(cons());
    await p;
    log.push(`joining t=${loop.time()}`);
    await q.join();
    log.push(`joined t=${loop.time()}`);
    c.cancel();
    assert.deepEqual(log, [
      'put 0 size=1',
      'put 1 size=2',
      'got 0',
      'put 2 size=2',
      'got 1',
      'put 3 size=2',
      'got 2',
      'put 4 size=2',
      'prod done',
      'joining t=2',
      'got 3',
      'got 4',
      'joined t=5',
    ]);
    const err = thrown(() => q.taskDone());
    assert.ok(err instanceof ValueError);
    assert.equal((err as Error).message, 'task_done() called too many times');
  }));

test('putNowait/getNowait raise QueueFull/QueueEmpty; qsize, full, empty, maxsize', () =>
  runFake(async () => {
    const q = new Queue<string>(1);
    assert.equal(q.empty(), true);
    q.putNowait('a');
    assert.ok(thrown(() => q.putNowait('b')) instanceof QueueFull);
    assert.deepEqual([q.full(), q.qsize(), q.maxsize, q.empty()], [true, 1, 1, false]);
    assert.equal(q.getNowait(), 'a');
    assert.ok(thrown(() => q.getNowait()) instanceof QueueEmpty);
    assert.equal(new Queue().full(), false, 'an unbounded queue is never full');
  }));

test('getters are served in FIFO order; a cancelled woken getter passes its item on', () =>
  runFake(async () => {
    const q = new Queue<string>();
    const log: string[] = [];
    async function g(i: number) {
      const x = await q.get();
      log.push(`g${i}=${x}`);
    }
    const ts = [0, 1, 2].map((i) => createTask(g(i)));
    await sleep(0);
    assert.deepEqual(ts[0]!.waitingOn?.waitReason, { kind: 'primitive', primitive: 'Queue.get' });
    q.putNowait('x');
    ts[0]!.cancel();
    q.putNowait('y');
    await sleep(0);
    await sleep(0);
    assert.deepEqual(log, ['g1=x', 'g2=y']);
    assert.equal(q.qsize(), 0);
    await gather(...ts, { returnExceptions: true });
    assert.equal(ts[0]!.cancelled(), true);
  }));

test('a put() waiting on a full queue is labelled Queue.put; join() as Queue.join', () =>
  runFake(async () => {
    const q = new Queue<number>(1);
    q.putNowait(1);
    const p = createTask(q.put(2));
    const j = createTask(q.join());
    await sleep(0);
    assert.deepEqual(p.waitingOn?.waitReason, { kind: 'primitive', primitive: 'Queue.put' });
    assert.deepEqual(j.waitingOn?.waitReason, { kind: 'primitive', primitive: 'Queue.join' });
    assert.equal(await q.get(), 1);
    await p;
    q.taskDone();
    assert.equal(await q.get(), 2);
    q.taskDone();
    await j;
    assert.equal(String(q), '<Queue maxsize=1>');
  }));

test('PriorityQueue returns the smallest entry first, comparing [priority, data] like Python tuples', () =>
  runFake(async () => {
    const pq = new PriorityQueue<[number, string]>();
    for (const x of [[3, 'c'], [1, 'a'], [2, 'b'], [1, 'A'], [2, 'B']] as [number, string][]) pq.putNowait(x);
    const out: [number, string][] = [];
    while (!pq.empty()) out.push(pq.getNowait());
    assert.deepEqual(out, [[1, 'A'], [1, 'a'], [2, 'B'], [2, 'b'], [3, 'c']]);
  }));

test('PriorityQueue keeps the same heap layout as heapq, and takes a compare function', () =>
  runFake(async () => {
    const pq = new PriorityQueue<number>();
    for (const x of [5, 3, 8, 1, 9, 2, 7]) pq.putNowait(x);
    assert.equal(String(pq), '<PriorityQueue maxsize=0 _queue=[1, 3, 2, 5, 9, 8, 7] tasks=7>');
    const byLength = new PriorityQueue<string>(0, { compare: (a, b) => a.length - b.length });
    for (const s of ['ccc', 'a', 'bb']) byLength.putNowait(s);
    assert.deepEqual([byLength.getNowait(), byLength.getNowait(), byLength.getNowait()], ['a', 'bb', 'ccc']);
    const mixed = new PriorityQueue<unknown>();
    mixed.putNowait(1);
    assert.ok(thrown(() => mixed.putNowait('x')) instanceof TypeError);
  }));

test('LifoQueue returns the newest entry first', () =>
  runFake(async () => {
    const lq = new LifoQueue<number>();
    for (let i = 0; i < 4; i++) lq.putNowait(i);
    const out: number[] = [];
    while (!lq.empty()) out.push(lq.getNowait());
    assert.deepEqual(out, [3, 2, 1, 0]);
  }));

test('a large FIFO queue keeps its order across internal compaction', () =>
  runFake(async () => {
    const q = new Queue<number>();
    const out: number[] = [];
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 100; i++) q.putNowait(round * 100 + i);
      for (let i = 0; i < 70; i++) out.push(q.getNowait());
    }
    while (!q.empty()) out.push(q.getNowait());
    assert.deepEqual(out, Array.from({ length: 500 }, (_, i) => i));
  }));

test('a woken putter cancelled before it runs passes the free slot to the next putter', () =>
  runFake(async () => {
    const q = new Queue<string>(1);
    q.putNowait('a');
    const log: string[] = [];
    async function p(x: string) {
      await q.put(x);
      log.push(`put${x}`);
    }
    const ps = ['b', 'c'].map((x) => createTask(p(x)));
    await sleep(0);
    q.getNowait();
    ps[0]!.cancel();
    await sleep(0);
    await sleep(0);
    assert.deepEqual(log, ['putc']);
    assert.equal(q.getNowait(), 'c');
  }));
