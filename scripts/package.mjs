// Builds the extension's .vsix (npm run package). Everything goes through a staging folder so the
// package holds only what runs:
//   dist/extension/extension.js   the extension (esbuild bundle; `vscode` external)
//   dist/extension/server.js      the language server (bundle; `typescript` external, shared)
//   dist/debug-adapter/main.js    the adapter as a stdio executable (bundle)
//   dist/debug-adapter/session.js the adapter's session class for the inline mode (bundle)
//   dist/runtime/**               the runtime + loader, per file, as the debuggee loads them
//   dist/types/**                 the runtime's typings (tsc --emitDeclarationOnly) for the editor
//   dist/types/node_modules/@types/node + undici-types  Node's declarations, for a workspace without
//                                 its own (the TS server plugin adds them only then)
//   dist/node_modules/typescript  the loader's and the language server's compiler (minified)
//   dist/node_modules/koffi + @koromix/koffi-<platform>  the FFI, with binaries for Linux, macOS, Windows
//   node_modules/coroscope-typescript-plugin  the TS server plugin (must sit in node_modules)
//   bin/coroscope.js              the CLI (Run Program)
// The debuggee's modules live under dist/node_modules so that Node's resolution finds them from
// dist/runtime, while vsce's dependency scan (npm ls) sees only the plugin.
// Usage: node scripts/package.mjs [--out file.vsix]
import { build, transform } from 'esbuild';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..');
const cache = join(root, '.cache');
const stage = join(cache, 'vsix-stage');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const outArg = process.argv.indexOf('--out');
const out = resolve(outArg > 0 ? process.argv[outArg + 1] : join(root, `${pkg.name}-${pkg.version}.vsix`));
const started = Date.now();
const step = (msg) => console.log(`[package] ${msg}`);

// Koffi's binaries: the installed platform package plus these, fetched once with `npm pack` and
// cached under .cache/koffi-<version>/ (npm installs only the current platform's package).
const KOFFI_PLATFORMS = ['linux-x64', 'linux-arm64', 'darwin-x64', 'darwin-arm64', 'win32-x64', 'win32-arm64'];

// 1. The per-file build (runtime, loader, CLI) and the runtime's typings.
step('build');
execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
rmSync(stage, { recursive: true, force: true });
mkdirSync(stage, { recursive: true });

step('typings (tsc --emitDeclarationOnly)');
const typesOut = join(stage, 'dist', 'types');
const tsc = spawnSync(process.execPath, [
  join(root, 'node_modules', 'typescript', 'bin', 'tsc'),
  join(root, 'runtime', 'index.ts'),
  '--declaration', '--emitDeclarationOnly', '--stripInternal', '--skipLibCheck',
  '--outDir', typesOut, '--rootDir', join(root, 'runtime'),
  '--target', 'ES2022', '--module', 'commonjs', '--moduleResolution', 'node', '--strict',
  '--esModuleInterop', '--lib', 'ES2022,ESNext.Disposable', '--types', 'node',
], { cwd: root, encoding: 'utf8' });
if (!existsSync(join(typesOut, 'index.d.ts'))) {
  console.error(tsc.stdout, tsc.stderr);
  throw new Error('tsc did not emit dist/types/index.d.ts');
}
if (tsc.status !== 0) step(`tsc reported type errors in runtime/ (declarations emitted anyway):\n${tsc.stdout.trim().split('\n').slice(0, 5).join('\n')}`);

// Node's declarations (the devDependency's .d.ts files, ~0.45 MB compressed), beside the typings so
// that @types/node's own `import ... from 'undici-types'` resolves inside the package.
for (const name of ['@types/node', 'undici-types']) {
  const from = join(root, 'node_modules', name);
  const meta = JSON.parse(readFileSync(join(from, 'package.json'), 'utf8'));
  cpSync(from, join(typesOut, 'node_modules', name), { recursive: true, filter: (src) => statSync(src).isDirectory() || /(\.d\.ts|[\\/]package\.json|[\\/]LICENSE)$/.test(src) });
  step(`${name}@${meta.version} into dist/types/node_modules`);
}

// 2. Bundles.
step('bundles (esbuild)');
const common = { bundle: true, platform: 'node', format: 'cjs', target: 'node20', minify: true, sourcemap: false, logLevel: 'warning', legalComments: 'none' };
await build({ ...common, entryPoints: [join(root, 'extension', 'extension.ts')], outfile: join(stage, 'dist', 'extension', 'extension.js'), external: ['vscode'] });
await build({ ...common, entryPoints: [join(root, 'extension', 'server', 'server.ts')], outfile: join(stage, 'dist', 'extension', 'server.js'), external: ['typescript'] });
await build({ ...common, entryPoints: [join(root, 'extension', 'ts-plugin', 'index.ts')], outfile: join(stage, 'node_modules', 'coroscope-typescript-plugin', 'index.js') });
writeFileSync(join(stage, 'node_modules', 'coroscope-typescript-plugin', 'package.json'), JSON.stringify({ name: 'coroscope-typescript-plugin', version: pkg.version, main: 'index.js', license: pkg.license }, null, 2));
const adapterEntries = [['main.ts', 'main.js'], ['session.ts', 'session.js']].filter(([src]) => existsSync(join(root, 'debug-adapter', src)));
for (const [src, dst] of adapterEntries) {
  await build({ ...common, entryPoints: [join(root, 'debug-adapter', src)], outfile: join(stage, 'dist', 'debug-adapter', dst), external: ['vscode', 'typescript', 'koffi'] });
}
if (adapterEntries.length < 2) step(`warning: debug-adapter/${['main.ts', 'session.ts'].filter((f) => !adapterEntries.some(([s]) => s === f)).join(', ')} missing: not packaged`);

// 3. The runtime as the debuggee loads it (per-file + its bundle), without the inline source maps,
// except the bundle's: with the runtime sources it names (runtime/*.ts, beside dist/ as in a
// checkout), the debugger's runtime frames (showRuntimeFrames) open runtime/task.ts:220, not line
// 4,000 of the bundle. (About 120 KB more in the .vsix.)
step('runtime');
await copyJs(join(root, 'dist', 'runtime'), join(stage, 'dist', 'runtime'));
{
  const bundle = join(root, 'dist', 'runtime', 'bundle', 'coroscope.js');
  const text = readFileSync(bundle, 'utf8');
  const inline = /\n\/\/# sourceMappingURL=data:application\/json;base64,([^\n]*)\n?$/.exec(text);
  if (!inline) throw new Error(`${bundle} has no inline source map (scripts/build.mjs builds it with one)`);
  writeFileSync(join(stage, 'dist', 'runtime', 'bundle', 'coroscope.js'), text);
  const { sources } = JSON.parse(Buffer.from(inline[1], 'base64').toString('utf8'));
  for (const source of sources) {
    const file = resolve(dirname(bundle), source);
    const rel = relative(root, file);
    if (rel.startsWith('..') || !rel.startsWith('runtime')) throw new Error(`the runtime bundle's source map names ${source}, outside runtime/`);
    mkdirSync(dirname(join(stage, rel)), { recursive: true });
    cpSync(file, join(stage, rel));
  }
}
cpSync(join(root, 'bin'), join(stage, 'bin'), { recursive: true });

// 4. TypeScript: the compiler minified, the lib files the language server and loader use.
step('typescript');
const tsDir = join(root, 'node_modules', 'typescript');
const tsStage = join(stage, 'dist', 'node_modules', 'typescript');
mkdirSync(join(tsStage, 'lib'), { recursive: true });
const tsPkg = JSON.parse(readFileSync(join(tsDir, 'package.json'), 'utf8'));
writeFileSync(join(tsStage, 'package.json'), JSON.stringify({ name: 'typescript', version: tsPkg.version, main: './lib/typescript.js', typings: './lib/typescript.d.ts', license: tsPkg.license }, null, 2));
cpSync(join(tsDir, 'LICENSE.txt'), join(tsStage, 'LICENSE.txt'));
const tsJs = readFileSync(join(tsDir, 'lib', 'typescript.js'), 'utf8');
writeFileSync(join(tsStage, 'lib', 'typescript.js'), (await transform(tsJs, { minify: true, target: 'node20', format: 'cjs', legalComments: 'none' })).code);
for (const f of readdirSync(join(tsDir, 'lib'))) {
  if (/^lib\.(es\d{4}|esnext|es5|decorators|scripthost)[\w.]*\.d\.ts$/.test(f)) cpSync(join(tsDir, 'lib', f), join(tsStage, 'lib', f));
}

// 5. Koffi and its per-platform binaries.
step('koffi');
const koffiDir = join(root, 'node_modules', 'koffi');
const koffiPkg = JSON.parse(readFileSync(join(koffiDir, 'package.json'), 'utf8'));
const koffiStage = join(stage, 'dist', 'node_modules', 'koffi');
for (const f of ['index.cjs', 'index.d.ts', 'LICENSE.txt', 'src/koffi/index.cjs', 'src/koffi/src/static.cjs']) {
  mkdirSync(dirname(join(koffiStage, f)), { recursive: true });
  cpSync(join(koffiDir, f), join(koffiStage, f));
}
const { optionalDependencies: _optional, scripts: _scripts, ...koffiMeta } = koffiPkg;
writeFileSync(join(koffiStage, 'package.json'), JSON.stringify({ ...koffiMeta, main: './index.cjs', exports: undefined, module: undefined }, null, 2));
const koffiCache = join(cache, `koffi-${koffiPkg.version}`);
const koffiReport = [];
for (const platform of KOFFI_PLATFORMS) {
  const name = `@koromix/koffi-${platform}`;
  let from = join(root, 'node_modules', name);
  if (!existsSync(join(from, 'package.json'))) {
    from = join(koffiCache, platform, 'package');
    if (!existsSync(join(from, 'package.json'))) {
      mkdirSync(join(koffiCache, platform), { recursive: true });
      const r = spawnSync('npm', ['pack', '--silent', `${name}@${koffiPkg.version}`], { cwd: join(koffiCache, platform), encoding: 'utf8' });
      const tgz = r.status === 0 ? r.stdout.trim().split('\n').pop() : undefined;
      if (!tgz || spawnSync('tar', ['xzf', tgz], { cwd: join(koffiCache, platform) }).status !== 0) {
        koffiReport.push(`${platform}: NOT included (npm pack failed: ${(r.stderr || '').trim().split('\n')[0]})`);
        continue;
      }
    }
  }
  const dst = join(stage, 'dist', 'node_modules', '@koromix', `koffi-${platform}`);
  cpSync(from, dst, { recursive: true, filter: (src) => !/[\\/]musl_/.test(src) && !/README\.md$/.test(src) });
  koffiReport.push(`${platform}: ${from.startsWith(koffiCache) ? 'from .cache (npm pack)' : 'installed'}`);
}
step(`koffi binaries: ${koffiReport.join('; ')} (musl builds left out)`);

// 6. The manifest, readme, license, ignore file.
step('manifest');
const manifest = { ...pkg };
delete manifest.devDependencies;
delete manifest.scripts;
delete manifest.bin;
manifest.dependencies = { 'coroscope-typescript-plugin': pkg.version };
writeFileSync(join(stage, 'package.json'), JSON.stringify(manifest, null, 2));
for (const f of ['README.md', 'LICENSE', 'LICENSE.md', 'CHANGELOG.md', '.vscodeignore']) if (existsSync(join(root, f))) cpSync(join(root, f), join(stage, f));
if (!existsSync(join(stage, 'LICENSE')) && !existsSync(join(stage, 'LICENSE.md'))) {
  writeFileSync(join(stage, 'LICENSE'), `${pkg.license} License\n\nCopyright (c) ${new Date().getFullYear()} the ${pkg.displayName ?? pkg.name} authors\n\n${mitText()}`);
}

// 7. vsce.
step('vsce package');
rmSync(out, { force: true });
const vsce = spawnSync(process.execPath, [join(root, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--out', out, '--allow-missing-repository', '--allow-star-activation'], {
  cwd: stage, stdio: 'inherit', env: { ...process.env, npm_config_loglevel: 'error' },
});
if (vsce.status !== 0) throw new Error(`vsce failed with ${vsce.status}`);
const bytes = statSync(out).size;
console.log(`[package] ${relative(process.cwd(), out)}: ${(bytes / 1024 / 1024).toFixed(2)} MB (${bytes} bytes) in ${((Date.now() - started) / 1000).toFixed(1)} s`);

/** Copies the .js files of a tree, dropping inline source maps (the debuggee's runtime frames are hidden anyway). */
async function copyJs(from, to) {
  for (const name of readdirSync(from)) {
    const src = join(from, name);
    const dst = join(to, name);
    if (statSync(src).isDirectory()) await copyJs(src, dst);
    else if (name.endsWith('.js')) {
      mkdirSync(to, { recursive: true });
      writeFileSync(dst, readFileSync(src, 'utf8').replace(/\n\/\/# sourceMappingURL=data:[^\n]*\n?$/, '\n'));
    }
  }
}

function mitText() {
  return `Permission is hereby granted, free of charge, to any person obtaining a copy of this software and
associated documentation files (the "Software"), to deal in the Software without restriction,
including without limitation the rights to use, copy, modify, merge, publish, distribute,
sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or
substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT
NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM,
DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT
OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
`;
}
