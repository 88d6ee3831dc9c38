// The README promises the .vsix carries the runtime's FFI binaries for Linux, macOS and Windows:
// koffi's npm package installs only this machine's, so scripts/package.mjs adds the others. This
// runs the packaging as `npm run package` does (about 13 s here) and reads the archive's listing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const hasUnzip = spawnSync('unzip', ['-v'], { encoding: 'utf8' }).status === 0;

test('npm run package puts koffi\'s Linux, macOS and Windows binaries in the .vsix', { skip: !hasUnzip && 'needs unzip to list the archive', timeout: 180_000 }, () => {
  const out = join(mkdtempSync(join(tmpdir(), 'coroscope-vsix-')), 'coroscope.vsix');
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'package.mjs'), '--out', out], { cwd: root, encoding: 'utf8', timeout: 170_000 });
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  assert.doesNotMatch(r.stdout, /NOT included/);
  const listing = spawnSync('unzip', ['-Z1', out], { encoding: 'utf8' }).stdout.split('\n');
  for (const platform of ['linux-x64', 'linux-arm64', 'darwin-x64', 'darwin-arm64', 'win32-x64', 'win32-arm64']) {
    const binary = `extension/dist/node_modules/@koromix/koffi-${platform}/${platform.replace('-', '_')}/koffi.node`;
    assert.ok(listing.includes(binary), `${binary} is not in the .vsix`);
  }
  assert.ok(listing.includes('extension/dist/node_modules/koffi/index.cjs'), 'koffi\'s loader is in the .vsix');
});
