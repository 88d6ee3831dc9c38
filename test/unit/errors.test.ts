// The runtime's error classes as a program sees them: asyncio's class hierarchy, the names people
// read in messages and in the debugger, CPython's messages with the runtime's advice kept apart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as coroscope from 'coroscope';
import { EOFError, IncompleteReadError, OSError, TimeoutError, errno } from 'coroscope';

const cli = join(__dirname, '..', '..', 'bin', 'coroscope.js');

/** Exports that are aliases of another class, by design (asyncio's DefaultSelector is one too). */
const ALIASES: Readonly<Record<string, string>> = { DefaultSelector: 'the best selector of the platform' };

test("every class and function exported by 'coroscope' keeps its own name (none renamed by the bundle)", () => {
  const renamed: string[] = [];
  let checked = 0;
  for (const [exported, value] of Object.entries(coroscope)) {
    if (typeof value !== 'function' || exported in ALIASES) continue;
    checked++;
    if (value.name !== exported) renamed.push(`${exported} is named '${value.name}'`);
  }
  assert.deepEqual(renamed, []);
  assert.ok(checked > 50, `checked ${checked} exports`);
  assert.equal(new OSError(5).constructor.name, 'OSError');
});

test('TimeoutError is an OSError, as Python\'s builtin; a deadline has null errno fields, ETIMEDOUT has them', () => {
  const deadline = new TimeoutError();
  assert.ok(deadline instanceof OSError);
  assert.ok(deadline instanceof Error);
  assert.equal(deadline.name, 'TimeoutError');
  assert.equal(deadline.message, '');
  assert.equal(deadline.errno, null);
  assert.equal(deadline.code, null);
  const caused = new TimeoutError('', { cause: 'x' });
  assert.equal(caused.cause, 'x');
  const os = OSError.fromErrno(errno.ETIMEDOUT, 'connect', '10.0.0.1:80');
  assert.ok(os instanceof TimeoutError && os instanceof OSError);
  assert.equal(os.code, 'ETIMEDOUT');
  assert.equal(os.message, `[Errno ${errno.ETIMEDOUT}] Connection timed out (connect 10.0.0.1:80)`);
  assert.equal(OSError.fromErrno(errno.ECONNRESET, 'recv') instanceof TimeoutError, false);
});

test('IncompleteReadError is an EOFError (exported), as asyncio\'s', () => {
  const err = new IncompleteReadError(new Uint8Array(2), 5);
  assert.ok(err instanceof EOFError);
  assert.ok(err instanceof Error);
  assert.equal(err.name, 'IncompleteReadError');
  assert.equal(new EOFError('x').name, 'EOFError');
});

function runProgram(source: string): { status: number | null; stdout: string; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'coroscope-errors-'));
  const file = join(dir, 'prog.ts');
  writeFileSync(file, source);
  const r = spawnSync(process.execPath, [cli, 'run', file], { encoding: 'utf8', timeout: 20000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The error line of a printed traceback and the line after it. */
function errorAndNext(stderr: string, errorLine: string): [string, string | undefined] {
  const lines = stderr.split('\n');
  const i = lines.indexOf(errorLine);
  assert.ok(i >= 0, `no line '${errorLine}' in:\n${stderr}`);
  return [lines[i]!, lines[i + 1]];
}

test("CLI: CPython's message stays the error's message; the runtime's advice is a 'hint:' line after it", () => {
  const cases: [string, string, RegExp][] = [
    [
      `import { getRunningLoop } from 'coroscope';\ngetRunningLoop();\n`,
      'RuntimeError: no running event loop',
      /^hint: call this from a coroutine or callback run by run\(\) or loop\.runForever\(\)$/,
    ],
    [
      `import { run } from 'coroscope';\nasync function compute() { return 1; }\nasync function main() {\n  const c = compute();\n  await c;\n  await c;\n}\nrun(main());\n`,
      'RuntimeError: cannot reuse already awaited coroutine',
      /^hint: coroutine 'compute' already ran/,
    ],
    [
      `import { EventLoop } from 'coroscope';\nconst loop = new EventLoop();\nloop.close();\nloop.callSoon(() => undefined);\n`,
      'RuntimeError: Event loop is closed',
      /^hint: loop\.callSoon\(\) called after loop\.close\(\)$/,
    ],
    [
      `import { run } from 'coroscope';\nasync function inner() {}\nasync function main() {\n  await run(inner());\n}\nrun(main());\n`,
      'RuntimeError: run() cannot be called from a running event loop',
      /^hint: await the coroutine, or use createTask\(\)$/,
    ],
  ];
  for (const [source, errorLine, hint] of cases) {
    const r = runProgram(source);
    assert.equal(r.status, 1, r.stderr);
    const [, next] = errorAndNext(r.stderr, errorLine);
    assert.match(next ?? '', hint, r.stderr);
  }
});
