// Attaching to a program started with `coroscope run --inspect`: the adapter finds the inspector on
// the loopback port, pauses the running program, shows its tasks, and detaches leaving it running;
// a second attach with terminateDebuggee ends it. The program prints a numbered tick every 50 ms:
// after a detach, new ticks show it runs on (alive is not enough: a paused or wedged one is alive).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { ROOT, Session, drive, type Stop } from './harness';

/** A program running under `coroscope run --inspect`, with its stdout so far. */
interface Inspected {
  child: ChildProcess;
  port: number;
  stdout: () => string;
}

/** The number of the last `tick N` line in the program's output (0 before the first). */
function lastTick(out: string): number {
  const ticks = [...out.matchAll(/^tick (\d+)$/gm)];
  return ticks.length === 0 ? 0 : Number(ticks[ticks.length - 1]![1]);
}

/** Resolves once a tick after `after` is printed; rejects after `ms` (a generous bound against a hang, not a speed check). */
function nextTick(p: Inspected, after: number, ms = 10_000): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      clearInterval(poll);
      reject(new Error(`no tick after 'tick ${after}' within ${ms} ms: the program does not make progress (its output ends: ${JSON.stringify(p.stdout().slice(-80))})`));
    }, ms);
    const poll = setInterval(() => {
      const n = lastTick(p.stdout());
      if (n > after) {
        clearTimeout(timer);
        clearInterval(poll);
        resolve(n);
      }
    }, 20);
  });
}

function startInspected(program: string): Promise<Inspected> {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'coroscope.js'), 'run', '--inspect=127.0.0.1:0', program], { stdio: ['ignore', 'pipe', 'pipe'] });
  // Ready when the inspector listens and the program's main task has started (printing
  // 'main: started'): a cold compile cache can make loading take a while on a busy machine.
  return new Promise((resolve, reject) => {
    let err = '';
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the program did not start: ${err} ${out}`)), 20_000);
    const check = () => {
      const m = /ws:\/\/127\.0\.0\.1:(\d+)\//.exec(err);
      if (m && out.includes('main: started')) {
        clearTimeout(timer);
        resolve({ child, port: Number(m[1]), stdout: () => out });
      }
    };
    child.stderr!.on('data', (d: Buffer) => {
      err += d;
      check();
    });
    child.stdout!.on('data', (d: Buffer) => {
      out += d;
      check();
    });
  });
}

function attach(s: Session, port: number): Promise<unknown> {
  return Promise.all([s.dc.waitForEvent('initialized').then(() => s.dc.configurationDoneRequest()), s.dc.attachRequest({ port } as DebugProtocol.AttachRequestArguments)]);
}

test('attach by port, pause, see the tasks, detach, attach again and terminate', () =>
  drive(function* () {
    const inspected: Inspected = yield startInspected(join(ROOT, 'test', 'dap', 'fixtures', 'attach-ticker.ts'));
    const { child, port } = inspected;
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code: number | null) => resolve(code)));
    const s = new Session();
    let again: Session | undefined;
    const live = new Set<Session>([s]);
    try {
      yield s.start();
      yield s.dc.initializeRequest();
      yield attach(s, port);
      yield s.dc.pauseRequest({ threadId: 1 });
      const stop: Stop = yield s.stopped();
      assert.equal(stop.reason, 'pause');
      const threads: DebugProtocol.Thread[] = yield s.threads();
      assert.ok(threads.some((t) => t.name === 'Task-1 ⏸ gather(1) · main()'), threads.map((t) => t.name).join(' | '));
      assert.ok(threads.some((t) => t.name.startsWith('ticker ')), threads.map((t) => t.name).join(' | '));
      yield s.dc.disconnectRequest({});
      const atDetach = lastTick(inspected.stdout());
      yield s.dc.stop();
      live.delete(s);
      assert.equal(child.exitCode, null, 'detaching leaves the program alive');
      // ...and running: it goes on printing ticks after the detach.
      const later: number = yield nextTick(inspected, atDetach);
      assert.ok(later > atDetach);

      again = new Session();
      live.add(again);
      yield again.start();
      yield again.dc.initializeRequest();
      yield attach(again, port);
      yield again.dc.disconnectRequest({ terminateDebuggee: true });
      yield again.dc.stop();
      live.delete(again);
      // Ended as Ctrl-C ends it (its main task cancelled), not killed.
      assert.equal(yield exited, 130);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      // A failed assertion must not leave an adapter process behind (it would keep this file alive).
      yield Promise.allSettled([...live].map((x) => x.dc.stop()));
    }
  }));

test('attach to a port where nothing listens is an error response', () =>
  drive(function* () {
    const s = new Session();
    yield s.start();
    try {
      yield s.dc.initializeRequest();
      const message: string = yield s.dc.attachRequest({ port: 1 } as DebugProtocol.AttachRequestArguments).then(
        () => 'succeeded',
        (e: Error) => e.message,
      );
      assert.match(message, /cannot reach an inspector at 127\.0\.0\.1:1/);
    } finally {
      yield s.stop();
    }
  }));
