// The language server's checks, run on real snippets through the TypeScript compiler API with
// 'coroscope' resolved to this checkout's runtime (the same types a user's editor gets).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeAwaitAt } from '../../extension/server/await-info';
import { Project, sourceCheckoutEntry } from '../../extension/server/project';
import { analyze } from '../../extension/server/analysis';
import { applyFix, at, check } from './snippets';

const root = join(__dirname, '..', '..');
const project = new Project({ coroscopeEntry: sourceCheckoutEntry(root) });

test('a coroutine called and dropped inside an async function is reported, with both fixes', () => {
  const { findings, text } = check(`import { sleep } from 'coroscope';
async function fetchPage(url: string): Promise<string> { await sleep(0.1); return url; }
async function main() {
  fetchPage('a');
}
`);
  assert.equal(findings.length, 1);
  const [f] = findings;
  assert.equal(f!.check, 'unawaited-coroutine');
  assert.equal(at(text, f!), "fetchPage('a')");
  assert.match(f!.message, /fetchPage\(\) makes a coroutine that never runs/);
  assert.deepEqual(f!.fixes.map((x) => x.title), ["Add 'await' (run fetchPage() on this task)", 'Wrap in createTask(...) (run fetchPage() as a new task)']);
  assert.match(applyFix(text, f!.fixes[0]!.edits), /\n {2}await fetchPage\('a'\);\n/);
  const wrapped = applyFix(text, f!.fixes[1]!.edits);
  assert.match(wrapped, /^import \{ sleep, createTask \} from 'coroscope';/);
  assert.match(wrapped, /\n {2}createTask\(fetchPage\('a'\)\);\n/);
});

test('sleep() dropped is a coroutine that never runs; a top-level main() gets the run(...) fix', () => {
  const { findings, text } = check(`import { sleep } from 'coroscope';
async function main() { sleep(1); }
main();
`);
  assert.deepEqual(findings.map((f) => [f.check, at(text, f)]), [['unawaited-coroutine', 'sleep(1)'], ['unawaited-coroutine', 'main()']]);
  const top = findings[1]!;
  assert.equal(top.fixes.length, 1);
  assert.match(applyFix(text, top.fixes[0]!.edits), /^import \{ sleep, run \} from 'coroscope';[^]*\nrun\(main\(\)\);\n$/);
});

test('awaited, scheduled, explicitly discarded coroutines and native promises are not reported', () => {
  const { findings } = check(`import { createTask, gather, run, sleep } from 'coroscope';
import { writeFile } from 'node:fs/promises';
async function work() { await sleep(0); }
async function main() {
  await work();
  createTask(work());
  const t = createTask(work(), { name: 'w' });
  void work();
  gather(work(), work());
  writeFile('/dev/null', 'x');
  Promise.resolve(1);
  await t;
}
run(main());
`);
  assert.deepEqual(findings, []);
});

test('blocking calls inside async functions are reported; the same calls outside are not', () => {
  const { findings, text } = check(`import * as fs from 'node:fs';
import { execSync } from 'child_process';
const cp = require('child_process');
function setup() { return fs.readFileSync('/etc/hostname', 'utf8'); }
async function handler(buf: Int32Array) {
  const cfg = fs.readFileSync('/etc/hostname', 'utf8');
  execSync('true');
  cp.spawnSync('true');
  Atomics.wait(buf, 0, 0);
  await fs.promises.readFile('/etc/hostname');
  return cfg;
}
`);
  assert.deepEqual(findings.map((f) => [f.check, at(text, f)]), [
    ['blocking-call', "fs.readFileSync('/etc/hostname', 'utf8')"],
    ['blocking-call', "execSync('true')"],
    ['blocking-call', "cp.spawnSync('true')"],
    ['blocking-call', 'Atomics.wait(buf, 0, 0)'],
  ]);
  assert.match(findings[0]!.message, /fs\.readFileSync\(\) blocks the thread: while it runs, every task and the event loop stand still\. Use the promise form/);
  assert.match(findings[3]!.message, /Await a Future or an Event instead/);
});

test('a while(true) that never awaits or exits, and one that spins on the clock, are warnings; awaiting loops are fine', () => {
  const { findings, text } = check(`import { sleep } from 'coroscope';
let n = 0;
async function spin() {
  while (true) { n++; }
}
async function busyWait(deadline: number) {
  for (;;) { if (performance.now() > deadline) break; for (;;) { break; } }
}
async function ticker() {
  while (true) { await sleep(0.25); n++; }
}
async function drain(items: number[]) {
  while (items.length > 0) items.pop();
  do { n++; } while (n < 3);
}
function notAsync() { while (true) { if (n++ > 3) return; } }
`);
  assert.deepEqual(findings.map((f) => [f.check, f.severity, at(text, f)]), [
    ['busy-loop', 'warning', 'while'],
    ['busy-loop', 'warning', 'for'],
  ]);
  assert.match(findings[0]!.message, /never awaits and never exits: it freezes every task/);
  assert.match(findings[1]!.message, /waits for time to pass without awaiting \(performance\.now\(\) > deadline\)/);
});

test("awaiting something that is not awaitable is an error; unknown types are given the benefit of the doubt", () => {
  const { findings, text } = check(`import { sleep, Future } from 'coroscope';
declare function ready(): void;
async function main(x: any, p: Promise<number> | undefined, f: Future<string>, g: Generator<unknown, number, unknown>) {
  await 5;
  await ready;
  await sleep;
  await x;
  await p;
  await f;
  await g;
  await sleep(1);
}
`);
  assert.deepEqual(findings.map((f) => [f.check, f.severity, at(text, f)]), [
    ['not-awaitable', 'error', '5'],
    ['not-awaitable', 'error', 'ready'],
    ['not-awaitable', 'error', 'sleep'],
  ]);
  assert.match(findings[0]!.message, /'await' on a number: a task can only await a coroutine, a Task, a Future or a promise, so this raises TypeError/);
  assert.match(findings[1]!.message, /Did you mean to call it: ready\(\.\.\.\)\?/);
  assert.equal(applyFix(text, findings[1]!.fixes[0]!.edits).includes('await ready();'), true);
  assert.deepEqual(findings[2]!.fixes.map((f) => [f.title, f.preferred]), [['Call it: sleep(…) (then give its arguments)', false], ["Remove 'await'", undefined]]);
});

test('the static hover on await says what is awaited, its type and what the task does there', () => {
  const text = `import { createTask, gather, sleep, Event, Queue } from 'coroscope';
async function fetchOne(id: number): Promise<number> { await sleep(0.5); return id; }
async function main(ev: Event, q: Queue<string>) {
  const t = createTask(fetchOne(1));
  const n = await fetchOne(2);
  const all = await gather(fetchOne(3), fetchOne(4));
  await ev.wait();
  const item = await q.get();
  return (await t) + n + all.length + item.length;
}
`;
  const path = join(root, 'test', 'extension', '__hover.ts');
  project.set(path, text);
  const program = project.program();
  const file = project.sourceFile(path)!;
  const hover = (needle: string) => describeAwaitAt(program, file, text.indexOf(needle) + 2);

  const s = hover('await sleep(0.5)')!;
  assert.equal(s.awaited, 'sleep(0.5)');
  assert.equal(s.type, 'Coroutine<void>');
  assert.equal(s.resultType, 'void');
  assert.equal(s.explanation, 'The task suspends until a timer fires 0.5 s from now; other tasks run meanwhile.');

  const c = hover('await fetchOne(2)')!;
  assert.equal(c.type, 'Promise<number>');
  assert.equal(c.resultType, 'number');
  assert.match(c.explanation, /^fetchOne\(\) runs on this same task/);

  assert.match(hover('await gather')!.explanation, /until all 2 awaitables finish/);
  assert.equal(hover('await ev.wait()')!.explanation, 'The task suspends until another task sets the event.');
  assert.equal(hover('await q.get()')!.explanation, 'The task suspends until another task puts an item in the queue.');
  assert.equal(hover('await t)')!.explanation, 'The task suspends until that task finishes, then takes its result (or its exception).');
  assert.equal(hover('await t)')!.resultType, 'number');
  assert.equal(describeAwaitAt(program, file, text.indexOf('fetchOne(2)')), undefined, 'not on an await keyword');
  project.close(path);
});

test('an .mts module of an ES module project: coroutines from NodeNext imports and tsconfig aliases are checked; the top-level await hover', () => {
  const path = join(root, 'test', 'fixtures', 'esm-project', 'src', '__probe.mts');
  const text = `import { sleep } from 'coroscope';\nimport { double } from '@lib/../util.js';\nimport { greet } from './greet.mjs';\ngreet('x');\ndouble(2);\nawait sleep(1);\n`;
  project.set(path, text);
  try {
    const file = project.sourceFile(path)!;
    const findings = analyze(project.program(), file, { runtimeDir: project.runtimeDir });
    assert.deepEqual(findings.map((f) => [f.check, at(text, f)]), [['unawaited-coroutine', "greet('x')"], ['unawaited-coroutine', 'double(2)']]);
    assert.match(findings[0]!.message, /or await it \(in an async function, or at the top level of a module\)/);
    const hover = describeAwaitAt(project.program(), file, text.indexOf('await sleep'), { runtimeDir: project.runtimeDir });
    assert.equal(hover?.explanation, 'The task suspends until a timer fires 1 s from now; other tasks run meanwhile.');
  } finally {
    project.close(path);
  }
});

test('a tsconfig.json that cannot be read (half-typed) leaves the other imports resolved and the file checked', () => {
  const dir = mkdtempSync(join(tmpdir(), 'coroscope-broken-tsconfig-'));
  writeFileSync(join(dir, 'tsconfig.json'), '{ "compilerOptions": { "paths": { "@lib/*": ["./lib/*"] ');
  writeFileSync(join(dir, 'lib.ts'), 'export async function work(): Promise<number> { return 1; }\n');
  const path = join(dir, 'prog.ts');
  const text = `import { work } from './lib';\nimport { thing } from '@lib/thing';\nwork();\n`;
  project.set(path, text);
  try {
    const file = project.sourceFile(path)!;
    const findings = analyze(project.program(), file, { runtimeDir: project.runtimeDir });
    assert.deepEqual(findings.map((f) => [f.check, at(text, f)]), [['unawaited-coroutine', 'work()']]);
  } finally {
    project.close(path);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an edited tsconfig.json: after configChanged() its new `paths` decide where an alias leads', () => {
  const dir = mkdtempSync(join(tmpdir(), 'coroscope-edited-tsconfig-'));
  const aliasTo = (folder: string) => writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { paths: { '@lib/*': [`./${folder}/*`] } } }));
  mkdirSync(join(dir, 'a'));
  mkdirSync(join(dir, 'b'));
  writeFileSync(join(dir, 'a', 'work.ts'), 'export async function work(): Promise<number> { return 1; }\n');
  writeFileSync(join(dir, 'b', 'work.ts'), 'export function work(): number { return 1; }\n');
  aliasTo('a');
  const path = join(dir, 'prog.ts');
  const text = `import { sleep } from 'coroscope';\nimport { work } from '@lib/work';\nasync function main() { work(); await sleep(0); }\nmain;\n`;
  const findings = () => analyze(project.program(), project.sourceFile(path)!, { runtimeDir: project.runtimeDir }).map((f) => [f.check, at(text, f)]);
  project.set(path, text);
  try {
    assert.deepEqual(findings(), [['unawaited-coroutine', 'work()']], 'a/work.ts: a coroutine function');
    aliasTo('b');
    project.configChanged();
    assert.deepEqual(findings(), [], 'b/work.ts: a plain function');
  } finally {
    project.close(path);
    rmSync(dir, { recursive: true, force: true });
  }
});
