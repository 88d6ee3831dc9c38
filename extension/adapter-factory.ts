// Where the debug adapter runs: inside the extension host (the adapter's session class, no extra
// process, the default) or as a separate process (dist/debug-adapter/main.js over stdio).
import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { findNodeOnPath } from './programs';

/** What the adapter module must export for the inline mode (a @vscode/debugadapter DebugSession). */
type SessionClass = new () => vscode.DebugAdapter;

export class CoroscopeAdapterFactory implements vscode.DebugAdapterDescriptorFactory {
  readonly #extensionPath: string;
  readonly #log: vscode.OutputChannel;

  constructor(extensionPath: string, log: vscode.OutputChannel) {
    this.#extensionPath = extensionPath;
    this.#log = log;
  }

  createDebugAdapterDescriptor(session: vscode.DebugSession): vscode.DebugAdapterDescriptor {
    const inline = vscode.workspace.getConfiguration('coroscope').get<boolean>('debug.inlineAdapter', true);
    if (inline) {
      const Session = this.#sessionClass();
      if (Session) {
        this.#log.appendLine(`[adapter] session ${session.id}: inline`);
        return new vscode.DebugAdapterInlineImplementation(new Session());
      }
    }
    const main = join(this.#extensionPath, 'dist', 'debug-adapter', 'main.js');
    if (!existsSync(main)) throw new Error(`Coroscope: the debug adapter is missing (${main}); reinstall the extension.`);
    // The adapter itself is plain Node: run it on `node` when there is one, else on the editor's own runtime.
    const node = findNodeOnPath();
    this.#log.appendLine(`[adapter] session ${session.id}: ${node ?? process.execPath} ${main}`);
    return new vscode.DebugAdapterExecutable(node ?? process.execPath, [main], {
      env: node ? undefined : { ELECTRON_RUN_AS_NODE: '1' },
    });
  }

  /** The adapter's session class, loaded at run time (its module may be absent in a partial build). */
  #sessionClass(): SessionClass | undefined {
    const path = join(this.#extensionPath, 'dist', 'debug-adapter', 'session.js');
    if (!existsSync(path)) return undefined;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const mod = require(path) as Record<string, unknown>;
      // The module's DebugSession subclass (CoroscopeSession): the export with a handleMessage method.
      const preferred = ['CoroscopeSession', 'CoroscopeDebugSession', 'default'];
      const names = [...preferred.filter((n) => n in mod), ...Object.keys(mod).filter((n) => !preferred.includes(n))];
      for (const name of names) {
        const candidate = mod[name];
        if (typeof candidate === 'function' && typeof (candidate as { prototype?: { handleMessage?: unknown } }).prototype?.handleMessage === 'function') {
          return candidate as SessionClass;
        }
      }
      this.#log.appendLine(`[adapter] ${path} exports no DebugSession class; using the adapter process`);
    } catch (err) {
      this.#log.appendLine(`[adapter] cannot load ${path}: ${(err as Error).stack ?? err}; using the adapter process`);
    }
    return undefined;
  }
}
