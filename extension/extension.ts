// Coroscope's VS Code extension: debug configurations and the adapter, the `await` hover and inline
// values, the Tasks view, the language client, and the Run/Debug Program commands.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { CoroscopeAdapterFactory } from './adapter-factory';
import { AwaitExpressionProvider, AwaitInlineValuesProvider } from './await-values';
import { CoroscopeConfigurationProvider, DEBUG_TYPE, debugProgram, runProgram, trackF5Context } from './debug-config';
import { startLanguageClient } from './language-client';
import { SessionTracker } from './session-tracker';
import { TasksView, revealCreation, revealLocation } from './tasks-view';
import { TimelinePanel } from './timeline-panel';

let client: LanguageClient | undefined;

/** What activate() returns: used by the extension-host tests. */
export interface CoroscopeApi {
  readonly tasksView: TasksView;
  readonly languageClient: () => LanguageClient | undefined;
}

export async function activate(context: vscode.ExtensionContext): Promise<CoroscopeApi> {
  const log = vscode.window.createOutputChannel('Coroscope');
  const programs: vscode.DocumentSelector = [
    { scheme: 'file', language: 'typescript' },
    { scheme: 'file', language: 'javascript' },
  ];
  const provider = new CoroscopeConfigurationProvider();
  const tracker = new SessionTracker();
  const tasksView = new TasksView(tracker, context.workspaceState);
  const inlineValues = new AwaitInlineValuesProvider();
  const timeline = new TimelinePanel(tracker);
  context.subscriptions.push(
    log,
    tracker,
    tasksView,
    timeline,
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, provider, vscode.DebugConfigurationProviderTriggerKind.Initial),
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, provider, vscode.DebugConfigurationProviderTriggerKind.Dynamic),
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, new CoroscopeAdapterFactory(context.extensionPath, log)),
    vscode.languages.registerEvaluatableExpressionProvider(programs, new AwaitExpressionProvider(tracker)),
    vscode.languages.registerInlineValuesProvider(programs, inlineValues),
    vscode.commands.registerCommand('coroscope.runProgram', (uri?: vscode.Uri) => runProgram(context.extensionPath, uri)),
    vscode.commands.registerCommand('coroscope.debugProgram', (uri?: vscode.Uri) => debugProgram(uri)),
    vscode.commands.registerCommand('coroscope.tasks.refresh', () => tasksView.refresh()),
    vscode.commands.registerCommand('coroscope.tasks.search', () => tasksView.search()),
    vscode.commands.registerCommand('coroscope.tasks.clearSearch', () => tasksView.clearSearch()),
    vscode.commands.registerCommand('coroscope.tasks.reveal', revealLocation),
    vscode.commands.registerCommand('coroscope.tasks.showTree', () => tasksView.setMode('tree')),
    vscode.commands.registerCommand('coroscope.tasks.showGrouped', () => tasksView.setMode('grouped')),
    vscode.commands.registerCommand('coroscope.tasks.cancel', (node?: Parameters<TasksView['cancel']>[0], message?: string) => tasksView.cancel(node, message)),
    vscode.commands.registerCommand('coroscope.tasks.revealCreation', revealCreation),
    vscode.commands.registerCommand('coroscope.timeline.show', () => timeline.open()),
    trackF5Context(),
  );
  // The language server must not hold up debugging: start it in the background.
  startLanguageClient(context, log).then(
    (c) => (client = c),
    (err: unknown) => log.appendLine(`[language server] failed to start: ${(err as Error).stack ?? err}`),
  );
  log.appendLine('Coroscope activated');
  return { tasksView, languageClient: () => client };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
