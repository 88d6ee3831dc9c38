// `coroutine(function* ...)`, the desugared form the README lists: a generator that yields
// awaitables, run as a task by a real program through the CLI. Its result, the exceptions
// thrown into it at a `yield`, and the ones it raises, as a user sees them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const cli = join(__dirname, '..', '..', 'bin', 'coroscope.js');

function runProgram(source: string): { status: number | null; stdout: string; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'coroscope-gen-'));
  const file = join(dir, 'prog.ts');
  writeFileSync(file, source);
  const r = spawnSync(process.execPath, [cli, 'run', file], { encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('coroutine(function* ...): yields sleep, a future, a coroutine and a promise; run as a task, its result is awaited', () => {
  const r = runProgram(`import { coroutine, createTask, getRunningLoop, isCoroutineFunction, run, sleep, type Future } from 'coroscope';
async function double(n: number): Promise<number> {
  await sleep(0);
  return 2 * n;
}
const worker = coroutine(function* worker(n: number) {
  const t0 = getRunningLoop().time();
  yield sleep(0.02);
  const slept = getRunningLoop().time() - t0 >= 0.02;
  const fut: Future<string> = getRunningLoop().createFuture();
  getRunningLoop().callSoon(() => fut.setResult('from a future'));
  const a = (yield fut) as string;
  const b = (yield double(n)) as number;
  const c = (yield Promise.resolve('from a promise')) as string;
  return { slept, a, b, c };
});
async function main(): Promise<void> {
  console.log('is a coroutine function:', isCoroutineFunction(worker));
  const task = createTask(worker(21), { name: 'gen-task' });
  console.log(task.getName(), 'started');
  console.log(JSON.stringify(await task));
  console.log('awaited directly:', JSON.stringify(await worker(1)));
}
run(main());
`);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(
    r.stdout,
    'is a coroutine function: true\n' +
      'gen-task started\n' +
      '{"slept":true,"a":"from a future","b":42,"c":"from a promise"}\n' +
      'awaited directly: {"slept":true,"a":"from a future","b":2,"c":"from a promise"}\n',
  );
});

test('coroutine(function* ...): an awaited failure is thrown in at the yield; one it raises reaches the awaiting task', () => {
  const r = runProgram(`import { coroutine, createTask, run, sleep } from 'coroscope';
async function fails(): Promise<never> {
  await sleep(0);
  throw new RangeError('inner failed');
}
const catcher = coroutine(function* catcher() {
  try {
    yield fails();
    return 'not reached';
  } catch (err) {
    return 'caught ' + (err as Error).name + ': ' + (err as Error).message;
  }
});
const raiser = coroutine(function* raiser() {
  yield sleep(0);
  throw new TypeError('raised by the generator');
});
async function main(): Promise<void> {
  console.log(await createTask(catcher()));
  try {
    await createTask(raiser());
  } catch (err) {
    console.log('main got', (err as Error).name + ':', (err as Error).message);
  }
  await raiser();
}
run(main());
`);
  assert.equal(r.stdout, 'caught RangeError: inner failed\nmain got TypeError: raised by the generator\n');
  // The last one is uncaught: a traceback through the await chain and exit code 1.
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /Traceback \(most recent call last, through the await chain\):/);
  assert.match(r.stderr, /^TypeError: raised by the generator$/m);
  assert.match(r.stderr, /^    at raiser \(.*prog\.ts:16:9\)$/m);
});
