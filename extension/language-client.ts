// Starts the coroscope language server (its own Node process) for TypeScript and JavaScript files.
import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

/** The server module: the packaged bundle, or the per-file build in a source checkout. */
function serverModule(extensionPath: string): string {
  const bundled = join(extensionPath, 'dist', 'extension', 'server.js');
  return existsSync(bundled) ? bundled : join(extensionPath, 'dist', 'extension', 'server', 'server.js');
}

/** Typings for 'coroscope': packaged dist/types, or the runtime's sources in a checkout. */
export function coroscopeEntry(extensionPath: string): string {
  const typings = join(extensionPath, 'dist', 'types', 'index.d.ts');
  return existsSync(typings) ? typings : join(extensionPath, 'runtime', 'index.ts');
}

export async function startLanguageClient(context: vscode.ExtensionContext, log: vscode.OutputChannel): Promise<LanguageClient | undefined> {
  if (!vscode.workspace.getConfiguration('coroscope').get<boolean>('languageServer.enabled', true)) return undefined;
  const module = serverModule(context.extensionPath);
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=127.0.0.1:6019'] } },
  };
  // tsconfig `paths` decide where imports lead: the server reads them again when one changes.
  const tsconfigs = vscode.workspace.createFileSystemWatcher('**/tsconfig*.json');
  context.subscriptions.push(tsconfigs);
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'typescript' },
      { scheme: 'file', language: 'javascript' },
    ],
    initializationOptions: { coroscopeEntry: coroscopeEntry(context.extensionPath) },
    synchronize: { fileEvents: tsconfigs },
    outputChannel: log,
  };
  const client = new LanguageClient('coroscope', 'Coroscope Language Server', serverOptions, clientOptions);
  await client.start();
  return client;
}
