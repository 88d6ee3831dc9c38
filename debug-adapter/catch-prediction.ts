// Catch prediction for the 'uncaught' exception breakpoint: will an exception thrown here end its
// task? It will unless the code that threw, or a coroutine of the task's await chain at its await,
// sits in the try block of a try…catch of its own function: the prediction V8 makes for native
// async functions, made over our await chain instead of a promise chain. Stopping at the throw
// keeps the frames and locals that are gone once the task has unwound.
import type * as TS from 'typescript';
import type { CdpConnection } from './cdp-connection';
import type { ScriptLocation } from './scripts';

/** Where a compiled script's functions and try…catch blocks are, by offset into its source. */
interface TryIndex {
  readonly lineStarts: readonly number[];
  /** [start, end) of every function, outer before inner. */
  readonly functions: readonly (readonly [number, number])[];
  /** The try block of every try…catch, with the index of the function it belongs to (-1: top level). */
  readonly tries: readonly { readonly start: number; readonly end: number; readonly fn: number }[];
}

let ts: typeof TS | null | undefined;

function typescript(): typeof TS | null {
  if (ts === undefined) {
    try {
      ts = require('typescript') as typeof TS;
    } catch {
      ts = null;
    }
  }
  return ts;
}

export class CatchPredictor {
  readonly #indexes = new Map<string, Promise<TryIndex | null>>();

  constructor(readonly cdp: CdpConnection) {}

  /**
   * True when the position (in the compiled script V8 runs) is inside the try block of a try…catch
   * of the function it is in. A nested function's try does not count: its own frame is asked.
   */
  async insideTryCatch(loc: ScriptLocation): Promise<boolean> {
    const index = await this.#index(loc.scriptId);
    if (!index) return false;
    const lineStart = index.lineStarts[loc.lineNumber];
    if (lineStart === undefined) return false;
    const offset = lineStart + loc.columnNumber;
    let fn = -1;
    index.functions.forEach(([start, end], i) => {
      if (start <= offset && offset < end) fn = i; // the last one containing it is the innermost
    });
    return index.tries.some((t) => t.fn === fn && t.start <= offset && offset < t.end);
  }

  #index(scriptId: string): Promise<TryIndex | null> {
    let index = this.#indexes.get(scriptId);
    if (!index) {
      index = this.cdp
        .send<{ scriptSource: string }>('Debugger.getScriptSource', { scriptId })
        .then(({ scriptSource }) => buildIndex(scriptSource))
        .catch(() => null);
      this.#indexes.set(scriptId, index);
    }
    return index;
  }
}

function buildIndex(source: string): TryIndex | null {
  const t = typescript();
  if (!t) return null;
  const file = t.createSourceFile('compiled.js', source, t.ScriptTarget.Latest, false, t.ScriptKind.JS);
  const functions: [number, number][] = [];
  const tries: { start: number; end: number; fn: number }[] = [];
  const visit = (node: TS.Node, fn: number): void => {
    if (t.isFunctionLike(node)) {
      functions.push([node.getStart(file), node.end]);
      fn = functions.length - 1;
    } else if (t.isTryStatement(node) && node.catchClause && !isLoaderCatch(t, node.catchClause)) {
      tries.push({ start: node.tryBlock.getStart(file), end: node.tryBlock.end, fn });
    }
    t.forEachChild(node, (child) => visit(child, fn));
  };
  visit(file, -1);
  return { lineStarts: file.getLineStarts(), functions, tries };
}

/** The loader's own catch of an `await using` block (`catch (__cs_eN)`): it rethrows after disposal. */
function isLoaderCatch(t: typeof TS, clause: TS.CatchClause): boolean {
  const name = clause.variableDeclaration?.name;
  return name !== undefined && t.isIdentifier(name) && name.text.startsWith('__cs');
}
