// The launch configuration's options as the README and package.json promise them, observed from
// inside the debuggee (it prints its environment, cwd, execArgv and executable), plus the runtime
// chosen when no `node` is on PATH, maxThreads keeping recently woken tasks as threads, and
// attach's loopback-only `host`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, realpathSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { ADAPTER, ROOT, Session, drive, example, failure, type Stop } from './harness';

const LAUNCH_ENV = join(__dirname, 'fixtures', 'launch-env.ts');
const WAKE = join(__dirname, 'fixtures', 'wake-threads.ts');

interface Seen {
  FOO: string | null;
  HOME: string | null;
  cwd: string;
  execArgv: string[];
  argv0: string;
  execPath: string;
}

/** The line launch-env.ts printed, parsed. */
function seen(output: string): Seen {
  const m = /^launch-env (.*)$/m.exec(output);
  assert.ok(m, `launch-env.ts printed nothing:\n${output}`);
  return JSON.parse(m[1]!) as Seen;
}

/** Launches launch-env.ts with these options and returns what it printed once it ended. */
function launchAndRead(extra: Record<string, unknown>): Promise<Seen> {
  return drive(function* () {
    const s = new Session();
    yield s.start();
    try {
      yield s.launch(LAUNCH_ENV, {}, extra);
      yield s.waitFor('terminated');
      return seen(s.output);
    } finally {
      yield s.stop();
    }
  });
}

test('launch: env sets variables and null removes one; cwd and runtimeArgs reach the program', () =>
  drive(function* () {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), 'coroscope-cwd-')));
    assert.ok(process.env.HOME, 'the test needs HOME set in its own environment');
    const got: Seen = yield launchAndRead({ env: { FOO: 'bar', HOME: null }, cwd: dir, runtimeArgs: ['--max-old-space-size=123'] });
    assert.equal(got.FOO, 'bar');
    assert.equal(got.HOME, null, 'HOME: null removes the variable');
    assert.equal(got.cwd, dir);
    assert.ok(got.execArgv.includes('--max-old-space-size=123'), `execArgv: ${got.execArgv.join(' ')}`);
  }));

test('launch: without env the program inherits the environment, and its cwd defaults to the adapter\'s', () =>
  drive(function* () {
    const got: Seen = yield launchAndRead({});
    assert.equal(got.FOO, process.env.FOO ?? null);
    assert.equal(got.HOME, process.env.HOME ?? null);
    assert.equal(got.cwd, process.cwd());
    assert.ok(!got.execArgv.includes('--max-old-space-size=123'));
  }));

test('launch: runtimeExecutable runs the program (a symbolic link to node in a temporary directory)', { skip: process.platform === 'win32' && 'symlinks' }, () =>
  drive(function* () {
    const link = join(mkdtempSync(join(tmpdir(), 'coroscope-node-')), 'my-node');
    symlinkSync(process.execPath, link);
    const got: Seen = yield launchAndRead({ runtimeExecutable: link });
    assert.equal(got.argv0, link, 'the program was started through runtimeExecutable');

    const s = new Session();
    yield s.start();
    try {
      const message: string = yield failure(s.launch(LAUNCH_ENV, {}, { runtimeExecutable: join(tmpdir(), 'no-such-node') }));
      assert.match(message, /runtime executable '.*no-such-node' was not found/);
    } finally {
      yield s.stop();
    }
  }));

test('launch with no node on PATH runs the program with the adapter\'s own runtime', () =>
  drive(function* () {
    // The adapter itself is started by absolute path, with a PATH where no `node` is.
    const dc = new DebugClient(process.execPath, ADAPTER, 'coroscope', { env: { ...process.env, PATH: '/nonexistent' } });
    dc.defaultTimeout = 15_000;
    let output = '';
    dc.on('output', (e: DebugProtocol.OutputEvent) => (output += e.body.output));
    yield dc.start();
    try {
      yield dc.initializeRequest();
      const terminated = dc.waitForEvent('terminated');
      yield Promise.all([dc.waitForEvent('initialized').then(() => dc.configurationDoneRequest()), dc.launch({ program: LAUNCH_ENV } as DebugProtocol.LaunchRequestArguments)]);
      yield terminated;
      assert.equal(seen(output).execPath, process.execPath);
    } finally {
      yield dc.disconnectRequest({ terminateDebuggee: true }).catch(() => undefined);
      yield dc.stop();
    }
  }));

test('maxThreads: the task that stopped and a recently woken one are threads; long sleepers are not', () =>
  drive(function* () {
    const s = new Session();
    yield s.start();
    try {
      yield s.launch(WAKE, { [WAKE]: [{ line: 19 }] }, { maxThreads: 2 });
      const stop: Stop = yield s.stopped();
      const threads: DebugProtocol.Thread[] = yield s.threads();
      const names = threads.map((t) => t.name);
      assert.equal(threads.length, 3, `the event loop and two tasks: ${names.join(' | ')}`);
      assert.equal(threads.find((t) => t.id === stop.threadId)?.name.split(' ')[0], 'late', names.join(' | '));
      assert.ok(names.some((n) => n.startsWith('early ')), `the recently woken task is a thread: ${names.join(' | ')}`);
      assert.ok(!names.some((n) => n.startsWith('sleeper-')), names.join(' | '));
    } finally {
      yield s.stop();
    }
  }));

test('attach: host 127.0.0.1 attaches to a running program; a non-loopback host is refused by name', () =>
  drive(function* () {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'coroscope.js'), 'run', '--inspect=127.0.0.1:0', example('stuck-future.ts')], { stdio: ['ignore', 'pipe', 'pipe'] });
    const s = new Session();
    try {
      const port: number = yield new Promise<number>((resolve, reject) => {
        let err = '';
        let out = '';
        const timer = setTimeout(() => reject(new Error(`the program did not start: ${err} ${out}`)), 20_000);
        const check = () => {
          const m = /ws:\/\/127\.0\.0\.1:(\d+)\//.exec(err);
          if (m && out.includes('main: started')) {
            clearTimeout(timer);
            resolve(Number(m[1]));
          }
        };
        child.stderr!.on('data', (d: Buffer) => ((err += d), check()));
        child.stdout!.on('data', (d: Buffer) => ((out += d), check()));
      });
      yield s.start();
      yield s.dc.initializeRequest();
      const remote: string = yield failure(s.dc.attachRequest({ port, host: '192.0.2.1' } as DebugProtocol.AttachRequestArguments));
      assert.equal(remote, "attach: only loopback hosts are supported (got '192.0.2.1')");
      yield Promise.all([s.dc.waitForEvent('initialized').then(() => s.dc.configurationDoneRequest()), s.dc.attachRequest({ port, host: '127.0.0.1' } as DebugProtocol.AttachRequestArguments)]);
      yield s.dc.pauseRequest({ threadId: 1 });
      const stop: Stop = yield s.stopped();
      assert.equal(stop.reason, 'pause');
      const threads: DebugProtocol.Thread[] = yield s.threads();
      assert.ok(threads.some((t) => t.name.startsWith('Task-1 ')), threads.map((t) => t.name).join(' | '));
    } finally {
      yield s.stop();
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }));
