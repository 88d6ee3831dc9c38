// Top-level `await`: a module whose body awaits runs that body as a coroutine (on the program's loop,
// see runtime/module-main.ts), so each `await` suspends a task like any other. Declarations must stay
// where imports, exports and the module's own functions see them, so the body is split in two:
//
//   import …; export const x = await f(); class A {}; function g() {}; log(x);
//     ->  import …; export let x; let A; function g() {}
//         [await] __cs.tla(__cs.coro({ *"<module>"() { x = (yield …); A = class A {}; log(x) } }…), …)
//
// Kept at the top as they are: imports, re-exports, type declarations, function declarations (they
// are hoisted anyway), enums and namespaces, `declare`d statements, and decorated classes (a
// decorated class cannot become a class expression; it is defined before the body runs).
// Variables and classes become `let` bindings assigned where they were written; `export default e`
// exports a binding assigned in the body.
import type * as TS from 'typescript';

/** The first `await` or `for await` of the module's own body (not inside a function or class), or null. */
export function hasTopLevelAwait(ts: typeof TS, sf: TS.SourceFile): TS.Node | null {
  let found: TS.Node | null = null;
  const visit = (node: TS.Node): void => {
    if (found) return;
    if (ts.isFunctionLike(node) || ts.isClassLike(node)) return;
    if (ts.isAwaitExpression(node) || (ts.isForOfStatement(node) && node.awaitModifier)) {
      found = node;
      return;
    }
    if (ts.isVariableDeclarationList(node) && (node.flags & ts.NodeFlags.AwaitUsing) === ts.NodeFlags.AwaitUsing) {
      found = node;
      return;
    }
    ts.forEachChild(node, visit);
  };
  for (const st of sf.statements) visit(st);
  return found;
}

export interface ModuleBody {
  /** Statements that stay at the module's top level, in their order. */
  readonly top: TS.Statement[];
  /** The coroutine's statements. */
  readonly body: TS.Statement[];
}

/** Splits the module as the header comment says; `visitTop`/`visitBody` transform what goes to each side. */
export function splitModuleBody(
  ts: typeof TS,
  f: TS.NodeFactory,
  statements: readonly TS.Statement[],
  visitTop: (n: TS.Node) => TS.Node,
  visitBody: (n: TS.Node) => TS.Node,
): ModuleBody {
  const top: TS.Statement[] = [];
  const body: TS.Statement[] = [];
  const exported = (st: TS.Statement) => !!ts.getModifiers(st as TS.HasModifiers)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
  const isDeclared = (st: TS.Statement) => !!ts.getModifiers(st as TS.HasModifiers)?.some((m) => m.kind === ts.SyntaxKind.DeclareKeyword);
  // The hoisted declarations have no source position: a breakpoint on their line must bind to the
  // assignment in the body, where the line's code runs, not to a declaration that runs first.
  const letOf = (names: TS.Identifier[], isExported: boolean) =>
    f.createVariableStatement(
      isExported ? [f.createModifier(ts.SyntaxKind.ExportKeyword)] : undefined,
      f.createVariableDeclarationList(names.map((n) => f.createVariableDeclaration(n)), ts.NodeFlags.Let),
    );
  let defaults = 0;
  for (const st of statements) {
    const stays =
      ts.isImportDeclaration(st) ||
      ts.isImportEqualsDeclaration(st) ||
      ts.isExportDeclaration(st) ||
      (ts.isExportAssignment(st) && st.isExportEquals) ||
      ts.isInterfaceDeclaration(st) ||
      ts.isTypeAliasDeclaration(st) ||
      ts.isFunctionDeclaration(st) ||
      ts.isEnumDeclaration(st) ||
      ts.isModuleDeclaration(st) ||
      ts.isEmptyStatement(st) ||
      isDeclared(st) ||
      (ts.isClassDeclaration(st) && (!st.name || (ts.getDecorators(st)?.length ?? 0) > 0));
    if (stays) {
      top.push(visitTop(st) as TS.Statement);
    } else if (ts.isVariableStatement(st)) {
      const names: TS.Identifier[] = [];
      for (const d of st.declarationList.declarations) collectNames(ts, d.name, names);
      top.push(letOf(names.map((n) => f.createIdentifier(n.text)), exported(st)));
      for (const d of st.declarationList.declarations) {
        if (!d.initializer) continue;
        const value = visitBody(d.initializer) as TS.Expression;
        const target = ts.isIdentifier(d.name) ? d.name : bindingToAssignment(ts, f, d.name, visitBody);
        body.push(ts.setTextRange(f.createExpressionStatement(f.createAssignment(target, value)), d));
      }
    } else if (ts.isClassDeclaration(st) && st.name) {
      top.push(letOf([f.createIdentifier(st.name.text)], exported(st)));
      const cls = visitBody(st) as TS.ClassDeclaration;
      const expr = f.createClassExpression(undefined, cls.name, cls.typeParameters, cls.heritageClauses, cls.members);
      body.push(ts.setTextRange(f.createExpressionStatement(f.createAssignment(st.name, ts.setTextRange(expr, st))), st));
    } else if (ts.isExportAssignment(st)) {
      const name = f.createIdentifier(`__cs_default${defaults++ || ''}`);
      top.push(letOf([name], false));
      top.push(f.createExportDeclaration(undefined, false, f.createNamedExports([f.createExportSpecifier(false, name, 'default')])));
      body.push(ts.setTextRange(f.createExpressionStatement(f.createAssignment(name, visitBody(st.expression) as TS.Expression)), st));
    } else {
      body.push(visitBody(st) as TS.Statement);
    }
  }
  return { top, body };
}

function collectNames(ts: typeof TS, name: TS.BindingName, out: TS.Identifier[]): void {
  if (ts.isIdentifier(name)) {
    out.push(name);
    return;
  }
  for (const el of name.elements) if (!ts.isOmittedExpression(el)) collectNames(ts, el.name, out);
}

/** `{ a, b: [c = 1], ...r }` as a binding pattern -> the same shape as an assignment target. */
function bindingToAssignment(ts: typeof TS, f: TS.NodeFactory, name: TS.BindingName, visit: (n: TS.Node) => TS.Node): TS.Expression {
  if (ts.isIdentifier(name)) return name;
  const init = (el: TS.BindingElement) => (el.initializer ? (visit(el.initializer) as TS.Expression) : undefined);
  if (ts.isObjectBindingPattern(name)) {
    return f.createObjectLiteralExpression(
      name.elements.map((el): TS.ObjectLiteralElementLike => {
        const target = bindingToAssignment(ts, f, el.name, visit);
        if (el.dotDotDotToken) return f.createSpreadAssignment(target);
        const value = init(el);
        if (!el.propertyName && ts.isIdentifier(el.name)) return f.createShorthandPropertyAssignment(el.name, value);
        return f.createPropertyAssignment(el.propertyName ?? (el.name as TS.Identifier), value ? f.createAssignment(target, value) : target);
      }),
    );
  }
  return f.createArrayLiteralExpression(
    name.elements.map((el): TS.Expression => {
      if (ts.isOmittedExpression(el)) return f.createOmittedExpression();
      const target = bindingToAssignment(ts, f, el.name, visit);
      if (el.dotDotDotToken) return f.createSpreadElement(target);
      const value = init(el);
      return value ? f.createAssignment(target, value) : target;
    }),
  );
}
