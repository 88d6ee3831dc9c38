// Finding `await` keywords in a line of source text, for the hover and inline values (no VS Code
// import, so it is unit-tested directly). A keyword inside a string or a comment is not one; the
// scan is per line, which is what both callers have, so a multi-line string can fool it (rare, and
// the adapter then answers "not suspended at line N").

export interface TokenSpan {
  readonly start: number;
  readonly end: number;
}

/** Every `await` keyword in `line`, outside strings, template text and comments. */
export function awaitTokens(line: string): TokenSpan[] {
  const spans: TokenSpan[] = [];
  let i = 0;
  while (i < line.length) {
    const ch = line[i]!;
    if (ch === '/' && line[i + 1] === '/') break;
    if (ch === '/' && line[i + 1] === '*') {
      const close = line.indexOf('*/', i + 2);
      if (close < 0) break;
      i = close + 2;
      continue;
    }
    if (ch === '"' || ch === "'" || ch === '`') {
      i = skipString(line, i);
      continue;
    }
    if (/[A-Za-z_$]/.test(ch)) {
      let j = i + 1;
      while (j < line.length && /[\w$]/.test(line[j]!)) j++;
      if (line.slice(i, j) === 'await' && line[i - 1] !== '.') spans.push({ start: i, end: j });
      i = j;
      continue;
    }
    i++;
  }
  return spans;
}

/** The `await` keyword that `character` falls on, if any. */
export function awaitTokenAt(line: string, character: number): TokenSpan | undefined {
  return awaitTokens(line).find((s) => character >= s.start && character <= s.end);
}

function skipString(line: string, start: number): number {
  const quote = line[start];
  let i = start + 1;
  while (i < line.length) {
    if (line[i] === '\\') i += 2;
    else if (line[i] === quote) return i + 1;
    else i++;
  }
  return i;
}
