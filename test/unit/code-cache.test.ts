// V8's code cache for the runtime bundle (loader/code-cache.ts), through the CLI as a user runs it:
// a warm run takes the bundle's compiled code from the cache and loads neither the compiler nor its
// worker; the data is kept under the compile cache's rules (0600, never through a symbolic link,
// a damaged entry never given to V8); and data for other bytes of the bundle is never used, even
// where V8's own check (the source's length) would take it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const posix = process.platform !== 'win32';

const PROGRAM = `import { run, sleep } from 'coroscope';\nasync function main() {\n  await sleep(0);\n  console.log('program ran', sleep.name);\n}\nrun(main());\n`;

/**
 * Says on stderr how the runtime bundle was compiled (`[bundle: cached|rejected|compiled]`), and
 * when the compiler, its worker module or node:worker_threads is loaded.
 */
const HOOK = `
const vm = require('node:vm');
const Script = vm.Script;
vm.Script = class extends Script {
  constructor(code, options) {
    super(code, options);
    if (options && String(options.filename).endsWith('coroscope.js') && String(options.filename).includes('bundle')) {
      process.stderr.write('[bundle: ' + (options.cachedData ? (this.cachedDataRejected ? 'rejected' : 'cached') : 'compiled') + ']\\n');
    }
  }
};
const Module = require('node:module');
const load = Module._load;
Module._load = function (request, ...rest) {
  if (request === 'typescript' || request === 'node:worker_threads' || request.endsWith('compiler-thread')) process.stderr.write('[' + request + ' loaded]\\n');
  return load.call(this, request, ...rest);
};
`;

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  /** How the bundle was compiled, from the hook. */
  bundle: string | undefined;
}

/** A fresh directory with the program, a private cache directory and the hook. */
function workspace(): { dir: string; cache: string; file: string; hook: string } {
  const dir = mkdtempSync(join(tmpdir(), 'coroscope-codecache-'));
  const cache = join(dir, 'cache');
  mkdirSync(cache, { mode: 0o700 });
  const file = join(dir, 'prog.ts');
  writeFileSync(file, PROGRAM);
  const hook = join(dir, 'hook.js');
  writeFileSync(hook, HOOK);
  return { dir, cache, file, hook };
}

function runCli(file: string, cache: string, hook: string, cli = join(root, 'bin', 'coroscope.js')): Run {
  const env: NodeJS.ProcessEnv = { ...process.env, COROSCOPE_CACHE_DIR: cache };
  delete env.COROSCOPE_NO_CACHE;
  delete env.COROSCOPE_CACHE_MAX_MB;
  const r = spawnSync(process.execPath, ['--require', hook, cli, 'run', file], { encoding: 'utf8', timeout: 30_000, env });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, bundle: /\[bundle: (\w+)\]/.exec(r.stderr)?.[1] };
}

function assertRan(r: Run, name = 'sleep'): void {
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, `program ran ${name}\n`);
}

const v8Entries = (cache: string) => readdirSync(cache).filter((n) => n.endsWith('.v8'));

test('a warm run takes the runtime bundle compiled from the cache, and loads neither the compiler nor a worker', () => {
  const { cache, file, hook } = workspace();
  const cold = runCli(file, cache, hook);
  assertRan(cold);
  assert.equal(cold.bundle, 'compiled');
  const [entry] = v8Entries(cache);
  assert.ok(entry, 'the first run leaves the bundle compiled in the cache');
  if (posix) assert.equal((statSync(join(cache, entry)).mode & 0o777).toString(8), '600');
  const ino = statSync(join(cache, entry)).ino;

  const warm = runCli(file, cache, hook);
  assertRan(warm);
  assert.equal(warm.bundle, 'cached');
  assert.equal(warm.stderr.replace(/\[bundle: \w+\]\n/, ''), '', 'nothing else is loaded or said');
  assert.deepEqual(v8Entries(cache), [entry]);
  assert.equal(statSync(join(cache, entry)).ino, ino, 'a hit does not rewrite the entry');
});

test("a code cache entry that is a symbolic link is not followed: its target is not read, the entry is replaced", { skip: !posix && 'symlinks' }, () => {
  const { dir, cache, file, hook } = workspace();
  assertRan(runCli(file, cache, hook));
  const [entry] = v8Entries(cache);
  const good = readFileSync(join(cache, entry!));
  // The target holds the very data a run would accept: following the link would use it.
  const target = join(dir, 'elsewhere.v8');
  writeFileSync(target, good, { mode: 0o600 });
  unlinkSync(join(cache, entry!));
  symlinkSync(target, join(cache, entry!));

  const r = runCli(file, cache, hook);
  assertRan(r);
  assert.equal(r.bundle, 'compiled', 'the link is not followed');
  assert.ok(lstatSync(join(cache, entry!)).isFile(), 'rewritten as a file of our own, in place of the link');
  assert.deepEqual(readFileSync(target), good, 'the target is untouched');
  assert.equal(runCli(file, cache, hook).bundle, 'cached');
});

test('a truncated or altered code cache entry is never given to V8: the bundle is compiled and the entry rewritten', () => {
  const { cache, file, hook } = workspace();
  assertRan(runCli(file, cache, hook));
  const [entry] = v8Entries(cache);
  const path = join(cache, entry!);
  const size = statSync(path).size;
  const header = readFileSync(path).indexOf(10);

  truncateSync(path, size - 1000);
  let r = runCli(file, cache, hook);
  assertRan(r);
  assert.equal(r.bundle, 'compiled');
  assert.ok(statSync(path).size > size - 1000, 'rewritten whole (V8 data differs by a few bytes from run to run)');
  assert.equal(runCli(file, cache, hook).bundle, 'cached');

  // Same header, same length, bytes changed in the middle of V8's data.
  const altered = readFileSync(path);
  const at = header + Math.floor((altered.length - header) / 2);
  for (let i = at; i < at + 64; i++) altered[i] = altered[i]! ^ 0x5a;
  writeFileSync(path, altered, { mode: 0o600 });
  r = runCli(file, cache, hook);
  assertRan(r);
  assert.equal(r.bundle, 'compiled');
  assert.notDeepEqual(readFileSync(path), altered, 'rewritten');
  assert.equal(runCli(file, cache, hook).bundle, 'cached');

  // Without a header (anything else under the entry's name).
  writeFileSync(path, Buffer.alloc(size, 0), { mode: 0o600 });
  r = runCli(file, cache, hook);
  assertRan(r);
  assert.equal(r.bundle, 'compiled');
});

test("data compiled for other bytes of the bundle is not used, though V8's own check (the length) would take it", () => {
  const { dir, cache, file, hook } = workspace();
  // A copy of the built runtime to change (the tests' own must stay as built).
  const copy = join(dir, 'install');
  for (const part of ['bin', 'dist', 'package.json']) cpSync(join(root, part), join(copy, part), { recursive: true });
  symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'), 'junction');
  const cli = join(copy, 'bin', 'coroscope.js');
  assertRan(runCli(file, cache, hook, cli));
  assert.equal(runCli(file, cache, hook, cli).bundle, 'cached');

  // The function's name, one letter changed: the same length.
  const bundle = join(copy, 'dist', 'runtime', 'bundle', 'coroscope.js');
  const text = readFileSync(bundle, 'latin1');
  const changed = text.replace('__name(sleep, "sleep")', '__name(sleep, "sleeq")');
  assert.notEqual(changed, text, 'the bundle names sleep as expected');
  assert.equal(changed.length, text.length);
  writeFileSync(bundle, changed, 'latin1');

  const r = runCli(file, cache, hook, cli);
  assertRan(r, 'sleeq');
  assert.equal(r.bundle, 'compiled');
  assert.equal(v8Entries(cache).length, 2, 'the changed bundle has an entry of its own');
  const again = runCli(file, cache, hook, cli);
  assertRan(again, 'sleeq');
  assert.equal(again.bundle, 'cached');
});
