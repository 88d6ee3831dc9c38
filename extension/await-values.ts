// The `await` keyword during a debug session: hovering it shows the future that frame awaits, and
// inline values put one short phrase after the `await` a suspended frame is stopped at
// ("⏸ sleep 30 s · due in 29.7 s"). On the focused frame's own line the expression is the plain
// `await` (that frame's awaited future); on another line it is `$await@<line>`, which the adapter
// resolves to the frame of the same task suspended there, else to the other tasks suspended there,
// by name (see extension/ADAPTER-CONVENTIONS.md).
import * as vscode from 'vscode';
import { awaitTokenAt, awaitTokens } from './await-tokens';
import { DEBUG_TYPE } from './debug-config';
import { awaitExpression, FRAME_AWAIT, inlinePhrase } from './protocol';
import type { SessionTracker } from './session-tracker';

/** The line (1-based) and file of the focused frame, as VS Code last received them. */
function focusedFrame(tracker: SessionTracker): { line: number; path?: string } | undefined {
  const item = vscode.debug.activeStackItem;
  if (!(item instanceof vscode.DebugStackFrame) || item.session.type !== DEBUG_TYPE) return undefined;
  return tracker.frame(item.session, item.frameId);
}

export class AwaitExpressionProvider implements vscode.EvaluatableExpressionProvider {
  readonly #tracker: SessionTracker;

  constructor(tracker: SessionTracker) {
    this.#tracker = tracker;
  }

  provideEvaluatableExpression(document: vscode.TextDocument, position: vscode.Position): vscode.EvaluatableExpression | undefined {
    if (vscode.debug.activeDebugSession?.type !== DEBUG_TYPE) return undefined;
    const span = awaitTokenAt(document.lineAt(position.line).text, position.character);
    if (!span) return undefined; // anything else: VS Code's default (the word or member chain)
    const range = new vscode.Range(position.line, span.start, position.line, span.end);
    const frame = focusedFrame(this.#tracker);
    const own = frame !== undefined && frame.line === position.line + 1 && (!frame.path || samePath(frame.path, document.uri.fsPath));
    return new vscode.EvaluatableExpression(range, own ? FRAME_AWAIT : awaitExpression(position.line + 1));
  }
}

interface EvaluateResponse {
  result: string;
}

export class AwaitInlineValuesProvider implements vscode.InlineValuesProvider {
  async provideInlineValues(document: vscode.TextDocument, viewport: vscode.Range, context: vscode.InlineValueContext): Promise<vscode.InlineValue[]> {
    const session = vscode.debug.activeDebugSession;
    if (session?.type !== DEBUG_TYPE) return [];
    // The focused frame's line: for a suspended frame, the await it is suspended at.
    const line = context.stoppedLocation.start.line;
    if (line < viewport.start.line || line > viewport.end.line) return [];
    const text = document.lineAt(line).text;
    if (awaitTokens(text).length === 0) return [];
    try {
      const reply = (await session.customRequest('evaluate', { expression: FRAME_AWAIT, frameId: context.frameId, context: 'watch' })) as EvaluateResponse;
      return [new vscode.InlineValueText(new vscode.Range(line, text.length, line, text.length), `⏸ ${inlinePhrase(reply.result)}`)];
    } catch {
      // A running frame that has not reached its await yet: nothing to show.
      return [];
    }
  }
}

function samePath(a: string, b: string): boolean {
  return process.platform === 'win32' || process.platform === 'darwin' ? a.toLowerCase() === b.toLowerCase() : a === b;
}
