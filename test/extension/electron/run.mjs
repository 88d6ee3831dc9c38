// Extension-host tests with @vscode/test-electron (the ecosystem's convention): downloads a VS Code
// build (or uses VSCODE_EXECUTABLE), starts it with this checkout as the extension under
// development, and runs suite/index.js inside it. Where no VS Code build can be had (no network, as
// on this project's machines), it says so and exits with code 3: "not run", never a pass.
// The real end-to-end test that does run here is test/e2e (npm run test:e2e).
// Usage: npm run build && node test/extension/electron/run.mjs
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const NOT_RUN = 3;
const root = join(fileURLToPath(import.meta.url), '..', '..', '..', '..');

/** A VS Code executable: VSCODE_EXECUTABLE, or a download (cached in .vscode-test/); null if neither works. */
async function findVSCode() {
  if (process.env.VSCODE_EXECUTABLE) return existsSync(process.env.VSCODE_EXECUTABLE) ? process.env.VSCODE_EXECUTABLE : null;
  try {
    return await downloadAndUnzipVSCode({ version: 'stable', cachePath: join(root, '.vscode-test'), timeout: 15_000 });
  } catch (err) {
    console.log(`[electron] download failed: ${(err && err.message) || err}`);
    return null;
  }
}

const executable = await findVSCode();
if (!executable) {
  console.log('not run: no VS Code build available (set VSCODE_EXECUTABLE, or allow the download from the VS Code update service)');
  process.exit(NOT_RUN);
}
const code = await runTests({
  vscodeExecutablePath: executable,
  extensionDevelopmentPath: root,
  extensionTestsPath: join(root, 'test', 'extension', 'electron', 'suite', 'index.js'),
  launchArgs: [join(root, 'test', 'e2e', 'workspace'), '--disable-extensions', '--disable-workspace-trust'],
});
process.exit(code);
