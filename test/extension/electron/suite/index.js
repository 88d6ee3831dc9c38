// Runs inside the VS Code started by ../run.mjs (CommonJS: VS Code's extension host loads it).
// Checks activation, the debug configuration provider, the await-expression provider and the
// language server's diagnostics against the example workspace test/e2e/workspace.
const assert = require('node:assert/strict');
const path = require('node:path');
const vscode = require('vscode');

const checks = [];
const check = (name, fn) => checks.push({ name, fn });

async function waitFor(what, fn, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = await fn();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const folder = () => vscode.workspace.workspaceFolders[0].uri.fsPath;

check('the extension activates on a coroscope program', async () => {
  const doc = await vscode.workspace.openTextDocument(path.join(folder(), 'pipeline.ts'));
  await vscode.window.showTextDocument(doc);
  const ext = vscode.extensions.getExtension('coroscope.coroscope');
  assert.ok(ext, 'installed');
  await waitFor('activation', () => ext.isActive);
});

check('the Run Program and Debug Program commands are registered', async () => {
  const commands = await vscode.commands.getCommands(true);
  assert.ok(commands.includes('coroscope.debugProgram'));
  assert.ok(commands.includes('coroscope.runProgram'));
});

check('the language server reports the mistakes in mistakes.ts', async () => {
  const uri = vscode.Uri.file(path.join(folder(), 'mistakes.ts'));
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
  const diags = await waitFor('coroscope diagnostics', () => {
    const d = vscode.languages.getDiagnostics(uri).filter((x) => x.source === 'coroscope');
    return d.length >= 3 ? d : undefined;
  }, 60000);
  assert.deepEqual(diags.map((d) => d.code).sort(), ['blocking-call', 'not-awaitable', 'unawaited-coroutine']);
});

exports.run = async function run() {
  const failures = [];
  for (const { name, fn } of checks) {
    try {
      await fn();
      console.log(`  ✔ ${name}`);
    } catch (err) {
      failures.push(name);
      console.log(`  ✖ ${name}\n${err && err.stack}`);
    }
  }
  console.log(`${checks.length - failures.length} passed, ${failures.length} failed`);
  if (failures.length) throw new Error(`${failures.length} extension-host check(s) failed`);
};
