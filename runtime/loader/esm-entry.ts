// Running a program whose entry is an ES module (`.mts`, or `.ts`/`.js` under "type": "module"):
// Node's ES module loader gets the hooks of esm-hooks.ts (on its hooks thread) and imports the entry.
// A program whose entry is CommonJS never starts that thread: its startup stays as it was.
import { register } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { HooksData } from './esm-hooks';

const runtimeDir = join(__dirname, '..');

/** Registers the hooks (once) and imports the entry; a failure to load or run it goes to `onError`. */
export function importEntry(path: string, onError: (err: unknown) => void): void {
  registerEsmHooks();
  // A real dynamic import: this file is CommonJS, but Node's import() loads ES modules.
  import(pathToFileURL(path).href).catch(onError);
}

let registered = false;

export function registerEsmHooks(): void {
  if (registered) return;
  registered = true;
  const data: HooksData = { runtime: join(runtimeDir, 'coroscope.js'), runtimeDir };
  register(pathToFileURL(join(__dirname, 'esm-hooks.js')).href, { data });
}
