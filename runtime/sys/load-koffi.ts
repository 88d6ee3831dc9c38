// Loading koffi, the FFI every system call goes through. Asking Node for `koffi` by name costs each
// start ~2.5 ms of CPU (of ~35 the CLI adds to Node's own start): it walks the node_modules folders
// and resolves the package's "exports" map through Node's ES module resolver, whose first use is
// slow. Where the runtime is installed, koffi sits in one of two places: the repository's
// node_modules (a checkout, `npm ci`), or dist/node_modules (the packaged extension:
// scripts/package.mjs). That file is loaded directly: it is the file `require('koffi')` would give
// (its "exports" "require" condition), and Node keeps one instance per file whichever way it was
// asked for. Installed elsewhere (a dependency hoisted by a package manager), Node's resolution
// finds it as before.
import { join } from 'node:path';
import type * as Koffi from 'koffi';

/** dist/runtime/bundle/ (the bundle) and dist/runtime/sys/ (this file on its own) are both three levels below the package's root. */
const BESIDE_RUNTIME = [
  join(__dirname, '..', '..', '..', 'node_modules', 'koffi', 'index.cjs'),
  join(__dirname, '..', '..', 'node_modules', 'koffi', 'index.cjs'),
];

export function loadKoffi(): typeof Koffi {
  for (const path of BESIDE_RUNTIME) {
    try {
      return require(path) as typeof Koffi;
    } catch (err) {
      // Only "not there" tries the next place: koffi failing to load is reported as it is.
      if ((err as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND' || !String((err as Error).message).includes(path)) throw err;
    }
  }
  return require('koffi') as typeof Koffi;
}
