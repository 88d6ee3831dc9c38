// The compile cache's point, through the CLI: a second run of an unchanged program takes the
// compiled file from the cache (the compiler is never loaded, the entry is not rewritten), and an
// edit is compiled again (the edited program runs, under an entry of its own).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const cli = join(__dirname, '..', '..', 'bin', 'coroscope.js');

const program = (text: string) => `import { run, sleep } from 'coroscope';\nasync function main() {\n  await sleep(0);\n  console.log('${text}');\n}\nrun(main());\n`;

/**
 * Runs the program compiling on its own thread (COROSCOPE_COMPILE_IN_THREAD=1), with a preload
 * that says on stderr when the TypeScript compiler is loaded: that happens only to compile.
 */
function runCli(file: string, cache: string, hook: string): { status: number | null; stdout: string; compiled: boolean; stderr: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, COROSCOPE_CACHE_DIR: cache, COROSCOPE_COMPILE_IN_THREAD: '1' };
  delete env.COROSCOPE_NO_CACHE;
  const r = spawnSync(process.execPath, ['--require', hook, cli, 'run', file], { encoding: 'utf8', timeout: 30_000, env });
  return { status: r.status, stdout: r.stdout, compiled: r.stderr.includes('[typescript loaded]'), stderr: r.stderr };
}

test('an unchanged program is run from the cache; an edited one is compiled again', () => {
  const dir = mkdtempSync(join(tmpdir(), 'coroscope-hit-'));
  const cache = join(dir, 'cache');
  mkdirSync(cache, { mode: 0o700 });
  const hook = join(dir, 'hook.js');
  writeFileSync(
    hook,
    `const Module = require('node:module');\nconst load = Module._load;\nModule._load = function (request, ...rest) {\n  if (request === 'typescript') process.stderr.write('[typescript loaded]\\n');\n  return load.call(this, request, ...rest);\n};\n`,
  );
  const file = join(dir, 'prog.ts');
  writeFileSync(file, program('first version'));
  const entries = () => readdirSync(cache).filter((n) => n.endsWith('.js'));

  const cold = runCli(file, cache, hook);
  assert.equal(cold.status, 0, cold.stderr);
  assert.equal(cold.stdout, 'first version\n');
  assert.equal(cold.compiled, true, 'the first run compiles');
  const [entry] = entries();
  assert.ok(entry, 'the first run leaves an entry');
  const ino = statSync(join(cache, entry)).ino;

  const warm = runCli(file, cache, hook);
  assert.equal(warm.status, 0, warm.stderr);
  assert.equal(warm.stdout, 'first version\n');
  assert.equal(warm.compiled, false, 'a hit does not load the compiler');
  assert.deepEqual(entries(), [entry]);
  assert.equal(statSync(join(cache, entry)).ino, ino, 'a hit does not rewrite the entry');

  writeFileSync(file, program('edited version'));
  const edited = runCli(file, cache, hook);
  assert.equal(edited.status, 0, edited.stderr);
  assert.equal(edited.stdout, 'edited version\n', 'the edit runs, not the cached first version');
  assert.equal(edited.compiled, true, 'an edit is compiled again');
  assert.equal(entries().length, 2, 'the edited source has an entry of its own');

  const again = runCli(file, cache, hook);
  assert.equal(again.stdout, 'edited version\n');
  assert.equal(again.compiled, false);
});
