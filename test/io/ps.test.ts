// `coroscope ps PID` / `pstree PID` against real running programs started with no flag: the tasks
// come out as rows and as a tree, the program goes on making progress, its inspector is closed again
// (a second ps works), and bad input (a PID that is gone, another user's, not Node, not coroscope,
// the inspector's port taken) is one line on stderr, exit 2, with the target left as it was.
// `coroscope run --dump-on=SIGUSR2` prints the same rows to stderr.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer, createConnection, type Server } from 'node:net';
import { join } from 'node:path';
import { drive, delay } from '../dap/harness';

const ROOT = join(__dirname, '..', '..');
const cli = join(ROOT, 'bin', 'coroscope.js');
const fixture = (name: string): string => join(__dirname, 'fixtures', name);

/** A running program: its process, and its stdout and stderr so far. */
interface Target {
  readonly child: ChildProcess;
  readonly pid: number;
  out: string;
  err: string;
}

/** Starts `node [args]` and resolves once it printed `ready PID`. */
function start(args: string[]): Promise<Target> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: ROOT });
  const target = { child, pid: child.pid!, out: '', err: '' };
  child.stdout!.on('data', (c: Buffer) => (target.out += c));
  child.stderr!.on('data', (c: Buffer) => (target.err += c));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the program did not get ready: ${target.out}${target.err}`)), 20_000);
    child.stdout!.on('data', () => {
      if (!/^ready \d+$/m.test(target.out)) return;
      clearTimeout(timer);
      resolve(target);
    });
    child.once('exit', (code) => reject(new Error(`the program exited (${code}): ${target.out}${target.err}`)));
  });
}

function stop(target: Target): Promise<void> {
  if (target.child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    target.child.once('exit', () => resolve());
    target.child.kill('SIGKILL');
  });
}

function coroscope(args: string[], options: { uid?: number; gid?: number } = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 30_000, cwd: ROOT, ...options });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const ticks = (t: Target): number => Number([...t.out.matchAll(/^ticks (\d+)$/gm)].pop()?.[1] ?? 0);

/** Whether 127.0.0.1:port accepts a connection now. */
function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** Resolves when 127.0.0.1:port refuses connections (the inspector closed), within 3 s. */
function portClosed(port: number): Promise<boolean> {
  return drive(function* () {
    for (let i = 0; i < 60; i++) {
      if (!(yield portAnswers(port))) return true;
      yield delay(50);
    }
    return false;
  });
}

function listen(port: number): Promise<Server | null> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(null));
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

/** Why the tests that use port 9229 cannot run now (something else listens there), or undefined. */
function port9229Busy(): Promise<string | undefined> {
  return listen(9229).then((server) => {
    if (!server) return 'port 9229 on 127.0.0.1 is in use by another program';
    return new Promise((resolve) => server.close(() => resolve(undefined)));
  });
}

const row = (text: string, name: string): string | undefined => text.split('\n').find((l) => l.split(/\s{2,}/)[1] === name);

test('ps: one row per task with state, verdict, await line and chain; the program goes on, its inspector is closed, a second ps works', (ctx) =>
  drive(function* () {
    const busy: string | undefined = yield port9229Busy();
    if (busy) return void ctx.skip(busy);
    const t: Target = yield start([cli, 'run', fixture('ps-target.ts')]);
    try {
      const r = coroscope(['ps', String(t.pid)]);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stderr, '');
      const lines = r.stdout.trimEnd().split('\n');
      assert.deepEqual(lines[0]!.split(/\s{2,}/), ['id', 'name', 'state', 'at', 'verdict', 'await chain']);
      assert.equal(lines.length, 8, r.stdout);
      const at = 'test/io/fixtures/ps-target.ts';
      // Timers' verdicts count down: `wakes in N s`.
      const cells = (name: string) => row(r.stdout, name)!.replace(/wakes in \d+ s/g, 'wakes in N s').split(/\s{2,}/).slice(1);
      assert.deepEqual(cells('fan-out'), ['fan-out', 'waiting', `${at}:12`, 'gather: 2 of 2 not done: Task-5, which wakes in N s; Task-6, which wakes in N s', `fanOut ${at}:12`]);
      assert.deepEqual(cells('member'), ['member', 'waiting', `${at}:8`, 'wakes in N s', `leaf ${at}:8 → sleep`]);
      assert.match(row(r.stdout, 'grouped')!, new RegExp(`grouped ${at}:16 → TaskGroup\\.run → TaskGroup\\.exit$`));
      assert.match(row(r.stdout, 'ticker')!, /  wakes in (\d+ ms|under 1 ms)  /);

      // The program goes on: its ticker keeps counting, and the inspector ps opened closes again.
      const before = ticks(t);
      assert.ok(yield portClosed(9229), 'the inspector ps opened is closed again');
      yield delay(300);
      assert.ok(ticks(t) > before, `the program stopped making progress (ticks ${before} → ${ticks(t)})`);

      const again = coroscope(['ps', String(t.pid)]);
      assert.equal(again.status, 0, again.stderr);
      assert.equal(again.stdout.trimEnd().split('\n').length, 8, again.stdout);
      assert.ok(yield portClosed(9229), 'closed again after the second ps');
      assert.equal(t.child.exitCode, null, 'the program is still running');
      // Only Node's own inspector lines on its stderr: no error, no warning.
      assert.deepEqual(t.err.split('\n').filter((l) => l && !/^(Debugger listening on|For help, see|Debugger attached\.|Debugger ending on)/.test(l)), []);
    } finally {
      yield stop(t);
    }
  }));

test('pstree: children under their parent (created tasks, gather children, TaskGroup members), each with its await chain', (ctx) =>
  drive(function* () {
    const busy: string | undefined = yield port9229Busy();
    if (busy) return void ctx.skip(busy);
    const t: Target = yield start([cli, 'run', fixture('ps-target.ts')]);
    try {
      const r = coroscope(['pstree', String(t.pid)]);
      assert.equal(r.status, 0, r.stderr);
      const at = 'test/io/fixtures/ps-target.ts';
      // The ticker sleeps 20 ms at a time: pstree may look between its timer firing and its next
      // step, when its sleep is done and it is queued to run ("woken: about to run").
      assert.equal(
        r.stdout
          .replace(/ #\d+ /g, ' #N ')
          .replace(/wakes in \d+ s/g, 'wakes in N s')
          .replace(/wakes in (\d+ ms|under 1 ms)/g, 'wakes in M ms')
          .replace(/which is woken: about to run/g, 'which wakes in M ms')
          .replace(/· woken: about to run/g, '· wakes in M ms'),
        [
          'Task-1 #N (waiting) · awaits task ticker, which wakes in M ms',
          `│     main ${at}:35`,
          '├── fan-out #N (waiting) · gather: 2 of 2 not done: Task-5, which wakes in N s; Task-6, which wakes in N s',
          `│   │     fanOut ${at}:12`,
          '│   ├── Task-5 #N (waiting) · wakes in N s',
          `│   │         leaf ${at}:8`,
          '│   │         sleep',
          '│   └── Task-6 #N (waiting) · wakes in N s',
          `│             leaf ${at}:8`,
          '│             sleep',
          '├── grouped #N (waiting) · its TaskGroup: 1 task not done: member, which wakes in N s',
          `│   │     grouped ${at}:16`,
          '│   │     TaskGroup.run',
          '│   │     TaskGroup.exit',
          '│   └── member #N (waiting) · wakes in N s',
          `│             leaf ${at}:8`,
          '│             sleep',
          '└── ticker #N (waiting) · wakes in M ms',
          `          ticker ${at}:23`,
          '          sleep',
          '',
        ].join('\n'),
      );
    } finally {
      yield stop(t);
    }
  }));

test('pstree: tasks awaiting each other are reported as a cycle instead of a tree (exit 1)', (ctx) =>
  drive(function* () {
    const busy: string | undefined = yield port9229Busy();
    if (busy) return void ctx.skip(busy);
    const t: Target = yield start([cli, 'run', fixture('ps-cycle.ts')]);
    try {
      const r = coroscope(['pstree', String(t.pid)]);
      assert.equal(r.status, 1, r.stderr);
      assert.equal(r.stdout, 'the tasks await each other in a cycle, so there is no tree:\ncycle: c1 → c2 → c1\n');
      const ps = coroscope(['ps', String(t.pid)]);
      assert.equal(ps.status, 0, ps.stderr);
      assert.match(row(ps.stdout, 'c1')!, /awaits task c2, which awaits task c1: a deadlock/);
    } finally {
      yield stop(t);
    }
  }));

test('ps: a PID that is gone, and one that is not a Node.js program: one line, exit 2, the process untouched', (ctx) =>
  drive(function* () {
    const gone = spawn(process.execPath, ['-e', '0']);
    yield new Promise((resolve) => gone.once('exit', resolve));
    const r = coroscope(['ps', String(gone.pid)]);
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, `coroscope ps: no process ${gone.pid} (it has exited, or the PID is wrong)\n`);

    const sleeper = spawn('sleep', ['30']);
    try {
      yield delay(100);
      const s = coroscope(['ps', String(sleeper.pid)]);
      assert.equal(s.status, 2);
      assert.match(s.stderr, new RegExp(`^coroscope ps: process ${sleeper.pid} is not a Node\\.js program \\(it runs \\S*sleep\\), so not a coroscope one\\n$`));
      assert.equal(sleeper.exitCode, null, 'sleep was not signalled (SIGUSR1 would have killed it)');
      assert.equal(sleeper.signalCode, null);
    } finally {
      sleeper.kill('SIGKILL');
    }

    const usage = coroscope(['ps', 'abc']);
    assert.equal(usage.status, 2);
    assert.equal(usage.stderr, "coroscope ps: expected one PID, got 'abc'\n");
  }));

test('ps: a Node.js program without the coroscope runtime: one line, exit 2, it goes on and its inspector is closed again', (ctx) =>
  drive(function* () {
    const busy: string | undefined = yield port9229Busy();
    if (busy) return void ctx.skip(busy);
    const t: Target = yield start([fixture('plain-node.js')]);
    try {
      const r = coroscope(['ps', String(t.pid)]);
      assert.equal(r.status, 2);
      assert.equal(r.stderr, `coroscope ps: process ${t.pid} is a Node.js program but not a coroscope one (no coroscope runtime loaded)\n`);
      assert.ok(yield portClosed(9229), 'the inspector ps opened is closed again');
      const before = ticks(t);
      yield delay(300);
      assert.ok(ticks(t) > before, 'the program goes on');
    } finally {
      yield stop(t);
    }
  }));

test('ps: the inspector port taken by another program: one line naming the port, exit 2, the target not signalled', (ctx) =>
  drive(function* () {
    const server: Server | null = yield listen(9229);
    if (!server) return void ctx.skip('port 9229 on 127.0.0.1 is in use by another program');
    const t: Target = yield start([cli, 'run', fixture('ps-target.ts')]);
    try {
      const r = coroscope(['ps', String(t.pid)]);
      assert.equal(r.status, 2);
      assert.equal(r.stderr, `coroscope ps: port 9229 on 127.0.0.1 is taken by process ${process.pid}, so process ${t.pid} cannot open its inspector there (free the port and try again)\n`);
      yield delay(200);
      assert.equal(t.err, '', 'the target got no signal: Node printed nothing about its inspector');
      const before = ticks(t);
      yield delay(200);
      assert.ok(ticks(t) > before, 'the program goes on');
    } finally {
      yield stop(t);
      yield new Promise((resolve) => server.close(resolve));
    }
  }));

const otherUser = ((): { uid: number; gid: number } | string => {
  if (process.getuid?.() !== 0) return 'needs root to run ps as another user (the test runs as an ordinary user)';
  const id = spawnSync('id', ['-u', 'nobody'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'nobody'], { encoding: 'utf8' });
  if (id.status !== 0) return 'no user `nobody` to run ps as';
  return { uid: Number(id.stdout), gid: Number(gid.stdout) };
})();

test('ps: another user’s program: one line, exit 2, the target not signalled', { skip: typeof otherUser === 'string' ? otherUser : false }, () =>
  drive(function* () {
    const user = otherUser as { uid: number; gid: number };
    const t: Target = yield start([cli, 'run', fixture('ps-target.ts')]);
    try {
      const r = coroscope(['ps', String(t.pid)], user);
      assert.equal(r.status, 2, r.stdout + r.stderr);
      assert.equal(r.stderr, `coroscope ps: process ${t.pid} belongs to another user: ps reads only your own programs\n`);
      yield delay(200);
      assert.equal(t.err, '', 'the target got no signal');
    } finally {
      yield stop(t);
    }
  }));

test('run --dump-on=SIGUSR2: the ps rows on stderr when the signal arrives, and the program goes on', (ctx) =>
  drive(function* () {
    const t: Target = yield start([cli, 'run', '--dump-on=SIGUSR2', fixture('ps-target.ts')]);
    try {
      process.kill(t.pid, 'SIGUSR2');
      for (let i = 0; i < 40 && !/member/.test(t.err); i++) yield delay(50);
      assert.match(t.err, new RegExp(`^coroscope: SIGUSR2: the tasks of process ${t.pid}\\nid\\s+name\\s+state\\s+at\\s+verdict\\s+await chain\\n`));
      assert.equal(t.err.trimEnd().split('\n').length, 9, t.err);
      assert.match(row(t.err, 'fan-out')!, /gather: 2 of 2 not done: Task-5/);
      const before = ticks(t);
      yield delay(200);
      assert.ok(ticks(t) > before, 'the program goes on');
      assert.equal(t.child.exitCode, null);
    } finally {
      yield stop(t);
    }
    const bad = coroscope(['run', '--dump-on=SIGUSR1', fixture('ps-target.ts')]);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /^coroscope: --dump-on: not SIGUSR1: Node opens its inspector on SIGUSR1 \(coroscope ps uses it\)\n/);
  }));

test('ps on a program whose inspector is already open (--inspect): read through it, and it stays open for the debugger', () =>
  drive(function* () {
    const t: Target = yield start([cli, 'run', '--inspect=127.0.0.1:0', fixture('ps-target.ts')]);
    try {
      const port = Number(/ws:\/\/127\.0\.0\.1:(\d+)\//.exec(t.err)?.[1]);
      assert.ok(port > 0, t.err);
      const r = coroscope(['ps', String(t.pid)]);
      assert.equal(r.status, 0, r.stderr);
      assert.match(row(r.stdout, 'fan-out')!, /gather: 2 of 2 not done: Task-5/);
      yield delay(300);
      assert.equal(yield portAnswers(port), true, 'the inspector the program opened itself is still open');
    } finally {
      yield stop(t);
    }
  }));
