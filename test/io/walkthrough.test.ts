// `npm start` runs examples/walkthrough.ts: the README's tour of coroutines, tasks, the ready queue,
// timers and the selector. Run as `npm start` runs it, with its key lines asserted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { uringUnavailable } from 'coroscope/sys/uring';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

test('npm start runs examples/walkthrough.ts', () => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  assert.match(pkg.scripts.start ?? '', /node bin\/coroscope\.js run examples\/walkthrough\.ts$/);
});

test('walkthrough.ts shows each step and exits 0', () => {
  const r = spawnSync(process.execPath, [join(root, 'bin', 'coroscope.js'), 'run', 'examples/walkthrough.ts'], { cwd: root, encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  const out = r.stdout.split('\n');
  const expected: RegExp[] = [
    /^1\. A coroutine object is a suspended computation driven by send\(\):$/,
    /^ {3}created <coroutine object greet at .*examples[\\/]walkthrough\.ts:\d+:\d+> in state CREATED$/,
    /^ {2}greet\(by hand\): started$/,
    /^ {3}send\(undefined\) ran it to its first await; it yielded <Future pending> \(state SUSPENDED\)$/,
    /^2\. A Task drives a coroutine on the loop/,
    // Not started yet: CPython's repr shows where the coroutine's function begins.
    /^ {3}<Task pending name='Task-2' coro=<greet\(\) running at \S+walkthrough\.ts:6>>$/,
    /^ {3}ready queue now holds 1 callback\(s\): the task's first step$/,
    /^ {2}greet\(task\): resumed with "hello, task"$/,
    /^ {3}the task finished with "hello, task"$/,
    /^3\. Timers live in a heap/,
    /^ {3}scheduled timers \(due in\): 0\.10 s, 0\.25 s; selector: \w+$/,
    /^ {2}fast tick 1 at t=/,
    /^ {2}fast tick 2 at t=/,
    /^ {2}slow tick 1 at t=/,
    /^ {2}fast tick 3 at t=/,
    /^4\. The last loop iteration: /,
    /^ {3}\d+ iterations in all, this one included: .* Done\.$/,
  ];
  // In this order: each expected line after the previous one.
  let at = 0;
  for (const re of expected) {
    const i = out.findIndex((l, k) => k >= at && re.test(l));
    assert.ok(i >= 0, `missing (after line ${at}) ${re}\n${r.stdout}`);
    at = i + 1;
  }
  // The counts of the last line add up to its total, as a reader will check.
  const m = /(\d+) iterations in all, this one included: (\d+) ran ready callbacks at once, (\d+) slept until a timer, (\d+) were woken by an fd/.exec(r.stdout);
  assert.ok(m, r.stdout);
  assert.equal(Number(m[2]) + Number(m[3]) + Number(m[4]), Number(m[1]), m[0]);
  const selector = process.platform === 'linux' ? (uringUnavailable() === null ? 'uring' : 'epoll') : process.platform === 'darwin' ? 'kqueue|poll' : 'select|poll';
  assert.match(r.stdout, new RegExp(`selector: (${selector})$`, 'm'));
});
