// Syntax facts the checks share: what the file imports, where an edit adds an import, which
// function a node is in. Syntax only (no type checker), so every check can afford them.
import ts from 'typescript';
import { hasAsyncModifier } from './type-facts';

/** A text edit in the analysed file: replace `length` characters at `start` with `newText`. */
export interface Edit {
  readonly start: number;
  readonly length: number;
  readonly newText: string;
}

const BLOCKING_MODULES = new Set(['fs', 'node:fs', 'child_process', 'node:child_process']);
const FS_MODULES = new Set(['fs', 'node:fs']);

export interface Imports {
  /** Local names bound to the fs/child_process modules (namespace, default or require). */
  readonly namespaces: Set<string>;
  /** Of those, the ones bound to fs (they have `.promises`). */
  readonly fsNamespaces: Set<string>;
  /** Local names of functions imported by name from fs/child_process, with the module they come from. */
  readonly blockingNamed: Map<string, string>;
  /** Local names imported by name from 'fs/promises' or 'node:fs/promises'. */
  readonly promisesNamed: Set<string>;
  /** The `{ ... }` of an import from fs/promises, if any (an added name goes there). */
  readonly promisesNamedImports: ts.NamedImports | undefined;
  /** Local names imported by name from 'coroscope'. */
  readonly named: Set<string>;
  readonly coroscopeNamedImports: ts.NamedImports | undefined;
}

export function collectImports(file: ts.SourceFile): Imports {
  const namespaces = new Set<string>();
  const fsNamespaces = new Set<string>();
  const blockingNamed = new Map<string, string>();
  const promisesNamed = new Set<string>();
  const named = new Set<string>();
  let coroscopeNamedImports: ts.NamedImports | undefined;
  let promisesNamedImports: ts.NamedImports | undefined;
  const bindNamespace = (name: string, from: string) => {
    namespaces.add(name);
    if (FS_MODULES.has(from)) fsNamespaces.add(name);
  };
  for (const stmt of file.statements) {
    if (ts.isImportDeclaration(stmt) && ts.isStringLiteral(stmt.moduleSpecifier) && stmt.importClause) {
      const from = stmt.moduleSpecifier.text;
      const clause = stmt.importClause;
      const bindings = clause.namedBindings;
      if (BLOCKING_MODULES.has(from)) {
        if (clause.name) bindNamespace(clause.name.text, from);
        if (bindings && ts.isNamespaceImport(bindings)) bindNamespace(bindings.name.text, from);
        if (bindings && ts.isNamedImports(bindings)) for (const el of bindings.elements) blockingNamed.set(el.name.text, from);
      }
      if ((from === 'fs/promises' || from === 'node:fs/promises') && bindings && ts.isNamedImports(bindings)) {
        promisesNamedImports = bindings;
        for (const el of bindings.elements) promisesNamed.add(el.name.text);
      }
      if (from === 'coroscope' && bindings && ts.isNamedImports(bindings)) {
        coroscopeNamedImports = bindings;
        for (const el of bindings.elements) named.add(el.name.text);
      }
    }
    if (ts.isImportEqualsDeclaration(stmt) && ts.isExternalModuleReference(stmt.moduleReference)) {
      const ref = stmt.moduleReference.expression;
      if (ts.isStringLiteral(ref) && BLOCKING_MODULES.has(ref.text)) bindNamespace(stmt.name.text, ref.text);
    }
    if (ts.isVariableStatement(stmt)) {
      for (const decl of stmt.declarationList.declarations) {
        const from = decl.initializer && ts.isCallExpression(decl.initializer) ? requiredModule(decl.initializer) : undefined;
        if (!from || !BLOCKING_MODULES.has(from)) continue;
        if (ts.isIdentifier(decl.name)) bindNamespace(decl.name.text, from);
        else if (ts.isObjectBindingPattern(decl.name)) for (const el of decl.name.elements) if (ts.isIdentifier(el.name)) blockingNamed.set(el.name.text, from);
      }
    }
  }
  return { namespaces, fsNamespaces, blockingNamed, promisesNamed, promisesNamedImports, named, coroscopeNamedImports };
}

/** 'fs' for `require('fs')`; undefined for any other call. */
export function requiredModule(call: ts.CallExpression): string | undefined {
  const arg = call.arguments[0];
  return ts.isIdentifier(call.expression) && call.expression.text === 'require' && arg !== undefined && ts.isStringLiteral(arg) ? arg.text : undefined;
}

export function isBlockingModule(name: string): boolean {
  return BLOCKING_MODULES.has(name);
}

/** An edit that makes `name` importable from 'coroscope': extends the existing import or adds one. */
export function coroscopeImportEdit(name: string, imports: Imports, file: ts.SourceFile): Edit {
  return namedImportEdit(name, 'coroscope', imports.coroscopeNamedImports, file);
}

/** An edit that imports `name` from `from`, into `clause` when there is one. */
export function namedImportEdit(name: string, from: string, clause: ts.NamedImports | undefined, file: ts.SourceFile): Edit {
  if (clause && clause.elements.length > 0) {
    const last = clause.elements[clause.elements.length - 1]!;
    return { start: last.getEnd(), length: 0, newText: `, ${name}` };
  }
  const firstStatement = file.statements[0];
  const at = firstStatement ? firstStatement.getStart(file) : 0;
  return { start: at, length: 0, newText: `import { ${name} } from '${from}';\n` };
}

export function enclosingFunction(node: ts.Node): ts.SignatureDeclaration | undefined {
  for (let n = node.parent; n; n = n.parent) if (ts.isFunctionLike(n)) return n;
  return undefined;
}

/** True when `await` is valid at `node`: its nearest function is async. */
export function insideAsyncFunction(node: ts.Node): boolean {
  const fn = enclosingFunction(node);
  return fn !== undefined && hasAsyncModifier(fn);
}

/** True when some function around `node`, however far out, is async (callbacks in it run on the loop). */
export function withinAsyncFunction(node: ts.Node): boolean {
  for (let fn = enclosingFunction(node); fn; fn = enclosingFunction(fn)) if (hasAsyncModifier(fn)) return true;
  return false;
}

/**
 * `text` as it must be written to replace `expr` with an `await` expression: parenthesised where
 * `await` would otherwise bind to less than the whole (`(await x).y`, `(await x)()`).
 */
export function asAwaitReplacing(expr: ts.Expression, text: string): string {
  const parent = expr.parent;
  const tight =
    ((ts.isPropertyAccessExpression(parent) || ts.isElementAccessExpression(parent)) && parent.expression === expr) ||
    ((ts.isCallExpression(parent) || ts.isNewExpression(parent)) && parent.expression === expr) ||
    ts.isTaggedTemplateExpression(parent) || ts.isNonNullExpression(parent) ||
    (ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.AsteriskAsteriskToken && parent.left === expr);
  return tight ? `(${text})` : text;
}
