// npm run test:e2e — the end-to-end test in a real VS Code (code-server, offline) driven by
// Playwright in headless Chromium. Installs what it needs (scripts/e2e-setup.sh, cached under
// .cache/ by version), packages the .vsix (unless E2E_VSIX names one), runs test/e2e/vscode.e2e.mjs with
// Node's test runner, and prints its wall time. Screenshots and logs go to test-results/e2e/.
// E2E_VSIX=file.vsix tests that package instead; E2E_KEEP=1 keeps the per-run folder (/tmp/cse2e-*).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..');
const started = Date.now();
const seconds = () => ((Date.now() - started) / 1000).toFixed(1);

const setup = execFileSync('bash', [join(root, 'scripts', 'e2e-setup.sh')], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
const paths = Object.fromEntries(setup.trim().split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
console.log(`[e2e] setup done at ${seconds()} s`);

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
let vsix = process.env.E2E_VSIX;
if (!vsix) {
  vsix = join(root, '.cache', `${pkg.name}-${pkg.version}-e2e.vsix`);
  execFileSync(process.execPath, [join(root, 'scripts', 'package.mjs'), '--out', vsix], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  console.log(`[e2e] packaged ${vsix} at ${seconds()} s`);
}
if (!existsSync(vsix)) throw new Error(`no .vsix at ${vsix}`);

const r = spawnSync(process.execPath, ['--test', '--test-reporter=spec', '--test-concurrency=1', join(root, 'test', 'e2e', 'vscode.e2e.mjs')], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, E2E_NODE24: paths.NODE24, E2E_CODE_SERVER: paths.CODE_SERVER, E2E_CHROMIUM: paths.CHROMIUM, E2E_VSIX: vsix },
});
console.log(`[e2e] wall time ${seconds()} s (exit ${r.status})`);
process.exit(r.status ?? 1);
