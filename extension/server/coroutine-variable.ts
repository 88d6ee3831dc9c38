// A coroutine kept in a variable that nothing ever awaits or schedules: `const c = work();` and
// then no `await c`, createTask(c), gather(c, ...), return c... The coroutine never runs, as when
// the call is dropped outright (analysis.ts), but TypeScript sees nothing wrong with it.
import ts from 'typescript';
import type { Finding } from './analysis';
import { calleeText, runCoroutineFixes } from './run-fixes';
import { makesCoroutine } from './type-facts';
import type { Imports } from './syntax';

/** Members a caller uses to drive or chain an awaitable: reaching for one counts as using it. */
const DRIVING_MEMBERS = new Set(['then', 'catch', 'finally', 'send', 'throw', 'close', 'next', 'return']);

export function checkCoroutineVariable(decl: ts.VariableDeclaration, checker: ts.TypeChecker, imports: Imports, file: ts.SourceFile, out: Finding[], runtimeDir: string | undefined): void {
  if (!ts.isIdentifier(decl.name) || !decl.initializer) return;
  let init = decl.initializer;
  while (ts.isParenthesizedExpression(init)) init = init.expression;
  if (!ts.isCallExpression(init) || !makesCoroutine(init, checker, runtimeDir)) return;
  const symbol = checker.getSymbolAtLocation(decl.name);
  if (!symbol || isExported(decl) || usedAnywhere(decl, symbol, checker, file)) return;
  const name = decl.name.text;
  const callee = calleeText(init, file);
  out.push({
    check: 'unawaited-coroutine',
    severity: 'warning',
    message: `${name} holds the coroutine ${callee} makes, but nothing awaits or schedules it, so ${callee} never runs. Await it, or pass it to createTask(...) or gather(...).`,
    start: decl.name.getStart(file),
    length: decl.name.getEnd() - decl.name.getStart(file),
    fixes: runCoroutineFixes(init, callee, decl, imports, file),
  });
}

function isExported(decl: ts.VariableDeclaration): boolean {
  const stmt = decl.parent?.parent;
  return stmt !== undefined && ts.isVariableStatement(stmt) && (ts.getModifiers(stmt)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) ?? false);
}

/** True when some reference to the variable hands the coroutine on (anywhere it could be run from). */
function usedAnywhere(decl: ts.VariableDeclaration, symbol: ts.Symbol, checker: ts.TypeChecker, file: ts.SourceFile): boolean {
  let used = false;
  const visit = (n: ts.Node): void => {
    if (used) return;
    if (ts.isIdentifier(n) && n !== decl.name && n.text === decl.name.getText(file)) {
      const parent = n.parent;
      const refers = ts.isShorthandPropertyAssignment(parent) && parent.name === n
        ? checker.getShorthandAssignmentValueSymbol(parent) === symbol
        : checker.getSymbolAtLocation(n) === symbol;
      if (refers && handsOn(n)) used = true;
    }
    ts.forEachChild(n, visit);
  };
  visit(file);
  return used;
}

/**
 * True unless the reference only looks at the coroutine: a bare statement, a test (`if (c)`, `!c`,
 * `c === d`, `typeof c`), a template, or a member that neither drives nor chains it (`c.name`).
 * Everything else (await, an argument, return, an assignment, an array, `void c`...) may run it.
 */
function handsOn(ref: ts.Identifier): boolean {
  let node: ts.Node = ref;
  while (ts.isParenthesizedExpression(node.parent) || ts.isNonNullExpression(node.parent) || ts.isAsExpression(node.parent) || ts.isSatisfiesExpression(node.parent)) node = node.parent;
  const p = node.parent;
  if (ts.isExpressionStatement(p) || ts.isTypeOfExpression(p) || ts.isTemplateSpan(p) || ts.isPrefixUnaryExpression(p)) return false;
  if ((ts.isIfStatement(p) || ts.isWhileStatement(p) || ts.isDoStatement(p)) && p.expression === node) return false;
  if (ts.isPropertyAccessExpression(p) && p.expression === node) return DRIVING_MEMBERS.has(p.name.text);
  if (ts.isBinaryExpression(p)) {
    const op = p.operatorToken.kind;
    if (op === ts.SyntaxKind.EqualsToken) return p.right === node;
    return !(op >= ts.SyntaxKind.LessThanToken && op <= ts.SyntaxKind.ExclamationEqualsEqualsToken) && op !== ts.SyntaxKind.InstanceOfKeyword && op !== ts.SyntaxKind.InKeyword;
  }
  return true;
}
