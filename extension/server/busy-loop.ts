// Loops that wait without awaiting, in an async function (or a callback inside one). Every task
// shares one thread, so while such a loop spins nothing else runs: a loop that waits for the clock
// freezes every task until its deadline, and one that waits for other code to change something
// (a flag, a queue's length) never sees it change. A loop that computes (its exits depend on what
// it changes itself: an index it increments, a buffer it consumes) is fine and is not reported.
import ts from 'typescript';
import type { Finding } from './analysis';
import { shorten } from './type-facts';

type Loop = ts.WhileStatement | ts.DoStatement | ts.ForStatement;

/** Why a loop is reported; undefined for a loop that awaits or computes. */
type Verdict =
  | { readonly kind: 'forever' }
  | { readonly kind: 'clock' | 'state'; readonly condition: string };

export function isLoop(node: ts.Node): node is Loop {
  return ts.isWhileStatement(node) || ts.isDoStatement(node) || ts.isForStatement(node);
}

export function checkBusyLoop(loop: Loop, out: Finding[], file: ts.SourceFile): void {
  const verdict = busyLoop(loop, file);
  if (!verdict || insideBusyLoop(loop, file)) return;
  const keyword = loop.getFirstToken(file)!;
  out.push({
    check: 'busy-loop',
    severity: 'warning',
    message: message(verdict),
    start: keyword.getStart(file),
    length: keyword.getEnd() - keyword.getStart(file),
    fixes: [],
  });
}

function message(verdict: Verdict): string {
  switch (verdict.kind) {
    case 'forever':
      return 'This loop never awaits and never exits: it freezes every task and the event loop. Await something (e.g. sleep(0)) in each turn.';
    case 'clock':
      return `This loop waits for time to pass without awaiting (${verdict.condition}): until then no other task runs and the event loop stands still. Await sleep(seconds) instead.`;
    case 'state':
      return `This loop waits for ${verdict.condition} without awaiting: while it spins no other task or callback runs, so nothing can change it. Await an Event (or sleep(0)) in each turn.`;
  }
}

function busyLoop(loop: Loop, file: ts.SourceFile): Verdict | undefined {
  if (containsAwait(loop)) return undefined;
  const condition = ts.isForStatement(loop) ? loop.condition : loop.expression;
  const always = condition === undefined || isAlwaysTrue(condition);
  // What decides when the loop ends: its own condition and the `if`s around each break/return/throw.
  const exits = exitConditions(loop.statement);
  if (!always) exits.push(condition);
  if (exits.length === 0) return { kind: 'forever' };
  if (exits.includes(undefined)) return undefined; // an unconditional exit: the loop runs a bounded number of turns
  // A call may change anything its callee can reach (`while (!done) step();`): then the loop computes.
  if (callsSomething(loop)) return undefined;
  const changed = namesChangedBy(loop);
  const deciding = exits as ts.Expression[];
  if (!deciding.every((c) => waits(c, changed))) return undefined;
  const clock = deciding.find(readsClock);
  const shown = shorten((clock ?? deciding[0]!).getText(file), 50);
  return { kind: clock ? 'clock' : 'state', condition: clock ? shown : `\`${shown}\`` };
}

/** True inside a loop that is itself reported (one finding per frozen region is enough). */
function insideBusyLoop(node: ts.Node, file: ts.SourceFile): boolean {
  for (let n = node.parent; n && !ts.isFunctionLike(n); n = n.parent) if (isLoop(n) && busyLoop(n, file)) return true;
  return false;
}

function isAlwaysTrue(expr: ts.Expression): boolean {
  while (ts.isParenthesizedExpression(expr)) expr = expr.expression;
  if (expr.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (ts.isNumericLiteral(expr)) return Number(expr.text) !== 0;
  if (ts.isPrefixUnaryExpression(expr) && expr.operator === ts.SyntaxKind.ExclamationToken) {
    const inner = expr.operand;
    return ts.isNumericLiteral(inner) && Number(inner.text) === 0;
  }
  return false;
}

/** An await, `for await` or yield in `node`, not counting nested functions (they run elsewhere). */
function containsAwait(node: ts.Node): boolean {
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found || ts.isFunctionLike(n) || ts.isClassLike(n)) return;
    if (ts.isAwaitExpression(n) || ts.isYieldExpression(n) || (ts.isForOfStatement(n) && n.awaitModifier)) {
      found = true;
      return;
    }
    ts.forEachChild(n, visit);
  };
  ts.forEachChild(node, visit);
  return found;
}

/**
 * For each break/return/throw that leaves the loop (a break inside a nested loop or switch does
 * not), the condition of the innermost `if`/`?:` it sits in, or undefined when it sits in none.
 */
function exitConditions(body: ts.Statement): (ts.Expression | undefined)[] {
  const out: (ts.Expression | undefined)[] = [];
  const visit = (n: ts.Node, depth: number, guard: ts.Expression | undefined): void => {
    if (ts.isFunctionLike(n) || ts.isClassLike(n)) return;
    if (ts.isReturnStatement(n) || ts.isThrowStatement(n)) out.push(guard);
    else if (ts.isBreakStatement(n) && (n.label !== undefined || depth === 0)) out.push(guard);
    const nested = isLoop(n) || ts.isForOfStatement(n) || ts.isForInStatement(n) || ts.isSwitchStatement(n) ? 1 : 0;
    if (ts.isIfStatement(n)) {
      visit(n.expression, depth, guard);
      visit(n.thenStatement, depth, n.expression);
      if (n.elseStatement) visit(n.elseStatement, depth, n.expression);
      return;
    }
    if (ts.isCatchClause(n)) {
      // An exception leaves by the catch: the loop's end is decided by what threw, not by waiting.
      ts.forEachChild(n, (c) => visit(c, depth + nested, undefined));
      return;
    }
    ts.forEachChild(n, (c) => visit(c, depth + nested, guard));
  };
  visit(body, 0, undefined);
  return out;
}

/** A call or `new` anywhere in the loop (nested functions included), other than a clock read. */
function callsSomething(loop: Loop): boolean {
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if (ts.isTaggedTemplateExpression(n) || ((ts.isCallExpression(n) || ts.isNewExpression(n)) && !isClockRead(n))) found = true;
    else ts.forEachChild(n, visit);
  };
  ts.forEachChild(loop, visit);
  return found;
}

/** A condition waits when it reads nothing the loop changes (the loop calls nothing but the clock). */
function waits(condition: ts.Expression, changed: ReadonlySet<string>): boolean {
  let computes = false;
  const visit = (n: ts.Node): void => {
    if (computes) return;
    if (isAssignment(n) || isUpdate(n)) computes = true;
    else if (isNameRead(n) && changed.has(rootName(n))) computes = true;
    else ts.forEachChild(n, visit);
  };
  visit(condition);
  return !computes;
}

/** Names (identifiers, `this`) the loop changes: assigned, incremented, declared or deleted from. */
function namesChangedBy(loop: Loop): Set<string> {
  const changed = new Set<string>();
  const addRoot = (e: ts.Expression) => {
    const root = rootOf(e);
    if (root) changed.add(rootName(root));
  };
  const visit = (n: ts.Node): void => {
    if (isAssignment(n)) addBindingTargets(n.left, addRoot);
    else if (isUpdate(n)) addRoot(n.operand);
    else if (ts.isVariableDeclaration(n)) addNames(n.name, changed);
    else if (ts.isDeleteExpression(n)) addRoot(n.expression);
    ts.forEachChild(n, visit);
  };
  ts.forEachChild(loop, visit);
  return changed;
}

function addBindingTargets(target: ts.Expression, addRoot: (e: ts.Expression) => void): void {
  if (ts.isArrayLiteralExpression(target)) for (const el of target.elements) addBindingTargets(ts.isSpreadElement(el) ? el.expression : el, addRoot);
  else if (ts.isObjectLiteralExpression(target)) {
    for (const p of target.properties) {
      if (ts.isShorthandPropertyAssignment(p)) addRoot(p.name);
      else if (ts.isPropertyAssignment(p)) addBindingTargets(p.initializer, addRoot);
      else if (ts.isSpreadAssignment(p)) addRoot(p.expression);
    }
  } else addRoot(target);
}

function addNames(name: ts.BindingName, into: Set<string>): void {
  if (ts.isIdentifier(name)) into.add(name.text);
  else for (const el of name.elements) if (!ts.isOmittedExpression(el)) addNames(el.name, into);
}

function isAssignment(n: ts.Node): n is ts.BinaryExpression {
  return ts.isBinaryExpression(n) && n.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && n.operatorToken.kind <= ts.SyntaxKind.LastAssignment;
}

function isUpdate(n: ts.Node): n is ts.PrefixUnaryExpression | ts.PostfixUnaryExpression {
  return ts.isPostfixUnaryExpression(n) || (ts.isPrefixUnaryExpression(n) && (n.operator === ts.SyntaxKind.PlusPlusToken || n.operator === ts.SyntaxKind.MinusMinusToken));
}

/** `a` of `a.b[c].d`, or `this`; undefined for anything else (a call's result, a literal). */
function rootOf(e: ts.Expression): ts.Identifier | ts.ThisExpression | undefined {
  while (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e) || ts.isParenthesizedExpression(e) || ts.isNonNullExpression(e)) e = e.expression;
  return ts.isIdentifier(e) || e.kind === ts.SyntaxKind.ThisKeyword ? (e as ts.Identifier | ts.ThisExpression) : undefined;
}

function rootName(n: ts.Identifier | ts.ThisExpression): string {
  return ts.isIdentifier(n) ? n.text : 'this';
}

/** An identifier or `this` read as a value (not a property name after a dot). */
function isNameRead(n: ts.Node): n is ts.Identifier | ts.ThisExpression {
  if (n.kind === ts.SyntaxKind.ThisKeyword) return true;
  if (!ts.isIdentifier(n)) return false;
  const p = n.parent;
  return !(ts.isPropertyAccessExpression(p) && p.name === n);
}

/** Date.now(), performance.now(), process.hrtime(), process.hrtime.bigint(), new Date(), Date(). */
function isClockRead(n: ts.CallExpression | ts.NewExpression): boolean {
  const text = n.expression.getText();
  if (ts.isNewExpression(n) || text === 'Date') return text === 'Date' && (n.arguments?.length ?? 0) === 0;
  return text === 'Date.now' || text === 'performance.now' || text === 'process.hrtime' || text === 'process.hrtime.bigint';
}

function readsClock(condition: ts.Expression): boolean {
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if ((ts.isCallExpression(n) || ts.isNewExpression(n)) && isClockRead(n)) found = true;
    else ts.forEachChild(n, visit);
  };
  visit(condition);
  return found;
}
