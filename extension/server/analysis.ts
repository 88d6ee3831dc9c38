// Static checks for coroutine programs, on the TypeScript compiler API and nothing else (no VS Code,
// no LSP), so they run the same in the language server and in unit tests.
//
// In a coroscope program an `async function` call makes a coroutine object that runs only when it is
// awaited or scheduled (as in asyncio), and every task shares one thread: a blocking call or a loop
// that never awaits freezes them all. These checks point at exactly those mistakes.
import ts from 'typescript';
import { article, awaitability, hasAsyncModifier, makesCoroutine, normalizeDir, shorten } from './type-facts';

export type Check = 'unawaited-coroutine' | 'blocking-call' | 'busy-loop' | 'not-awaitable';

/** A text edit in the analysed file: replace `length` characters at `start` with `newText`. */
export interface Edit {
  readonly start: number;
  readonly length: number;
  readonly newText: string;
}

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

const BLOCKING_MODULES = new Set(['fs', 'node:fs', 'child_process', 'node:child_process']);

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
    if (ts.isCallExpression(node) && insideAsyncFunction(node)) checkBlockingCall(node, imports, findings, file);
    if (isLoop(node) && insideAsyncFunction(node)) checkBusyLoop(node, findings, file);
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
  const fixes: Fix[] = [];
  if (inAsync) {
    fixes.push({ title: `Add 'await' (run ${callee} on this task)`, edits: [{ start: expr.getStart(file), length: 0, newText: 'await ' }], preferred: true });
    fixes.push({ title: `Wrap in createTask(...) (run ${callee} as a new task)`, edits: wrapEdits(expr, 'createTask', imports, file) });
  } else if (enclosingFunction(stmt) === undefined) {
    fixes.push({ title: `Wrap in run(...) (start an event loop for ${callee})`, edits: wrapEdits(expr, 'run', imports, file), preferred: true });
  }
  out.push({
    check: 'unawaited-coroutine',
    severity: 'warning',
    message:
      `${callee} makes a coroutine that never runs: it is neither awaited nor scheduled. ` +
      (inAsync ? `Add 'await' to run it here, or wrap it in createTask(...) to run it concurrently.` : `Pass it to run(...), or await it inside an async function.`),
    start: expr.getStart(file),
    length: expr.getEnd() - expr.getStart(file),
    fixes,
  });
}

function wrapEdits(expr: ts.Expression, fn: 'createTask' | 'run', imports: Imports, file: ts.SourceFile): Edit[] {
  const edits: Edit[] = [
    { start: expr.getStart(file), length: 0, newText: `${fn}(` },
    { start: expr.getEnd(), length: 0, newText: ')' },
  ];
  if (!imports.named.has(fn)) edits.unshift(importEdit(fn, imports, file));
  return edits;
}

/** An edit that makes `name` importable from 'coroscope': extends the existing import or adds one. */
function importEdit(name: string, imports: Imports, file: ts.SourceFile): Edit {
  const clause = imports.coroscopeNamedImports;
  if (clause && clause.elements.length > 0) {
    const last = clause.elements[clause.elements.length - 1]!;
    return { start: last.getEnd(), length: 0, newText: `, ${name}` };
  }
  const firstStatement = file.statements[0];
  const at = firstStatement ? firstStatement.getStart(file) : 0;
  return { start: at, length: 0, newText: `import { ${name} } from 'coroscope';\n` };
}

// ---------------------------------------------------------------------------------------------
// Blocking calls inside async functions.

function checkBlockingCall(call: ts.CallExpression, imports: Imports, out: Finding[], file: ts.SourceFile): void {
  const what = blockingCallName(call.expression, imports);
  if (!what) return;
  out.push({
    check: 'blocking-call',
    severity: 'warning',
    message: `${what} blocks the thread: while it runs, every task and the event loop stand still. ` + blockingAdvice(what),
    start: call.getStart(file),
    length: call.getEnd() - call.getStart(file),
    fixes: [],
  });
}

function blockingCallName(callee: ts.Expression, imports: Imports): string | undefined {
  if (ts.isPropertyAccessExpression(callee)) {
    const name = callee.name.text;
    const target = callee.expression;
    if (ts.isIdentifier(target) && target.text === 'Atomics' && name === 'wait') return 'Atomics.wait()';
    if (!name.endsWith('Sync')) return undefined;
    // fs.readFileSync, fs.promises is fine; cp.execSync, require('fs').readFileSync.
    if (ts.isIdentifier(target) && imports.namespaces.has(target.text)) return `${target.text}.${name}()`;
    if (ts.isCallExpression(target) && isRequireOf(target)) return `${name}()`;
    return undefined;
  }
  if (ts.isIdentifier(callee) && callee.text.endsWith('Sync') && imports.blockingNamed.has(callee.text)) return `${callee.text}()`;
  return undefined;
}

function blockingAdvice(what: string): string {
  if (what.startsWith('Atomics')) return 'Await a Future or an Event instead.';
  if (/exec|spawn/i.test(what)) return "Use child_process's asynchronous form and await it.";
  return "Use the promise form (fs/promises) and await it.";
}

// ---------------------------------------------------------------------------------------------
// `while (true)` with no await inside an async function.

type Loop = ts.WhileStatement | ts.DoStatement | ts.ForStatement;

function isLoop(node: ts.Node): node is Loop {
  return ts.isWhileStatement(node) || ts.isDoStatement(node) || ts.isForStatement(node);
}

function checkBusyLoop(loop: Loop, out: Finding[], file: ts.SourceFile): void {
  const condition = ts.isForStatement(loop) ? loop.condition : loop.expression;
  if (condition !== undefined && !isAlwaysTrue(condition)) return;
  if (containsAwait(loop.statement) || insideBusyLoop(loop)) return;
  const exits = containsExit(loop.statement);
  const keyword = loop.getFirstToken(file)!;
  out.push({
    check: 'busy-loop',
    severity: exits ? 'information' : 'warning',
    message: exits
      ? 'This loop never awaits: until it exits, no other task runs, so nothing it waits for can change. Await something (e.g. sleep(0)) in each turn.'
      : 'This loop never awaits and never exits: it freezes every task and the event loop. Await something (e.g. sleep(0)) in each turn.',
    start: keyword.getStart(file),
    length: keyword.getEnd() - keyword.getStart(file),
    fixes: [],
  });
}

/** True inside a loop that is itself reported (one finding per frozen region is enough). */
function insideBusyLoop(node: ts.Node): boolean {
  for (let n = node.parent; n && !ts.isFunctionLike(n); n = n.parent) {
    if (!isLoop(n)) continue;
    const condition = ts.isForStatement(n) ? n.condition : n.expression;
    if ((condition === undefined || isAlwaysTrue(condition)) && !containsAwait(n.statement)) return true;
  }
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
  visit(node);
  return found;
}

/** A break/return/throw that leaves the loop (a break inside a nested loop or switch does not). */
function containsExit(body: ts.Node): boolean {
  let found = false;
  const visit = (n: ts.Node, depth: number): void => {
    if (found || ts.isFunctionLike(n) || ts.isClassLike(n)) return;
    if (ts.isReturnStatement(n) || ts.isThrowStatement(n)) found = true;
    else if (ts.isBreakStatement(n) && (n.label !== undefined || depth === 0)) found = true;
    const nested = isLoop(n) || ts.isForOfStatement(n) || ts.isForInStatement(n) || ts.isSwitchStatement(n) ? 1 : 0;
    ts.forEachChild(n, (c) => visit(c, depth + nested));
  };
  visit(body, 0);
  return found;
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
    fixes: isFunction && type.getCallSignatures().some((s) => s.getParameters().length === 0)
      ? [{ title: `Call it: ${node.expression.getText(file)}()`, edits: [{ start: node.expression.getEnd(), length: 0, newText: '()' }], preferred: true }]
      : [],
  });
}

// ---------------------------------------------------------------------------------------------
// Helpers.

interface Imports {
  /** Local names bound to the fs/child_process modules (namespace, default or require). */
  readonly namespaces: Set<string>;
  /** Local names of functions imported by name from fs/child_process. */
  readonly blockingNamed: Set<string>;
  /** Local names imported by name from 'coroscope'. */
  readonly named: Set<string>;
  readonly coroscopeNamedImports: ts.NamedImports | undefined;
}

function collectImports(file: ts.SourceFile): Imports {
  const namespaces = new Set<string>();
  const blockingNamed = new Set<string>();
  const named = new Set<string>();
  let coroscopeNamedImports: ts.NamedImports | undefined;
  for (const stmt of file.statements) {
    if (ts.isImportDeclaration(stmt) && ts.isStringLiteral(stmt.moduleSpecifier) && stmt.importClause) {
      const from = stmt.moduleSpecifier.text;
      const clause = stmt.importClause;
      const bindings = clause.namedBindings;
      if (BLOCKING_MODULES.has(from)) {
        if (clause.name) namespaces.add(clause.name.text);
        if (bindings && ts.isNamespaceImport(bindings)) namespaces.add(bindings.name.text);
        if (bindings && ts.isNamedImports(bindings)) for (const el of bindings.elements) blockingNamed.add(el.name.text);
      }
      if (from === 'coroscope' && bindings && ts.isNamedImports(bindings)) {
        coroscopeNamedImports = bindings;
        for (const el of bindings.elements) named.add(el.name.text);
      }
    }
    if (ts.isImportEqualsDeclaration(stmt) && ts.isExternalModuleReference(stmt.moduleReference)) {
      const ref = stmt.moduleReference.expression;
      if (ts.isStringLiteral(ref) && BLOCKING_MODULES.has(ref.text)) namespaces.add(stmt.name.text);
    }
    if (ts.isVariableStatement(stmt)) {
      for (const decl of stmt.declarationList.declarations) {
        if (!decl.initializer || !ts.isCallExpression(decl.initializer) || !isRequireOf(decl.initializer)) continue;
        if (ts.isIdentifier(decl.name)) namespaces.add(decl.name.text);
        else if (ts.isObjectBindingPattern(decl.name)) for (const el of decl.name.elements) if (ts.isIdentifier(el.name)) blockingNamed.add(el.name.text);
      }
    }
  }
  return { namespaces, blockingNamed, named, coroscopeNamedImports };
}

function isRequireOf(call: ts.CallExpression): boolean {
  const arg = call.arguments[0];
  return ts.isIdentifier(call.expression) && call.expression.text === 'require' && arg !== undefined && ts.isStringLiteral(arg) && BLOCKING_MODULES.has(arg.text);
}

function enclosingFunction(node: ts.Node): ts.SignatureDeclaration | undefined {
  for (let n = node.parent; n; n = n.parent) if (ts.isFunctionLike(n)) return n;
  return undefined;
}

function insideAsyncFunction(node: ts.Node): boolean {
  const fn = enclosingFunction(node);
  return fn !== undefined && hasAsyncModifier(fn);
}

function calleeText(call: ts.CallExpression, file: ts.SourceFile): string {
  return `${shorten(call.expression.getText(file), 40)}()`;
}
