// asyncio.iscoroutinefunction for this runtime: is calling `fn` going to return a Coroutine?
//
// The loader compiles `async function f(a) { ... }` into a plain function whose whole body is
// `return __cs.coro(...)` or `return __cs.c(...)` (arrows: `(a) => __cs.c(...)`), so V8 sees no async function (see
// the README's `async-function-kind` row) and nothing marks it at definition. Its source text does:
// the first thing after its own parameter list is that call. Only the function's own head is
// scanned, so a plain function that merely contains an async one is not mistaken for one.
// Functions made by coroutine(function* ...) are marked when made.

const marked = new WeakSet<Function>();
const verdicts = new WeakMap<Function, boolean>();

/** Records a function that returns coroutines (coroutine()'s wrappers). */
export function markCoroutineFunction(fn: Function): void {
  marked.add(fn);
}

/** True for a function compiled from `async function` (or an async method or arrow), or made by coroutine(). */
export function isCoroutineFunction(fn: unknown): boolean {
  if (typeof fn !== 'function') return false;
  if (marked.has(fn)) return true;
  let verdict = verdicts.get(fn);
  if (verdict === undefined) verdicts.set(fn, (verdict = compiledFromAsync(Function.prototype.toString.call(fn))));
  return verdict;
}

// After the parameter list: `{`, an optional `super` accessor of the loader, then `return __cs.coro(`
// (or `__cs.c(`, the form with a shared generator function); or, for an arrow with an expression
// body, `=> __cs.c(` directly.
const COMPILED_BODY = /^\s*(?:=>\s*)?(?:\{\s*(?:const __cs_super\d* = [^;\n]*;\s*)?return\s+)?__cs\.c(?:oro)?\(/;

function compiledFromAsync(source: string): boolean {
  if (!source.includes('__cs.coro(') && !source.includes('__cs.c(')) return false;
  const end = endOfParameters(source);
  return end >= 0 && COMPILED_BODY.test(source.slice(end));
}

/** The index just after the `)` closing the function's parameter list (-1 if there is none). */
function endOfParameters(source: string): number {
  let depth = 0;
  let inParameters = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '"' || c === "'" || c === '`') {
      i = endOfString(source, i);
      continue;
    }
    if (c === '/' && source[i + 1] === '*') {
      i = source.indexOf('*/', i + 2);
      if (i < 0) return -1;
      i++;
      continue;
    }
    if (c === '/' && source[i + 1] === '/') {
      i = source.indexOf('\n', i);
      if (i < 0) return -1;
      continue;
    }
    if (c === '(' || c === '[' || c === '{') {
      // Before the parameter list, only a computed method name (`[Symbol.iterator]`) opens anything.
      if (depth === 0 && c === '(') inParameters = true;
      else if (depth === 0 && c === '{') return -1;
      depth++;
    } else if (c === ')' || c === ']' || c === '}') {
      depth--;
      if (depth === 0 && inParameters) return i + 1;
    } else if (depth === 0 && c === '=' && source[i + 1] === '>') {
      return i; // an arrow's single parameter without parentheses: `x => ...`
    }
  }
  return -1;
}

/** The index of the quote closing the string or template literal that opens at `start`. */
function endOfString(source: string, start: number): number {
  const quote = source[start];
  for (let i = start + 1; i < source.length; i++) {
    if (source[i] === '\\') i++;
    else if (source[i] === quote) return i;
  }
  return source.length;
}
