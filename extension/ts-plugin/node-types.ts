// Node's type declarations for a program whose workspace has none of its own: `import * as fs from
// 'node:fs'` type-checks with nothing installed, as `coroscope` does. The extension ships
// @types/node (and undici-types, which it imports) under dist/types/node_modules.
//
// The user's own declarations always win: they are used whenever TypeScript can resolve the type
// reference 'node' from the project (node_modules/@types/node up the tree, typeRoots, an explicit
// `types` entry) or the project already holds an @types/node file (JavaScript projects get one from
// automatic type acquisition). Two copies of @types/node in one program conflict, so never both.
import { dirname, join } from 'node:path';

type TS = typeof import('typescript');
type Host = import('typescript').LanguageServiceHost;

/** Matches a file of an @types/node package, wherever it lives. */
const NODE_TYPES_FILE = /[\\/]@types[\\/]node[\\/]/;

/** The name TypeScript itself resolves automatic type directives from (a file that need not exist). */
const INFERRED_TYPES_FILE = '__inferred type names__.ts';

/** True when the project gets Node's declarations without us. */
export function projectHasNodeTypes(ts: TS, host: Host, rootNames: readonly string[]): boolean {
  if (rootNames.some((f) => NODE_TYPES_FILE.test(f))) return true;
  const options = host.getCompilationSettings();
  const dir = typeof options.configFilePath === 'string' ? dirname(options.configFilePath) : host.getCurrentDirectory();
  return ts.resolveTypeReferenceDirective('node', join(dir, INFERRED_TYPES_FILE), options, host).resolvedTypeReferenceDirective !== undefined;
}

/**
 * The shipped @types/node entry for this TypeScript version (typesVersions applied, as a package
 * lookup from `typingsDir` would), or undefined when the extension holds none.
 */
export function shippedNodeTypes(ts: TS, host: Host, typingsDir: string): string | undefined {
  const options = { ...host.getCompilationSettings(), typeRoots: [join(typingsDir, 'node_modules', '@types')] };
  const resolved = ts.resolveTypeReferenceDirective('node', join(typingsDir, INFERRED_TYPES_FILE), options, host).resolvedTypeReferenceDirective;
  return resolved?.resolvedFileName;
}
