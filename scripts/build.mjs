// Builds every TypeScript source of the runtime, the debug adapter and the extension into dist/,
// one JavaScript file per source file (no bundling: the CLI, the loader and user programs must all
// share one instance of the runtime's modules). Type checking is `npm run typecheck`.
import { build } from 'esbuild';
import { existsSync, readdirSync, readFileSync, statSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..');
const roots = ['runtime', 'debug-adapter', 'extension'];

function sources(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sources(path));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

const entryPoints = roots.flatMap((r) => {
  try { return sources(join(root, r)); } catch { return []; }
});
// dist/ is not wiped first: tests running beside a rebuild must not find it missing.
const started = Date.now();
await build({
  entryPoints,
  outdir: join(root, 'dist'),
  outbase: root,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  sourcemap: 'inline',
  sourcesContent: false,
  logLevel: 'warning',
});
// The runtime that programs load is one bundle: calls between its modules are then direct (the
// per-file build goes through export getters on every cross-module reference, which costs ~10%
// of a task switch). dist/runtime/coroscope.js re-exports it as plain data properties for the same
// reason. Per-file outputs stay for the CLI, the loader and unit tests of pure modules.
/** How both bundles (the runtime's, the CLI's start path) are built. */
const bundleOptions = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  sourcemap: 'inline',
  sourcesContent: false,
  external: ['koffi', 'typescript'],
  // Bundling renames a class or function whose name collides with another module's (OSError became
  // `_OSError`); people see these names in messages, reprs and the debugger, so they are kept.
  keepNames: true,
  logLevel: 'warning',
};
await build({
  ...bundleOptions,
  entryPoints: [join(root, 'runtime', 'index.ts')],
  outfile: join(root, 'dist', 'runtime', 'bundle', 'coroscope.js'),
});
// ES modules import this same file (one runtime per program, whichever module system imports it);
// Node finds a CommonJS file's named exports by reading it, so the bundle's list of names (esbuild
// writes one for exactly this) is copied here.
const bundlePath = join(root, 'dist', 'runtime', 'bundle', 'coroscope.js');
let bundleText = readFileSync(bundlePath, 'utf8');
// Every program loads the bundle: pure ASCII, it is read into a one-byte string (decoded faster,
// half the memory). esbuild already escapes non-ASCII characters in strings and names (charset
// ascii), so what is left is in comments it keeps: each UTF-16 unit becomes '?', which keeps every
// column the source map gives.
if (/[^\x00-\x7f]/.test(bundleText)) {
  bundleText = bundleText.replace(/[^\x00-\x7f]/g, '?');
  writeFileSync(bundlePath, bundleText);
}
const exportNames = /\n0 && \(module\.exports = \{[^}]*\}\);\n/.exec(bundleText);
if (!exportNames) throw new Error('build: the runtime bundle has no list of export names for ES module importers');
writeFileSync(
  join(root, 'dist', 'runtime', 'coroscope.js'),
  "'use strict';\n// The coroscope runtime as programs see it (`import ... from 'coroscope'`).\nmodule.exports = Object.assign({}, require('./bundle/coroscope.js'));\n// Annotate the CommonJS export names for ESM import in node:" + exportNames[0],
);
// The CLI's start path in one file (bin/coroscope.js loads it): the CLI and the loader modules every
// run needs, which were seven files for Node to resolve, read and compile one by one (~0.5 ms of
// CPU each). Everything else they require stays the per-file build's module, required from dist/
// where and when the source requires it (the compiler, its worker, ps, dump-on, the ES module entry,
// the runtime itself: one instance of each, shared with whoever else loads it). It lives beside the
// loader's per-file modules, so the paths the loader finds from its own __dirname hold.
const startPath = new Set(['cli', 'loader/module-format', 'loader/register', 'loader/code-cache', 'loader/compile-cache', 'loader/compile-file', 'loader/project-config', 'loader/ts-resolve'].map((f) => join(root, 'runtime', `${f}.ts`)));
const cliBundle = join(root, 'dist', 'runtime', 'loader', 'cli-bundle.js');
await build({
  ...bundleOptions,
  entryPoints: [join(root, 'runtime', 'cli.ts')],
  outfile: cliBundle,
  plugins: [
    {
      name: 'start-path-only',
      setup(b) {
        b.onResolve({ filter: /^\.\.?\// }, (args) => {
          const target = resolve(args.resolveDir, args.path);
          const source = existsSync(`${target}.ts`) ? `${target}.ts` : target;
          if (startPath.has(source)) return undefined;
          // The file the per-file build made of it (./coroscope.js and ../../package.json are no sources: the same place under dist/).
          const built = join(root, 'dist', relative(root, source)).replace(/\.ts$/, '.js');
          const path = relative(dirname(cliBundle), built).split(sep).join('/');
          return { path: path.startsWith('.') ? path : `./${path}`, external: true };
        });
      },
    },
  ],
});
console.log(`built ${entryPoints.length} files into ${relative(process.cwd(), join(root, 'dist')) || 'dist'} in ${Date.now() - started} ms`);
