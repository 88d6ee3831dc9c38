// Projects laid out as TypeScript projects are today, run by `coroscope run` as they are: ES modules
// ("type": "module", .mts, .cts), NodeNext imports, the project's tsconfig.json, top-level await.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const cli = join(__dirname, '..', '..', 'bin', 'coroscope.js');
const fixture = join(__dirname, '..', 'fixtures', 'esm-project');

function run(file: string, env: NodeJS.ProcessEnv = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, 'run', file], { encoding: 'utf8', timeout: 30000, env: { ...process.env, ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A folder holding `files` (path -> text). */
function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'coroscope-esm-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const EXPECTED = [
  'task: main',
  'double: 42',
  'greet: hello esm from main',
  'config: esm-project loaded by config.ts',
  'json: hello from json',
  'package: ESM ONLY!',
  'decorators: decorator arguments: 1, field: 5',
  'esm task seen from cjs: true',
  'cjs task seen from esm: true',
  'one loop: true',
  'dynamic import: late.ts',
  'done',
];

test('an ES module project runs as written: NodeNext imports, .mts/.cts, a paths alias, JSON, an ESM-only package, its tsconfig, top-level await', () => {
  const r = run(join(fixture, 'src', 'main.ts'));
  assert.equal(r.stderr, '');
  assert.equal(r.status, 0);
  assert.equal(r.stdout, EXPECTED.join('\n') + '\n');
});

test("the project's tsconfig options that change emitted code are part of the compile cache's key", () => {
  const dir = mkdtempSync(join(tmpdir(), 'coroscope-esm-copy-'));
  cpSync(fixture, dir, { recursive: true });
  const cache = { COROSCOPE_CACHE_DIR: mkdtempSync(join(tmpdir(), 'coroscope-esm-cache-')) };
  const main = join(dir, 'src', 'main.ts');
  const first = run(main, cache);
  assert.equal(first.status, 0, first.stderr);
  assert.match(first.stdout, /^decorators: decorator arguments: 1, field: 5$/m);
  // Standard decorators (two arguments) and [[Define]] fields (the redeclared field is defined again,
  // as undefined): the same sources, compiled again.
  const tsconfig = join(dir, 'tsconfig.json');
  writeFileSync(tsconfig, readFileSync(tsconfig, 'utf8').replace('"useDefineForClassFields": false', '"useDefineForClassFields": true, "experimentalDecorators": false'));
  const second = run(main, cache);
  assert.equal(second.status, 0, second.stderr);
  assert.match(second.stdout, /^decorators: decorator arguments: 2, field: undefined$/m);
});

test('.mts entry: a missing module names the import, the line that imports it and the files tried', () => {
  const dir = project({ 'prog.mts': `import { sleep } from 'coroscope';\nimport { x } from './missing.js';\nawait sleep(0);\nconsole.log(x);\n` });
  const r = run(join(dir, 'prog.mts'));
  assert.equal(r.status, 1);
  assert.equal(
    r.stderr,
    `Error: Cannot find module './missing.js' imported from ${join(dir, 'prog.mts')}:2\n  tried: ${join(dir, 'missing.js')}\n         ${join(dir, 'missing.ts')}\n         ${join(dir, 'missing.tsx')}\n`,
  );
  const pkg = project({ 'prog.mts': `import { z } from 'no-such-package';\nconsole.log(z);\n` });
  const p = run(join(pkg, 'prog.mts'));
  assert.equal(p.status, 1);
  assert.equal(p.stderr, `Error: Cannot find package 'no-such-package' imported from ${join(pkg, 'prog.mts')}:1 (not in any node_modules folder up from there)\n`);
});

test('CommonJS entry: NodeNext spelling resolves to the TypeScript file; a missing one names what was tried', () => {
  const dir = project({ 'prog.ts': `import { y } from './dep.js';\nimport { z } from './gone.js';\nconsole.log(y, z);\n`, 'dep.ts': 'export const y = 1;\n' });
  const r = run(join(dir, 'prog.ts'));
  assert.equal(r.status, 1);
  assert.match(r.stderr, new RegExp(`^Error: Cannot find module './gone.js' imported from ${escape(join(dir, 'prog.ts'))}:2\\n  tried: .*gone\\.js\\n +.*gone\\.ts\\n +.*gone\\.tsx\\n`));
  writeFileSync(join(dir, 'gone.ts'), 'export const z = 2;\n');
  const ok = run(join(dir, 'prog.ts'));
  assert.equal(ok.stderr, '');
  assert.equal(ok.stdout, '1 2\n');
});

test('.mts entry: a syntax error is file:line:col and the message, nothing else', () => {
  const dir = project({ 'prog.mts': `import { sleep } from 'coroscope';\nconst a = ;\n` });
  const r = run(join(dir, 'prog.mts'));
  assert.equal(r.status, 1);
  assert.equal(r.stderr, `${join(dir, 'prog.mts')}:2:11 - error: Expression expected.\n`);
});

test("top-level await: an error in the entry's body is a traceback through the await chain to the module's line", () => {
  const dir = project({
    'prog.mts': `import { sleep } from 'coroscope';\nasync function fail(): Promise<void> {\n  await sleep(0);\n  throw new Error('boom');\n}\nconsole.log('start');\nawait fail();\n`,
  });
  const r = run(join(dir, 'prog.mts'));
  assert.equal(r.status, 1);
  assert.equal(r.stdout, 'start\n');
  assert.match(r.stderr, /^Traceback \(most recent call last, through the await chain\):\n {2}File ".*prog\.mts", line 7, in <module>\n {4}await fail\(\);\n {2}File ".*prog\.mts", line 4, in fail\n {4}throw new Error\('boom'\);\nError: boom\n/);
});

test('top-level await: modules imported before the program runs share its one loop; run(main()) in the entry takes it over', () => {
  const dir = project({
    'package.json': '{ "type": "module" }',
    'a.ts': `import { getRunningLoop, sleep } from 'coroscope';\nawait sleep(0.01);\nexport const loopA = getRunningLoop();\n`,
    'b.ts': `import { getRunningLoop, sleep } from 'coroscope';\nawait sleep(0);\nexport const loopB = getRunningLoop();\n`,
    'prog.ts': `import { getRunningLoop, run } from 'coroscope';\nimport { loopA } from './a.js';\nimport { loopB } from './b.js';\nasync function main() {\n  console.log(loopA === loopB, getRunningLoop() === loopA);\n}\nawait run(main());\n`,
  });
  const r = run(join(dir, 'prog.ts'));
  assert.equal(r.stderr, '');
  assert.equal(r.stdout, 'true true\n');
  // An entry without top-level await: run() takes over the loop the imported modules ran on.
  writeFileSync(join(dir, 'plain.ts'), `import { getRunningLoop, run } from 'coroscope';\nimport { loopA } from './a.js';\nasync function main() {\n  console.log(getRunningLoop() === loopA);\n}\nrun(main());\n`);
  const plain = run(join(dir, 'plain.ts'));
  assert.equal(plain.stderr, '');
  assert.equal(plain.stdout, 'true\n');
});

test('top-level await: a module body keeps its declarations module-scoped (destructuring, classes, export default, live bindings)', () => {
  const dir = project({
    'package.json': '{ "type": "module" }',
    'shapes.ts': [
      `import { sleep } from 'coroscope';`,
      `async function pair(): Promise<{ a: number; rest: number[] }> {`,
      `  await sleep(0);`,
      `  return { a: 1, rest: [2, 3, 4] };`,
      `}`,
      `export const { a, rest: [b, , ...others] } = await pair();`,
      `export let counter = 0;`,
      `export function bump(): number {`,
      `  return ++counter;`,
      `}`,
      `export class Point {`,
      `  constructor(readonly x: number) {}`,
      `  static origin = new Point(a - 1);`,
      `}`,
      `for await (const n of [10, 20]) counter += n;`,
      'export default await Promise.resolve(`default after ${counter}`);',
      ``,
    ].join('\n'),
    'main.ts': `import label, { a, b, others, bump, counter, Point } from './shapes.js';\nconsole.log(a, b, others, label, Point.origin.x, bump(), counter);\n`,
  });
  const r = run(join(dir, 'main.ts'));
  assert.equal(r.stderr, '');
  assert.equal(r.stdout, '1 2 [ 4 ] default after 30 0 31 31\n');
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

test('an import cycle: a module calls an async function of a module whose body has not run yet, as plain ES modules allow', () => {
  // b.mts runs first (a.mts imports it) and calls a.mts's hoisted `boom` and `double`: they must
  // find the runtime's helpers and their source sites, not throw "Cannot access '__cs' before initialization".
  const dir = project({
    'a.mts': [
      `import { run, sleep } from 'coroscope';`,
      `import { fromB, failing } from './b.mts';`,
      `export async function double(x: number): Promise<number> { await sleep(0); return x * 2; }`,
      `export async function boom(): Promise<number> { await sleep(0); throw new Error('from the cycle'); }`,
      `async function main() {`,
      `  console.log('double:', await fromB);`,
      `  await failing;`,
      `}`,
      `run(main());`,
    ].join('\n'),
    'b.mts': `import { double, boom } from './a.mts';\nexport const fromB = double(21);\nexport const failing = boom();\n`,
  });
  const r = run(join(dir, 'a.mts'));
  assert.equal(r.stdout, 'double: 42\n');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /File ".*a\.mts", line 7, in main\n {4}await failing;\n {2}File ".*a\.mts", line 4, in boom\n.*\nError: from the cycle\n/);
});
