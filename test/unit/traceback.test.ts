// What the CLI prints for an uncaught error: the traceback through the await chain in the
// program's TypeScript lines, whether the error came before the first await or after one, and for
// each sub-exception of an ExceptionGroup.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const cli = join(__dirname, '..', '..', 'bin', 'coroscope.js');

function runProgram(source: string): { status: number | null; stderr: string } {
  const file = join(mkdtempSync(join(tmpdir(), 'coroscope-traceback-')), 'prog.ts');
  writeFileSync(file, source);
  const r = spawnSync(process.execPath, [cli, 'run', file], { encoding: 'utf8', timeout: 20000 });
  return { status: r.status, stderr: r.stderr };
}

const HEADER = 'Traceback (most recent call last, through the await chain):';

test('CLI: an error before main\'s first await prints the traceback, as one after an await does', () => {
  const direct = runProgram(`import { run } from 'coroscope';
async function main() {
  throw new Error('x');
}
run(main());
`);
  assert.equal(direct.status, 1, direct.stderr);
  assert.match(direct.stderr, new RegExp(`^${HEADER.replace(/[()]/g, '\\$&')}\n  File ".*prog\\.ts", line 3, in main\n    throw new Error\\('x'\\);\nError: x\n    at main \\(.*prog\\.ts:3:9\\)\n$`));

  const viaHelper = (beforeThrow: string) =>
    runProgram(`import { run, sleep } from 'coroscope';
function helper(): number {
  throw new Error('from helper');
}
async function main() {
  ${beforeThrow}
  helper();
}
run(main());
`);
  const before = viaHelper('// nothing awaited yet');
  const after = viaHelper('await sleep(0);');
  for (const r of [before, after]) {
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /File ".*prog\.ts", line 7, in main\n    helper\(\);\nError: from helper\n    at helper \(.*prog\.ts:3:9\)\n    at main \(.*prog\.ts:7:3\)/);
    assert.doesNotMatch(r.stderr, /dist[\\/]runtime|node:internal|runtime[\\/]task/);
  }
  const shape = (stderr: string) => stderr.replace(/\/[^\s"()]*prog\.ts/g, 'prog.ts');
  assert.equal(shape(before.stderr), shape(after.stderr), 'the same shape before and after the first await');
});

test('CLI: an ExceptionGroup prints each sub-exception\'s whole await chain', () => {
  const r = runProgram(`import { run, Event, TaskGroup } from 'coroscope';
const go = new Event();
async function deep2() {
  await go.wait();
  throw new Error('deep');
}
async function deep1() {
  await deep2();
}
async function childA() {
  await deep1();
}
async function shallow() {
  await go.wait();
  throw new TypeError('shallow');
}
async function childB() {
  await shallow();
}
async function main() {
  await new TaskGroup().run(async (tg) => {
    tg.createTask(childA());
    tg.createTask(childB());
    go.set();
  });
}
run(main());
`);
  assert.equal(r.status, 1, r.stderr);
  const expected = [
    HEADER,
    /  File ".*prog\.ts", line 21, in main/,
    /    await new TaskGroup\(\)\.run/,
    'ExceptionGroup: unhandled errors in a TaskGroup',
    '  +---------------- 1 ----------------',
    `  | ${HEADER}`,
    /  \|   File ".*prog\.ts", line 11, in childA/,
    '  |     await deep1();',
    /  \|   File ".*prog\.ts", line 8, in deep1/,
    '  |     await deep2();',
    /  \|   File ".*prog\.ts", line 5, in deep2/,
    "  |     throw new Error('deep');",
    '  | Error: deep',
    /  \|     at deep2 \(.*prog\.ts:5:9\)/,
    '  +---------------- 2 ----------------',
    `  | ${HEADER}`,
    /  \|   File ".*prog\.ts", line 18, in childB/,
    '  |     await shallow();',
    /  \|   File ".*prog\.ts", line 15, in shallow/,
    "  |     throw new TypeError('shallow');",
    '  | TypeError: shallow',
    /  \|     at shallow \(.*prog\.ts:15:9\)/,
  ];
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, expected.length, r.stderr);
  expected.forEach((want, i) => {
    if (typeof want === 'string') assert.equal(lines[i], want, r.stderr);
    else assert.match(lines[i]!, want, r.stderr);
  });
});
