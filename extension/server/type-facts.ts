// Facts about TypeScript nodes and types that both the checks (analysis.ts) and the `await` hover
// (await-info.ts) need: what can be awaited, what makes a coroutine, short names for things.
import ts from 'typescript';

/** 'always' | 'maybe' (unknown, any, type parameters, mixed unions) | 'never'. */
export function awaitability(type: ts.Type, checker: ts.TypeChecker): 'always' | 'maybe' | 'never' {
  const flags = type.getFlags();
  if (flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown | ts.TypeFlags.TypeParameter | ts.TypeFlags.Never | ts.TypeFlags.ESSymbolLike | ts.TypeFlags.Index | ts.TypeFlags.IndexedAccess | ts.TypeFlags.Conditional | ts.TypeFlags.Substitution)) return 'maybe';
  if (type.isUnion()) {
    const parts = type.types.map((t) => awaitability(t, checker));
    if (parts.every((p) => p === 'never')) return 'never';
    if (parts.every((p) => p === 'always')) return 'always';
    return 'maybe';
  }
  if (type.isIntersection()) return type.types.some((t) => awaitability(t, checker) === 'always') ? 'always' : 'maybe';
  const then = type.getProperty('then');
  if (then) {
    const thenType = checker.getTypeOfSymbol(then);
    return thenType.getCallSignatures().length > 0 ? 'always' : 'maybe';
  }
  // A hand-written generator coroutine (the desugared form) can be awaited too.
  if (type.getProperty('next') && type.getProperty('throw')) return 'always';
  return 'never';
}


/**
 * True when the call makes a coroutine: a call of an async function of the user's code, or one
 * typed `Coroutine`. The runtime's own native async functions (run()) are not coroutines.
 */
export function makesCoroutine(call: ts.CallExpression, checker: ts.TypeChecker, runtimeDir: string | undefined): boolean {
  const signature = checker.getResolvedSignature(call);
  const decl = signature?.getDeclaration();
  if (decl && ts.isFunctionLike(decl) && hasAsyncModifier(decl) && !(decl as ts.FunctionLikeDeclaration).asteriskToken) {
    const where = decl.getSourceFile();
    if (!where.isDeclarationFile && !(runtimeDir && where.fileName.startsWith(runtimeDir))) return true;
  }
  const type = checker.getTypeAtLocation(call);
  return typeName(type) === 'Coroutine';
}

export function hasAsyncModifier(node: ts.Node): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node)?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword) ?? false);
}

export function calleeName(call: ts.CallExpression): string | undefined {
  const callee = call.expression;
  if (ts.isIdentifier(callee)) return callee.text;
  if (ts.isPropertyAccessExpression(callee)) return callee.name.text;
  return undefined;
}

export function typeName(type: ts.Type): string | undefined {
  return (type.aliasSymbol ?? type.getSymbol())?.getName();
}

export function normalizeDir(dir: string | undefined): string | undefined {
  return dir ? dir.replace(/\\/g, '/').replace(/\/?$/, '/') : undefined;
}

export function shorten(text: string, max = 60): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length > max ? oneLine.slice(0, max - 1) + '…' : oneLine;
}

export function article(word: string): string {
  return /^[aeiou]/i.test(word) ? 'an' : 'a';
}
