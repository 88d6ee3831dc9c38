// Ctrl-C as a user presses it: SIGINT sent to a program run through the CLI. The first cancels the
// main task (its finally blocks run, KeyboardInterrupt, exit code 130); a second ends the process
// even while a task spins in synchronous code and JavaScript never comes back to the loop.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const cli = join(__dirname, '..', '..', 'bin', 'coroscope.js');
/** How long a test waits for the process to end before killing it (a hang is the failure). */
const BOUND_MS = 5000;

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** True when the process was still alive at the test's bound and had to be killed. */
  hung: boolean;
}

/**
 * Runs a program through the CLI and sends SIGINT once per entry of `signalAfter`, in order: each
 * `delayMs` after its text appears in stdout and after the previous SIGINT. Resolves when it ends, or kills it BOUND_MS after the last SIGINT.
 */
function interrupt(source: string, signalAfter: string[], options: { delayMs?: number; env?: Record<string, string> } = {}): Promise<Ended> {
  const file = join(mkdtempSync(join(tmpdir(), 'coroscope-sigint-')), 'prog.ts');
  writeFileSync(file, source);
  const child = spawn(process.execPath, [cli, 'run', file], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } });
  let stdout = '';
  let stderr = '';
  let hung = false;
  let next = 0;
  let bound: NodeJS.Timeout | undefined;
  const startBound = () => {
    clearTimeout(bound);
    bound = setTimeout(() => {
      hung = true;
      child.kill('SIGKILL');
    }, BOUND_MS);
  };
  // One SIGINT at a time: two sent together would merge into one pending signal.
  let sending = false;
  const sendDue = () => {
    if (sending || next >= signalAfter.length || !stdout.includes(signalAfter[next]!)) return;
    sending = true;
    next += 1;
    setTimeout(() => {
      child.kill('SIGINT');
      startBound();
      sending = false;
      sendDue();
    }, options.delayMs ?? 300);
  };
  child.stdout!.on('data', (d) => {
    stdout += d;
    sendDue();
  });
  child.stderr!.on('data', (d) => (stderr += d));
  const never = setTimeout(() => child.kill('SIGKILL'), 30_000); // the program never printed its cue
  return new Promise((resolve) =>
    child.on('close', (code, signal) => {
      clearTimeout(bound);
      clearTimeout(never);
      resolve({ code, signal, stdout, stderr, hung });
    }),
  );
}

describe('Ctrl-C', { timeout: 40_000 }, () => {
  it('the first cancels the main task: its finally runs, KeyboardInterrupt, exit code 130', () =>
    interrupt(
      `
      import { run, sleep } from 'coroscope';
      async function main() {
        console.log('ready');
        try {
          await sleep(30);
        } finally {
          console.log('main cleaned up');
        }
      }
      run(main());
    `,
      ['ready'],
    ).then((r) => {
      assert.equal(r.hung, false, 'the program ignored Ctrl-C');
      assert.equal(r.code, 130, r.stderr);
      assert.match(r.stdout, /main cleaned up/);
      assert.match(r.stderr, /KeyboardInterrupt/);
    }));

  const spinning = process.platform === 'linux' && (process.arch === 'x64' || process.arch === 'arm64');
  it('a second ends a program whose task spins in synchronous code (killed by SIGINT, shell status 130)', { skip: !spinning && 'the one-shot SIGINT handler is Linux-only (x64, arm64)' }, () =>
    interrupt(
      `
      import { run, sleep, createTask } from 'coroscope';
      async function spin() {
        await sleep(0.01);
        console.log('spinning');
        for (;;) {}
      }
      async function main() {
        await createTask(spin(), { name: 'spinner' });
      }
      run(main());
    `,
      ['spinning', 'spinning'],
    ).then((r) => {
      assert.equal(r.hung, false, `two Ctrl-C did not end a spinning program within ${BOUND_MS} ms`);
      assert.equal(r.signal, 'SIGINT', `ended with code ${r.code}: ${r.stderr}`);
    }));

  it('a second while main still awaits in its finally ends the process at once', () =>
    interrupt(
      `
      import { run, sleep } from 'coroscope';
      async function main() {
        console.log('ready');
        try {
          await sleep(30);
        } finally {
          console.log('cleaning up');
          await sleep(10);
          console.log('cleanup finished');
        }
      }
      run(main());
    `,
      ['ready', 'cleaning up'],
    ).then((r) => {
      assert.equal(r.hung, false, 'the second Ctrl-C did not end the program');
      assert.ok(r.signal === 'SIGINT' || r.code === 130, `ended with ${r.signal ?? `code ${r.code}`}`);
      assert.match(r.stdout, /cleaning up/);
      assert.doesNotMatch(r.stdout, /cleanup finished/);
    }));

  it("after run() returns, the program's own SIGINT listener hears every Ctrl-C again", () =>
    interrupt(
      `
      import { run } from 'coroscope';
      let heard = 0;
      process.on('SIGINT', () => {
        heard += 1;
        console.log('heard ' + heard);
        if (heard === 3) process.exit(0);
      });
      async function main() {}
      run(main()).then(() => {
        console.log('run returned');
        setInterval(() => {}, 1000);
      });
    `,
      ['run returned', 'heard 1', 'heard 2'],
    ).then((r) => {
      assert.equal(r.hung, false, 'the program did not end');
      assert.equal(r.code, 0, `ended with ${r.signal ?? `code ${r.code}`}: ${r.stderr}`);
      assert.match(r.stdout, /heard 3/);
    }));

  it("after run() was interrupted, the program's own SIGINT listener hears every Ctrl-C again", () =>
    interrupt(
      `
      import { run, sleep } from 'coroscope';
      let heard = 0;
      process.on('SIGINT', () => {
        heard += 1;
        console.log('heard ' + heard);
        if (heard === 3) process.exit(0);
      });
      async function main() {
        console.log('ready');
        await sleep(30);
      }
      run(main()).catch((err) => {
        console.log('run ended: ' + err.name);
        setInterval(() => {}, 1000);
      });
    `,
      ['ready', 'run ended', 'heard 2'],
    ).then((r) => {
      assert.equal(r.hung, false, 'the program did not end');
      assert.equal(r.code, 0, `ended with ${r.signal ?? `code ${r.code}`}: ${r.stderr}`);
      assert.match(r.stdout, /run ended: KeyboardInterrupt/);
      assert.match(r.stdout, /heard 3/);
    }));
});
