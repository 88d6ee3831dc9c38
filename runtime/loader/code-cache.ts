// V8's code cache for the runtime bundle. Every `coroscope run` loads the same ~700 KB bundle, and
// parsing and compiling it was the largest part of the CLI's start-up beyond Node's own (~10 ms of
// ~45). V8 can serialize the bytecode it compiled for a script and take it back on the next run
// instead of compiling (`cachedData`), so the bundle is loaded here the way Node's CommonJS loader
// would load it, through a vm.Script that is given that data.
//
// The data is bytecode this process will run, so it is kept under the compile cache's rules
// (compile-cache.ts: the user's private directory, entries created exclusively and renamed into
// place, a header checked before use) and keyed by what it depends on:
//  - the bundle's bytes (sha256): V8's own check compares only the source's length;
//  - Node's and V8's versions and the architecture: V8 also rejects data from another version or
//    other V8 flags (`cachedDataRejected`), and the script is then compiled as if there were none.
// The header's body hash is what catches a damaged entry: V8 does not check the data's integrity
// (its checksum is verified only in its debug builds), and damaged bytecode must never run.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Script, constants as vmConstants } from 'node:vm';
import type { CompileCache } from './compile-cache';
import { sha256 } from './compile-cache';

/** Node's CommonJS module wrapper. */
const WRAPPER_HEAD = '(function (exports, require, module, __filename, __dirname) { ';
const WRAPPER_TAIL = '\n});';

/** An entry bigger than this part of the cache's bound is not kept: it would push out everything else. */
const MAX_SHARE = 0.25;

/** What V8's data depends on besides the script: its stamp in the cache (no spaces). */
export function codeCacheStamp(): string {
  return `v8-code-cache=1 node=${process.version} v8=${process.versions.v8} arch=${process.arch}`;
}

type ModuleWrapper = (exports: unknown, require: NodeJS.Require, module: NodeModule, filename: string, dirname: string) => void;

/**
 * Runs the CommonJS file `filename` as `module`'s body, as Node's loader does, compiled from the
 * V8 data `cache` holds for its exact bytes when there is some; when there was none (or V8 turned
 * it down), the data is written at exit, when it covers every function the run compiled.
 */
export function loadWithCodeCache(module: NodeModule, filename: string, cache: CompileCache): void {
  const bytes = readFileSync(filename);
  const key = sha256(bytes);
  const cachedData = cache.getBytes(filename, key) ?? undefined;
  const script = new Script(WRAPPER_HEAD + bytes.toString('utf8') + WRAPPER_TAIL, {
    filename,
    cachedData,
    // The bundle has no import(); should it get one, it resolves as in any CommonJS module.
    importModuleDynamically: vmConstants.USE_MAIN_CONTEXT_DEFAULT_LOADER as never,
  });
  if (cachedData === undefined || script.cachedDataRejected) process.once('exit', () => storeCodeCache(script, filename, key, cache));
  const wrapper = script.runInThisContext() as ModuleWrapper;
  wrapper.call(module.exports, module.exports, createRequire(filename), module, filename, dirname(filename));
}

function storeCodeCache(script: Script, filename: string, key: string, cache: CompileCache): void {
  // Under a debugger the functions may carry break points; a run without one writes the data.
  if (inspectorOpen()) return;
  try {
    const data = script.createCachedData();
    if (data.length > cache.maxBytes * MAX_SHARE) return;
    cache.putBytes(filename, key, data);
  } catch {
    // exiting: a failure only means the next run compiles the bundle
  }
}

function inspectorOpen(): boolean {
  return (require('node:inspector') as typeof import('node:inspector')).url() !== undefined;
}
