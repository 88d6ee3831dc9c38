// Catch prediction for the 'uncaught' exception breakpoint: will an exception thrown here end its
// task? It will unless the code that threw, or a coroutine of the task's await chain at its await,
// sits in the try block of a try…catch of its own function: the prediction V8 makes for native
// async functions, made over our await chain instead of a promise chain. Stopping at the throw
// keeps the frames and locals that are gone once the task has unwound.
// The same parse of the compiled script tells step-in where the loader's coroutine functions are:
// `function f(a) { return __cs.c(...) }` (or `__cs.coro(...)`) only makes the coroutine, its body runs later.
import type * as TS from 'typescript';
import type { CdpConnection } from './cdp-connection';
import type { ScriptLocation } from './scripts';
import { loadTypescript } from './typescript';
import { HIDDEN_NAME } from './variables';

/** Where a compiled script's functions and try…catch blocks are, by offset into its source. */
interface TryIndex {
  readonly lineStarts: readonly number[];
  /** [start, end) of every function, outer before inner, and whether it is a coroutine function's wrapper. */
  readonly functions: readonly (readonly [number, number, boolean])[];
  /** The try block of every try…catch, with the index of the function it belongs to (-1: top level). */
  readonly tries: readonly { readonly start: number; readonly end: number; readonly fn: number }[];
}

export class CatchPredictor {
  readonly #indexes = new Map<string, Promise<TryIndex | null>>();

  constructor(readonly cdp: CdpConnection) {}

  /**
   * True when the position (in the compiled script V8 runs) is inside the try block of a try…catch
   * of the function it is in. A nested function's try does not count: its own frame is asked.
   */
  async insideTryCatch(loc: ScriptLocation): Promise<boolean> {
    const at = await this.#locate(loc);
    return at !== null && at.index.tries.some((t) => t.fn === at.fn && t.start <= at.offset && at.offset < t.end);
  }

  /**
   * True when a frame runs the loader's wrapper of a coroutine function (the compiled `async
   * function`, whose body only returns the coroutine object), not the coroutine's body. Asked by the
   * frame's function location (V8's CallFrame.functionLocation): its pause location can be the start
   * of a nested function, or the very end of an arrow's expression body.
   */
  async runsCoroutineWrapper(frame: { location: ScriptLocation; functionLocation?: ScriptLocation }): Promise<boolean> {
    const at = await this.#locate(frame.functionLocation ?? frame.location);
    return at !== null && at.fn >= 0 && at.index.functions[at.fn]![2];
  }

  /** The script's index, the offset of the position, and the innermost function containing it (-1: top level). */
  async #locate(loc: ScriptLocation): Promise<{ index: TryIndex; offset: number; fn: number } | null> {
    const index = await this.#index(loc.scriptId);
    if (!index) return null;
    const lineStart = index.lineStarts[loc.lineNumber];
    if (lineStart === undefined) return null;
    const offset = lineStart + loc.columnNumber;
    let fn = -1;
    index.functions.forEach(([start, end], i) => {
      if (start <= offset && offset < end) fn = i; // the last one containing it is the innermost
    });
    return { index, offset, fn };
  }

  #index(scriptId: string): Promise<TryIndex | null> {
    let index = this.#indexes.get(scriptId);
    if (!index) {
      index = this.cdp
        .send<{ scriptSource: string }>('Debugger.getScriptSource', { scriptId })
        .then(({ scriptSource }) => buildIndex(scriptSource))
        .catch(() => {
          this.#indexes.delete(scriptId); // asked again next time: the inspector may answer then
          return null;
        });
      this.#indexes.set(scriptId, index);
    }
    return index;
  }
}

function buildIndex(source: string): TryIndex | null {
  const t = loadTypescript();
  if (!t) return null;
  const file = t.createSourceFile('compiled.js', source, t.ScriptTarget.Latest, false, t.ScriptKind.JS);
  const functions: [number, number, boolean][] = [];
  const tries: { start: number; end: number; fn: number }[] = [];
  const visit = (node: TS.Node, fn: number): void => {
    if (t.isFunctionLike(node)) {
      functions.push([node.getStart(file), node.end, isCoroutineWrapper(t, node, file)]);
      fn = functions.length - 1;
    } else if (t.isTryStatement(node) && node.catchClause && !isLoaderCatch(t, node.catchClause, file)) {
      tries.push({ start: node.tryBlock.getStart(file), end: node.tryBlock.end, fn });
    }
    t.forEachChild(node, (child) => visit(child, fn));
  };
  visit(file, -1);
  return { lineStarts: file.getLineStarts(), functions, tries };
}

/**
 * The loader's compiled `async function`: its body only makes the coroutine object,
 * `return __cs.c((__cs_g0 ??= { *f(a) {...} }.f).call(this, a), site)` or, where the generator is
 * made per call, `return __cs.coro({ *f() {...} }.f, this, arguments, site)` (an arrow: `=> __cs.c(...)`;
 * an async generator function: `__cs.agen(...)`), after the loader's own declarations if any
 * (`const __cs_super0 = (k) => super[k]` in a method that uses `super`).
 */
function isCoroutineWrapper(t: typeof TS, fn: TS.SignatureDeclaration, file: TS.SourceFile): boolean {
  const body = (fn as { body?: TS.Node }).body;
  if (body === undefined) return false;
  let made: TS.Node | undefined = body;
  if (t.isBlock(body)) {
    const statements = body.statements;
    const last = statements[statements.length - 1];
    const loaderOwn = statements.slice(0, -1).every((st) => t.isVariableStatement(st) && st.declarationList.declarations.every((d) => t.isIdentifier(d.name) && HIDDEN_NAME.test(d.name.text)));
    made = last !== undefined && loaderOwn && t.isReturnStatement(last) ? last.expression : undefined;
  }
  return made !== undefined && t.isCallExpression(made) && /^__cs\.(?:c|coro|agen)$/.test(made.expression.getText(file));
}

/**
 * A catch that only records the error for a disposal and rethrows it after: the loader's own for a
 * `using` block (`catch (__cs_eN)`), and TypeScript's lowering of `using` in plain functions
 * (`catch (e_N) { env_N.error = e_N; ... }`).
 */
function isLoaderCatch(t: typeof TS, clause: TS.CatchClause, file: TS.SourceFile): boolean {
  const name = clause.variableDeclaration?.name;
  if (name === undefined || !t.isIdentifier(name)) return false;
  if (HIDDEN_NAME.test(name.text)) return true;
  const first = clause.block.statements[0];
  return (
    /^e_\d+$/.test(name.text) &&
    first !== undefined &&
    t.isExpressionStatement(first) &&
    t.isBinaryExpression(first.expression) &&
    /^env_\d+\.error$/.test(first.expression.left.getText(file))
  );
}
