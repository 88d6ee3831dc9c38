// Where the runtime finds koffi (sys/load-koffi.ts): by its path in the runtime's own node_modules
// (a checkout), in dist/node_modules (the packaged extension's layout, scripts/package.mjs), and
// through Node's resolution anywhere else; in each case the program's own `require('koffi')` gets
// the very instance the runtime uses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

// Loads the runtime, then asks Node for koffi by name from the program's own directory: the
// module cache has one koffi, the one the runtime loaded, and the runtime's calls work.
const PROGRAM = `
const rt = require(process.argv[2]);
const where = Object.keys(require.cache).filter((p) => p.endsWith('index.cjs') && p.includes('koffi'));
const mine = require.resolve('koffi', { paths: [process.argv[3]] });
console.log(JSON.stringify({ where, mine, sameInstance: require(mine) === require.cache[mine]?.exports && where.includes(mine), run: typeof rt.run }));
`;

/** A copy of the built runtime with node_modules placed as `layout` says; runs PROGRAM against it. */
function runIn(layout: 'checkout' | 'packaged' | 'hoisted'): { where: string[]; mine: string; sameInstance: boolean; run: string } {
  const dir = mkdtempSync(join(tmpdir(), 'coroscope-koffi-'));
  // hoisted: the runtime is a dependency at app/node_modules/coroscope, koffi hoisted to app/node_modules.
  const install = layout === 'hoisted' ? join(dir, 'app', 'node_modules', 'coroscope') : join(dir, 'install');
  for (const part of ['bin', 'dist', 'package.json']) cpSync(join(root, part), join(install, part), { recursive: true });
  const modules = layout === 'checkout' ? join(install, 'node_modules') : layout === 'packaged' ? join(install, 'dist', 'node_modules') : join(dir, 'app', 'node_modules');
  mkdirSync(join(modules, '@koromix'), { recursive: true });
  cpSync(join(root, 'node_modules', 'koffi'), join(modules, 'koffi'), { recursive: true });
  const platform = `koffi-${process.platform}-${process.arch}`;
  cpSync(join(root, 'node_modules', '@koromix', platform), join(modules, '@koromix', platform), { recursive: true });
  const program = join(dir, 'prog.js');
  writeFileSync(program, PROGRAM);
  // Where a program beside the installation would look for koffi by name.
  const from = layout === 'packaged' ? join(install, 'dist', 'runtime') : install;
  const r = spawnSync(process.execPath, [program, join(install, 'dist', 'runtime', 'coroscope.js'), from], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

for (const layout of ['checkout', 'packaged', 'hoisted'] as const) {
  test(`koffi is found in a ${layout} layout, and a program asking for it by name gets the runtime's instance`, () => {
    const r = runIn(layout);
    assert.equal(r.run, 'function', 'the runtime loaded');
    const outer = r.where.filter((p) => !p.includes(`${'/'}src${'/'}`) && !p.includes('\\src\\'));
    assert.equal(outer.length, 1, `one koffi in the module cache: ${r.where.join(', ')}`);
    assert.equal(r.mine, outer[0]);
    assert.equal(r.sameInstance, true);
  });
}
