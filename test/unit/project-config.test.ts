// The loader's reading of a project's tsconfig.json (runtime/loader/project-config.ts): JSON with
// comments, `extends` chains (files and packages), `paths`/`baseUrl` relative to where they are
// declared, and the emit options; a broken file is an error naming it and what is wrong.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { aliasCandidates, ConfigError, parseJsonc, readProjectConfig } from '../../runtime/loader/project-config';
import { sourceCandidates } from '../../runtime/loader/ts-resolve';

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'coroscope-tsconfig-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

test('tsconfig.json is JSON with comments and trailing commas; strings keep their slashes and commas', () => {
  const parsed = parseJsonc(`{\n  // a comment\n  "a": "x // not a comment, /* nor this */",\n  /* block\n comment */ "b": [1, 2,],\n}\n`, 'tsconfig.json');
  assert.deepEqual(parsed, { a: 'x // not a comment, /* nor this */', b: [1, 2] });
  assert.throws(() => parseJsonc(`{\n  "a": 1\n  "b": 2\n}`, '/p/tsconfig.json'), { name: 'ConfigError', message: /^\/p\/tsconfig\.json: not valid JSON: .* at line 3, column 3$/ });
});

test('extends: a file and a package, later settings win; paths are relative to the config declaring them unless baseUrl says', () => {
  const dir = tree({
    'node_modules/@tsconfig/strictest/tsconfig.json': '{ "compilerOptions": { "target": "ES2020", "useDefineForClassFields": false } }',
    'configs/base.json': '{ "extends": "@tsconfig/strictest/tsconfig.json", "compilerOptions": { "experimentalDecorators": true, "paths": { "@app/*": ["src/*"] } } }',
    'tsconfig.json': '{ "extends": "./configs/base", "compilerOptions": { "target": "es2022", "emitDecoratorMetadata": true, "strict": true } }',
    'other/tsconfig.json': '{ "extends": "../configs/base.json", "compilerOptions": { "baseUrl": "." } }',
  });
  const config = readProjectConfig(join(dir, 'tsconfig.json'));
  assert.deepEqual(config.emit, { target: 'es2022', useDefineForClassFields: false, experimentalDecorators: true, emitDecoratorMetadata: true });
  assert.deepEqual(aliasCandidates(config.paths!, '@app/lib/x.js'), [join(dir, 'configs', 'src', 'lib', 'x.js')]);
  assert.equal(aliasCandidates(config.paths!, 'lodash'), null, 'no baseUrl: a package is not looked for in the project');
  // baseUrl in the extending config: the inherited paths are relative to it, and bare imports are looked up there.
  const other = readProjectConfig(join(dir, 'other', 'tsconfig.json'));
  assert.deepEqual(aliasCandidates(other.paths!, '@app/x'), [join(dir, 'other', 'src', 'x')]);
  assert.deepEqual(aliasCandidates(other.paths!, 'models/user'), [join(dir, 'other', 'models', 'user')]);
});

test('the longest matching paths pattern wins; an exact pattern beats a wildcard', () => {
  const aliases = { base: '/p', baseUrl: null, patterns: [['@x/*', ['a/*']], ['@x/deep/*', ['b/*', 'c/*']], ['@x/exact', ['e.ts']]] as const };
  assert.deepEqual(aliasCandidates(aliases, '@x/deep/k'), ['/p/b/k', '/p/c/k']);
  assert.deepEqual(aliasCandidates(aliases, '@x/other'), ['/p/a/other']);
  assert.deepEqual(aliasCandidates(aliases, '@x/exact'), ['/p/e.ts']);
});

test('NodeNext spellings stand for TypeScript files: .js -> .ts/.tsx, .mjs -> .mts, .cjs -> .cts; none -> .ts or an index', () => {
  assert.deepEqual(sourceCandidates('/p/lib.js'), ['/p/lib.ts', '/p/lib.tsx']);
  assert.deepEqual(sourceCandidates('/p/x.mjs'), ['/p/x.mts']);
  assert.deepEqual(sourceCandidates('/p/y.cjs'), ['/p/y.cts']);
  assert.deepEqual(sourceCandidates('/p/v.jsx'), ['/p/v.tsx']);
  assert.deepEqual(sourceCandidates('/p/dir'), ['/p/dir.ts', '/p/dir.tsx', '/p/dir/index.ts', '/p/dir/index.tsx']);
});

test('a config that extends one that is missing, or loops, is an error naming the file', () => {
  const dir = tree({ 'tsconfig.json': '{ "extends": "./missing.json" }', 'a.json': '{ "extends": "./b.json" }', 'b.json': '{ "extends": "./a.json" }' });
  assert.throws(() => readProjectConfig(join(dir, 'tsconfig.json')), (err: unknown) => err instanceof ConfigError && err.message === `${join(dir, 'tsconfig.json')}: cannot find the config it extends, './missing.json' (tried ${join(dir, 'missing.json')})`);
  assert.throws(() => readProjectConfig(join(dir, 'a.json')), { message: `${join(dir, 'a.json')}: 'extends' loops back to this file` });
});

test("the project's target decides what the compiled code may use; coroutines stay generators below ES2017", () => {
  process.env.COROSCOPE_NO_CACHE = '1';
  const { compileFile } = require('../../runtime/loader/compile-file') as typeof import('../../runtime/loader/compile-file');
  const source = 'export async function f(a?: number) {\n  return a ?? (await Promise.resolve(1));\n}\n';
  const modern = tree({ 'tsconfig.json': '{ "compilerOptions": { "target": "ES2022" } }', 'm.ts': source });
  const old = tree({ 'tsconfig.json': '{ "compilerOptions": { "target": "es2019" } }', 'm.ts': source });
  const body = (dir: string) => compileFile(join(dir, 'm.ts'), { inThread: true }).split('//# sourceMappingURL')[0]!;
  assert.match(body(modern), / \?\? /);
  assert.doesNotMatch(body(old), / \?\? /, 'ES2019 has no ??: lowered');
  assert.match(body(old), /\*f\(a\) \{/, 'the coroutine is still a generator the debugger can read');
});
