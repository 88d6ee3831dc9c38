// Compiling one file for either module system, with the project's emit options (project-config.ts),
// through the on-disk cache (compile-cache.ts). The CommonJS hook (register.ts) calls this on the
// program's thread and the ES module hooks (esm-hooks.ts) on Node's hooks thread; both hand the
// compiling to a worker (compiler-thread.ts).
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type * as TS from 'typescript';
import { cacheMaxBytes, checkCacheDir, CompileCache, defaultCacheDir, sha256 } from './compile-cache';
import { codeCacheStamp } from './code-cache';
import type { CompilerThread } from './compiler-thread';
import { configFor } from './project-config';
import type { CompileOptions, TransformResult } from './transform';

const runtimeDir = resolve(__dirname, '..');
/** The runtime bundle programs load; compiled code reaches the loader's helpers as its `__cs` export. */
export const runtimeBundle = join(runtimeDir, 'coroscope.js');
/** Bump when the compiled form changes (transform.ts, or the `__cs` helpers it calls). */
const LOADER_VERSION = '10';

let ts: typeof TS | undefined;
let compilerThread: CompilerThread | undefined;
let cacheDir: { dir: string; uid: number | undefined } | null | undefined;
let cache: CompileCache | null | undefined;
let codeCache: CompileCache | null | undefined;

export interface CompileFileOptions {
  /** 'esm' keeps import/export (for Node's ES module loader); CommonJS otherwise. */
  readonly module?: 'commonjs' | 'esm';
  /** How compiled code loads the runtime: a path (CommonJS) or a file: URL (ESM). */
  readonly runtimeSpecifier?: string;
  /** Compile on this thread, not on the compiler worker. */
  readonly inThread?: boolean;
}

/** Compiles one file (or takes it from the cache); throws CompileError with file:line:col messages. */
export function compileFile(filename: string, how: CompileFileOptions = {}): string {
  const bytes = readFileSync(filename);
  const options: CompileOptions = { ...configFor(filename).emit, module: how.module ?? 'commonjs' };
  // The key covers what changes the output besides the file: its bytes and the options that emit it.
  const key = `${sha256(bytes)}.${optionsKey(options)}`;
  const store = getCache();
  const cached = store?.get(filename, key);
  if (cached != null) return cached;
  const runtimeSpecifier = how.runtimeSpecifier ?? runtimeBundle;
  // Loaded only to compile: a cache hit needs neither module.
  const { decodeSource } = require('./source-text') as typeof import('./source-text');
  const { CompileError } = require('./compile-error') as typeof import('./compile-error');
  const { code, errors } = compile(decodeSource(bytes, filename), filename, runtimeSpecifier, options, how.inThread === true);
  if (errors.length > 0) throw new CompileError(errors);
  store?.put(filename, key, code);
  return code;
}

/** Off this thread when a worker can do it (see compiler-thread.ts), else here. */
function compile(source: string, filename: string, runtimeSpecifier: string, options: CompileOptions, inThread: boolean): TransformResult {
  if (!inThread && process.env.COROSCOPE_COMPILE_IN_THREAD !== '1') {
    // Loaded only to compile: a warm cache never needs a worker (nor node:worker_threads).
    compilerThread ??= new (require('./compiler-thread') as typeof import('./compiler-thread')).CompilerThread();
    const result = compilerThread.compile(source, filename, runtimeSpecifier, options);
    if (result) return result;
  }
  ts ??= require('typescript') as typeof TS;
  // Loaded only to compile here: a warm cache never needs the compiler's code on this thread.
  const { transformSource } = require('./transform') as typeof import('./transform');
  return transformSource(ts, source, filename, runtimeSpecifier, options);
}

/** The cache, or null when turned off or when its directory is unsafe (said once on stderr). */
function getCache(): CompileCache | null {
  if (cache !== undefined) return cache;
  const where = getCacheDir();
  return (cache = where && new CompileCache(where.dir, cacheStamp(), where.uid, cacheMaxBytes(process.env)));
}

/** V8's code cache (code-cache.ts), in the same directory under the same conditions, or null. */
export function getCodeCache(): CompileCache | null {
  if (codeCache !== undefined) return codeCache;
  const where = getCacheDir();
  return (codeCache = where && new CompileCache(where.dir, codeCacheStamp(), where.uid, cacheMaxBytes(process.env), '.v8'));
}

/** The checked cache directory, or null when caching is off or the directory is unsafe (said once). */
function getCacheDir(): { dir: string; uid: number | undefined } | null {
  if (cacheDir !== undefined) return cacheDir;
  if (process.env.COROSCOPE_NO_CACHE === '1') return (cacheDir = null);
  let dir: string;
  try {
    dir = resolve(process.env.COROSCOPE_CACHE_DIR || defaultCacheDir(process.env, process.platform, homedir()));
  } catch {
    // homedir() throws when neither HOME nor the password database names one
    process.stderr.write('coroscope: not using a compile cache: no home directory (set COROSCOPE_CACHE_DIR)\n');
    return (cacheDir = null);
  }
  const uid = process.getuid?.();
  const unsafe = checkCacheDir(dir, uid);
  if (unsafe) {
    process.stderr.write(`coroscope: not using cache directory ${dir}: ${unsafe}\n`);
    return (cacheDir = null);
  }
  return (cacheDir = { dir, uid });
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

/** The option values that change the compiled code, as a short string for the compile cache's key. */
function optionsKey(options: CompileOptions): string {
  const o = options;
  return `${o.module === 'esm' ? 'esm' : 'cjs'}.${o.target ?? ''}.${flag(o.experimentalDecorators)}${flag(o.emitDecoratorMetadata)}${flag(o.useDefineForClassFields)}`;
}

function flag(b: boolean | undefined): string {
  return b === undefined ? '-' : b ? '1' : '0';
}
