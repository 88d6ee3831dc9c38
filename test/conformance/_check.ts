// How the conformance suite decides that a CPython run and a Coroscope run of the same program
// agree: pure functions over what each side printed, so the rules can be tested on made-up
// outputs (conformance.test.ts does) as well as used on real runs.
//
// A pair agrees when
//   - both exited with the status the program declares (`# expect-exit: N` in the .py, else 0),
//     neither was killed nor timed out;
//   - stdout agrees line by line (documented differences applied, see Marker);
//   - when the declared status is not 0, the last `Type: message` line of stderr agrees, module
//     prefixes dropped (`asyncio.exceptions.CancelledError` is `CancelledError`);
//   - the warnings on stderr agree, as a sorted list of kinds with the coroutine's name:
//     "coroutine 'x' was never awaited", "Task exception was never retrieved: x",
//     "Future exception was never retrieved", "Task was destroyed but it is pending: x". Sorted,
//     because when a garbage collector reports them differs by design (`unretrieved-timing`).
//
// This file avoids `async function` for the same reason as conformance.test.ts.

/** What one program printed and how it ended. */
export interface Outcome {
  stdout: string;
  stderr: string;
  status: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
}

/**
 * A documented difference declared in the Python program:
 *   # expect-differ: <id>: <CPython line> => <Coroscope line>
 * A CPython stdout line, warning or final error line equal to <CPython line> is expected as
 * <Coroscope line> from Coroscope; `(nothing)` as <Coroscope line> means Coroscope prints no such
 * line.
 */
export interface Marker {
  id: string;
  cpython: string;
  coroscope: string;
  line: number;
}

/** What the Python program's comment header declares. */
export interface Header {
  markers: Marker[];
  /** `# expect-exit: N`: the status both sides must end with (0 when not declared). */
  expectExit: number;
  /** `# timing-sensitive: <why>`: a mismatch may be retried once (and the retry is reported). */
  timingSensitive: string | null;
}

/** The `<Coroscope line>` of a marker that stands for "no such line". */
export const NOTHING = '(nothing)';

export function lines(text: string): string[] {
  const out = text.replace(/\r\n/g, '\n').split('\n');
  if (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out;
}

export function parseHeader(source: string): Header {
  const header: Header = { markers: [], expectExit: 0, timingSensitive: null };
  source.split('\n').forEach((text, index) => {
    const where = `line ${index + 1}: ${text.trim()}`;
    const differ = /^\s*#\s*expect-differ:\s*([\w-]+):\s?(.*?)\s+=>\s?(.*)$/.exec(text);
    const exit = /^\s*#\s*expect-exit:\s*(\d+)\s*$/.exec(text);
    const timing = /^\s*#\s*timing-sensitive:\s*(\S.*)$/.exec(text);
    if (differ) header.markers.push({ id: differ[1]!, cpython: differ[2]!, coroscope: differ[3]!, line: index + 1 });
    else if (/expect-differ/.test(text)) throw new Error(`malformed expect-differ marker at ${where}`);
    else if (exit) header.expectExit = Number(exit[1]);
    else if (/expect-exit/.test(text)) throw new Error(`malformed expect-exit marker at ${where} (want '# expect-exit: N')`);
    else if (timing) header.timingSensitive = timing[1]!.trim();
    else if (/timing-sensitive/.test(text)) throw new Error(`malformed timing-sensitive marker at ${where} (want '# timing-sensitive: <why>')`);
  });
  return header;
}

/**
 * The last `Type: message` line of a traceback on stderr (an unindented line; Coroscope adds
 * indented `at ...` lines after it), with module prefixes dropped; null when there is none.
 */
export function finalError(stderr: string): string | null {
  for (const line of lines(stderr).reverse()) {
    const m = /^([A-Za-z_][\w.]*)(: .*)?$/.exec(line);
    if (m) return `${m[1]!.replace(/^(?:[A-Za-z_]\w*\.)+/, '')}${m[2] ?? ''}`;
  }
  return null;
}

/** The warnings on stderr, normalised to their kind and coroutine name, sorted. */
export function warnings(stderr: string): string[] {
  const all = lines(stderr);
  const found: string[] = [];
  all.forEach((line, i) => {
    const next = all[i + 1] ?? '';
    const coro = /coro=<([\w.<>]+)\(/.exec(next)?.[1] ?? '?';
    const never = /RuntimeWarning: coroutine '([^']+)' was never awaited/.exec(line);
    if (never) found.push(`coroutine '${never[1]}' was never awaited`);
    else if (/^Task exception was never retrieved$/.test(line)) found.push(`Task exception was never retrieved: ${coro}`);
    else if (/^Future exception was never retrieved$/.test(line)) found.push('Future exception was never retrieved');
    else if (/^Task was destroyed but it is pending!?$/.test(line)) found.push(`Task was destroyed but it is pending: ${coro}`);
  });
  return found.sort();
}

/** A unified-style diff of two line lists (LCS based; the outputs are small). */
export function diff(expected: string[], actual: string[]): string {
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

export function describeEnd(o: Outcome, timeoutMs: number): string {
  if (o.timedOut) return `killed after ${timeoutMs / 1000} s`;
  if (o.signal) return `killed by ${o.signal}`;
  return `exit status ${o.status}`;
}

/** Why Coroscope's run disagrees with CPython's (a readable report), or null when they agree. */
export function mismatch(name: string, header: Header, py: Outcome, ts: Outcome, timeoutMs = 30_000): string | null {
  const { markers, expectExit } = header;
  const used = new Set<Marker>();
  // CPython's lines with the documented differences applied.
  const expect = (from: string[]): string[] =>
    from.flatMap((line) => {
      const marker = markers.find((m) => m.cpython === line);
      if (!marker) return [line];
      used.add(marker);
      return marker.coroscope === NOTHING ? [] : [marker.coroscope];
    });
  const expected = expect(lines(py.stdout));
  const actual = lines(ts.stdout);
  const expectedWarnings = expect(warnings(py.stderr)).sort();
  const actualWarnings = warnings(ts.stderr);
  const pyError = expectExit === 0 ? null : finalError(py.stderr);
  const expectedError = pyError === null ? null : (expect([pyError])[0] ?? null);
  const actualError = expectExit === 0 ? null : finalError(ts.stderr);
  const stale = markers.filter((m) => !used.has(m));

  const problems: string[] = [];
  const ended = (o: Outcome) => !o.timedOut && !o.signal && o.status === expectExit;
  if (!ended(py) || !ended(ts)) {
    problems.push(
      `  exit: ${name}.py: ${describeEnd(py, timeoutMs)}, ${name}.ts: ${describeEnd(ts, timeoutMs)}; both must exit with ${expectExit}` +
        (expectExit === 0 ? ` (a program that should fail declares '# expect-exit: N')` : ''),
    );
  }
  if (expectExit !== 0 && (expectedError === null || expectedError !== actualError)) {
    problems.push(
      `  final error line of stderr: CPython ${JSON.stringify(pyError)}` +
        (expectedError !== pyError ? ` (documented as ${JSON.stringify(expectedError)})` : '') +
        `, Coroscope ${JSON.stringify(actualError)}`,
    );
  }
  if (expectedWarnings.join('\n') !== actualWarnings.join('\n')) {
    problems.push(`  warnings on stderr (- CPython, + Coroscope):`, diff(expectedWarnings, actualWarnings));
  }
  if (stale.length > 0) {
    problems.push(`  expect-differ marker(s) at ${name}.py line ${stale.map((m) => m.line).join(', ')} match no line CPython printed`);
  }
  const sameOutput = expected.length === actual.length && expected.every((l, i) => l === actual[i]);
  if (!sameOutput) {
    problems.push(
      `  stdout diff (- CPython${markers.length ? ' with documented differences applied' : ''}, + Coroscope; columns: CPython line, Coroscope line):`,
      diff(expected, actual),
    );
  }
  if (problems.length === 0) return null;
  const report = [`${name}: Coroscope's run differs from CPython's.`, ...problems];
  if (ts.stderr.trim()) report.push(`  Coroscope stderr:`, tail(ts.stderr));
  if (py.stderr.trim()) report.push(`  CPython stderr:`, tail(py.stderr));
  return report.join('\n');
}
