// Watches the DAP traffic of coroscope sessions (a DebugAdapterTracker): the Tasks view refreshes on
// stops, and the `await` hover learns each frame's line from the stackTrace responses VS Code got
// (frame ids are the adapter's, valid until the program resumes).
import * as vscode from 'vscode';
import { DEBUG_TYPE } from './debug-config';

/** Requests after whose success the program runs (a `continued` event is optional in DAP). */
const RESUMING = new Set(['continue', 'next', 'stepIn', 'stepOut', 'stepBack', 'reverseContinue', 'goto']);

interface FrameLocation {
  readonly line: number;
  readonly path?: string;
}

interface DapMessage {
  type?: string;
  event?: string;
  command?: string;
  success?: boolean;
  body?: { stackFrames?: Array<{ id: number; line: number; source?: { path?: string } }> };
}

/**
 * Invariant: `#frames` holds the frames of stackTrace responses sent since the session last
 * stopped, keyed by session id then frame id; a resume or the session's end drops that session's.
 */
export class SessionTracker implements vscode.Disposable {
  readonly #frames = new Map<string, Map<number, FrameLocation>>();
  readonly #stopped = new vscode.EventEmitter<vscode.DebugSession>();
  readonly #continued = new vscode.EventEmitter<vscode.DebugSession>();
  readonly onDidStop = this.#stopped.event;
  readonly onDidContinue = this.#continued.event;
  readonly #registration: vscode.Disposable;
  /** Ids of the sessions that are stopped (their last stop was not followed by a resume). */
  readonly #stoppedSessions = new Set<string>();

  constructor() {
    this.#registration = vscode.debug.registerDebugAdapterTrackerFactory(DEBUG_TYPE, {
      createDebugAdapterTracker: (session) => ({
        onDidSendMessage: (msg: DapMessage) => this.#observe(session, msg),
        onExit: () => {
          this.#frames.delete(session.id);
          this.#stoppedSessions.delete(session.id);
        },
      }),
    });
  }

  isStopped(session: vscode.DebugSession): boolean {
    return this.#stoppedSessions.has(session.id);
  }

  /** Where a frame VS Code knows (from its last stackTrace responses) is. */
  frame(session: vscode.DebugSession, frameId: number): FrameLocation | undefined {
    return this.#frames.get(session.id)?.get(frameId);
  }

  #observe(session: vscode.DebugSession, msg: DapMessage): void {
    if (msg.type === 'response' && msg.command === 'stackTrace' && msg.success && msg.body?.stackFrames) {
      let frames = this.#frames.get(session.id);
      if (!frames) this.#frames.set(session.id, (frames = new Map()));
      for (const f of msg.body.stackFrames) frames.set(f.id, { line: f.line, path: f.source?.path });
    } else if (msg.type === 'event' && msg.event === 'stopped') {
      this.#stoppedSessions.add(session.id);
      this.#stopped.fire(session);
    } else if ((msg.type === 'event' && (msg.event === 'continued' || msg.event === 'terminated')) || (msg.type === 'response' && msg.success && RESUMING.has(msg.command ?? ''))) {
      this.#frames.delete(session.id);
      this.#stoppedSessions.delete(session.id);
      this.#continued.fire(session);
    }
  }

  dispose(): void {
    this.#registration.dispose();
    this.#stopped.dispose();
    this.#continued.dispose();
  }
}
