// Makes Node load user programs through the coroscope compiler: `.ts`/`.tsx`/`.mts`/`.cts` files,
// and `.js` files outside node_modules, are compiled by transform.ts (cached on disk by content);
// `import ... from 'coroscope'` resolves to this runtime, with nothing installed by the user.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import type * as TS from 'typescript';
import { CompilerThread } from './compiler-thread';
import { CompileError, transformSource, type TransformResult } from './transform';

const runtimeDir = resolve(__dirname, '..');
/** The runtime bundle programs load; compiled code reaches the loader's helpers as its `__cs` export. */
const runtimeBundle = join(runtimeDir, 'coroscope.js');
const LOADER_VERSION = '4';

interface ModuleInternals {
  _resolveFilename(request: string, parent: unknown, ...rest: unknown[]): string;
  _extensions: Record<string, (module: NodeModule & { _compile(code: string, filename: string): void }, filename: string) => void>;
}
const M = Module as unknown as ModuleInternals;

let ts: typeof TS | undefined;
let compilerThread: CompilerThread | undefined;
let installed = false;
let cacheDir: string | null | undefined;

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
  const source = readFileSync(filename, 'utf8');
  const key = createHash('sha1').update(LOADER_VERSION).update('\0').update(runtimeBundle).update('\0').update(filename).update('\0').update(source).digest('hex');
  const dir = getCacheDir();
  if (dir) {
    try {
      return readFileSync(join(dir, key + '.js'), 'utf8');
    } catch {
      // not cached yet
    }
  }
  const { code, errors } = compile(source, filename);
  if (errors.length > 0) throw new CompileError(errors);
  if (dir) {
    try {
      const tmp = join(dir, `${key}.${process.pid}.tmp`);
      writeFileSync(tmp, code);
      renameSync(tmp, join(dir, key + '.js'));
    } catch {
      // a read-only or full disk only costs speed
    }
  }
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

function getCacheDir(): string | null {
  if (cacheDir !== undefined) return cacheDir;
  if (process.env.COROSCOPE_NO_CACHE === '1') return (cacheDir = null);
  const dir = process.env.COROSCOPE_CACHE_DIR ?? join(tmpdir(), `coroscope-cache-${process.getuid?.() ?? 'user'}`);
  try {
    mkdirSync(dir, { recursive: true });
    cacheDir = dir;
  } catch {
    cacheDir = null;
  }
  return cacheDir;
}

register();
