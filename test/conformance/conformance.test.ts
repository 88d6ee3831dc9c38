// The conformance suite: each `name.py` here is a program for CPython's asyncio and `name.ts` the
// same program for Coroscope. Both are run (CPython, and `node bin/coroscope.js run`) and must
// agree: exit status, stdout line by line, the warnings on stderr, and for a program that declares
// `# expect-exit: N` the final `Type: message` line of its traceback (_check.ts has the rules).
//
// A documented difference (a row of DIFFERENCES.md) may be declared in the Python program with
//   # expect-differ: <id>: <CPython line> => <Coroscope line>
// Each CPython output line equal to <CPython line> is then expected as <Coroscope line> from
// Coroscope: the documented behaviour is asserted, not skipped. A marker whose id is not in
// DIFFERENCES.md, or that matches no line, fails the pair.
//
// A mismatch fails the pair. Only a program whose header says `# timing-sensitive: <why>` gets
// one rerun, and a rerun that agrees is reported, never silent.
//
// No python3 on the machine is a failure that says so, never a silent pass. The interpreter is
// $CONFORMANCE_PYTHON, else a CPython 3.12 (the version the README follows: `python3.12` on PATH or
// a pyenv install), else /usr/bin/python3, else python3 on PATH; a run on another version than
// 3.12 says so once, and every test name says which version ran.
//
// This file avoids `async function`: test files are loaded through coroscope's loader, which would
// make them coroscope coroutines; plain promises keep the harness on Node's own machinery.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type Header, type Outcome, finalError, mismatch, parseHeader, warnings } from './_check';

const PER_PROGRAM_TIMEOUT_MS = 30_000;
// One program per core: the programs time sleeps, and a starved process would print late.
const POOL_SIZE = Math.max(2, cpus().length);

const root = findRoot(__dirname);
const here = join(root, 'test', 'conformance');
const cli = join(root, 'bin', 'coroscope.js');
const differencesFile = join(here, 'DIFFERENCES.md');

function findRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'coroscope') return dir;
    if (dirname(dir) === dir) return process.cwd();
  }
}

/** The CPython version the README follows; a run on another one is reported. */
const TARGET_VERSION = '3.12';

/** Interpreters to try, best first: the one asked for, else a CPython 3.12, else the system's. */
function pythonCandidates(): string[] {
  if (process.env.CONFORMANCE_PYTHON) return [process.env.CONFORMANCE_PYTHON];
  const pyenvVersions = join(process.env.PYENV_ROOT ?? join(homedir(), '.pyenv'), 'versions');
  const pyenv = existsSync(pyenvVersions)
    ? readdirSync(pyenvVersions)
        .filter((v) => v.startsWith(`${TARGET_VERSION}.`))
        .sort((a, b) => Number(b.split('.')[2]) - Number(a.split('.')[2]))
        .map((v) => join(pyenvVersions, v, 'bin', `python${TARGET_VERSION}`))
    : [];
  return [`python${TARGET_VERSION}`, ...pyenv, '/usr/bin/python3', 'python3'];
}

/** The interpreter to run the Python side with, or why there is none. */
function findPython(): { path: string; version: string } | { error: string } {
  const candidates = pythonCandidates();
  for (const path of candidates) {
    // A pyenv shim for a version that is not selected exits 127: it is skipped like a missing one.
    const r = spawnSync(path, ['-c', 'import sys; print("%d.%d.%d" % sys.version_info[:3])'], { encoding: 'utf8' });
    if (r.error || r.status !== 0) continue;
    const version = r.stdout.trim();
    const [major, minor] = version.split('.').map(Number);
    if (major! < 3 || (major === 3 && minor! < 11)) {
      return { error: `${path} is Python ${version}; the conformance programs need 3.11+ (asyncio.timeout, TaskGroup)` };
    }
    return { path, version };
  }
  return {
    error:
      `python3 was not found (tried ${candidates.join(', ')}): the conformance suite compares every ` +
      `program with CPython's asyncio and cannot run without it. Install python3 (3.11+) or set CONFORMANCE_PYTHON.`,
  };
}

function runProgram(command: string, args: string[]): Promise<Outcome> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: here,
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', PYTHONIOENCODING: 'utf-8', NO_COLOR: '1', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, PER_PROGRAM_TIMEOUT_MS);
    const finish = (status: number | null, signal: NodeJS.Signals | null, error?: Error) => {
      clearTimeout(timer);
      resolve({ stdout, stderr: error ? `${stderr}${error.message}\n` : stderr, status, signal, timedOut });
    };
    child.on('error', (err) => finish(null, null, err));
    child.on('close', (status, signal) => finish(status, signal));
  });
}

/** Runs jobs with at most `size` at a time, in order; each result is there as soon as its job ends. */
function pool<T>(size: number, jobs: (() => Promise<T>)[]): Promise<T>[] {
  const waiting: (() => void)[] = [];
  let active = 0;
  const startMore = () => {
    while (active < size && waiting.length > 0) {
      active += 1;
      waiting.shift()!();
    }
  };
  const results = jobs.map(
    (job) =>
      new Promise<T>((resolve, reject) => {
        waiting.push(() => {
          job()
            .then(resolve, reject)
            .finally(() => {
              active -= 1;
              startMore();
            });
        });
      }),
  );
  startMore();
  return results;
}

/** The ids of the documented differences: the first cell of each table row, in backquotes. */
function documentedIds(): Set<string> {
  if (!existsSync(differencesFile)) return new Set();
  const ids = new Set<string>();
  for (const row of readFileSync(differencesFile, 'utf8').split('\n')) {
    const m = /^\|\s*`([\w-]+)`/.exec(row);
    if (m) ids.add(m[1]!);
  }
  return ids;
}

const python = findPython();
// `_support.py`/`_support.ts` are what the programs print with, not programs.
const isProgram = (f: string) => !f.startsWith('_');
const pyFiles = readdirSync(here).filter((f) => f.endsWith('.py') && isProgram(f)).sort();
const tsFiles = readdirSync(here).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && isProgram(f)).sort();
const names = pyFiles.map((f) => f.slice(0, -3));

test(`conformance: python3 is available${'error' in python ? '' : ` (CPython ${python.version} at ${python.path})`}`, (t) => {
  if ('error' in python) assert.fail(python.error);
  assert.ok(existsSync(cli), `${cli} is missing`);
  if (!python.version.startsWith(`${TARGET_VERSION}.`)) {
    const warning =
      `warning: the conformance programs ran under CPython ${python.version}, not ${TARGET_VERSION} as the README ` +
      `says Coroscope follows (${process.env.CONFORMANCE_PYTHON ? 'CONFORMANCE_PYTHON chose it' : `no python${TARGET_VERSION} found; set CONFORMANCE_PYTHON to choose one`})`;
    t.diagnostic(warning);
    process.stderr.write(`${warning}\n`);
  }
});

test('conformance: every program has its pair', () => {
  const missingTs = names.filter((n) => !tsFiles.includes(`${n}.ts`));
  const missingPy = tsFiles.map((f) => f.slice(0, -3)).filter((n) => !names.includes(n));
  assert.deepEqual({ missingTs, missingPy }, { missingTs: [], missingPy: [] }, 'each name.py needs a name.ts and the reverse');
});

type Pair = [py: Outcome, ts: Outcome];

/**
 * The verdict on a pair's run: the failure report, or null; `note` tells of a rerun. Only a
 * program declared timing-sensitive is rerun: the programs time real sleeps, and on a loaded
 * machine a late wake-up can reorder two lines of those; everywhere else a difference that does
 * not repeat is still a difference (an ordering the runtime does not guarantee).
 */
function judge(name: string, header: Header, first: Pair, rerun: () => Promise<Pair>): Promise<{ failure: string | null; note: string | null }> {
  const firstReport = mismatch(name, header, ...first, PER_PROGRAM_TIMEOUT_MS);
  if (firstReport === null) return Promise.resolve({ failure: null, note: null });
  if (header.timingSensitive === null) return Promise.resolve({ failure: firstReport, note: null });
  return rerun().then((second) => {
    const secondReport = mismatch(name, header, ...second, PER_PROGRAM_TIMEOUT_MS);
    if (secondReport === null) {
      return {
        failure: null,
        note: `${name}: reran (declared timing-sensitive: ${header.timingSensitive}); the first run differed and the rerun agreed:\n${firstReport}`,
      };
    }
    const failure = secondReport === firstReport ? secondReport : `${secondReport}\n  (the first run differed too:)\n${firstReport}`;
    return { failure: `${failure}\n  (run twice: declared timing-sensitive)`, note: null };
  });
}

const ok = (stdout: string, stderr = ''): Outcome => ({ stdout, stderr, status: 0, signal: null, timedOut: false });
const failed = (stdout: string, stderr: string): Outcome => ({ ...ok(stdout, stderr), status: 1 });
const noHeader: Header = { markers: [], expectExit: 0, timingSensitive: null };
const pyTraceback = (last: string) => `Traceback (most recent call last):\n  File "x.py", line 3, in <module>\n    main()\n${last}\n`;
const tsTraceback = (last: string) => `Traceback (most recent call last, through the await chain):\n  File "x.ts", line 3, in main\n${last}\n    at main (x.ts:3:9)\n`;

test('conformance checker: a NameError on one side and an error at once on the other is a failure', () => {
  const py = failed('', pyTraceback("NameError: name 'gather' is not defined"));
  const ts = failed('', tsTraceback('ReferenceError: gather is not defined'));
  assert.match(mismatch('broken', noHeader, py, ts) ?? '', /both must exit with 0 \(a program that should fail declares/);
  // Declaring the failure is not enough: the errors themselves must agree.
  const declared = { ...noHeader, expectExit: 1 };
  assert.match(mismatch('broken', declared, py, ts) ?? '', /final error line of stderr: CPython "NameError: name 'gather' is not defined", Coroscope "ReferenceError: gather is not defined"/);
  assert.match(mismatch('broken', declared, py, ok('')) ?? '', /exit: broken\.py: exit status 1, broken\.ts: exit status 0/);
});

test('conformance checker: the final error lines agree once module prefixes are dropped', () => {
  assert.equal(finalError(pyTraceback('asyncio.exceptions.CancelledError')), 'CancelledError');
  assert.equal(finalError(pyTraceback('__main__.Boom: nobody catches this')), 'Boom: nobody catches this');
  assert.equal(finalError(tsTraceback('Boom: nobody catches this')), 'Boom: nobody catches this');
  const declared = { ...noHeader, expectExit: 1 };
  const py = failed('main starts\n', pyTraceback('__main__.Boom: nobody catches this'));
  const ts = failed('main starts\n', tsTraceback('Boom: nobody catches this'));
  assert.equal(mismatch('uncaught', declared, py, ts), null);
  assert.match(mismatch('uncaught', declared, py, failed('main starts\n', '')) ?? '', /Coroscope null/);
});

test('conformance checker: a warning printed by one side only is a failure', () => {
  const cpythonWarning = "x.py:9: RuntimeWarning: coroutine 'child' was never awaited\n  child()\n";
  const unretrieved = (coro: string) => `Task exception was never retrieved\nfuture: <Task finished name='Task-2' coro=<${coro}() done, defined at x:1> exception=Boom('x')>\n`;
  assert.deepEqual(warnings(cpythonWarning + unretrieved('boom')), ["Task exception was never retrieved: boom", "coroutine 'child' was never awaited"]);
  assert.match(mismatch('warns', noHeader, ok('done\n', cpythonWarning), ok('done\n')) ?? '', /warnings on stderr[^]*- +1 +coroutine 'child' was never awaited/);
  assert.match(mismatch('warns', noHeader, ok('done\n'), ok('done\n', unretrieved('boom'))) ?? '', /\+ +1 +Task exception was never retrieved: boom/);
  // Another coroutine's warning is not the same warning; the order they come in does not matter.
  assert.notEqual(mismatch('warns', noHeader, ok('', unretrieved('boom')), ok('', unretrieved('other'))), null);
  const coroscopeWarning = "x.ts:9:3: RuntimeWarning: coroutine 'child' was never awaited (add 'await', or schedule it with createTask())\n";
  assert.equal(mismatch('warns', noHeader, ok('', cpythonWarning + unretrieved('boom')), ok('', unretrieved('boom') + coroscopeWarning)), null);
  // A documented difference can say Coroscope prints no such warning.
  const documented = parseHeader("# expect-differ: taskgroup-closes-coroutine: coroutine 'child' was never awaited => (nothing)\n");
  assert.equal(mismatch('warns', documented, ok('', cpythonWarning), ok('')), null);
});

test('conformance checker: a mismatch that does not repeat fails unless the program is declared timing-sensitive', () => {
  const agreeing: Pair = [ok('a\nb\n'), ok('a\nb\n')];
  const reordered: Pair = [ok('a\nb\n'), ok('b\na\n')];
  let reruns = 0;
  const rerun = () => {
    reruns += 1;
    return Promise.resolve(agreeing);
  };
  const sensitive = parseHeader('# timing-sensitive: two sleeps 10 ms apart\n');
  assert.equal(sensitive.timingSensitive, 'two sleeps 10 ms apart');
  return judge('flaky', noHeader, reordered, rerun)
    .then((verdict) => {
      assert.match(verdict.failure ?? '', /stdout diff/);
      assert.equal(reruns, 0, 'a program not declared timing-sensitive is not rerun');
      return judge('flaky', sensitive, reordered, rerun);
    })
    .then((verdict) => {
      assert.equal(verdict.failure, null);
      assert.match(verdict.note ?? '', /^flaky: reran \(declared timing-sensitive: two sleeps 10 ms apart\); the first run differed and the rerun agreed/);
      assert.equal(reruns, 1);
      return judge('flaky', sensitive, reordered, () => Promise.resolve(reordered));
    })
    .then((verdict) => assert.match(verdict.failure ?? '', /run twice: declared timing-sensitive/));
});

test('conformance checker: a broken pair run for real fails (NameError under CPython, ReferenceError under Coroscope)', () => {
  if ('error' in python) return assert.fail(python.error);
  const dir = mkdtempSync(join(tmpdir(), 'conformance-broken-'));
  writeFileSync(join(dir, 'broken.py'), "import asyncio\nasync def main():\n    print('before')\n    await gather_typo()\nasyncio.run(main())\n");
  writeFileSync(join(dir, 'broken.ts'), "import { run } from 'coroscope';\nasync function main() {\n  console.log('before');\n  await (globalThis as any).gatherTypo();\n}\nrun(main());\n");
  return Promise.all([runProgram(python.path, [join(dir, 'broken.py')]), runProgram(process.execPath, [cli, 'run', join(dir, 'broken.ts')])])
    .then(([py, ts]) => {
      assert.equal(py.status, 1, py.stderr);
      assert.equal(ts.status, 1, ts.stderr);
      assert.equal(finalError(py.stderr), "NameError: name 'gather_typo' is not defined");
      assert.match(mismatch('broken', noHeader, py, ts) ?? '', /both must exit with 0/);
      assert.match(mismatch('broken', { ...noHeader, expectExit: 1 }, py, ts) ?? '', /final error line of stderr: CPython "NameError/);
    })
    .finally(() => rmSync(dir, { recursive: true, force: true }));
});

if (!('error' in python)) {
  const interpreter = python.path;
  const runPython = (name: string) => runProgram(interpreter, [join(here, `${name}.py`)]);
  const runCoroscope = (name: string) => runProgram(process.execPath, [cli, 'run', join(here, `${name}.ts`)]);
  const runPair = (name: string) => Promise.all([runPython(name), runCoroscope(name)]);
  const outcomes = pool(
    POOL_SIZE,
    names.flatMap((name) => [() => runPython(name), () => runCoroscope(name)]),
  );
  const ids = documentedIds();

  names.forEach((name, index) => {
    test(`conformance: ${name} (CPython ${python.version} vs Coroscope)`, (t) => {
      if (!existsSync(join(here, `${name}.ts`))) assert.fail(`${name}.ts is missing`);
      const header = parseHeader(readFileSync(join(here, `${name}.py`), 'utf8'));
      const undocumented = header.markers.filter((m) => !ids.has(m.id));
      if (undocumented.length > 0) {
        assert.fail(
          `${name}.py: expect-differ marker(s) ${undocumented.map((m) => `'${m.id}' (line ${m.line})`).join(', ')} ` +
            `name no row of test/conformance/DIFFERENCES.md`,
        );
      }
      return Promise.all([outcomes[2 * index]!, outcomes[2 * index + 1]!])
        .then((first) => judge(name, header, first, () => runPair(name)))
        .then(({ failure, note }) => {
          if (note !== null) {
            t.diagnostic(note);
            process.stderr.write(`${note}\n`);
          }
          if (failure !== null) assert.fail(failure);
        });
    });
  });
}
