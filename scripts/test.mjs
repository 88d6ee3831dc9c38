// Runs the test suite with Node's test runner. Test files are TypeScript loaded through coroscope's
// own loader (so `async function` in a test is a coroscope coroutine). With file arguments, runs
// only those. The end-to-end VS Code test has its own command (npm run test:e2e).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..');
const register = join(root, 'dist', 'runtime', 'loader', 'register.js');
if (!existsSync(register)) {
  console.error(`missing ${relative(process.cwd(), register)}: run \`npm run build\` first`);
  process.exit(2);
}

function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name === 'e2e' || name === 'fixtures' || name === 'node_modules') continue;
      out.push(...findTests(path));
    } else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const files = process.argv.slice(2).length > 0 ? process.argv.slice(2) : findTests(join(root, 'test'));
const result = spawnSync(
  process.execPath,
  // A test that hangs fails after two minutes, and a test file whose tests are done exits even if
  // something (a debuggee, a socket) was left open: the suite never hangs CI.
  ['--require', register, '--test', '--test-reporter=spec', '--test-timeout=120000', '--test-force-exit', ...files],
  { stdio: 'inherit', cwd: root, env: { ...process.env, COROSCOPE_TEST: '1' } },
);
process.exit(result.status ?? 1);
