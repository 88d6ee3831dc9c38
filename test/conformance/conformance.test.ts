// The conformance suite: each `name.py` here is a program for CPython's asyncio and `name.ts` the
// same program for Coroscope. Both are run (python3, and `node bin/coroscope.js run`) and their
// stdout and exit status must agree line by line.
//
// A documented difference (a row of DIFFERENCES.md) may be declared in the Python program with
//   # expect-differ: <id>: <CPython line> => <Coroscope line>
// Each CPython output line equal to <CPython line> is then expected as <Coroscope line> from
// Coroscope: the documented behaviour is asserted, not skipped. A marker whose id is not in
// DIFFERENCES.md, or that matches no line, fails the pair.
//
// No python3 on the machine is a failure that says so, never a silent pass. Set
// CONFORMANCE_PYTHON to choose the interpreter (default: /usr/bin/python3, else python3 on PATH).
//
// This file avoids `async function`: test files are loaded through coroscope's loader, which would
// make them coroscope coroutines; plain promises keep the harness on Node's own machinery.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';

/** What one program printed and how it ended. */
interface Outcome {
  stdout: string;
  stderr: string;
  status: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
}

/** A `# expect-differ:` marker of a Python program. */
interface Marker {
  id: string;
  cpython: string;
  coroscope: string;
  line: number;
}

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

/** The interpreter to run the Python side with, or why there is none. */
function findPython(): { path: string; version: string } | { error: string } {
  const candidates = process.env.CONFORMANCE_PYTHON
    ? [process.env.CONFORMANCE_PYTHON]
    : existsSync('/usr/bin/python3')
      ? ['/usr/bin/python3']
      : ['python3'];
  for (const path of candidates) {
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

function lines(text: string): string[] {
  const out = text.replace(/\r\n/g, '\n').split('\n');
  if (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out;
}

function parseMarkers(source: string): Marker[] {
  const markers: Marker[] = [];
  source.split('\n').forEach((text, index) => {
    const m = /^\s*#\s*expect-differ:\s*([\w-]+):\s?(.*?)\s+=>\s?(.*)$/.exec(text);
    if (m) markers.push({ id: m[1]!, cpython: m[2]!, coroscope: m[3]!, line: index + 1 });
    else if (/expect-differ/.test(text)) throw new Error(`malformed expect-differ marker at line ${index + 1}: ${text.trim()}`);
  });
  return markers;
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

/** A unified-style diff of two line lists (LCS based; the outputs are small). */
function diff(expected: string[], actual: string[]): string {
  const n = expected.length;
  const m = actual.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i]![j] = expected[i] === actual[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && expected[i] === actual[j]) {
      out.push(`  ${String(i + 1).padStart(3)} ${String(j + 1).padStart(3)}   ${expected[i]}`);
      i++;
      j++;
    } else if (j < m && (i === n || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) {
      out.push(`+     ${String(j + 1).padStart(3)}   ${actual[j]}`);
      j++;
    } else {
      out.push(`- ${String(i + 1).padStart(3)}       ${expected[i]}`);
      i++;
    }
  }
  return out.join('\n');
}

function tail(text: string, count = 25): string {
  const all = lines(text);
  return (all.length > count ? ['...', ...all.slice(-count)] : all).map((l) => `    ${l}`).join('\n');
}

function describeEnd(o: Outcome): string {
  if (o.timedOut) return `killed after ${PER_PROGRAM_TIMEOUT_MS / 1000} s`;
  if (o.signal) return `killed by ${o.signal}`;
  return `exit status ${o.status}`;
}

const python = findPython();
// `_support.py`/`_support.ts` are what the programs print with, not programs.
const isProgram = (f: string) => !f.startsWith('_');
const pyFiles = readdirSync(here).filter((f) => f.endsWith('.py') && isProgram(f)).sort();
const tsFiles = readdirSync(here).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && isProgram(f)).sort();
const names = pyFiles.map((f) => f.slice(0, -3));

test('conformance: python3 is available', () => {
  if ('error' in python) assert.fail(python.error);
  assert.ok(existsSync(cli), `${cli} is missing`);
});

test('conformance: every program has its pair', () => {
  const missingTs = names.filter((n) => !tsFiles.includes(`${n}.ts`));
  const missingPy = tsFiles.map((f) => f.slice(0, -3)).filter((n) => !names.includes(n));
  assert.deepEqual({ missingTs, missingPy }, { missingTs: [], missingPy: [] }, 'each name.py needs a name.ts and the reverse');
});

/** Why Coroscope's run disagrees with CPython's (a readable diff), or null when they agree. */
function mismatch(name: string, markers: Marker[], py: Outcome, ts: Outcome): string | null {
  const used = new Set<Marker>();
  const expected = lines(py.stdout).map((line) => {
    const marker = markers.find((m) => m.cpython === line);
    if (!marker) return line;
    used.add(marker);
    return marker.coroscope;
  });
  const stale = markers.filter((m) => !used.has(m));
  const actual = lines(ts.stdout);
  const sameOutput = expected.length === actual.length && expected.every((l, i) => l === actual[i]);
  const sameEnd = py.status === ts.status && !py.timedOut && !ts.timedOut && !py.signal && !ts.signal;
  if (sameOutput && sameEnd && stale.length === 0) return null;
  const report = [
    `${name}: Coroscope's output differs from CPython's.`,
    `  ${name}.py: ${describeEnd(py)}, ${name}.ts: ${describeEnd(ts)}`,
  ];
  if (stale.length > 0) {
    report.push(`  expect-differ marker(s) at ${name}.py line ${stale.map((m) => m.line).join(', ')} match no line CPython printed`);
  }
  report.push(
    `  diff (- CPython${markers.length ? ' with documented differences applied' : ''}, + Coroscope; columns: CPython line, Coroscope line):`,
    diff(expected, actual),
  );
  if (ts.stderr.trim()) report.push(`  Coroscope stderr:`, tail(ts.stderr));
  if (py.stderr.trim() && (!sameEnd || !py.stdout)) report.push(`  CPython stderr:`, tail(py.stderr));
  return report.join('\n');
}

if (!('error' in python)) {
  const interpreter = python.path;
  const runPython = (name: string) => runProgram(interpreter, [join(here, `${name}.py`)]);
  const runCoroscope = (name: string) => runProgram(process.execPath, [cli, 'run', join(here, `${name}.ts`)]);
  const outcomes = pool(
    POOL_SIZE,
    names.flatMap((name) => [() => runPython(name), () => runCoroscope(name)]),
  );
  const ids = documentedIds();

  names.forEach((name, index) => {
    test(`conformance: ${name} (CPython ${python.version} vs Coroscope)`, (t) => {
      if (!existsSync(join(here, `${name}.ts`))) assert.fail(`${name}.ts is missing`);
      const markers = parseMarkers(readFileSync(join(here, `${name}.py`), 'utf8'));
      const undocumented = markers.filter((m) => !ids.has(m.id));
      if (undocumented.length > 0) {
        assert.fail(
          `${name}.py: expect-differ marker(s) ${undocumented.map((m) => `'${m.id}' (line ${m.line})`).join(', ')} ` +
            `name no row of test/conformance/DIFFERENCES.md`,
        );
      }
      return Promise.all([outcomes[2 * index]!, outcomes[2 * index + 1]!]).then(([py, ts]) => {
        const first = mismatch(name, markers, py, ts);
        if (first === null) return;
        // The programs time real sleeps; on a loaded machine a late wake-up can reorder two
        // lines. Run the pair once more: a real difference shows again, and a flake is reported.
        return Promise.all([runPython(name), runCoroscope(name)]).then(([py2, ts2]) => {
          const second = mismatch(name, markers, py2, ts2);
          if (second === null) {
            t.diagnostic(`${name}: the first run differed and the rerun agreed (timing flake?):\n${first}`);
            return;
          }
          assert.fail(second === first ? second : `${second}\n  (the first run differed too:)\n${first}`);
        });
      });
    });
  });
}
