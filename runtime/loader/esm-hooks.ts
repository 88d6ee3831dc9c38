// Node's module customization hooks for ES module programs (registered by the CLI with
// module.register when the program's entry is an ES module; they run on Node's hooks thread):
//  - resolve: `coroscope` to the same runtime file CommonJS loads (so a program has one runtime,
//    whichever module system imports it), the project's `paths` aliases, and the NodeNext spelling
//    (`./lib.js` for lib.ts, `./x.mjs` for x.mts); a missing module names the import, where it is
//    written and the files tried.
//  - load: the program's own ES module files compiled by the loader (cached as CommonJS ones are);
//    CommonJS ones too (see load).
import { dirname, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { compileFile } from './compile-file';
import { moduleFormat } from './module-format';
import { findSource, isRelativeOrAbsolute, notFoundMessage, resolveAlias } from './ts-resolve';

export interface HooksData {
  /** The runtime bundle's path (dist/runtime/coroscope.js). */
  readonly runtime: string;
  /** The runtime's folder (for `coroscope/<module>`). */
  readonly runtimeDir: string;
}

interface ResolveContext {
  parentURL?: string;
  conditions?: string[];
  importAttributes?: Record<string, string>;
}
interface ResolveResult {
  url: string;
  format?: string | null;
  shortCircuit?: boolean;
}
interface LoadContext {
  format?: string | null;
  conditions?: string[];
  importAttributes?: Record<string, string>;
}
interface LoadResult {
  format: string;
  source?: string | ArrayBuffer | null;
  shortCircuit?: boolean;
}

const NODE_MODULES = `${sep}node_modules${sep}`;
const COMPILED = /\.(?:[cm]?tsx?|[cm]?jsx?)$/;
let runtimeUrl = '';
let runtimeDir = '';
let ownDir = '';

export function initialize(data: HooksData): void {
  runtimeUrl = pathToFileURL(data.runtime).href;
  runtimeDir = data.runtimeDir;
  // The runtime and the loader itself (all of dist/) are never compiled again.
  ownDir = `${dirname(data.runtimeDir)}${sep}`;
}

export async function resolve(specifier: string, context: ResolveContext, next: (s: string, c: ResolveContext) => Promise<ResolveResult>): Promise<ResolveResult> {
  if (specifier === 'coroscope') return { url: runtimeUrl, format: 'commonjs', shortCircuit: true };
  if (specifier.startsWith('coroscope/')) {
    return { url: pathToFileURL(`${runtimeDir}${sep}${specifier.slice('coroscope/'.length)}.js`).href, format: 'commonjs', shortCircuit: true };
  }
  const parentFile = context.parentURL?.startsWith('file:') ? fileURLToPath(context.parentURL) : undefined;
  if (parentFile === undefined || parentFile.includes(NODE_MODULES) || parentFile.startsWith(ownDir)) return next(specifier, context);
  const alias = resolveAlias(specifier, parentFile);
  if (alias?.file) return { url: pathToFileURL(alias.file).href, shortCircuit: true };
  try {
    return await next(specifier, context);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'ERR_UNSUPPORTED_DIR_IMPORT') throw err;
    const found = isRelativeOrAbsolute(specifier) ? findSource(fileURLToPath(new URL(specifier, context.parentURL))) : null;
    if (found?.file) return { url: pathToFileURL(found.file).href, shortCircuit: true };
    const tried = [...(alias?.tried ?? []), ...(found?.tried ?? [])];
    const what = alias || found ? 'module' : 'package';
    throw Object.assign(new Error(notFoundMessage(specifier, parentFile, tried, what) + (alias || found ? '' : ' (not in any node_modules folder up from there)')), { code: 'ERR_MODULE_NOT_FOUND' });
  }
}

export async function load(url: string, context: LoadContext, next: (u: string, c: LoadContext) => Promise<LoadResult>): Promise<LoadResult> {
  if (!url.startsWith('file:')) return next(url, context);
  const file = fileURLToPath(url);
  if (!COMPILED.test(file) || file.includes(NODE_MODULES) || file.startsWith(ownDir)) return next(url, context);
  // Compiled by the loader's compiler worker (compiler-thread.ts), as on the program's thread: the
  // compiler's memory goes with the worker once compiling stops, instead of staying in this
  // thread for the program's whole life.
  // A CommonJS file is given compiled too: Node reads a CommonJS module's export names from the
  // source it gets (the TypeScript on disk would show none), and then runs that source itself, its
  // require() calls resolved by register.ts's hook and loaded through these hooks.
  if (moduleFormat(file) === 'commonjs') return { format: 'commonjs', source: compileFile(file, { module: 'commonjs' }), shortCircuit: true };
  return { format: 'module', source: compileFile(file, { module: 'esm', runtimeSpecifier: runtimeUrl }), shortCircuit: true };
}
