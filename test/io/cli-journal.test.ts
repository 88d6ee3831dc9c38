// `coroscope run --journal` and the slow-step report of `--debug`, observed through real processes:
// a failed task's journal printed after its traceback (who woke it, where), nothing extra when all
// goes well, memory flat while thousands of tasks come and go, and asyncio's wording for a task's
// step that blocked the loop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const cli = join(__dirname, '..', '..', 'bin', 'coroscope.js');

function run(source: string, runArgs: string[], nodeArgs: string[] = []): { status: number | null; stdout: string; stderr: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'coroscope-journal-'));
  const file = join(dir, 'prog.ts');
  writeFileSync(file, source);
  const r = spawnSync(process.execPath, [...nodeArgs, cli, 'run', ...runArgs, file], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, file };
}

const CRASH = `import { run, sleep, createTask, Event } from 'coroscope';

const go = new Event();

async function worker(): Promise<void> {
  await go.wait();
  await sleep(0.01);
  throw new Error('boom');
}

async function main(): Promise<void> {
  const w = createTask(worker(), { name: 'worker' });
  await sleep(0.01);
  go.set();
  await w;
}
run(main());
`;

test('--journal: a task that fails prints its journal after the traceback, with who woke it and where', () => {
  const r = run(CRASH, ['--journal']);
  assert.equal(r.status, 1);
  const at = r.stderr.indexOf('Journal of task worker (');
  assert.ok(at > r.stderr.indexOf('Error: boom'), `journal after the traceback:\n${r.stderr}`);
  const lines = r.stderr.slice(at).trim().split('\n').slice(1).map((l) => l.replace(/^ +\d+\.\d+ s {2}/, ''));
  assert.deepEqual(lines, [
    "done: exception Error('boom')",
    'resumed at prog.ts:7',
    'woken by timer (sleep 10 ms)',
    'parked at prog.ts:7 on sleep 10 ms',
    'resumed at prog.ts:6',
    'woken by Task-1 at prog.ts:14 · event.set()',
    'parked at prog.ts:6 on Event',
    'resumed',
    'spawned by Task-1 at prog.ts:12',
  ]);

  const plain = run(CRASH, []);
  assert.equal(plain.status, 1);
  assert.doesNotMatch(plain.stderr, /Journal/, 'without --journal, the traceback only');
});

test('--journal: nothing is printed when the program succeeds, and no slow-callback line without --debug', () => {
  const r = run(
    `import { run, sleep } from 'coroscope';
async function main(): Promise<void> {
  const end = Date.now() + 150;
  while (Date.now() < end) {}
  await sleep(0.01);
  console.log('ok');
}
run(main());
`,
    ['--journal'],
  );
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'ok\n');
  assert.equal(r.stderr, '');
});

test('--journal keeps memory flat while 40,000 tasks come and go (--expose-gc heap figures)', () => {
  const r = run(
    `import { run, sleep, createTask, Event } from 'coroscope';
const gc = (globalThis as { gc?: () => void }).gc!;
async function child(ev: Event): Promise<void> {
  await ev.wait();
  await sleep(0);
}
async function batch(n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const ev = new Event();
    const t = createTask(child(ev));
    await sleep(0);
    ev.set();
    await t;
  }
}
async function main(): Promise<void> {
  await batch(10_000);
  gc();
  const before = process.memoryUsage().heapUsed;
  await batch(30_000);
  gc();
  const after = process.memoryUsage().heapUsed;
  console.log(JSON.stringify({ before, after }));
}
run(main());
`,
    ['--journal'],
    ['--expose-gc'],
  );
  assert.equal(r.status, 0, r.stderr);
  const { before, after } = JSON.parse(r.stdout) as { before: number; after: number };
  // The loop's records are preallocated; a done task's ring goes with it. 30,000 tasks of 64
  // events each would be ~100 MB if rings were kept.
  assert.ok(after - before < 4 * 1024 * 1024, `heap grew from ${before} to ${after} bytes`);
});

test("--debug reports a task's step that blocked the loop by the task, as asyncio does", () => {
  const r = run(
    `import { run, sleep, createTask } from 'coroscope';
async function busy(): Promise<void> {
  await sleep(0.01);
  const end = Date.now() + 150;
  while (Date.now() < end) {}
  await sleep(0.01);
}
async function main(): Promise<void> {
  await createTask(busy(), { name: 'spinner' });
}
run(main());
`,
    ['--debug'],
  );
  assert.equal(r.status, 0, r.stderr);
  const m = /^Executing <Task pending name='spinner' [^\n]*coro=<busy\(\)[^\n]*> took (\d\.\d{3}) seconds$/m.exec(r.stderr);
  assert.ok(m, r.stderr);
  // Date.now() (whole milliseconds) against the loop's clock: 0.149 s may be reported for 150 ms.
  assert.ok(Number(m[1]) >= 0.14, `reported ${m[1]} s for a 0.15 s step`);
  assert.doesNotMatch(r.stderr, /<Handle/, 'the task, not its step handle');
});

test("--journal: wokenBy names lock.release() and queue.put() with the task and line, also when the put ran inside the runtime's coroutine", () => {
  // Deterministic order: holder takes the lock in its first step, before getter's first step; putter
  // puts only once getter waits in q.get().
  const r = run(
    `import { run, sleep, createTask, Lock, Queue, Event, currentTask } from 'coroscope';
const lock = new Lock();
const q = new Queue<number>();
const ready = new Event();
const probe = (globalThis as any)[Symbol.for('coroscope.probe')];
async function holder(): Promise<void> {
  await lock.acquire();
  await sleep(0.01);
  lock.release();
}
async function getter(): Promise<void> {
  await lock.acquire();
  console.log('lock: ' + probe.journal(currentTask()!.id).wokenBy);
  lock.release();
  ready.set();
  await q.get();
  console.log('queue: ' + probe.journal(currentTask()!.id).wokenBy);
}
async function putter(): Promise<void> {
  await ready.wait();
  await q.put(1);
}
async function main(): Promise<void> {
  createTask(holder(), { name: 'c2' });
  createTask(putter(), { name: 'p' });
  await createTask(getter(), { name: 'g' });
}
run(main());
`,
    ['--journal'],
  );
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'lock: c2 at prog.ts:9 · lock.release()\nqueue: p at prog.ts:21 · queue.put()\n');
});

test('--journal: a cancelled task records who asked for it and where, and that this woke it', () => {
  const r = run(
    `import { run, sleep, createTask, currentTask, type Task } from 'coroscope';
const probe = (globalThis as any)[Symbol.for('coroscope.probe')];
let victim: Task<void>;
async function sleeper(): Promise<void> {
  try {
    await sleep(10);
  } finally {
    console.log(probe.journal(currentTask()!.id).history.slice(0, 3).map((e: { text: string }) => e.text).join(' | '));
  }
}
async function main(): Promise<void> {
  victim = createTask(sleeper(), { name: 'sleeper' });
  await sleep(0.01);
  victim.cancel();
  await sleep(0.01);
}
run(main());
`,
    ['--journal'],
  );
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'resumed at prog.ts:6 | woken by Task-1 at prog.ts:14 · task.cancel() | cancel requested by Task-1 at prog.ts:14\n');
});

test('--journal: a wake-up by a loop callback names the callback once, and never the loop itself', () => {
  const r = run(
    `import { run, createTask, getRunningLoop, currentTask, type Future } from 'coroscope';
const probe = (globalThis as any)[Symbol.for('coroscope.probe')];
async function waiter(f: Future<number>): Promise<void> {
  await f;
  console.log(currentTask()!.getName() + ': ' + probe.journal(currentTask()!.id).wokenBy);
}
function finish(f: Future<number>): void {
  f.setResult(2);
}
async function main(): Promise<void> {
  const loop = getRunningLoop();
  const f = loop.createFuture<number>();
  const a = createTask(waiter(f), { name: 'bound' });
  loop.callSoon(f.setResult.bind(f), 1);
  await a;
  const g = loop.createFuture<number>();
  const b = createTask(waiter(g), { name: 'named' });
  loop.callLater(0.01, finish, g);
  await b;
}
run(main());
`,
    ['--journal'],
  );
  assert.equal(r.status, 0, r.stderr);
  // Before: "bound: callback setResult() · runMainTask()": the outermost runtime frame was taken for the program's call.
  assert.equal(r.stdout, 'bound: callback setResult()\nnamed: timer callback finish() at prog.ts:8 · future.setResult()\n');
});

test('--journal: a main task made by loop.runUntilComplete() records the line that made it', () => {
  const r = run(
    `import { EventLoop, currentTask, sleep } from 'coroscope';
const probe = (globalThis as any)[Symbol.for('coroscope.probe')];
async function main(): Promise<void> {
  await sleep(0);
  const history = probe.journal(currentTask()!.id).history;
  console.log(history[history.length - 1].text);
}
const loop = new EventLoop();
void loop.runUntilComplete(main()).then(() => loop.close());
`,
    ['--journal'],
  );
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'spawned at prog.ts:9\n');
});
