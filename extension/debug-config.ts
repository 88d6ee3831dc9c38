// Launch configurations: F5 on a coroscope program with no launch.json, the dynamic "debug current
// file" entry, defaults for every attribute, and the choice of runtime (node on PATH, else the
// editor's own executable with ELECTRON_RUN_AS_NODE=1).
import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { findNodeOnPath, importsCoroscope, withRuntime } from './programs';
import { runInTerminal } from './run-terminal';

export const DEBUG_TYPE = 'coroscope';

function isProgram(doc: vscode.TextDocument | undefined): doc is vscode.TextDocument {
  return doc !== undefined && doc.uri.scheme === 'file' && (doc.languageId === 'typescript' || doc.languageId === 'javascript');
}

export class CoroscopeConfigurationProvider implements vscode.DebugConfigurationProvider {
  provideDebugConfigurations(folder: vscode.WorkspaceFolder | undefined): vscode.DebugConfiguration[] {
    return [{ type: DEBUG_TYPE, request: 'launch', name: 'Coroscope: debug current file', program: '${file}', cwd: folder ? '${workspaceFolder}' : undefined }];
  }

  /** Called with `{}` when F5 is pressed with no launch.json: debug the active file. */
  resolveDebugConfiguration(folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): vscode.DebugConfiguration | undefined {
    if (!config.type && !config.request && !config.name) {
      const doc = vscode.window.activeTextEditor?.document;
      if (!isProgram(doc)) {
        void vscode.window.showErrorMessage('Coroscope: open a .ts or .js program to debug it.');
        return undefined;
      }
      config = { type: DEBUG_TYPE, request: 'launch', name: `Coroscope: ${vscode.workspace.asRelativePath(doc.uri)}`, program: doc.uri.fsPath };
    }
    if (config.request === 'launch' && !config.program) {
      void vscode.window.showErrorMessage("Coroscope: the launch configuration needs a 'program' (the .ts or .js file to run).");
      return undefined;
    }
    if (config.request === 'attach' && typeof config.port !== 'number') {
      void vscode.window.showErrorMessage("Coroscope: an attach configuration needs a 'port' (the program's --inspect port).");
      return undefined;
    }
    config.cwd ??= folder?.uri.fsPath;
    // The loop-block threshold: the launch configuration's own, else the setting.
    if (config.request === 'launch' && config.slowCallbackMs === undefined) {
      const ms = vscode.workspace.getConfiguration('coroscope').get<number>('slowCallbackMs');
      if (typeof ms === 'number' && ms > 0) config.slowCallbackMs = ms;
    }
    return config;
  }

  /** After ${variables} are substituted: settle the runtime and check the program exists. */
  resolveDebugConfigurationWithSubstitutedVariables(folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): vscode.DebugConfiguration | undefined {
    if (config.request === 'launch') {
      if (typeof config.program === 'string' && !isAbsolute(config.program) && folder) config.program = join(folder.uri.fsPath, config.program);
      if (typeof config.program === 'string' && !existsSync(config.program)) {
        void vscode.window.showErrorMessage(`Coroscope: program ${config.program} does not exist.`);
        return undefined;
      }
    }
    return withRuntime(config);
  }
}

/** Coroscope: Debug Program — debug the active file, no launch.json needed. */
export async function debugProgram(uri?: vscode.Uri): Promise<boolean> {
  const doc = uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
  if (!isProgram(doc)) {
    void vscode.window.showErrorMessage('Coroscope: open a .ts or .js program first.');
    return false;
  }
  if (doc.isDirty) await doc.save();
  const folder = vscode.workspace.getWorkspaceFolder(doc.uri);
  return vscode.debug.startDebugging(folder, {
    type: DEBUG_TYPE,
    request: 'launch',
    name: `Coroscope: ${vscode.workspace.asRelativePath(doc.uri)}`,
    program: doc.uri.fsPath,
    cwd: folder?.uri.fsPath,
  });
}

/** Coroscope: Run Program — run the active file with the coroscope CLI in a terminal (no shell). */
export async function runProgram(extensionPath: string, uri?: vscode.Uri): Promise<void> {
  const doc = uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
  if (!isProgram(doc)) {
    void vscode.window.showErrorMessage('Coroscope: open a .ts or .js program first.');
    return;
  }
  if (doc.isDirty) await doc.save();
  const node = findNodeOnPath();
  runInTerminal(`Coroscope: ${vscode.workspace.asRelativePath(doc.uri)}`, {
    executable: node ?? process.execPath,
    args: [join(extensionPath, 'bin', 'coroscope.js'), 'run', doc.uri.fsPath],
    cwd: vscode.workspace.getWorkspaceFolder(doc.uri)?.uri.fsPath,
    env: node ? {} : { ELECTRON_RUN_AS_NODE: '1' },
  });
}

/**
 * Keeps the `coroscope.f5` context key true while the active editor is a coroscope program and the
 * workspace has no launch configurations: F5 is then bound to Debug Program instead of the
 * "select debugger" list (TypeScript files also belong to the built-in JavaScript debugger).
 */
export function trackF5Context(): vscode.Disposable {
  const update = () => {
    const doc = vscode.window.activeTextEditor?.document;
    const configs = vscode.workspace.getConfiguration('launch', doc?.uri).get<unknown[]>('configurations') ?? [];
    const on = isProgram(doc) && importsCoroscope(doc.getText()) && configs.length === 0;
    void vscode.commands.executeCommand('setContext', 'coroscope.f5', on);
  };
  update();
  return vscode.Disposable.from(
    vscode.window.onDidChangeActiveTextEditor(update),
    vscode.workspace.onDidSaveTextDocument(update),
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('launch') && update()),
  );
}
