// The loader's compiler: TypeScript (or JavaScript) in, CommonJS with an inline source map out, with
// every async function turned into a coroutine function of our runtime. Only what that needs is
// lowered, so the locals a debugger shows are the user's own:
//
//   async function f(a) { const x = await g(a); return x }
//     ->  let __cs_g0;   (at the top of the block that defines f)
//         function f(a) { return __cs.c((__cs_g0 ??= { *f(a) { const x = (yield __cs.aw(g(a), __cs_s + 1)); return x } }.f).call(this, a), __cs_s + 0) }
//
// The generator is a method of a throwaway object so it can carry the function's own name without
// shadowing it (recursion still calls the coroutine function). It is made once per evaluation of
// the scope that defines f, not once per call, and takes f's parameters (bound by f, passed on by
// name): a generator function made per call would give each coroutine a generator of its own
// hidden class (a new function, prototype and map per call: ~400 bytes, and every property access
// on generators turns megamorphic). A body that needs the wrapper's own scope (`arguments`,
// `super`, `new.target`) or a function defined where the scope walk cannot prove one cache per
// scope instance (see hoistScope) keeps the generator inside the wrapper, made per call:
//     function f(a) { return __cs.coro({ *f() { ... } }.f, this, arguments, __cs_s + 0) } `__cs_s + k` are ids of sites (the
// TypeScript line and column of the definition and of each await), registered once per module, so
// tasks know the await each coroutine is suspended at without a stack capture. Statements that
// discard a call's result become `__cs.d(call, site)`, which reports a coroutine never awaited.
// A call that creates tasks (createTask, gather, TaskGroup's createTask, ...: see CREATORS) becomes
// `__cs.ce(createTask(a, __cs.cs(b, site)))`: its tasks record the line that created them.
import type * as TS from 'typescript';
import type { EmitOptions } from './project-config';
import { hasTopLevelAwait, splitModuleBody } from './module-body';

export interface TransformResult {
  code: string;
  /** Syntax errors as `file:line:col - message`; when present, code is not runnable. */
  errors: string[];
}

export { CompileError, isCompileError } from './compile-error';

type Site = [line: number, column: number, functionName: string];

/** How one file is compiled: its module system (ESM keeps import/export) and the project's emit options. */
export interface CompileOptions extends EmitOptions {
  readonly module?: 'commonjs' | 'esm';
}

/**
 * `runtimePath`: what compiled code loads the runtime by (a path for CommonJS, a file: URL for ESM).
 * The project's `target` is kept unless it is below ES2015: the coroutines are generators, which
 * must stay generators for the debugger to read their frames.
 */
export function transformSource(ts: typeof TS, source: string, fileName: string, runtimePath: string, options: CompileOptions = {}): TransformResult {
  const errors: string[] = [];
  const isJs = /\.[cm]?jsx?$/.test(fileName);
  const esm = options.module === 'esm';
  const result = ts.transpileModule(source, {
    fileName,
    reportDiagnostics: true,
    compilerOptions: {
      target: scriptTarget(ts, options.target),
      module: esm ? ts.ModuleKind.ESNext : ts.ModuleKind.CommonJS,
      esModuleInterop: true,
      inlineSourceMap: true,
      inlineSources: true,
      allowJs: isJs,
      jsx: ts.JsxEmit.React,
      useDefineForClassFields: options.useDefineForClassFields,
      experimentalDecorators: options.experimentalDecorators ?? false,
      emitDecoratorMetadata: options.emitDecoratorMetadata ?? false,
    },
    transformers: { before: [(context) => coroutineTransformer(ts, context, runtimePath, esm, errors)] },
  });
  for (const d of result.diagnostics ?? []) errors.push(formatDiagnostic(ts, d, fileName));
  return { code: result.outputText, errors };
}

function scriptTarget(ts: typeof TS, target: string | undefined): TS.ScriptTarget {
  if (target === undefined) return ts.ScriptTarget.ES2022;
  const key = Object.keys(ts.ScriptTarget).find((k) => k.toLowerCase() === target.toLowerCase());
  const value = key === undefined ? undefined : (ts.ScriptTarget as unknown as Record<string, number>)[key];
  if (value === undefined) return ts.ScriptTarget.ES2022;
  return Math.max(value, ts.ScriptTarget.ES2015) as TS.ScriptTarget;
}

function formatDiagnostic(ts: typeof TS, d: TS.Diagnostic, fileName: string): string {
  const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
  if (d.file && d.start !== undefined) {
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    return `${fileName}:${line + 1}:${character + 1} - error: ${message}`;
  }
  return `${fileName} - error: ${message}`;
}

type FnLike = TS.FunctionDeclaration | TS.FunctionExpression | TS.ArrowFunction | TS.MethodDeclaration;

function coroutineTransformer(ts: typeof TS, context: TS.TransformationContext, runtimePath: string, esm: boolean, errors: string[]): TS.Transformer<TS.SourceFile> {
  const f = context.factory;
  return (sf) => {
    // Only subtrees holding something to rewrite are visited: most nodes of a file (expressions
    // with no function, await or super in them) are returned as they are without a walk through
    // TypeScript's visitor machinery, which costs far more per node than this one plain walk.
    const relevant = relevantSubtrees(ts, sf);
    const sites: Site[] = [];
    let temps = 0;
    /** Statement lists (by their original node) that get `let __cs_gN;` declarations at their top. */
    const hoisted = new Map<TS.Node, TS.Identifier[]>();
    /** Prepends the generator caches declared for this statement list (its visited form). */
    const withHoisted = (original: TS.Node, visited: TS.Node): TS.Node => {
      const names = hoisted.get(original);
      if (!names || visited.kind !== original.kind) return visited;
      const decl = f.createVariableStatement(undefined, f.createVariableDeclarationList(names.map((n) => f.createVariableDeclaration(n)), ts.NodeFlags.Let));
      if (ts.isBlock(visited)) return f.updateBlock(visited, [decl, ...visited.statements]);
      if (ts.isModuleBlock(visited)) return f.updateModuleBlock(visited, [decl, ...visited.statements]);
      return visited;
    };
    const csRef = () => f.createIdentifier('__cs');
    const helper = (name: string, args: TS.Expression[]) => f.createCallExpression(f.createPropertyAccessExpression(csRef(), name), undefined, args);
    const siteRef = (node: TS.Node, fnName: string) => {
      const { line, character } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
      sites.push([line + 1, character + 1, fnName]);
      return f.createBinaryExpression(siteBase(), ts.SyntaxKind.PlusToken, f.createNumericLiteral(sites.length - 1));
    };
    /**
     * The module's first site id: `__cs_s`, or in an ES module `(__cs_s ?? __cs_sites())`, since an
     * import cycle may call this module's functions before its body has registered its sites.
     */
    const siteBase = (): TS.Expression =>
      esm
        ? f.createParenthesizedExpression(f.createBinaryExpression(f.createIdentifier('__cs_s'), ts.SyntaxKind.QuestionQuestionToken, f.createCallExpression(f.createIdentifier('__cs_sites'), undefined, [])))
        : f.createIdentifier('__cs_s');
    const report = (node: TS.Node, message: string) => {
      const { line, character } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
      errors.push(`${sf.fileName}:${line + 1}:${character + 1} - error: ${message}`);
    };

    /** Outside any async function body (or inside a nested plain function). */
    const outer = (node: TS.Node): TS.VisitResult<TS.Node> => {
      if (!relevant.has(node)) return node;
      if (isAsyncFn(ts, node)) return transformAsync(node as FnLike, null);
      if (ts.isAwaitExpression(node) || (ts.isForOfStatement(node) && node.awaitModifier)) {
        report(node, "'await' is only allowed inside an async function or at the top level of a module");
        return ts.visitEachChild(node, outer, context);
      }
      if (ts.isExpressionStatement(node)) return discardWrap(node, outer);
      if (isCreatorCall(ts, node)) return creatorCall(node, outer, enclosingName(node));
      return withHoisted(node, ts.visitEachChild(node, outer, context));
    };

    /**
     * `createTask(a, b)` -> `__cs.ce(createTask(a, __cs.cs(b, site)))`: the site is set once the
     * arguments are evaluated (an argument may itself create tasks, or await) and cleared when the
     * call returns, so only the tasks this call creates take it (runtime/sites.ts, creationSite).
     */
    function creatorCall(node: TS.CallExpression, visit: (n: TS.Node) => TS.VisitResult<TS.Node>, fnName: string): TS.Expression {
      const visited = ts.visitEachChild(node, visit, context);
      const args = [...visited.arguments];
      const last = args.length - 1;
      const site = siteRef(node, fnName);
      const lastArg = args[last]!;
      args[last] = ts.isSpreadElement(lastArg) ? f.updateSpreadElement(lastArg, helper('cs', [lastArg.expression, site])) : helper('cs', [lastArg, site]);
      const call = f.updateCallExpression(visited, visited.expression, visited.typeArguments, args);
      return ts.setTextRange(helper('ce', [call]), node);
    }

    function discardWrap(node: TS.ExpressionStatement, visit: (n: TS.Node) => TS.VisitResult<TS.Node>): TS.Statement {
      const expr = node.expression;
      const visited = ts.visitNode(expr, visit) as TS.Expression;
      if (ts.isCallExpression(expr) && expr.expression.kind !== ts.SyntaxKind.SuperKeyword && expr.expression.kind !== ts.SyntaxKind.ImportKeyword) {
        const wrapped = helper('d', [visited, siteRef(expr, enclosingName(expr))]);
        return ts.setTextRange(f.updateExpressionStatement(node, wrapped), node);
      }
      return f.updateExpressionStatement(node, visited);
    }

    function enclosingName(node: TS.Node): string {
      for (let n: TS.Node | undefined = node.parent; n; n = n.parent) {
        if (ts.isFunctionLike(n)) return functionName(ts, n as FnLike);
      }
      return '<module>';
    }

    /**
     * `super` in the generator method would be the throwaway object's: the wrapper, a real method,
     * holds `const __cs_superN = (k) => super[k]` and the body reads through it. Arrows (async or
     * not) inside the body share their enclosing function's.
     */
    interface SuperAccess {
      readonly id: TS.Identifier;
      used: boolean;
    }

    /** The visitor for a coroutine's body: `await` becomes a yield to the task, and what goes with it. */
    function bodyVisitor(name: string, isGen: boolean, superAccess: SuperAccess): (n: TS.Node) => TS.VisitResult<TS.Node> {
      const readSuper = (key: TS.Expression) => {
        superAccess.used = true;
        return f.createCallExpression(superAccess.id, undefined, [key]);
      };
      const superKey = (n: TS.PropertyAccessExpression | TS.ElementAccessExpression) =>
        ts.isPropertyAccessExpression(n) ? f.createStringLiteral(n.name.text) : (ts.visitNode(n.argumentExpression, inner) as TS.Expression);
      const isSuperAccess = (n: TS.Node): n is TS.PropertyAccessExpression | TS.ElementAccessExpression =>
        (ts.isPropertyAccessExpression(n) || ts.isElementAccessExpression(n)) && n.expression.kind === ts.SyntaxKind.SuperKeyword;
      const inner = (n: TS.Node): TS.VisitResult<TS.Node> => {
        if (!relevant.has(n)) return n;
        if (isAsyncFn(ts, n)) return transformAsync(n as FnLike, ts.isArrowFunction(n) ? superAccess : null);
        // A class has its own `super` (and `this`): its members are outside this coroutine.
        if ((ts.isFunctionLike(n) && !ts.isArrowFunction(n)) || ts.isClassLike(n)) return ts.visitEachChild(n, outer, context);
        // super.m(a) -> __cs_superN('m').call(this, a); super.m?.(a) -> __cs_superN('m')?.call(this, a);
        // super.tag`...` -> __cs_superN('tag').bind(this)`...`; super.x -> __cs_superN('x')
        if (ts.isCallExpression(n) && isSuperAccess(n.expression)) {
          const method = readSuper(superKey(n.expression));
          const args = [f.createThis(), ...n.arguments.map((a) => ts.visitNode(a, inner) as TS.Expression)];
          const call = n.questionDotToken
            ? f.createCallChain(f.createPropertyAccessChain(method, n.questionDotToken, 'call'), undefined, undefined, args)
            : f.createCallExpression(f.createPropertyAccessExpression(method, 'call'), undefined, args);
          return ts.setTextRange(call, n);
        }
        if (ts.isTaggedTemplateExpression(n) && isSuperAccess(n.tag)) {
          const tag = f.createCallExpression(f.createPropertyAccessExpression(readSuper(superKey(n.tag)), 'bind'), undefined, [f.createThis()]);
          return ts.setTextRange(f.createTaggedTemplateExpression(tag, undefined, ts.visitNode(n.template, inner) as TS.TemplateLiteral), n);
        }
        if (isSuperAccess(n) && isAssignmentTarget(ts, n)) {
          report(n, `assigning to a super property inside async function '${name}' is not supported: assign this.${ts.isPropertyAccessExpression(n) ? n.name.text : '[key]'} instead, or do it outside the async function`);
          return n;
        }
        if (isSuperAccess(n)) return ts.setTextRange(readSuper(superKey(n)), n);
        if (ts.isAwaitExpression(n)) {
          const operand = ts.visitNode(n.expression, inner) as TS.Expression;
          return ts.setTextRange(f.createParenthesizedExpression(f.createYieldExpression(undefined, helper('aw', [operand, siteRef(n, name)]))), n);
        }
        if (isGen && ts.isYieldExpression(n)) {
          const operand = n.expression ? (ts.visitNode(n.expression, inner) as TS.Expression) : f.createVoidZero();
          if (n.asteriskToken) return f.createParenthesizedExpression(f.createYieldExpression(f.createToken(ts.SyntaxKind.AsteriskToken), helper('ayStar', [operand])));
          return f.createParenthesizedExpression(f.createYieldExpression(undefined, helper('ay', [operand])));
        }
        if (ts.isLabeledStatement(n) && ts.isForOfStatement(n.statement) && n.statement.awaitModifier) {
          return lowerForAwait(n.statement, inner, name, n.label);
        }
        if (ts.isForOfStatement(n) && n.awaitModifier) return lowerForAwait(n, inner, name, undefined);
        if (ts.isExpressionStatement(n)) return discardWrap(n, inner);
        if (isCreatorCall(ts, n)) return creatorCall(n, inner, name);
        if (ts.isBlock(n) && n.statements.some((st) => isUsingStatement(ts, st, false))) return lowerUsingBlock(n, inner, name);
        if (ts.isVariableDeclarationList(n) && (n.flags & ts.NodeFlags.AwaitUsing) === ts.NodeFlags.AwaitUsing) {
          report(n, "'await using' is supported as a statement of a block: put this one in `{ ... }` of its own (e.g. `{ await using x = ...; for (...) { ... } }`)");
        }
        return withHoisted(n, ts.visitEachChild(n, inner, context));
      };
      return inner;
    }

    function transformAsync(node: FnLike, enclosingSuper: SuperAccess | null): TS.Node {
      const name = functionName(ts, node);
      const isGen = !!node.asteriskToken;
      const defSite = siteRef(node, name);
      const superAccess: SuperAccess = enclosingSuper ?? { id: f.createIdentifier(`__cs_super${temps++}`), used: false };
      const inner = bodyVisitor(name, isGen, superAccess);

      let bodyBlock: TS.Block;
      if (node.body && ts.isBlock(node.body)) {
        bodyBlock = ts.visitNode(node.body, inner) as TS.Block;
      } else {
        const expr = ts.visitNode(node.body as TS.Expression, inner) as TS.Expression;
        bodyBlock = f.createBlock([ts.setTextRange(f.createReturnStatement(expr), node.body as TS.Node)], true);
      }
      const methodName = /^[A-Za-z_$][\w$]*$/.test(name) && name !== 'constructor' ? name : `${name}`;
      const propName = /^[A-Za-z_$][\w$]*$/.test(methodName) ? f.createIdentifier(methodName) : f.createStringLiteral(methodName);
      const genMethod = f.createMethodDeclaration(undefined, f.createToken(ts.SyntaxKind.AsteriskToken), propName, undefined, undefined, [], undefined, bodyBlock);
      const holder = f.createObjectLiteralExpression([genMethod], false);
      const genFn = ts.isIdentifier(propName) ? f.createPropertyAccessExpression(holder, propName) : f.createElementAccessExpression(holder, f.createStringLiteral(methodName));
      const isArrow = ts.isArrowFunction(node);
      const args = isArrow ? f.createVoidZero() : f.createIdentifier('arguments');
      const scope = isGen || superAccess.used || usesOwnScope(ts, node) ? undefined : hoistScope(ts, node);
      let call: TS.Expression;
      if (scope) {
        // One generator function per evaluation of the defining scope; f's bound parameters passed on.
        const cache = f.createIdentifier(`__cs_g${temps++}`);
        const names = boundNames(ts, node.parameters);
        const sharedMethod = f.createMethodDeclaration(undefined, f.createToken(ts.SyntaxKind.AsteriskToken), propName, undefined, undefined,
          names.map((n) => f.createParameterDeclaration(undefined, undefined, n)), undefined, bodyBlock);
        const sharedHolder = f.createObjectLiteralExpression([sharedMethod], false);
        const sharedFn = ts.isIdentifier(propName) ? f.createPropertyAccessExpression(sharedHolder, propName) : f.createElementAccessExpression(sharedHolder, f.createStringLiteral(methodName));
        const cached = f.createParenthesizedExpression(f.createBinaryExpression(cache, ts.SyntaxKind.QuestionQuestionEqualsToken, sharedFn));
        const gen = f.createCallExpression(f.createPropertyAccessExpression(cached, 'call'), undefined, [f.createThis(), ...names.map((n) => f.createIdentifier(n))]);
        call = helper('c', [gen, defSite]);
        if (!hoisted.has(scope)) hoisted.set(scope, []);
        hoisted.get(scope)!.push(cache);
      } else {
        call = isGen
          ? helper('agen', [genFn, f.createThis(), args, f.createStringLiteral(name)])
          : helper('coro', [genFn, f.createThis(), args, defSite]);
      }
      const modifiers = node.modifiers?.filter((m) => m.kind !== ts.SyntaxKind.AsyncKeyword) as TS.Modifier[] | undefined;
      const params = ts.visitNodes(node.parameters, outer) as TS.NodeArray<TS.ParameterDeclaration>;
      // This wrapper is where `super` means what the user wrote: define the accessor here.
      const superDecl =
        !enclosingSuper && superAccess.used
          ? [ts.setTextRange(f.createVariableStatement(undefined, f.createVariableDeclarationList([
              f.createVariableDeclaration(superAccess.id, undefined, undefined, f.createArrowFunction(undefined, undefined, [f.createParameterDeclaration(undefined, undefined, 'k')], undefined, undefined, f.createElementAccessExpression(f.createSuper(), f.createIdentifier('k')))),
            ], ts.NodeFlags.Const)), node)]
          : [];
      const body = f.createBlock([...superDecl, ts.setTextRange(f.createReturnStatement(call), node)], true);
      let out: TS.Node;
      if (ts.isFunctionDeclaration(node)) out = f.updateFunctionDeclaration(node, modifiers, undefined, node.name, node.typeParameters, params, node.type, body);
      else if (ts.isFunctionExpression(node)) out = f.updateFunctionExpression(node, modifiers, undefined, node.name, node.typeParameters, params, node.type, body);
      else if (ts.isMethodDeclaration(node)) out = f.updateMethodDeclaration(node, modifiers, undefined, node.name, node.questionToken, node.typeParameters, params, node.type, body);
      else out = f.updateArrowFunction(node, modifiers, node.typeParameters, params, node.type, node.equalsGreaterThanToken, superDecl.length > 0 ? body : call);
      return ts.setTextRange(out, node);
    }

    /**
     * A block with `using` or `await using` declarations (see runtime/using.ts; TypeScript's own
     * lowering of `using` would put its catch in the user's code, where the debugger sees it):
     *   { const __cs_uN = __cs.using();
     *     try { ...statements, each `[await] using x = e` as `const x = __cs_uN.use(e, isAsync)`... }
     *     catch (__cs_eN) { __cs_uN.fail(__cs_eN) }
     *     finally { yield __cs.aw(__cs_uN.dispose(), site) } }     (or __cs_uN.disposeSync() with no `await using`)
     * Both kinds of declaration in one block join one scope, so disposal keeps their order.
     */
    function lowerUsingBlock(block: TS.Block, visit: (n: TS.Node) => TS.VisitResult<TS.Node>, fnName: string): TS.Block {
      const n = temps++;
      const scope = f.createIdentifier(`__cs_u${n}`);
      const caught = f.createIdentifier(`__cs_e${n}`);
      const first = block.statements.find((st) => isUsingStatement(ts, st, false)) as TS.VariableStatement;
      const awaits = block.statements.some((st) => isUsingStatement(ts, st, true));
      const body = block.statements.map((st): TS.Statement => {
        if (!isUsingStatement(ts, st, false)) return ts.visitNode(st, visit) as TS.Statement;
        const list = (st as TS.VariableStatement).declarationList;
        const isAsync = (list.flags & ts.NodeFlags.AwaitUsing) === ts.NodeFlags.AwaitUsing ? f.createTrue() : f.createFalse();
        const decls = list.declarations.map((d) =>
          ts.setTextRange(
            f.createVariableDeclaration(d.name, undefined, undefined, f.createCallExpression(f.createPropertyAccessExpression(scope, 'use'), undefined, [ts.visitNode(d.initializer!, visit) as TS.Expression, isAsync])),
            d,
          ),
        );
        return ts.setTextRange(f.createVariableStatement(undefined, f.createVariableDeclarationList(decls, ts.NodeFlags.Const)), st);
      });
      // Only `await using` makes the block's end an await; plain `using` disposes synchronously.
      const dispose = f.createExpressionStatement(
        awaits
          ? f.createYieldExpression(undefined, helper('aw', [f.createCallExpression(f.createPropertyAccessExpression(scope, 'dispose'), undefined, []), siteRef(first, fnName)]))
          : f.createCallExpression(f.createPropertyAccessExpression(scope, 'disposeSync'), undefined, []),
      );
      return ts.setTextRange(
        f.createBlock([
          ts.setTextRange(f.createVariableStatement(undefined, f.createVariableDeclarationList([f.createVariableDeclaration(scope, undefined, undefined, helper('using', []))], ts.NodeFlags.Const)), first),
          f.createTryStatement(
            f.createBlock(body, true),
            f.createCatchClause(caught, f.createBlock([f.createExpressionStatement(f.createCallExpression(f.createPropertyAccessExpression(scope, 'fail'), undefined, [caught]))], true)),
            f.createBlock([ts.setTextRange(dispose, first)], true),
          ),
        ], true),
        block,
      );
    }

    /**
     * for await (const x of source) body  ->
     *   { const __cs_itN = __cs.aiter(source); let __cs_rN;
     *     try { for (;;) { __cs_rN = undefined; __cs_rN = (yield __cs.aw(__cs_itN.next(), site)); if (__cs_rN.done) break; const x = __cs_rN.value; body } }
     *     finally { if (__cs_rN !== undefined && !__cs_rN.done) yield __cs.aw(__cs.aclose(__cs_itN), site) } }
     * The temporaries start with __cs so the debugger hides them.
     */
    function lowerForAwait(node: TS.ForOfStatement, visit: (n: TS.Node) => TS.VisitResult<TS.Node>, fnName: string, label: TS.Identifier | undefined): TS.Statement {
      const n = temps++;
      const it = f.createIdentifier(`__cs_it${n}`);
      const r = f.createIdentifier(`__cs_r${n}`);
      const source = ts.visitNode(node.expression, visit) as TS.Expression;
      const value = f.createPropertyAccessExpression(r, 'value');
      let bind: TS.Statement;
      if (ts.isVariableDeclarationList(node.initializer)) {
        const decl = node.initializer.declarations[0]!;
        bind = f.createVariableStatement(undefined, f.createVariableDeclarationList([f.createVariableDeclaration(decl.name, undefined, undefined, value)], node.initializer.flags));
      } else {
        bind = f.createExpressionStatement(f.createAssignment(ts.visitNode(node.initializer, visit) as TS.Expression, value));
      }
      const body = ts.visitNode(node.statement, visit) as TS.Statement;
      // The plumbing maps to the `for await` line, so stepping and stack frames land there.
      const at = <N extends TS.Node>(n: N): N => ts.setTextRange(n, { pos: node.getStart(sf), end: node.expression.end });
      const loopBody = f.createBlock([
        at(f.createExpressionStatement(f.createAssignment(r, f.createVoidZero()))),
        at(f.createExpressionStatement(f.createAssignment(r, f.createParenthesizedExpression(f.createYieldExpression(undefined, helper('aw', [f.createCallExpression(f.createPropertyAccessExpression(it, 'next'), undefined, []), siteRef(node, fnName)])))))),
        at(f.createIfStatement(f.createPropertyAccessExpression(r, 'done'), f.createBreakStatement())),
        at(bind),
        body,
      ], true);
      let loop: TS.Statement = f.createForStatement(undefined, undefined, undefined, loopBody);
      if (label) loop = f.createLabeledStatement(label, loop);
      const close = at(f.createIfStatement(
        f.createLogicalAnd(f.createStrictInequality(r, f.createVoidZero()), f.createLogicalNot(f.createPropertyAccessExpression(r, 'done'))),
        f.createExpressionStatement(f.createYieldExpression(undefined, helper('aw', [helper('aclose', [it]), siteRef(node, fnName)]))),
      ));
      return ts.setTextRange(
        f.createBlock([
          at(f.createVariableStatement(undefined, f.createVariableDeclarationList([f.createVariableDeclaration(it, undefined, undefined, helper('aiter', [source]))], ts.NodeFlags.Const))),
          at(f.createVariableStatement(undefined, f.createVariableDeclarationList([f.createVariableDeclaration(r)], ts.NodeFlags.Let))),
          f.createTryStatement(f.createBlock([loop], true), undefined, f.createBlock([close], true)),
        ], true),
        node,
      );
    }

    /** A module whose own body awaits: see module-body.ts. */
    function moduleWithBody(statements: readonly TS.Statement[], firstAwait: TS.Node): TS.Statement[] {
      const name = '<module>';
      const defSite = siteRef(firstAwait, name);
      const inner = bodyVisitor(name, false, { id: f.createIdentifier('__cs_super_module'), used: false });
      const { top, body } = splitModuleBody(ts, f, statements, (n) => ts.visitNode(n, outer) as TS.Node, (n) => ts.visitNode(n, inner) as TS.Node);
      const gen = f.createMethodDeclaration(undefined, f.createToken(ts.SyntaxKind.AsteriskToken), f.createStringLiteral(name), undefined, undefined, [], undefined, f.createBlock(body, true));
      const genFn = f.createElementAccessExpression(f.createObjectLiteralExpression([gen], false), f.createStringLiteral(name));
      const coroutine = helper('coro', [genFn, f.createThis(), f.createVoidZero(), defSite]);
      const file = esm ? f.createStringLiteral(sf.fileName) : f.createIdentifier('__filename');
      const call = helper('tla', [coroutine, file, esm ? f.createTrue() : f.createFalse(), siteRef(firstAwait, name)]);
      // ESM awaits the body for real (an importer waits for it); CommonJS cannot (see module-main.ts).
      return [...top, ts.setTextRange(f.createExpressionStatement(esm ? f.createAwaitExpression(call) : call), firstAwait)];
    }

    const prologue: TS.Statement[] = [];
    let i = 0;
    while (i < sf.statements.length && ts.isExpressionStatement(sf.statements[i]!) && ts.isStringLiteral((sf.statements[i] as TS.ExpressionStatement).expression)) prologue.push(sf.statements[i++]!);
    const firstAwait = hasTopLevelAwait(ts, sf);
    let stmts: readonly TS.Statement[];
    if (firstAwait) {
      stmts = moduleWithBody(sf.statements.slice(i), firstAwait);
    } else {
      const visited = ts.visitEachChild(sf, outer, context);
      if (sites.length === 0) return visited;
      stmts = visited.statements.slice(i);
    }
    const siteTable = f.createArrayLiteralExpression(sites.map(([l, c, n]) => f.createArrayLiteralExpression([f.createNumericLiteral(l), f.createNumericLiteral(c), f.createStringLiteral(n)])), false);
    // `var`, not `const`/`let`, here: in an ES module import cycle another module may call this
    // one's functions before its body has run (function declarations are hoisted). They then find
    // their generator cache empty and register the sites themselves through the hoisted
    // `__cs_sites()`, where a `const` would throw "Cannot access before initialization".
    const register = helper('sites', [esm ? f.createStringLiteral(sf.fileName) : f.createIdentifier('__filename'), siteTable]);
    const registerSites: TS.Statement[] = esm
      ? [
          f.createVariableStatement(undefined, f.createVariableDeclarationList([f.createVariableDeclaration('__cs_s', undefined, undefined, siteBase())], ts.NodeFlags.None)),
          f.createFunctionDeclaration(undefined, undefined, '__cs_sites', undefined, [], undefined,
            f.createBlock([f.createReturnStatement(f.createAssignment(f.createIdentifier('__cs_s'), register))], false)),
        ]
      : [f.createVariableStatement(undefined, f.createVariableDeclarationList([f.createVariableDeclaration('__cs_s', undefined, undefined, register)], ts.NodeFlags.Const))];
    // The generator caches of functions defined at the top level (with top-level await, the
    // module body runs once too: one cache per module instance either way).
    const caches = hoisted.get(sf);
    const cacheDecl = caches ? [f.createVariableStatement(undefined, f.createVariableDeclarationList(caches.map((n) => f.createVariableDeclaration(n)), ts.NodeFlags.None))] : [];
    return f.updateSourceFile(sf, [...prologue, ...loadHelpers(), ...registerSites, ...cacheDecl, ...stmts]);
  };

  /**
   * `const __cs = require(runtime).__cs`, or in an ES module `import { __cs } from runtime`: an
   * import binding is set before any module of a cycle runs, so a function of this module called
   * from another module's body (before this one's has run) finds its helpers.
   */
  function loadHelpers(): TS.Statement[] {
    if (esm) {
      const named = f.createNamedImports([f.createImportSpecifier(false, undefined, f.createIdentifier('__cs'))]);
      return [f.createImportDeclaration(undefined, f.createImportClause(false, undefined, named), f.createStringLiteral(runtimePath))];
    }
    const init = f.createPropertyAccessExpression(f.createCallExpression(f.createIdentifier('require'), undefined, [f.createStringLiteral(runtimePath)]), '__cs');
    return [f.createVariableStatement(undefined, f.createVariableDeclarationList([f.createVariableDeclaration('__cs', undefined, undefined, init)], ts.NodeFlags.Const))];
  }
}

/**
 * The statement list whose every evaluation defines `node` once (a block, a namespace, the file):
 * there a `let` caching the generator function is one cache per instance of the scope the
 * generator closes over. Not a case clause: the cases of a switch share one scope, and a function
 * declared in one case may be called from another, where that case's `let` was never reached. Walks up only through nodes that bind no names of their own (expressions,
 * declarations, classes); anything else between (another function, a loop head, a catch clause, a
 * block of `using` declarations, which the loader rewrites) gives undefined: the per-call form.
 */
function hoistScope(ts: typeof TS, node: TS.Node): TS.Node | undefined {
  const K = ts.SyntaxKind;
  for (let n = node.parent; n; n = n.parent) {
    switch (n.kind) {
      case K.SourceFile:
      case K.ModuleBlock:
        return n;
      case K.Block:
        return (n as TS.Block).statements.some((st) => ts.isVariableStatement(st) && (st.declarationList.flags & ts.NodeFlags.Using) !== 0) ? undefined : n;
      case K.VariableDeclaration:
      case K.VariableDeclarationList:
      case K.VariableStatement:
      case K.ExpressionStatement:
      case K.ReturnStatement:
      case K.ThrowStatement:
      case K.IfStatement:
      case K.LabeledStatement:
      case K.ExportAssignment:
      case K.CallExpression:
      case K.NewExpression:
      case K.ParenthesizedExpression:
      case K.PropertyAssignment:
      case K.ObjectLiteralExpression:
      case K.ArrayLiteralExpression:
      case K.BinaryExpression:
      case K.ConditionalExpression:
      case K.AsExpression:
      case K.SatisfiesExpression:
      case K.NonNullExpression:
      case K.TypeAssertionExpression:
      case K.SpreadElement:
      case K.AwaitExpression:
      case K.ClassDeclaration:
      case K.ClassExpression:
      case K.PropertyDeclaration:
        continue;
      default:
        return undefined;
    }
  }
  return undefined;
}

/** Whether the body reads what only the wrapper's own scope has: `arguments`, `super`, `new.target`. */
function usesOwnScope(ts: typeof TS, node: FnLike): boolean {
  let found = false;
  const visit = (n: TS.Node): void => {
    if (found) return;
    if (n.kind === ts.SyntaxKind.SuperKeyword || (ts.isIdentifier(n) && n.text === 'arguments') || ts.isMetaProperty(n)) {
      found = true;
      return;
    }
    ts.forEachChild(n, visit);
  };
  if (node.body) visit(node.body);
  for (const p of node.parameters) visit(p);
  return found;
}

/** The names a parameter list binds, in order (`this: T` is a type annotation, not a parameter). */
function boundNames(ts: typeof TS, params: readonly TS.ParameterDeclaration[]): string[] {
  const out: string[] = [];
  const collect = (name: TS.BindingName): void => {
    if (ts.isIdentifier(name)) out.push(name.text);
    else for (const el of name.elements) if (!ts.isOmittedExpression(el)) collect(el.name);
  };
  for (const p of params) {
    if (ts.isIdentifier(p.name) && p.name.text === 'this') continue;
    collect(p.name);
  }
  return out;
}

/**
 * The nodes whose subtree holds something the transformer rewrites or reports: an async function,
 * `await`, `yield`, `super`, `for await`, a `using` declaration, or a call statement (see
 * discardWrap). Every branch of the visitors that changes a node is reached only through one of
 * these, so a node outside the set is returned unchanged without visiting it.
 */
function relevantSubtrees(ts: typeof TS, sf: TS.SourceFile): Set<TS.Node> {
  const K = ts.SyntaxKind;
  const relevant = new Set<TS.Node>();
  const visit = (node: TS.Node): boolean => {
    let found: boolean;
    switch (node.kind) {
      case K.AwaitExpression:
      case K.YieldExpression:
      case K.SuperKeyword:
        found = true;
        break;
      case K.ExpressionStatement:
        found = (node as TS.ExpressionStatement).expression.kind === K.CallExpression;
        break;
      case K.ForOfStatement:
        found = !!(node as TS.ForOfStatement).awaitModifier;
        break;
      case K.CallExpression:
        found = isCreatorCall(ts, node);
        break;
      case K.VariableDeclarationList:
        found = (node.flags & ts.NodeFlags.Using) !== 0; // `using` and `await using`
        break;
      default:
        found = isAsyncFn(ts, node);
    }
    ts.forEachChild(node, (child) => {
      if (visit(child)) found = true;
    });
    if (found) relevant.add(node);
    return found;
  };
  visit(sf);
  return relevant;
}

/** Whether an expression is written to: `x = …`, `x += …`, `x++`, `--x`, a destructuring target, a for-in/of variable. */
function isAssignmentTarget(ts: typeof TS, node: TS.Node): boolean {
  let child = node;
  for (let parent = node.parent; parent; child = parent, parent = parent.parent) {
    if (ts.isBinaryExpression(parent)) {
      const op = parent.operatorToken.kind;
      return parent.left === child && op >= ts.SyntaxKind.FirstAssignment && op <= ts.SyntaxKind.LastAssignment;
    }
    if (ts.isPrefixUnaryExpression(parent) || ts.isPostfixUnaryExpression(parent)) {
      return parent.operator === ts.SyntaxKind.PlusPlusToken || parent.operator === ts.SyntaxKind.MinusMinusToken;
    }
    if (ts.isForInStatement(parent) || ts.isForOfStatement(parent)) return parent.initializer === child;
    // Inside a literal that may be a destructuring pattern: the literal's own position decides.
    const inPattern =
      ts.isParenthesizedExpression(parent) ||
      ts.isArrayLiteralExpression(parent) ||
      ts.isSpreadElement(parent) ||
      ts.isObjectLiteralExpression(parent) ||
      ts.isSpreadAssignment(parent) ||
      ts.isShorthandPropertyAssignment(parent) ||
      (ts.isPropertyAssignment(parent) && parent.initializer === child);
    if (!inPattern) return false;
  }
  return false;
}

/** `await using x = ...;` (onlyAwait) or either kind of `using` declaration statement. */
function isUsingStatement(ts: typeof TS, st: TS.Statement, onlyAwait: boolean): boolean {
  if (!ts.isVariableStatement(st)) return false;
  const flags = st.declarationList.flags;
  if ((flags & ts.NodeFlags.AwaitUsing) === ts.NodeFlags.AwaitUsing) return true;
  return !onlyAwait && (flags & ts.NodeFlags.BlockScoped) === ts.NodeFlags.Using;
}

/**
 * The functions whose calls create tasks, by the name they are called by (`createTask(...)`,
 * `tg.createTask(...)`, `asyncio.gather(...)`): their tasks record the call's line. A program's own
 * function of the same name is marked too, which only names its tasks by that call.
 */
const CREATORS = new Set(['createTask', 'gather', 'ensureFuture', 'shield', 'run', 'runUntilComplete']);

function isCreatorCall(ts: typeof TS, node: TS.Node): node is TS.CallExpression {
  if (!ts.isCallExpression(node) || node.arguments.length === 0 || ts.isOptionalChain(node)) return false;
  const callee = node.expression;
  const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
  return name !== undefined && CREATORS.has(name);
}

function isAsyncFn(ts: typeof TS, node: TS.Node): boolean {
  if (!(ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node) || ts.isArrowFunction(node) || ts.isMethodDeclaration(node))) return false;
  if (!node.body) return false; // an overload or a declaration: nothing to run
  return !!node.modifiers?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword);
}

/** The name a user would call the function by: its own, its variable's, its property's, or <anonymous>. */
function functionName(ts: typeof TS, node: FnLike): string {
  if ((ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node)) && node.name) return node.name.text;
  if (ts.isMethodDeclaration(node) || ts.isGetAccessor(node as TS.Node) || ts.isSetAccessor(node as TS.Node)) {
    const n = (node as TS.MethodDeclaration).name;
    if (ts.isIdentifier(n) || ts.isStringLiteral(n) || ts.isNumericLiteral(n)) return n.text;
    if (ts.isPrivateIdentifier(n)) return n.text;
    return '<computed>';
  }
  if (ts.isConstructorDeclaration(node as TS.Node)) return 'constructor';
  const parent = node.parent;
  if (parent) {
    if (ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
    if ((ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) && (ts.isIdentifier(parent.name) || ts.isStringLiteral(parent.name))) return parent.name.text;
    if (ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      const left = parent.left;
      if (ts.isIdentifier(left)) return left.text;
      if (ts.isPropertyAccessExpression(left)) return left.name.text;
    }
  }
  return '<anonymous>';
}
