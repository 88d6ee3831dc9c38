// Node's loop as one more fd in our selector: native promises and Node APIs inside tasks, an idle
// loop that sleeps, Ctrl-C while the loop waits in its selector, the self-pipe. Whole programs run
// through the CLI in a child process where the process itself is what is observed.
//
// These tests check behaviour, never speed: spinning shows as iterations that did not wait, a wait
// that should have ended early as a task still pending. Time and CPU figures (how late a timer
// resumes, CPU while idle) are measured by `npm run bench:host` (scripts/bench-host.mjs).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { promises as dns } from 'node:dns';
import { mkdtempSync, promises as fsp, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createServer, type AddressInfo } from 'node:net';
import { createTask, getRunningLoop, sleep, socket } from 'coroscope';
import { SELECTORS, runOn } from './helpers';

const cli = join(__dirname, '..', '..', 'bin', 'coroscope.js');

function writeProgram(source: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'coroscope-host-')), 'prog.ts');
  writeFileSync(file, source);
  return file;
}

function runProgram(source: string, args: string[] = [], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [cli, 'run', ...args, writeProgram(source)], {
    encoding: 'utf8',
    timeout: 20000,
    env: { ...process.env, ...env },
  });
}

for (const kind of SELECTORS) {
  describe(`Node as the host, on ${kind}`, { timeout: 20000 }, () => {
    it('resumes a task awaiting a setTimeout promise, not before it fires, without spinning', () =>
      runOn(kind, async () => {
        const loop = getRunningLoop();
        const t0 = loop.time();
        const before = loop.wakeups;
        await new Promise((resolve) => setTimeout(resolve, 200));
        const waited = loop.time() - t0;
        const after = loop.wakeups;
        const counts = `${after.noWait - before.noWait} without waiting, ${after.byFd - before.byFd} woken by fds, ${after.byTimeout - before.byTimeout} by timeouts`;
        // Never early (libuv's millisecond clock may round the 200 ms down a little); how late is a
        // figure for bench:host, not an assertion.
        assert.ok(waited >= 0.195, `waited ${waited}s`);
        // Spinning is iterations that do not wait. Waits ended by an fd are Node's own work: libuv's
        // backend fd is readable whenever Node has some (under the test runner, V8's garbage
        // collector posts tasks to it hundreds of times while a cold start's heap settles).
        assert.ok(after.noWait - before.noWait < 10, `iterations: ${counts}`);
      }));

    it('runs fs.promises and dns.promises inside tasks', () =>
      runOn(kind, async () => {
        const text = await fsp.readFile(__filename, 'utf8');
        assert.match(text, /runs fs\.promises and dns\.promises/);
        const { address } = await dns.lookup('localhost');
        assert.ok(address === '127.0.0.1' || address === '::1', address);
      }));

    it('runs Node callbacks (a setInterval) while tasks sleep on our timers', () =>
      runOn(kind, async () => {
        const loop = getRunningLoop();
        let ticks = 0;
        const interval = setInterval(() => (ticks += 1), 20);
        // Node's callbacks run only while our loop waits in its selector (the task sleeps on our
        // timers the whole time): five ticks show it gives Node turns again and again. The deadline
        // only keeps a broken host from hanging the test.
        const deadline = loop.time() + 20;
        try {
          while (ticks < 5 && loop.time() < deadline) await sleep(0.05);
        } finally {
          clearInterval(interval);
        }
        assert.ok(ticks >= 5, `${ticks} ticks of a 20 ms setInterval while a task slept for 20 s`);
      }));

    it('serves a Node net server started inside a task while the loop waits on its own sockets', () =>
      runOn(kind, async () => {
        const loop = getRunningLoop();
        // A listen() made from inside our loop is in libuv's epoll set only after libuv polls once;
        // the host must notice (its pending-watcher queue) and give it that turn before we block.
        const server = createServer((conn) => conn.pipe(conn));
        server.listen(0); // no host: bound synchronously (a host name would go through dns first)
        const { port } = server.address() as AddressInfo;
        const c = socket.socket();
        c.setblocking(false);
        await loop.sockConnect(c, ['127.0.0.1', port]);
        await loop.sockSendall(c, Buffer.from('through node'));
        let echoed = '';
        while (echoed.length < 12) echoed += (await loop.sockRecv(c, 100)).toString();
        assert.equal(echoed, 'through node');
        c.close();
        await new Promise((resolve) => server.close(resolve));
      }));

    it('registers the self-pipe while running; callSoonThreadsafe from a Node callback runs without waiting out the loop timer', () =>
      runOn(kind, async () => {
        const loop = getRunningLoop();
        assert.ok(loop.selector.getMap().size >= 2, 'the libuv backend fd and the wake-up fd are registered');
        const fut = loop.createFuture<string>();
        setTimeout(() => loop.callSoonThreadsafe(() => fut.setResult('woken')), 30);
        const sleeper = createTask(sleep(10));
        assert.equal(await fut, 'woken');
        // Woken by the callback, not by the loop's next timer (the 10 s sleep): that is still pending.
        assert.equal(sleeper.done(), false, 'the loop waited out its own 10 s timer before running the callback');
        sleeper.cancel();
      }));
  });
}

describe('whole programs', { timeout: 60000 }, () => {
  it('an idle program (await sleep(1)) waits once instead of spinning', () => {
    // Its CPU use is a bench:host figure; here, the loop's own counts.
    const r = runProgram(`
      import { run, sleep, getRunningLoop } from 'coroscope';
      async function main() {
        await sleep(1);
        const loop = getRunningLoop();
        console.log(JSON.stringify({ iterations: loop.iteration, wakeups: loop.wakeups }));
      }
      run(main());
    `);
    assert.equal(r.status, 0, r.stderr);
    const { iterations, wakeups } = JSON.parse(r.stdout.trim().split('\n').pop()!);
    assert.ok(iterations < 20, `${iterations} loop iterations (wake-ups: ${JSON.stringify(wakeups)})`);
    // One wait, ended by its timeout (two if the kernel's timer slack ends it a hair early); the
    // few iterations around it that do not wait run ready callbacks.
    assert.ok(wakeups.byTimeout >= 1 && wakeups.byTimeout <= 2 && wakeups.noWait <= 5, JSON.stringify(wakeups));
  });

  it('Ctrl-C while the loop sleeps in its selector cancels the main task (KeyboardInterrupt)', async () => {
    const file = writeProgram(`
      import { run, sleep } from 'coroscope';
      async function main() {
        console.log('ready');
        try {
          await sleep(30);
        } finally {
          console.log('main cancelled');
        }
      }
      run(main());
    `);
    const child = spawn(process.execPath, [cli, 'run', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const status = await new Promise<number | null>((resolve) => {
      child.stdout.on('data', (d) => {
        out += d;
        if (out.includes('ready')) setTimeout(() => child.kill('SIGINT'), 200);
      });
      child.on('exit', (code) => resolve(code));
    });
    assert.match(out, /main cancelled/);
    assert.match(err, /KeyboardInterrupt/);
    // Cancelled: the 30 s sleep did not end on its own (that would exit 0 without KeyboardInterrupt).
    assert.notEqual(status, 0);
  });

  it('honours --selector and COROSCOPE_SELECTOR, and refuses an unknown one clearly', () => {
    const source = `
      import { run, getRunningLoop } from 'coroscope';
      async function main() { console.log(getRunningLoop().selector.kind); }
      run(main());
    `;
    for (const kind of SELECTORS) {
      const viaFlag = runProgram(source, ['--selector', kind]);
      assert.equal(viaFlag.stdout.trim(), kind, viaFlag.stderr);
      const viaEnv = runProgram(source, [], { COROSCOPE_SELECTOR: kind });
      assert.equal(viaEnv.stdout.trim(), kind, viaEnv.stderr);
    }
    const bad = runProgram(source, [], { COROSCOPE_SELECTOR: 'kqeue' });
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /unknown selector 'kqeue'.*select, poll, epoll/);
  });

  it('writing to a closed peer raises BrokenPipeError even where SIGPIPE would kill the process', () => {
    // Node ignores SIGPIPE; this program restores the default action first, so only MSG_NOSIGNAL
    // stands between a write to a dead peer and the process's death.
    const r = runProgram(`
      import { run, getRunningLoop, socket, BrokenPipeError } from 'coroscope';
      import * as koffi from 'koffi';
      koffi.load('libc.so.6').func('void *signal(int sig, void *handler)')(13, null);
      async function main() {
        const loop = getRunningLoop();
        const [a, b] = socket.socketpair();
        a.setblocking(false);
        b.close();
        try {
          await loop.sockSendall(a, Buffer.from('to nobody'));
          console.log('sent?!');
        } catch (err) {
          console.log(err instanceof BrokenPipeError ? 'BrokenPipeError ' + (err as BrokenPipeError).code : String(err));
        }
        a.close();
        console.log('alive');
      }
      run(main());
    `, [], { NODE_PATH: join(__dirname, '..', '..', 'node_modules') });
    assert.equal(r.signal, null, `killed by ${r.signal}`);
    assert.equal(r.stdout.trim(), 'BrokenPipeError EPIPE\nalive', r.stderr);
  });
});
