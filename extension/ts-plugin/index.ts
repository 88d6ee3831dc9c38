// TypeScript server plugin (contributes.typescriptServerPlugins): `coroscope` and Node's
// declarations for a user's program with nothing installed (what it does: plugin.ts).
// Packaged as node_modules/coroscope-typescript-plugin/index.js, so the extension's files are at
// ../../dist: typings in dist/types, @types/node in dist/types/node_modules.
import { join } from 'node:path';
import { pluginFactory } from './plugin';

const dist = join(__dirname, '..', '..', 'dist');
module.exports = pluginFactory({ coroscopeEntry: join(dist, 'types', 'index.d.ts'), nodeTypesDir: join(dist, 'types') });
