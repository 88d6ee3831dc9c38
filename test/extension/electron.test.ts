// The @vscode/test-electron suite (test/extension/electron/) as part of the test run. Without a VS
// Code build (no network here) it is reported as SKIPPED with the reason, never as passed.
import { test } from 'node:test';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

test('extension-host tests in VS Code (@vscode/test-electron)', (t) => {
  const runner = join(__dirname, 'electron', 'run.mjs');
  const r = spawnSync(process.execPath, [runner], { encoding: 'utf8', timeout: 600_000 });
  const out = `${r.stdout}${r.stderr}`;
  if (r.status === 3) {
    t.skip(out.split('\n').find((l) => l.startsWith('not run:')) ?? 'not run: no VS Code build available');
    return;
  }
  if (r.status !== 0) throw new Error(`the extension-host tests failed (exit ${r.status}):\n${out}`);
});
