// Makes Node load user programs through the coroscope compiler: `.ts`/`.tsx`/`.mts`/`.cts` files,
// and `.js` files outside node_modules, are compiled by transform.ts (cached on disk by content, in
// the user's own cache directory: see compile-cache.ts); `import ... from 'coroscope'` resolves to
// this runtime, with nothing installed by the user.
import { readFileSync } from 'node:fs';
import Module from 'node:module';
import { homedir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import type * as TS from 'typescript';
import { cacheMaxBytes, checkCacheDir, CompileCache, defaultCacheDir, sha256 } from './compile-cache';
import { CompilerThread } from './compiler-thread';
import { decodeSource } from './source-text';
import { CompileError, transformSource, type TransformResult } from './transform';

const runtimeDir = resolve(__dirname, '..');
/** The runtime bundle programs load; compiled code reaches the loader's helpers as its `__cs` export. */
const runtimeBundle = join(runtimeDir, 'coroscope.js');
/** Bump when the compiled form changes (transform.ts, or the `__cs` helpers it calls). */
const LOADER_VERSION = '6';

interface ModuleInternals {
  _resolveFilename(request: string, parent: unknown, ...rest: unknown[]): string;
  _extensions: Record<string, (module: NodeModule & { _compile(code: string, filename: string): void }, filename: string) => void>;
}
const M = Module as unknown as ModuleInternals;

let ts: typeof TS | undefined;
let compilerThread: CompilerThread | undefined;
let installed = false;
let cache: CompileCache | null | undefined;

/** Installs the hooks once per process. */
export function register(): void {
  if (installed) return;
  installed = true;
  const originalResolve = M._resolveFilename;
  M._resolveFilename = function (request: string, parent: unknown, ...rest: unknown[]): string {
    if (request === 'coroscope') return runtimeBundle;
    if (request.startsWith('coroscope/')) return join(runtimeDir, request.slice('coroscope/'.length) + '.js');
    return originalResolve.call(this, request, parent, ...rest);
  };
  const compileHook = (module: NodeModule & { _compile(code: string, filename: string): void }, filename: string) => {
    module._compile(compileFile(filename), filename);
  };
  for (const ext of ['.ts', '.tsx', '.mts', '.cts']) M._extensions[ext] = compileHook;
  const originalJs = M._extensions['.js']!;
  M._extensions['.js'] = (module, filename) => {
    if (filename.includes(`${sep}node_modules${sep}`) || filename.startsWith(runtimeDir + sep) || filename.startsWith(resolve(runtimeDir, '..') + sep)) {
      return originalJs(module, filename);
    }
    module._compile(compileFile(filename), filename);
  };
}

/** Compiles one file (or takes it from the cache); throws CompileError with file:line:col messages. */
export function compileFile(filename: string): string {
  const bytes = readFileSync(filename);
  const sourceHash = sha256(bytes);
  const store = getCache();
  const cached = store?.get(filename, sourceHash);
  if (cached != null) return cached;
  const { code, errors } = compile(decodeSource(bytes, filename), filename);
  if (errors.length > 0) throw new CompileError(errors);
  store?.put(filename, sourceHash, code);
  return code;
}

/** Off this thread when a worker can do it (see compiler-thread.ts), else here. */
function compile(source: string, filename: string): TransformResult {
  if (process.env.COROSCOPE_COMPILE_IN_THREAD !== '1') {
    const result = (compilerThread ??= new CompilerThread()).compile(source, filename, runtimeBundle);
    if (result) return result;
  }
  ts ??= require('typescript') as typeof TS;
  return transformSource(ts, source, filename, runtimeBundle);
}

/** The cache, or null when turned off or when its directory is unsafe (said once on stderr). */
function getCache(): CompileCache | null {
  if (cache !== undefined) return cache;
  if (process.env.COROSCOPE_NO_CACHE === '1') return (cache = null);
  let dir: string;
  try {
    dir = resolve(process.env.COROSCOPE_CACHE_DIR || defaultCacheDir(process.env, process.platform, homedir()));
  } catch {
    // homedir() throws when neither HOME nor the password database names one
    process.stderr.write('coroscope: not using a compile cache: no home directory (set COROSCOPE_CACHE_DIR)\n');
    return (cache = null);
  }
  const uid = process.getuid?.();
  const unsafe = checkCacheDir(dir, uid);
  if (unsafe) {
    process.stderr.write(`coroscope: not using cache directory ${dir}: ${unsafe}\n`);
    return (cache = null);
  }
  return (cache = new CompileCache(dir, cacheStamp(), uid, cacheMaxBytes(process.env)));
}

/** What compiled code depends on besides its source and file name: loader, runtime and compiler versions, and the runtime's path. */
function cacheStamp(): string {
  const version = (path: string) => {
    try {
      return String((JSON.parse(readFileSync(path, 'utf8')) as { version?: unknown }).version).replace(/\s/g, '_');
    } catch {
      return 'unknown';
    }
  };
  const runtime = version(join(runtimeDir, '..', '..', 'package.json'));
  let typescript = 'unknown';
  try {
    typescript = version(require.resolve('typescript/package.json'));
  } catch {
    // compiling will say what is missing
  }
  return `loader=${LOADER_VERSION} runtime=${runtime} typescript=${typescript} bundle=${sha256(Buffer.from(runtimeBundle)).slice(0, 16)}`;
}

register();
