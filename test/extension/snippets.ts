// Runs the language server's checks on snippets: each a new file of one project, with 'coroscope'
// resolved to this checkout's runtime (the same types a user's editor gets).
import { join } from 'node:path';
import { analyze, type Finding } from '../../extension/server/analysis';
import { Project, sourceCheckoutEntry } from '../../extension/server/project';

const root = join(__dirname, '..', '..');
const project = new Project({ coroscopeEntry: sourceCheckoutEntry(root) });
let counter = 0;

/** Analyses `text` as a new file of the project; returns the findings and the text. */
export function check(text: string): { findings: Finding[]; text: string } {
  const path = join(root, 'test', 'extension', `__snippet${++counter}.ts`);
  project.set(path, text);
  const findings = analyze(project.program(), project.sourceFile(path)!, { runtimeDir: project.runtimeDir });
  project.close(path);
  return { findings, text };
}

/** The text a finding underlines. */
export function at(text: string, finding: Finding): string {
  return text.slice(finding.start, finding.start + finding.length);
}

/** `text` after a quick fix's edits (as the editor applies them: all against the original text). */
export function applyFix(text: string, edits: readonly { start: number; length: number; newText: string }[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.newText + out.slice(e.start + e.length);
  return out;
}
