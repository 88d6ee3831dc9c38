// The loader's compile cache, through the CLI as a user runs it: where it lives, that it refuses a
// directory someone else could write to, that nothing in it is followed through a symbolic link or
// run unverified, that it stays within its bound, and that parallel runs do not trip over it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, truncateSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const cli = join(__dirname, '..', '..', 'bin', 'coroscope.js');
const posix = process.platform !== 'win32';
const isRoot = process.getuid?.() === 0;

const PROGRAM = `import { run, sleep } from 'coroscope';\nasync function main() {\n  await sleep(0);\n  console.log('program ran');\n}\nrun(main());\n`;

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** A fresh directory with the program in it, and a HOME of its own. */
function workspace(source = PROGRAM): { dir: string; home: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'coroscope-cache-'));
  const home = join(dir, 'home');
  mkdirSync(home, { mode: 0o700 });
  const file = join(dir, 'prog.ts');
  writeFileSync(file, source);
  return { dir, home, file };
}

/** Runs `coroscope run file` with only the cache settings given (none inherited from this process). */
function runCli(file: string, env: Record<string, string>, nodeArgs: string[] = []): Run {
  const base = { ...process.env };
  for (const k of ['COROSCOPE_CACHE_DIR', 'COROSCOPE_NO_CACHE', 'COROSCOPE_CACHE_MAX_MB', 'XDG_CACHE_HOME']) delete base[k];
  const args = nodeArgs.length > 0 ? nodeArgs : [cli, 'run', file];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 30000, env: { ...base, ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function assertRan(r: Run): void {
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'program ran\n');
}

const entries = (dir: string) => readdirSync(dir).filter((n) => n.endsWith('.js'));
const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);

test('the cache lives in the user cache directory: ~/.cache/coroscope or $XDG_CACHE_HOME/coroscope, dir 0700, entries 0600', { skip: !posix && 'POSIX modes' }, () => {
  const { dir, home, file } = workspace();
  assertRan(runCli(file, { HOME: home }));
  const cache = join(home, '.cache', 'coroscope');
  assert.equal(entries(cache).length, 1);
  assert.equal(mode(join(home, '.cache')), '700'); // a parent we created is private too
  assert.equal(mode(cache), '700');
  assert.equal(mode(join(cache, entries(cache)[0]!)), '600');
  assertRan(runCli(file, { HOME: home })); // and a warm run works

  const xdg = join(dir, 'xdg');
  const r = runCli(file, { HOME: home, XDG_CACHE_HOME: xdg });
  assertRan(r);
  assert.equal(r.stderr, '');
  assert.equal(entries(join(xdg, 'coroscope')).length, 1);
  assert.equal(mode(join(xdg, 'coroscope')), '700');
});

test('a cache directory writable by others is not used, and the user is told once', { skip: !posix && 'POSIX modes' }, () => {
  // Two modules: the loader compiles twice, the warning is still said once.
  const { dir, home, file } = workspace(`import { helper } from './helper';\nconsole.log(helper());\n`);
  writeFileSync(join(dir, 'helper.ts'), `export function helper(): string { return 'program ran'; }\n`);
  const shared = join(dir, 'shared');
  mkdirSync(shared);
  chmodSync(shared, 0o777); // as another user sharing /tmp would leave it
  const r = runCli(file, { HOME: home, COROSCOPE_CACHE_DIR: shared });
  assertRan(r);
  assert.equal(r.stderr, `coroscope: not using cache directory ${shared}: it is writable by others (mode 0777)\n`);
  assert.deepEqual(readdirSync(shared), []);
});

test('a cache directory that is a symbolic link is not used; its target gets nothing', { skip: !posix && 'symlinks' }, () => {
  const { dir, home, file } = workspace();
  const theirs = join(dir, 'theirs');
  mkdirSync(theirs, { mode: 0o700 });
  const link = join(dir, 'cache');
  symlinkSync(theirs, link);
  const r = runCli(file, { HOME: home, COROSCOPE_CACHE_DIR: link });
  assertRan(r);
  assert.equal(r.stderr, `coroscope: not using cache directory ${link}: it is a symbolic link\n`);
  assert.deepEqual(readdirSync(theirs), []);
});

test('a cache directory owned by another uid is not used', { skip: !posix ? 'POSIX owners' : !isRoot && 'needs root to chown a directory to another uid' }, () => {
  const { dir, home, file } = workspace();
  const theirs = join(dir, 'theirs');
  mkdirSync(theirs, { mode: 0o700 });
  chownSync(theirs, 12345, 12345);
  const r = runCli(file, { HOME: home, COROSCOPE_CACHE_DIR: theirs });
  assertRan(r);
  assert.equal(r.stderr, `coroscope: not using cache directory ${theirs}: it is owned by uid 12345\n`);
  assert.deepEqual(readdirSync(theirs), []);
});

test('a cache path that is a file is not used', () => {
  const { dir, home, file } = workspace();
  const notDir = join(dir, 'file');
  writeFileSync(notDir, '');
  const r = runCli(file, { HOME: home, COROSCOPE_CACHE_DIR: notDir });
  assertRan(r);
  assert.equal(r.stderr, `coroscope: not using cache directory ${notDir}: it is not a directory\n`);
});

/** Runs the program once into `cache` and removes the entry again: its name, for planting things under. */
function entryName(file: string, home: string, cache: string): string {
  assertRan(runCli(file, { HOME: home, COROSCOPE_CACHE_DIR: cache }));
  const [entry] = entries(cache);
  unlinkSync(join(cache, entry!));
  return entry!;
}

test('a cache entry that is a symbolic link is not followed: its target is not run, the entry is replaced', { skip: !posix && 'symlinks' }, () => {
  const { dir, home, file } = workspace();
  const cache = join(dir, 'cache');
  const entry = entryName(file, home, cache);
  const evil = join(dir, 'evil.js');
  writeFileSync(evil, `console.log('attacker code ran');\n`);
  symlinkSync(evil, join(cache, entry));
  assertRan(runCli(file, { HOME: home, COROSCOPE_CACHE_DIR: cache }));
  assert.ok(lstatSync(join(cache, entry)).isFile()); // rewritten as a file of our own, in place of the link
  assert.equal(readFileSync(evil, 'utf8'), `console.log('attacker code ran');\n`);
});

test('a symbolic link planted where the temporary file is written is not followed', { skip: !posix && 'symlinks' }, () => {
  const { dir, home, file } = workspace();
  const cache = join(dir, 'cache');
  const entry = entryName(file, home, cache);
  const key = entry.slice(0, -'.js'.length);
  const bashrc = join(home, '.bashrc');
  writeFileSync(bashrc, 'export PS1=mine\n');
  // Names a writer might use for its temporary file, linked to the victim's file: key.PID.tmp, and
  // the entry's name with a "random" part the launcher pins (it replaces crypto.randomBytes).
  const launcher = `
    const fs = require('node:fs'), crypto = require('node:crypto');
    const [cache, key, bashrc, cli, file] = process.argv.slice(1);
    fs.symlinkSync(bashrc, cache + '/' + key + '.' + process.pid + '.tmp');
    fs.symlinkSync(bashrc, cache + '/' + key + '.js.' + Buffer.alloc(8, 0xab).toString('hex') + '.tmp');
    crypto.randomBytes = (n) => Buffer.alloc(n, 0xab);
    require(cli).main(['run', file]);`;
  const r = runCli(file, { HOME: home, COROSCOPE_CACHE_DIR: cache }, ['-e', launcher, cache, key, bashrc, join(__dirname, '..', '..', 'dist', 'runtime', 'cli.js'), file]);
  assertRan(r);
  assert.equal(readFileSync(bashrc, 'utf8'), 'export PS1=mine\n');
  assert.equal(r.stderr, '');
});

test('a truncated or altered cache entry is compiled again and rewritten, never run', () => {
  const { dir, home, file } = workspace();
  const cache = join(dir, 'cache');
  assertRan(runCli(file, { HOME: home, COROSCOPE_CACHE_DIR: cache }));
  const path = join(cache, entries(cache)[0]!);
  const good = readFileSync(path);

  truncateSync(path, good.length - 200); // cut in the inline source map
  assertRan(runCli(file, { HOME: home, COROSCOPE_CACHE_DIR: cache }));
  assert.deepEqual(readFileSync(path), good);

  truncateSync(path, good.indexOf(10) + 20); // cut in the code
  assertRan(runCli(file, { HOME: home, COROSCOPE_CACHE_DIR: cache }));
  assert.deepEqual(readFileSync(path), good);

  // Same header, same length, different code.
  const altered = Buffer.from(good);
  const at = altered.indexOf('program ran');
  altered.write('tampered!!!', at, 'latin1');
  writeFileSync(path, altered, { mode: 0o600 });
  assertRan(runCli(file, { HOME: home, COROSCOPE_CACHE_DIR: cache }));
  assert.deepEqual(readFileSync(path), good);

  // Without a header (an entry from an older loader, or anything else).
  writeFileSync(path, `console.log('tampered');\n`, { mode: 0o600 });
  assertRan(runCli(file, { HOME: home, COROSCOPE_CACHE_DIR: cache }));
  assert.deepEqual(readFileSync(path), good);
});

test('past its bound the cache drops the least recently used entries and stale temporary files', () => {
  const { dir, home, file } = workspace();
  const cache = join(dir, 'cache');
  mkdirSync(cache, { mode: 0o700 });
  const old = Date.now() / 1000 - 7200;
  const filler = Buffer.alloc(100 * 1024, 0x20);
  for (let i = 0; i < 5; i++) {
    const p = join(cache, `old${i}.js`);
    writeFileSync(p, filler, { mode: 0o600 });
    utimesSync(p, old + i, old + i); // old0 least recently used
  }
  const tmp = join(cache, 'left-by-a-crash.js.0123.tmp');
  writeFileSync(tmp, 'x', { mode: 0o600 });
  utimesSync(tmp, old, old);
  // Bound 300 KiB: 500 KiB of filler plus the new entry is over; pruning leaves at most 225 KiB.
  assertRan(runCli(file, { HOME: home, COROSCOPE_CACHE_DIR: cache, COROSCOPE_CACHE_MAX_MB: String(300 / 1024) }));
  const left = readdirSync(cache).sort();
  assert.deepEqual(left.filter((n) => n.startsWith('old')), ['old3.js', 'old4.js']);
  assert.equal(left.filter((n) => !n.startsWith('old')).length, 1); // the program's own entry, the temporary file gone
  assert.ok(left.every((n) => !n.endsWith('.tmp')));
});

test('parallel runs of one program share the cache without tripping over each other', () => {
  const { dir, home, file } = workspace();
  const cache = join(dir, 'cache');
  const parallel = `
    const { spawn } = require('node:child_process');
    const [cli, file] = process.argv.slice(1);
    let left = 6, failed = 0;
    for (let i = 0; i < 6; i++) {
      const c = spawn(process.execPath, [cli, 'run', file], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      c.stdout.on('data', (d) => (out += d));
      c.on('close', (code) => { if (code !== 0 || out !== 'program ran\\n') failed++; if (--left === 0) console.log('failed', failed); });
    }`;
  const r = runCli(file, { HOME: home, COROSCOPE_CACHE_DIR: cache }, ['-e', parallel, cli, file]);
  assert.equal(r.stdout, 'failed 0\n', r.stderr);
  assert.equal(r.stderr, '');
  assert.deepEqual(readdirSync(cache).filter((n) => n.endsWith('.tmp')), []); // no temporary files left
  assert.equal(entries(cache).length, 1);
  assert.equal(readdirSync(cache).filter((n) => n.endsWith('.v8')).length, 1); // and one code cache for the runtime
});

test('COROSCOPE_NO_CACHE=1 writes nothing', () => {
  const { home, file } = workspace();
  const r = runCli(file, { HOME: home, COROSCOPE_NO_CACHE: '1' });
  assertRan(r);
  assert.deepEqual(readdirSync(home), []);
});
