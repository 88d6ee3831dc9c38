// Loading koffi, the FFI every system call goes through. Asking Node for `koffi` by name costs each
// start ~2.5 ms of CPU (of ~35 the CLI adds to Node's own start): it walks the node_modules folders
// and resolves the package's "exports" map through Node's ES module resolver, whose first use is
// slow. The runtime's own node_modules folder (the repository's, or the installed extension's)
// holds it in the usual layout, so that file is loaded directly: it is the file `require('koffi')`
// would give (its "exports" "require" condition), and Node keeps one instance per file whichever
// way it was asked for. Installed elsewhere (a dependency hoisted by a package manager), Node's
// resolution finds it as before.
import { join } from 'node:path';
import type * as Koffi from 'koffi';

/** dist/runtime/bundle/ (the bundle) and dist/runtime/sys/ (this file on its own) are both three levels below the package's root. */
const besideRuntime = join(__dirname, '..', '..', '..', 'node_modules', 'koffi', 'index.cjs');

export function loadKoffi(): typeof Koffi {
  try {
    return require(besideRuntime) as typeof Koffi;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw err;
  }
  return require('koffi') as typeof Koffi;
}
