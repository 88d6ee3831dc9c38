// Which failed requests pop a notification in the editor (an error response's body.error.showUser).
// VS Code shows every error with showUser as a notification, on top of whatever it does with the
// failure itself; most requests are the editor's own (drawing the threads, stack, variables, a hover,
// inline values, the extension's views) or show their failure in place (the Debug Console prints a
// failed `evaluate` typed there), so a notification for them is one the person never asked for.
import type { DebugProtocol } from '@vscode/debugprotocol';
import { StaleReferenceError } from './errors';

/**
 * Requests a person makes directly, whose failure the editor shows nowhere else: starting and
 * ending the session, breakpoints, and run control. Every other request answers quietly, custom
 * ones (coroscope/tasks) included.
 */
const PERSON_ASKED = new Set([
  'launch',
  'attach',
  'restart',
  'disconnect',
  'terminate',
  'setBreakpoints',
  'setFunctionBreakpoints',
  'setExceptionBreakpoints',
  'continue',
  'next',
  'stepIn',
  'stepOut',
  'stepBack',
  'reverseContinue',
  'pause',
  'goto',
  'restartFrame',
]);

/**
 * Whether the error answering `command` is shown to the person as a notification. Never for a
 * reference from an earlier stop (a hover or a view racing a step), never for `evaluate` in any
 * context (hover, watch, variables, clipboard: shown in place or not at all; repl: printed in the
 * Debug Console).
 */
export function showUser(command: string | undefined, err: unknown): boolean {
  if (err instanceof StaleReferenceError) return false;
  return command !== undefined && PERSON_ASKED.has(command);
}

/** The error body of an error response to `request`. */
export function errorMessage(request: DebugProtocol.Request | undefined, id: number, format: string, err?: unknown): DebugProtocol.Message {
  return { id, format, showUser: showUser(request?.command, err) };
}
