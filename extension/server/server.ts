// The coroscope language server (its own process, started by the extension's language client):
// diagnostics, `await` hovers and quick fixes for files that import 'coroscope'. All analysis is in
// analysis.ts; this file only translates between LSP and it.
import {
  CodeAction,
  CodeActionKind,
  createConnection,
  Diagnostic,
  DiagnosticSeverity,
  type Hover,
  MarkupKind,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  type TextEdit,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { fileURLToPath } from 'node:url';
import { analyze, type Finding, type Fix } from './analysis';
import { describeAwaitAt } from './await-info';
import { Project } from './project';
import { importsCoroscope } from '../programs';

interface InitOptions {
  coroscopeEntry: string;
}

/** What a diagnostic carries for its quick fixes. */
interface DiagnosticData {
  fixes: Fix[];
}

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
let project: Project | undefined;
const pending = new Map<string, ReturnType<typeof setTimeout>>();
const ANALYSIS_DELAY_MS = 150;

connection.onInitialize((params) => {
  const options = params.initializationOptions as InitOptions | undefined;
  if (!options?.coroscopeEntry) throw new Error('coroscope language server: initializationOptions.coroscopeEntry is required');
  project = new Project({ coroscopeEntry: options.coroscopeEntry });
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      hoverProvider: true,
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
    },
    serverInfo: { name: 'coroscope' },
  };
});

function pathOf(uri: string): string | undefined {
  return uri.startsWith('file:') ? fileURLToPath(uri) : undefined;
}

function schedule(doc: TextDocument): void {
  clearTimeout(pending.get(doc.uri));
  pending.set(doc.uri, setTimeout(() => {
    pending.delete(doc.uri);
    publish(doc);
  }, ANALYSIS_DELAY_MS));
}

function publish(doc: TextDocument): void {
  const path = pathOf(doc.uri);
  if (!project || !path) return;
  if (!importsCoroscope(doc.getText())) {
    void connection.sendDiagnostics({ uri: doc.uri, diagnostics: [] });
    return;
  }
  project.set(path, doc.getText());
  const file = project.sourceFile(path);
  if (!file) return;
  const diagnostics = analyze(project.program(), file, { runtimeDir: project.runtimeDir }).map((f) => toDiagnostic(doc, f));
  void connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics });
}

function toDiagnostic(doc: TextDocument, finding: Finding): Diagnostic {
  const severity = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, information: DiagnosticSeverity.Information }[finding.severity];
  const data: DiagnosticData = { fixes: [...finding.fixes] };
  return {
    range: { start: doc.positionAt(finding.start), end: doc.positionAt(finding.start + finding.length) },
    severity,
    source: 'coroscope',
    code: finding.check,
    message: finding.message,
    data,
  };
}

// The client watches tsconfig.json files (language-client.ts): a changed one can change where
// imports lead, so what was said of every open document is said again.
connection.onDidChangeWatchedFiles(({ changes }) => {
  // (An install rewriting packages' own tsconfig files changes nothing of the program's.)
  if (changes.every((c) => c.uri.includes('/node_modules/'))) return;
  project?.configChanged();
  for (const doc of documents.all()) schedule(doc);
});

documents.onDidOpen((e) => schedule(e.document));
documents.onDidChangeContent((e) => schedule(e.document));
documents.onDidClose((e) => {
  const path = pathOf(e.document.uri);
  if (path) project?.close(path);
  void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
});

connection.onHover((params): Hover | null => {
  const doc = documents.get(params.textDocument.uri);
  const path = pathOf(params.textDocument.uri);
  if (!doc || !path || !project || !importsCoroscope(doc.getText())) return null;
  project.set(path, doc.getText());
  const file = project.sourceFile(path);
  if (!file) return null;
  const info = describeAwaitAt(project.program(), file, doc.offsetAt(params.position), { runtimeDir: project.runtimeDir });
  if (!info) return null;
  const result = info.resultType ? ` → \`${info.resultType}\`` : '';
  return {
    contents: {
      kind: MarkupKind.Markdown,
      value: `**await** \`${info.awaited}\`: \`${info.type}\`${result}\n\n${info.explanation}`,
    },
    range: { start: doc.positionAt(info.start), end: doc.positionAt(info.start + info.length) },
  };
});

connection.onCodeAction((params) => {
  const actions: CodeAction[] = [];
  for (const diagnostic of params.context.diagnostics) {
    if (diagnostic.source !== 'coroscope') continue;
    const data = diagnostic.data as DiagnosticData | undefined;
    const doc = documents.get(params.textDocument.uri);
    if (!data || !doc) continue;
    for (const fix of data.fixes) {
      const edits: TextEdit[] = fix.edits.map((e) => ({
        range: { start: doc.positionAt(e.start), end: doc.positionAt(e.start + e.length) },
        newText: e.newText,
      }));
      actions.push({
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        isPreferred: fix.preferred ?? false,
        edit: { changes: { [params.textDocument.uri]: edits } },
      });
    }
  }
  return actions;
});

documents.listen(connection);
connection.listen();
