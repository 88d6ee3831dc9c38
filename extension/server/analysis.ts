// Static checks for coroutine programs, on the TypeScript compiler API and nothing else (no VS Code,
// no LSP), so they run the same in the language server and in unit tests.
//
// In a coroscope program an `async function` call makes a coroutine object that runs only when it is
// awaited or scheduled (as in asyncio), and every task shares one thread: a blocking call or a loop
// that never awaits freezes them all. These checks point at exactly those mistakes.
import ts from 'typescript';
import { checkBlockingCall } from './blocking-call';
import { checkBusyLoop, isLoop } from './busy-loop';
import { checkCoroutineVariable } from './coroutine-variable';
import { article, awaitability, makesCoroutine, normalizeDir, shorten } from './type-facts';
import { calleeText, runCoroutineFixes } from './run-fixes';
import { collectImports, insideAsyncFunction, withinAsyncFunction, type Edit, type Imports } from './syntax';

export type { Edit } from './syntax';

export type Check = 'unawaited-coroutine' | 'blocking-call' | 'busy-loop' | 'not-awaitable';

export interface Fix {
  readonly title: string;
  readonly edits: readonly Edit[];
  /** The fix a user most likely wants (shown first, bound to the quick-fix key). */
  readonly preferred?: boolean;
}

export interface Finding {
  readonly check: Check;
  readonly severity: 'error' | 'warning' | 'information';
  readonly message: string;
  readonly start: number;
  readonly length: number;
  readonly fixes: readonly Fix[];
}

export interface AnalyzeOptions {
  /** The runtime's own folder: its native `async` functions (run()) are not coroutines. */
  readonly runtimeDir?: string;
}

/** Runs every check over one source file of `program`. */
export function analyze(program: ts.Program, file: ts.SourceFile, options: AnalyzeOptions = {}): Finding[] {
  const checker = program.getTypeChecker();
  const runtimeDir = normalizeDir(options.runtimeDir);
  const imports = collectImports(file);
  const findings: Finding[] = [];

  const visit = (node: ts.Node): void => {
    if (ts.isExpressionStatement(node)) checkDiscardedCall(node, checker, imports, file, findings, runtimeDir);
    if (ts.isVariableDeclaration(node)) checkCoroutineVariable(node, checker, imports, file, findings, runtimeDir);
    if (ts.isCallExpression(node)) checkBlockingCall(node, imports, findings, file);
    if (isLoop(node) && withinAsyncFunction(node)) checkBusyLoop(node, findings, file);
    if (ts.isAwaitExpression(node)) checkAwaitable(node, checker, findings, file);
    ts.forEachChild(node, visit);
  };
  visit(file);
  return findings;
}

// ---------------------------------------------------------------------------------------------
// A coroutine called and dropped.

function checkDiscardedCall(stmt: ts.ExpressionStatement, checker: ts.TypeChecker, imports: Imports, file: ts.SourceFile, out: Finding[], runtimeDir: string | undefined): void {
  let expr = stmt.expression;
  while (ts.isParenthesizedExpression(expr)) expr = expr.expression;
  if (!ts.isCallExpression(expr) || !makesCoroutine(expr, checker, runtimeDir)) return;
  const callee = calleeText(expr, file);
  const inAsync = insideAsyncFunction(stmt);
  const fixes = runCoroutineFixes(expr, callee, stmt, imports, file);
  out.push({
    check: 'unawaited-coroutine',
    severity: 'warning',
    message:
      `${callee} makes a coroutine that never runs: it is neither awaited nor scheduled. ` +
      (inAsync ? `Add 'await' to run it here, or wrap it in createTask(...) to run it concurrently.` : `Pass it to run(...), or await it (in an async function, or at the top level of a module).`),
    start: expr.getStart(file),
    length: expr.getEnd() - expr.getStart(file),
    fixes,
  });
}

// ---------------------------------------------------------------------------------------------
// Awaiting something the task cannot wait on.

function checkAwaitable(node: ts.AwaitExpression, checker: ts.TypeChecker, out: Finding[], file: ts.SourceFile): void {
  const type = checker.getTypeAtLocation(node.expression);
  if (awaitability(type, checker) !== 'never') return;
  const shown = checker.typeToString(checker.getBaseTypeOfLiteralType(type));
  const isFunction = type.getCallSignatures().length > 0;
  out.push({
    check: 'not-awaitable',
    severity: 'error',
    message:
      `'await' on ${article(shown)} ${shown}: a task can only await a coroutine, a Task, a Future or a promise, ` +
      `so this raises TypeError ("can't be used in 'await' expression")` +
      (isFunction ? `. Did you mean to call it: ${node.expression.getText(file)}(...)?` : '.'),
    start: node.expression.getStart(file),
    length: node.expression.getEnd() - node.expression.getStart(file),
    fixes: notAwaitableFixes(node, type, file),
  });
}

/** Call it (a function or coroutine function named where its call was meant), or drop the `await`. */
function notAwaitableFixes(node: ts.AwaitExpression, type: ts.Type, file: ts.SourceFile): Fix[] {
  const fixes: Fix[] = [];
  const signatures = type.getCallSignatures();
  const text = shorten(node.expression.getText(file), 40);
  if (signatures.length > 0) {
    const noArguments = signatures.some((s) => s.getParameters().every((p) => p.valueDeclaration !== undefined && ts.isParameter(p.valueDeclaration) && (p.valueDeclaration.questionToken !== undefined || p.valueDeclaration.initializer !== undefined || p.valueDeclaration.dotDotDotToken !== undefined)));
    const needsParens = !(ts.isIdentifier(node.expression) || ts.isPropertyAccessExpression(node.expression) || ts.isElementAccessExpression(node.expression) || ts.isCallExpression(node.expression) || ts.isParenthesizedExpression(node.expression));
    const edits: Edit[] = needsParens
      ? [{ start: node.expression.getStart(file), length: 0, newText: '(' }, { start: node.expression.getEnd(), length: 0, newText: ')()' }]
      : [{ start: node.expression.getEnd(), length: 0, newText: '()' }];
    fixes.push({ title: noArguments ? `Call it: ${text}()` : `Call it: ${text}(…) (then give its arguments)`, edits, preferred: noArguments });
  }
  const keyword = node.getStart(file);
  fixes.push({ title: "Remove 'await'", edits: [{ start: keyword, length: node.expression.getStart(file) - keyword, newText: '' }] });
  return fixes;
}

