// Parameter names of coroutine functions, read from their source, for thread names in asyncio's
// style: `Task-3 handle(conn)`. The runtime knows where each coroutine function is defined
// (file:line:column); the names are taken from the parameter list there, types dropped.
import { readFileSync } from 'node:fs';

const cache = new Map<string, string | null>();
const sources = new Map<string, string[] | null>();

/** `conn`, `reader, writer`, `{…}, n` for the function defined at `file:line:column`, or null. */
export function parameterNames(definedAt: string): string | null {
  if (cache.has(definedAt)) return cache.get(definedAt)!;
  const m = /^(.*):(\d+):(\d+)$/.exec(definedAt);
  let result: string | null = null;
  if (m) {
    const lines = sourceLines(m[1]!);
    if (lines) result = parseParams(lines.slice(Number(m[2]) - 1, Number(m[2]) + 20).join('\n'), Number(m[3]) - 1);
  }
  cache.set(definedAt, result);
  return result;
}

function sourceLines(path: string): string[] | null {
  if (!sources.has(path)) {
    try {
      sources.set(path, readFileSync(path, 'utf8').split('\n'));
    } catch {
      sources.set(path, null);
    }
  }
  return sources.get(path)!;
}

/** The top-level parameters of the first parameter list at or after `column`. */
export function parseParams(text: string, column: number): string | null {
  const open = text.indexOf('(', column);
  if (open < 0) return null;
  const params: string[] = [];
  let depth = 0;
  let current = '';
  for (let i = open + 1; i < text.length; i++) {
    const c = text[i]!;
    if (c === '(' || c === '[' || c === '{' || c === '<') depth++;
    else if (c === ')' || c === ']' || c === '}' || c === '>') {
      if (depth === 0 && c === ')') {
        if (current.trim()) params.push(current);
        return params.map(paramName).join(', ');
      }
      if (!(c === '>' && text[i - 1] === '=')) depth--;
    } else if (c === ',' && depth === 0) {
      params.push(current);
      current = '';
      continue;
    }
    current += c;
  }
  return null;
}

function paramName(param: string): string {
  const p = param.trim().replace(/^(public|private|protected|readonly)\s+/, '');
  if (p.startsWith('{') || p.startsWith('[')) return p.startsWith('{') ? '{…}' : '[…]';
  const m = /^(\.\.\.)?([A-Za-z_$][\w$]*)/.exec(p);
  return m ? `${m[1] ?? ''}${m[2]}` : '?';
}
