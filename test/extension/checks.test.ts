// The language server's checks on what a user writes: loops that compute vs. loops that wait,
// blocking calls in callbacks, a coroutine kept in a variable nobody runs, and each quick fix's edit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyFix, at, check } from './snippets';

test('bounded computation loops in async functions are not reported (no advice to await)', () => {
  const { findings } = check(`import { sleep } from 'coroscope';
async function freshId(used: Set<number>) {
  let id = 1;
  for (;;) { if (!used.has(id)) return id; id++; }
}
async function lines(buffer: string) {
  const out: string[] = [];
  let buf = buffer;
  while (true) {
    const nl = buf.indexOf('\\n');
    if (nl < 0) break;
    out.push(buf.slice(0, nl));
    buf = buf.slice(nl + 1);
  }
  await sleep(0);
  return out;
}
async function scan(re: RegExp, s: string, items: number[], work: (() => void)[], budget: number) {
  let m: RegExpExecArray | null;
  let n = 0;
  while ((m = re.exec(s)) !== null) n += m.length;
  while (items.length > 0) items.pop();
  do { n++; } while (n < 3);
  for (let i = 0; ; i++) { if (i > 10) break; }
  while (work.length && performance.now() < budget) work.pop()!();
  while (true) { try { return JSON.parse(s); } catch { n++; } }
}
let done = false;
function step() { done = Math.random() > 0.5; }
async function run(deadline: number) {
  while (!done) step();
  while (Date.now() < deadline) step();
}
`);
  assert.deepEqual(findings, []);
});

test('loops that wait on the clock or on state only other code changes are reported', () => {
  const { findings, text } = check(`let ready = false;
const queue: string[] = [];
class Conn {
  done = false;
  async drain() { while (true) { if (this.done) break; } }
}
async function pause(seconds: number) {
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {}
}
async function waitReady() {
  while (!ready) {}
  for (;;) { if (queue.length > 0) break; }
}
`);
  assert.deepEqual(findings.map((f) => [f.check, f.severity, at(text, f)]), [
    ['busy-loop', 'warning', 'while'],
    ['busy-loop', 'warning', 'while'],
    ['busy-loop', 'warning', 'while'],
    ['busy-loop', 'warning', 'for'],
  ]);
  assert.equal(findings[0]!.message, 'This loop waits for `this.done` without awaiting: while it spins no other task or callback runs, so nothing can change it. Await an Event (or sleep(0)) in each turn.');
  assert.equal(findings[1]!.message, 'This loop waits for time to pass without awaiting (Date.now() < end): until then no other task runs and the event loop stands still. Await sleep(seconds) instead.');
  assert.match(findings[2]!.message, /^This loop waits for `!ready` without awaiting/);
  assert.match(findings[3]!.message, /^This loop waits for `queue\.length > 0` without awaiting/);
});

test('blocking calls in callbacks inside an async function are reported, without an await fix', () => {
  const { findings, text } = check(`import { readFileSync } from 'node:fs';
import * as fs from 'node:fs';
const atStart = ['a'].map((p) => readFileSync(p));
async function load(paths: string[]) {
  const texts = paths.map((p) => readFileSync(p, 'utf8'));
  paths.forEach(function (p) { fs.statSync(p); });
  return texts.length + atStart.length;
}
`);
  assert.deepEqual(findings.map((f) => [f.check, at(text, f), f.fixes.length]), [
    ['blocking-call', "readFileSync(p, 'utf8')", 0],
    ['blocking-call', 'fs.statSync(p)', 0],
  ]);
  assert.match(findings[0]!.message, /^readFileSync\(\) blocks the thread: .* This callback is not async, so it cannot await: make it async and await its results \(e\.g\. with gather\(\.\.\.\)\)/);
});

test('blocking fs calls get a quick fix to the awaited promise form where await is valid', () => {
  const { findings, text } = check(`import * as fs from 'node:fs';
import { execSync } from 'node:child_process';
async function main(p: string) {
  const a = fs.readFileSync(p, 'utf8');
  const b = fs.readFileSync(p).toString();
  fs.writeFileSync(p, a + b);
  const names = fs.readdirSync('.');
  if (fs.existsSync(p)) fs.mkdirSync(p + '.d', { recursive: true });
  execSync('true');
  return fs.statSync(p).size + names.length;
}
`);
  const fixed = findings.map((f) => [at(text, f), f.fixes.map((x) => `${x.title} => ${applyFix(text, x.edits).split('\n')[findLine(text, f.start)]!.trim()}`)]);
  assert.deepEqual(fixed, [
    ["fs.readFileSync(p, 'utf8')", ["Use await fs.promises.readFile(p, 'utf8') => const a = await fs.promises.readFile(p, 'utf8');"]],
    ['fs.readFileSync(p)', ['Use await fs.promises.readFile(p) => const b = (await fs.promises.readFile(p)).toString();']],
    ['fs.writeFileSync(p, a + b)', ['Use await fs.promises.writeFile(p, a + b) => await fs.promises.writeFile(p, a + b);']],
    ["fs.readdirSync('.')", ["Use await fs.promises.readdir('.') => const names = await fs.promises.readdir('.');"]],
    ['fs.existsSync(p)', []],
    ["fs.mkdirSync(p + '.d', { recursive: true })", ["Use await fs.promises.mkdir(p + '.d', { recursive: true }) => if (fs.existsSync(p)) await fs.promises.mkdir(p + '.d', { recursive: true });"]],
    ["execSync('true')", []],
    ['fs.statSync(p)', ['Use await fs.promises.stat(p) => return (await fs.promises.stat(p)).size + names.length;']],
  ]);
  assert.equal(findings[0]!.fixes[0]!.preferred, true);
});

test('a blocking fs call imported by name is fixed with the promise form imported from fs/promises', () => {
  const fresh = check(`import { readFileSync } from 'node:fs';
async function main(p: string) {
  return readFileSync(p, 'utf8');
}
`);
  assert.equal(applyFix(fresh.text, fresh.findings[0]!.fixes[0]!.edits), `import { readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
async function main(p: string) {
  return await readFile(p, 'utf8');
}
`);
  const existing = check(`import { readFileSync, writeFileSync } from 'fs';
import { stat } from 'fs/promises';
async function main(p: string) {
  writeFileSync(p, readFileSync(p));
  return stat(p);
}
`);
  assert.deepEqual(existing.findings.map((f) => at(existing.text, f)), ['writeFileSync(p, readFileSync(p))', 'readFileSync(p)']);
  assert.equal(applyFix(existing.text, existing.findings[1]!.fixes[0]!.edits).split('\n').slice(0, 4).join('\n'), `import { readFileSync, writeFileSync } from 'fs';
import { stat, readFile } from 'fs/promises';
async function main(p: string) {
  writeFileSync(p, await readFile(p));`);
});

test('a coroutine kept in a variable that nothing awaits or schedules is reported, with await and createTask fixes', () => {
  const { findings, text } = check(`import { sleep } from 'coroscope';
async function work(): Promise<number> { await sleep(0.1); return 1; }
async function main() {
  const pending = work();
  const looked = work();
  if (looked) console.log('started?');
}
`);
  assert.deepEqual(findings.map((f) => [f.check, at(text, f)]), [['unawaited-coroutine', 'pending'], ['unawaited-coroutine', 'looked']]);
  assert.equal(findings[0]!.message, 'pending holds the coroutine work() makes, but nothing awaits or schedules it, so work() never runs. Await it, or pass it to createTask(...) or gather(...).');
  assert.deepEqual(findings[0]!.fixes.map((f) => f.title), ["Add 'await' (run work() on this task)", 'Wrap in createTask(...) (run work() as a new task)']);
  assert.match(applyFix(text, findings[0]!.fixes[0]!.edits), /\n {2}const pending = await work\(\);\n/);
  const wrapped = applyFix(text, findings[0]!.fixes[1]!.edits);
  assert.match(wrapped, /^import \{ sleep, createTask \} from 'coroscope';/);
  assert.match(wrapped, /\n {2}const pending = createTask\(work\(\)\);\n/);
});

test('a coroutine variable later awaited, scheduled, gathered, returned or handed on is not reported', () => {
  const { findings } = check(`import { createTask, gather, run, sleep } from 'coroscope';
async function work(): Promise<number> { await sleep(0.1); return 1; }
async function main() {
  const a = work();
  const b = work();
  const c = work();
  const d = work();
  const e = work();
  const f = work();
  createTask(b);
  await gather(c, d);
  const list = [e];
  await a;
  void f;
  return list;
}
function later() {
  const g = work();
  return g;
}
const top = main();
run(top);
later();
`);
  assert.deepEqual(findings.map((f) => f.message.slice(0, 40)), []);
});

test("awaiting a function offers to call it or to drop the 'await'; a value, only to drop it", () => {
  const { findings, text } = check(`async function tick(): Promise<void> {}
async function main(n: number) {
  await tick;
  const m = await n;
  return m;
}
`);
  assert.deepEqual(findings.map((f) => [f.check, at(text, f)]), [['not-awaitable', 'tick'], ['not-awaitable', 'n']]);
  assert.deepEqual(findings[0]!.fixes.map((f) => [f.title, f.preferred]), [['Call it: tick()', true], ["Remove 'await'", undefined]]);
  assert.match(applyFix(text, findings[0]!.fixes[0]!.edits), /\n {2}await tick\(\);\n/);
  assert.match(applyFix(text, findings[0]!.fixes[1]!.edits), /\n {2}tick;\n/);
  assert.deepEqual(findings[1]!.fixes.map((f) => f.title), ["Remove 'await'"]);
  assert.match(applyFix(text, findings[1]!.fixes[0]!.edits), /\n {2}const m = n;\n/);
});

function findLine(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length - 1;
}
