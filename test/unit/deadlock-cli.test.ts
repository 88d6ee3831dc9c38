// `coroscope run` on programs that are stuck: a deadlock is reported once on stderr with each
// task's verdict and await chain and the program goes on (`--deadlock=error`: exit 1 at once); a
// program whose tasks are all asleep prints the report and exits 1 within a second instead of
// hanging; a server waiting for connections is neither.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const cli = join(root, 'bin', 'coroscope.js');
const fixture = (name: string): string => join('test', 'dap', 'fixtures', name);

function runCli(...args: string[]): { status: number | null; stdout: string; stderr: string; seconds: number } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [cli, 'run', ...args], { encoding: 'utf8', timeout: 20_000, cwd: root });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, seconds: Number(process.hrtime.bigint() - t0) / 1e9 };
}

test('a lock cycle is reported once on stderr, with each task, its verdict and its lines; the program runs on', () => {
  const r = runCli(fixture('lock-cycle-busy.ts'));
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'still working 1\nstill working 2\nstill working 3\n');
  assert.equal(
    r.stderr,
    [
      'coroscope: deadlock: c1 → Lock b held by c2 → Lock a held by c1',
      '  c1: Lock b held by c2 (lock-cycle-busy.ts:14), which waits for Lock a held by c1 (lock-cycle-busy.ts:8): a deadlock',
      '      at left (test/dap/fixtures/lock-cycle-busy.ts:10:3)',
      '  c2: Lock a held by c1 (lock-cycle-busy.ts:8), which waits for Lock b held by c2 (lock-cycle-busy.ts:14): a deadlock',
      '      at right (test/dap/fixtures/lock-cycle-busy.ts:16:3)',
      '',
    ].join('\n'),
  );
});

test('--deadlock=error: the same report, then exit status 1 at once', () => {
  const r = runCli('--deadlock=error', fixture('lock-cycle-busy.ts'));
  assert.equal(r.status, 1);
  assert.equal(r.stdout, '', 'the program did not go on');
  assert.match(r.stderr, /^coroscope: deadlock: c1 → Lock b held by c2 → Lock a held by c1\n/);
  assert.equal(runCli('--deadlock=maybe', fixture('lock-cycle-busy.ts')).stderr.split('\n')[0], "coroscope: --deadlock must be report or error (got 'maybe')");
});

test('a consumer whose producers all finished: all tasks asleep, the report, exit 1 within a second', () => {
  const r = runCli(fixture('no-producer.ts'));
  assert.equal(r.status, 1);
  assert.equal(r.stdout, 'job 0\njob 1\njob 2\n');
  assert.equal(
    r.stderr,
    [
      'coroscope: all tasks are asleep: nothing can wake them',
      '  Task-1: awaits task consumer, which waits for Queue jobs empty · no producer left',
      '      at main (test/dap/fixtures/no-producer.ts:19:3)',
      '  consumer: Queue jobs empty · no producer left',
      '      at consumer (test/dap/fixtures/no-producer.ts:11:17)',
      '',
    ].join('\n'),
  );
  // Node's start and the loader take most of it; the verdict itself comes at the first idle wait.
  assert.ok(r.seconds < 5, `${r.seconds} s`);
});

test('a lock cycle with nothing else running: the deadlock, then all asleep, exit 1', () => {
  const r = runCli(fixture('lock-cycle.ts'));
  assert.equal(r.status, 1);
  const lines = r.stderr.split('\n');
  assert.equal(lines[0], 'coroscope: deadlock: c1 → Lock b held by c2 → Lock a held by c1');
  assert.equal(lines[5], 'coroscope: all tasks are asleep: nothing can wake them');
  assert.match(lines[6]!, /^ {2}Task-1: gather: 2 of 2 not done: c1, which waits for Lock b held by c2 \(lock-cycle\.ts:16\), which waits for Lock a held by c1 \(lock-cycle\.ts:9\): a deadlock; c2, which/);
});

test('a future nothing refers to: nothing in the program can wake it, and where it was made (--debug)', () => {
  const plain = runCli(fixture('orphan-future.ts'));
  assert.equal(plain.status, 1);
  assert.equal(plain.stderr, 'coroscope: all tasks are asleep: nothing can wake them\n  Task-1: nothing in the program can wake this: awaited at orphan-future.ts:8\n      at main (test/dap/fixtures/orphan-future.ts:8:15)\n');
  const debug = runCli('--debug', fixture('orphan-future.ts'));
  assert.equal(debug.status, 1);
  assert.match(debug.stderr, /^ {2}Task-1: nothing in the program can wake this: created at orphan-future\.ts:6$/m);
});

/** Runs a program given as source text (written to a temporary directory, which is the cwd). */
function runSource(source: string, ...options: string[]): { status: number | null; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'coroscope-deadlock-'));
  try {
    writeFileSync(join(dir, 'prog.ts'), source);
    const r = spawnSync(process.execPath, [cli, 'run', ...options, 'prog.ts'], { encoding: 'utf8', timeout: 20_000, cwd: dir });
    return { status: r.status, stderr: r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a task that takes a Lock it holds already is a cycle of one', () => {
  const r = runSource(
    [
      "import { run, Lock } from 'coroscope';",
      'const lock = new Lock();',
      'async function twice(): Promise<void> {',
      '  await lock.acquire();',
      '  await lock.acquire();',
      '}',
      'run(twice());',
    ].join('\n'),
    '--deadlock=error',
  );
  assert.equal(r.status, 1);
  assert.equal(r.stderr.split('\n').slice(0, 3).join('\n'), [
    'coroscope: deadlock: Task-1 → Lock lock held by Task-1',
    '  Task-1: Lock lock held by Task-1 (prog.ts:4): a deadlock',
    '      at twice (prog.ts:5:3)',
  ].join('\n'));
});

test('two tasks awaiting each other, and a parent gathering a child that awaits it', () => {
  const r = runSource(
    [
      "import { run, createTask, currentTask, gather, sleep, type Task } from 'coroscope';",
      'const tasks: Task<void>[] = [];',
      'async function peer(i: number): Promise<void> {',
      '  await sleep(0.01 * i);',
      '  await tasks[1 - i]!;',
      '}',
      'async function child(parent: Task<unknown>): Promise<void> {',
      '  await parent;',
      '}',
      'async function main(): Promise<void> {',
      "  tasks.push(createTask(peer(0), { name: 'p0' }), createTask(peer(1), { name: 'p1' }));",
      "  await gather(createTask(child(currentTask()!), { name: 'kid' }));",
      '}',
      'run(main());',
    ].join('\n'),
  );
  assert.equal(r.status, 1, 'then all asleep');
  const reports = r.stderr.split('\n').filter((l) => l.startsWith('coroscope: '));
  assert.deepEqual(reports, [
    'coroscope: deadlock: kid → task Task-1 → gather child kid',
    'coroscope: deadlock: p1 → task p0 → task p1',
    'coroscope: all tasks are asleep: nothing can wake them',
  ]);
  assert.match(r.stderr, /^ {2}p1: awaits task p0, which awaits task p1: a deadlock$/m);
});

test('a server waiting for connections is not asleep: no report, it keeps serving', async () => {
  const child = spawn(process.execPath, [cli, 'run', fixture('idle-server.ts')], { cwd: root });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d));
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  for (let i = 0; i < 100 && !stdout.includes('serving'); i++) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 1500));
  const stillRunning = child.exitCode === null;
  child.kill('SIGTERM');
  await exited;
  assert.ok(stillRunning, `the server exited: ${stderr}`);
  assert.match(stdout, /^serving on port \d+\n$/);
  assert.equal(stderr, '');
});
