// "Exception was never retrieved": failed futures and tasks are collected once their exception is
// retrieved (memory stays flat), an unretrieved one is reported when the collector takes it while
// the loop runs, and one still alive is reported when the loop closes, each exactly once.
// Heap figures come from child processes run with --expose-gc (printed with the test's output).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { EventLoop, FakeClock, FakeSelector, Future, type ExceptionContext } from 'coroscope';

const cli = join(__dirname, '..', '..', 'bin', 'coroscope.js');
const fixtures = join(__dirname, 'fixtures');

function runWithGc(program: string, args: string[] = [], env: Record<string, string> = {}): string {
  const r = spawnSync(process.execPath, ['--expose-gc', cli, 'run', join(fixtures, program), ...args], {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, ...env },
  });
  assert.equal(r.status, 0, `${program} exited with ${r.status} ${r.signal ?? ''}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** Runs n iterations of the loop (each with one callback, so the fake selector does not block). */
function iterate(loop: EventLoop, n: number): void {
  for (let i = 0; i < n; i++) {
    loop.callSoon(() => {});
    loop.runOnce();
  }
}

function fakeLoop(): { loop: EventLoop; reports: ExceptionContext[] } {
  const clock = new FakeClock();
  const loop = new EventLoop({ clock, selector: new FakeSelector(clock) });
  const reports: ExceptionContext[] = [];
  loop.setExceptionHandler((_l, context) => reports.push(context));
  return { loop, reports };
}

test('100,000 failed futures and 100,000 failed tasks, each awaited and caught: the heap after gc() stays within a few MB', () => {
  const lines = runWithGc('failed-futures-memory.ts', ['100000']).trim().split('\n').map((l) => JSON.parse(l) as { kind: string; n: number; beforeMB: number; afterMB: number });
  assert.deepEqual(lines.map((l) => l.kind), ['futures', 'tasks']);
  for (const { kind, n, beforeMB, afterMB } of lines) {
    const grew = afterMB - beforeMB;
    console.log(`${n} failed ${kind}: heap after gc ${beforeMB.toFixed(1)} MB -> ${afterMB.toFixed(1)} MB (${grew >= 0 ? '+' : ''}${grew.toFixed(2)} MB)`);
    assert.ok(grew < 3, `${n} failed ${kind} kept ${grew.toFixed(1)} MB after gc (${beforeMB.toFixed(1)} -> ${afterMB.toFixed(1)} MB)`);
  }
});

test('an unretrieved failed task is reported once when collected, while the loop runs; one still referenced, once at close', () => {
  const out = JSON.parse(runWithGc('unretrieved-collected.ts', [], { COROSCOPE_DEBUG: '1' })) as {
    reports: { message: string; future: string; exception: string; createdAt?: string; whileRunning: boolean }[];
    keptDone: boolean;
  };
  const lost = out.reports.filter((r) => r.future.includes("name='lost-task'"));
  const kept = out.reports.filter((r) => r.future.includes("name='kept-task'"));
  assert.equal(out.reports.length, 2, JSON.stringify(out.reports, null, 1));
  assert.equal(lost.length, 1);
  assert.equal(kept.length, 1);
  // Collected: reported while the program still ran, with what a person needs to find it.
  assert.equal(lost[0]!.whileRunning, true);
  assert.equal(lost[0]!.message, 'Task exception was never retrieved');
  assert.match(lost[0]!.future, /^<Task finished name='lost-task' coro=<lost\(\) done, defined at .*unretrieved-collected\.ts:\d+> exception=Error\('nobody looks at this one \(lost-task\)'\)>$/);
  // The traceback goes through the await chain (lost awaited inner, which raised).
  assert.match(lost[0]!.exception, /^Traceback \(most recent call last, through the await chain\):\n  File ".*unretrieved-collected\.ts", line \d+, in lost\n    return await inner\(whose\);\n/);
  assert.match(lost[0]!.exception, /Error: nobody looks at this one \(lost-task\)\n\s+at inner \(.*unretrieved-collected\.ts:\d+:\d+\)/);
  assert.match(lost[0]!.createdAt ?? '', /unretrieved-collected\.ts:\d+/);
  // Still referenced: reported when the loop closed, after main returned.
  assert.equal(kept[0]!.whileRunning, false);
  assert.match(kept[0]!.exception, /Error: this one is kept/);
  assert.equal(out.keptDone, true);
});

test('an exception retrieved after the loop has iterated twice (its failure settled) is never reported', () => {
  const { loop, reports } = fakeLoop();
  const fut = new Future<number>({ loop });
  fut.setException(new Error('late'));
  iterate(loop, 3);
  assert.ok((fut.exception() as Error).message === 'late');
  iterate(loop, 3);
  loop.close();
  assert.deepEqual(reports, []);
});

test('at close: each unretrieved exception is reported once, oldest first, naming the future itself', () => {
  const { loop, reports } = fakeLoop();
  const old = new Future<number>({ loop });
  old.setException(new Error('old'));
  iterate(loop, 3); // settled: registered with the collector, held weakly
  const young = new Future<number>({ loop });
  young.setException(new Error('young'));
  const cancelled = new Future<number>({ loop });
  cancelled.setException(new Error('marked retrieved by cancel()'));
  cancelled.cancel();
  loop.close();
  assert.deepEqual(reports.map((r) => (r.exception as Error).message), ['old', 'young']);
  assert.equal(reports[0]!.future, old);
  assert.equal(reports[1]!.future, young);
  loop.close();
  assert.equal(reports.length, 2);
});

test('a task that starts its successor and ends, 20,000 times over: the ancestors are collected', () => {
  const { n, beforeMB, afterMB } = JSON.parse(runWithGc('task-chain-memory.ts', ['20000'])) as { n: number; beforeMB: number; afterMB: number };
  const grew = afterMB - beforeMB;
  console.log(`${n} generations of tasks: heap after gc ${beforeMB.toFixed(1)} MB -> ${afterMB.toFixed(1)} MB (${grew >= 0 ? '+' : ''}${grew.toFixed(2)} MB)`);
  assert.ok(grew < 3, `a chain of ${n} finished tasks kept ${grew.toFixed(1)} MB after gc`);
});
