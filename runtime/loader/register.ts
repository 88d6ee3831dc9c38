// Makes Node's CommonJS loader load user programs through the coroscope compiler: `.ts`/`.tsx`/
// `.mts`/`.cts` files, and `.js` files outside node_modules, are compiled by transform.ts (cached on
// disk by content and emit options, in the user's own cache directory: see compile-file.ts);
// `import ... from 'coroscope'` resolves to this runtime, with nothing installed by the user; the
// program's own imports also resolve as TypeScript's would (ts-resolve.ts: NodeNext spellings,
// tsconfig `paths`). ES module programs get the same through esm-hooks.ts.
import Module from 'node:module';
import { dirname, join, resolve, sep } from 'node:path';
import { loadWithCodeCache } from './code-cache';
import { compileFile, getCodeCache, runtimeBundle } from './compile-file';
import { configFor } from './project-config';

export { compileFile } from './compile-file';

const runtimeDir = resolve(__dirname, '..');
/** dist/: the runtime, the loader and the CLI; their own requires keep Node's rules. */
const ownDir = resolve(runtimeDir, '..') + sep;
const NODE_MODULES = `${sep}node_modules${sep}`;
/** The runtime's code proper (runtimeBundle re-exports it): loaded through V8's code cache. */
const bundleFile = join(runtimeDir, 'bundle', 'coroscope.js');

interface ModuleInternals {
  _resolveFilename(request: string, parent: unknown, ...rest: unknown[]): string;
  _extensions: Record<string, (module: NodeModule & { _compile(code: string, filename: string): void }, filename: string) => void>;
}
const M = Module as unknown as ModuleInternals;

let installed = false;
let tsResolveModule: typeof import('./ts-resolve') | undefined;

function tsResolve(): typeof import('./ts-resolve') {
  return (tsResolveModule ??= require('./ts-resolve') as typeof import('./ts-resolve'));
}

/** Installs the hooks once per process. */
export function register(): void {
  if (installed) return;
  installed = true;
  const originalResolve = M._resolveFilename;
  M._resolveFilename = function (request: string, parent: unknown, ...rest: unknown[]): string {
    if (request === 'coroscope') return runtimeBundle;
    if (request.startsWith('coroscope/')) return join(runtimeDir, request.slice('coroscope/'.length) + '.js');
    const parentFile = (parent as { filename?: unknown } | null | undefined)?.filename;
    // Only the program's own files are resolved as TypeScript would; packages keep Node's rules.
    if (typeof parentFile !== 'string' || parentFile.includes(NODE_MODULES) || parentFile.startsWith(ownDir)) return originalResolve.call(this, request, parent, ...rest);
    // ts-resolve.ts is loaded only when a tsconfig has aliases or Node's resolution failed: a
    // program without either (most CommonJS ones) starts without it.
    const alias = configFor(parentFile).paths ? tsResolve().resolveAlias(request, parentFile) : null;
    if (alias?.file) return alias.file;
    try {
      return originalResolve.call(this, request, parent, ...rest);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw err;
      const { findSource, isRelativeOrAbsolute, notFoundMessage } = tsResolve();
      const found = isRelativeOrAbsolute(request) ? findSource(resolve(dirname(parentFile), request)) : null;
      if (found?.file) return found.file;
      const tried = [...(alias?.tried ?? []), ...(found?.tried ?? [])];
      const what = alias || found ? 'module' : 'package';
      throw Object.assign(new Error(notFoundMessage(request, parentFile, tried, what) + (found || alias ? '' : ' (not in any node_modules folder up from there)')), { code: 'MODULE_NOT_FOUND' });
    }
  };
  const compileHook = (module: NodeModule & { _compile(code: string, filename: string): void }, filename: string) => {
    module._compile(compileFile(filename), filename);
  };
  for (const ext of ['.ts', '.tsx', '.mts', '.cts']) M._extensions[ext] = compileHook;
  const originalJs = M._extensions['.js']!;
  M._extensions['.js'] = (module, filename) => {
    if (filename.includes(NODE_MODULES) || filename.startsWith(ownDir)) {
      // With source maps on (node --enable-source-maps), Node's own loading registers the bundle's map.
      const codeCache = filename === bundleFile && !process.sourceMapsEnabled ? getCodeCache() : null;
      return codeCache ? loadWithCodeCache(module, filename, codeCache) : originalJs(module, filename);
    }
    module._compile(compileFile(filename), filename);
  };
}

register();
