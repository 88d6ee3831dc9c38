// The Debug Adapter Protocol server for coroscope programs. It launches (or attaches to) a program
// under the V8 inspector; ExecutionControl decides what each pause means and StopView shows a stop
// (each Task a thread). Every request gets exactly one response: handlers return a body or throw,
// and the dispatcher turns a throw into an error response with a clear message. Runs as a stdio
// executable (main.ts) or inline: `new vscode.DebugAdapterInlineImplementation(new CoroscopeSession())`.
import { DebugSession, Response, InitializedEvent, OutputEvent, ExitedEvent, TerminatedEvent, BreakpointEvent } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { CdpConnection } from './cdp-connection';
import { BreakpointManager } from './breakpoints';
import { findInspectorUrl, INSPECTOR_NOISE, spawnInspected } from './launcher';
import { interruptThenKill, pidGone, releaseDebuggee, STOP_GRACE_MS, whatRunsExpression, within } from './graceful-stop';
import { checkProgram, programProblem } from './program-check';
import { ProbeClient } from './probe-client';
import { ScriptRegistry, type ScriptParsed } from './scripts';
import { ExecutionControl, LOOP_BLOCKED, OBJECT_GROUP } from './execution-control';
import { TIMELINE_REQUEST, timelineCount } from './timeline';
import { StaleReferenceError, UserError } from './errors';
import { errorMessage } from './show-user';
import { EVENT_LOOP_THREAD, type StopView } from './stop-view';
import { CANCEL_REQUEST, cancelArguments, type CancelArguments } from './task-actions';
import { TASKS_REQUEST, taskList, taskListLimit, type TaskListArguments, type TaskListBody } from './task-list';
import type { IdCounters } from './variables';

export interface LaunchArguments extends DebugProtocol.LaunchRequestArguments {
  /** The program to run (a .ts or .js file). */
  program: string;
  args?: string[];
  cwd?: string;
  env?: Record<string, string | null>;
  /** The node to run (default: `node` on PATH). */
  runtimeExecutable?: string;
  /** Extra arguments for node, before the coroscope CLI. */
  runtimeArgs?: string[];
  stopOnEntry?: boolean;
  showRuntimeFrames?: boolean;
  maxThreads?: number;
  /** The selector the program's loop waits in (`coroscope run --selector`). */
  selector?: 'select' | 'poll' | 'epoll' | 'uring';
  /** A callback or task step longer than this (ms) is reported, and stops under the 'Loop blocked' filter (default 100). */
  slowCallbackMs?: number;
}

export interface AttachArguments extends DebugProtocol.AttachRequestArguments {
  port: number;
  host?: string;
  showRuntimeFrames?: boolean;
  maxThreads?: number;
}

/** Where the runtime's frames point through its source maps (they are not the program's). */
const RUNTIME_DIR = join(__dirname, '..', '..', 'runtime');

type Handler = (args: any, request: DebugProtocol.Request) => Promise<object | undefined>;

const EXCEPTION_FILTERS: DebugProtocol.ExceptionBreakpointsFilter[] = [
  { filter: 'all', label: 'All Exceptions', description: 'Stops at every throw in your code, once per exception', default: false },
  {
    filter: 'uncaught',
    label: 'Uncaught Exceptions (ending a task or the program)',
    description: 'Stops at the throw when no frame of the task catches it, before the task unwinds: its frames and locals are still there',
    default: false,
  },
  { filter: 'neverRetrieved', label: 'Task exception was never retrieved', description: 'Stops when the loop reports a task exception nobody retrieved', default: false },
  {
    filter: LOOP_BLOCKED,
    label: 'Loop blocked',
    description: 'Stops inside a callback or a task step that has run longer than slowCallbackMs (default 100 ms) without returning to the event loop, while it still runs',
    default: false,
  },
];

/**
 * One debugging session of one debuggee.
 * Invariant: #cdp and #control are null before launch/attach; #cdp becomes null again when the
 * debuggee is gone, and then the client is told once (exited with the code if known, terminated).
 */
export class CoroscopeSession extends DebugSession {
  #cdp: CdpConnection | null = null;
  #child: ChildProcess | null = null;
  /** Resolves when the launched debuggee has exited and the client has been told. */
  #childGone: Promise<void> = Promise.resolve();
  /** The Stop under way, if any. */
  #stopping: Promise<void> | null = null;
  #probe: ProbeClient | null = null;
  #scripts = new ScriptRegistry();
  #breakpoints = new BreakpointManager(() => this.#cdp, this.#scripts, (bp) => this.sendEvent(new BreakpointEvent('changed', bp)));
  #control: ExecutionControl | null = null;
  #counters: IdCounters = { reference: 1000, frame: 1 };
  #configured!: Promise<void>;
  #configurationDone!: () => void;
  #filters: string[] = [];
  #stopOnEntry = false;
  #options = { showRuntimeFrames: false, maxThreads: 200 };
  #terminated = false;
  #launched = false;
  #exitCode: number | null = null;
  #handlers: Record<string, Handler>;

  constructor() {
    super();
    // The base class shuts the process down on any 'error' event, which it also emits for a message
    // that is not JSON; such a message has no seq to answer, so it is reported and the session goes on.
    this.removeAllListeners('error');
    this.on('error', (event: { body?: unknown }) => this.#log(`ignored a malformed message (${String(event?.body ?? 'unreadable')})`));
    this.#configured = new Promise((resolve) => (this.#configurationDone = resolve));
    this.#handlers = {
      initialize: (a) => this.#initialize(a),
      launch: (a) => this.#launch(a),
      attach: (a) => this.#attach(a),
      configurationDone: async () => (this.#configurationDone(), undefined),
      setBreakpoints: (a) => this.#setBreakpoints(a),
      setExceptionBreakpoints: (a) => this.#setExceptionBreakpoints(a),
      threads: () => this.#threads(),
      stackTrace: (a) => this.#stackTrace(a),
      scopes: async (a) => ({ scopes: await this.#stopped('scopes').scopes(requireNumber(a, 'frameId')) }),
      variables: async (a) => ({ variables: await this.#stopped('variables').variables.variables({ ...a, variablesReference: requireNumber(a, 'variablesReference') }) }),
      evaluate: (a) => this.#evaluate(a),
      setVariable: async (a) =>
        this.#stopped('setVariable').setVariable({ variablesReference: requireNumber(a, 'variablesReference'), name: requireString(a, 'name'), value: requireString(a, 'value') }),
      exceptionInfo: (a) => this.#stopped('exceptionInfo').exceptionInfo(requireNumber(a, 'threadId')),
      [TASKS_REQUEST]: (a) => this.#tasks(a),
      [CANCEL_REQUEST]: (a) => this.#cancelTask(a),
      [TIMELINE_REQUEST]: (a) => this.#stopped(TIMELINE_REQUEST).timeline(timelineCount(a)),
      locations: (a) => this.#stopped('locations').location(requireNumber(a, 'locationReference')),
      continue: async () => (await this.#running('continue').resume(), { allThreadsContinued: true }),
      next: (a) => this.#running('next').step('next', requireNumber(a, 'threadId')),
      stepIn: (a) => this.#running('stepIn').step('in', requireNumber(a, 'threadId')),
      stepOut: (a) => this.#running('stepOut').step('out', requireNumber(a, 'threadId')),
      pause: () => this.#running('pause').pause(),
      disconnect: (a) => this.#disconnect(a),
      terminate: () => this.#terminate(),
      source: async () => {
        throw new UserError('sources are read from disk: every source this adapter reports has a path');
      },
    };
  }

  // ---- dispatch -------------------------------------------------------------------------------

  protected override dispatchRequest(request: DebugProtocol.Request): void {
    const response = new Response(request ?? ({} as DebugProtocol.Request));
    if (!request || typeof request.command !== 'string') {
      this.sendErrorResponse(response, { id: 1001, format: 'malformed request: it has no command', showUser: false }, undefined, {});
      return;
    }
    const handler = Object.prototype.hasOwnProperty.call(this.#handlers, request.command) ? this.#handlers[request.command] : undefined;
    if (!handler) {
      this.sendErrorResponse(response, { id: 1014, format: `unrecognized request '${request.command}'`, showUser: false }, undefined, {});
      return;
    }
    const args = request.arguments ?? {};
    if (typeof args !== 'object') {
      this.sendErrorResponse(response, { id: 1002, format: `malformed '${request.command}' request: arguments must be an object`, showUser: false }, undefined, {});
      return;
    }
    // A handler that throws before its first await still gets its error response.
    new Promise<object | undefined>((resolve) => resolve(handler(args, request))).then(
      (body) => {
        if (body) (response as DebugProtocol.Response).body = body;
        this.sendResponse(response);
      },
      (err: Error) => {
        const code = err instanceof StaleReferenceError ? 2001 : err instanceof UserError ? 2002 : 2000;
        this.sendErrorResponse(response, errorMessage(request, code, err.message || String(err), err), undefined, {});
      },
    );
  }

  override sendErrorResponse(response: DebugProtocol.Response, codeOrMessage: number | DebugProtocol.Message, format?: string, variables?: unknown, dest?: number): void {
    // The base class substitutes {name} placeholders; pass variables so a brace in a message stays as
    // it is. For a bare code it would set showUser: quiet instead (show-user.ts decides who is shown).
    const message = typeof codeOrMessage === 'number' ? { id: codeOrMessage, format: format ?? '', showUser: false } : codeOrMessage;
    super.sendErrorResponse(response, message, format, variables ?? {}, dest);
  }

  // ---- lifecycle ------------------------------------------------------------------------------

  async #initialize(_args: DebugProtocol.InitializeRequestArguments): Promise<DebugProtocol.Capabilities> {
    return {
      supportsConfigurationDoneRequest: true,
      supportsConditionalBreakpoints: true,
      supportsHitConditionalBreakpoints: true,
      supportsLogPoints: true,
      supportsEvaluateForHovers: true,
      supportsTerminateRequest: true,
      supportsDelayedStackTraceLoading: true,
      supportsExceptionInfoRequest: true,
      supportsSetVariable: true,
      exceptionBreakpointFilters: EXCEPTION_FILTERS,
    };
  }

  async #launch(args: LaunchArguments): Promise<undefined> {
    if (this.#launched) throw new UserError('launch: this session already has a debuggee');
    if (typeof args.program !== 'string' || args.program.trim() === '') throw new UserError('launch: "program" is missing (the .ts file to run)');
    const cwd = typeof args.cwd === 'string' ? resolve(args.cwd) : process.cwd();
    const program = resolve(cwd, args.program);
    const problem = programProblem(args.program, program);
    if (problem) throw new UserError(`launch: ${problem}`);
    if (args.args !== undefined && (!Array.isArray(args.args) || args.args.some((a) => typeof a !== 'string'))) throw new UserError('launch: "args" must be an array of strings');
    if (args.selector !== undefined && !['select', 'poll', 'epoll', 'uring'].includes(args.selector)) {
      throw new UserError(`launch: "selector" must be select, poll, epoll or uring (got ${JSON.stringify(args.selector)})`);
    }
    if (args.slowCallbackMs !== undefined && !(typeof args.slowCallbackMs === 'number' && args.slowCallbackMs > 0)) {
      throw new UserError(`launch: "slowCallbackMs" must be a number of milliseconds > 0 (got ${JSON.stringify(args.slowCallbackMs)})`);
    }
    const syntax = checkProgram(program);
    if (syntax) throw new UserError(`launch: ${program} does not compile:\n${syntax}`);
    this.#applyOptions(args);
    this.#stopOnEntry = Boolean(args.stopOnEntry);
    this.#launched = true;
    const env: NodeJS.ProcessEnv = { ...process.env, COROSCOPE_DEBUGGER: '1' };
    if (args.slowCallbackMs !== undefined) env.COROSCOPE_SLOW_CALLBACK_MS = String(args.slowCallbackMs);
    for (const [k, v] of Object.entries(args.env ?? {})) {
      if (v === null) delete env[k];
      else env[k] = String(v);
    }
    // No runtime configured: `node` on PATH, else the adapter's own runtime (inside VS Code, the
    // editor's binary run as node).
    let runtimeExecutable = args.runtimeExecutable || 'node';
    if (!args.runtimeExecutable && !onPath('node')) {
      runtimeExecutable = process.execPath;
      if (process.versions.electron) env.ELECTRON_RUN_AS_NODE = '1';
    }
    const cli = join(__dirname, '..', '..', 'bin', 'coroscope.js');
    const runOptions = args.selector ? ['--selector', args.selector] : [];
    const argv = [...(args.runtimeArgs ?? []), '--inspect-brk=127.0.0.1:0', cli, 'run', ...runOptions, program, ...(args.args ?? [])];
    let stderrLine = '';
    let launched;
    try {
      launched = await spawnInspected(runtimeExecutable, argv, { cwd, env }, (text) => {
        stderrLine += text;
        const lines = stderrLine.split('\n');
        stderrLine = lines.pop()!;
        const out = lines.filter((l) => !INSPECTOR_NOISE.test(l));
        if (lines.some((l) => /^Waiting for the debugger to disconnect/.test(l))) this.#cdp?.close();
        if (out.length > 0) this.sendEvent(new OutputEvent(out.join('\n') + '\n', 'stderr'));
      });
    } catch (err) {
      this.#launched = false;
      throw new UserError(`launch: ${(err as Error).message}`);
    }
    const child = launched.child;
    this.#child = child;
    // If the adapter itself goes away, the debuggee must not outlive it (paused, holding a port).
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);
    child.once('exit', () => process.removeListener('exit', killOnExit));
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (text: string) => this.sendEvent(new OutputEvent(text, 'stdout')));
    // The last output can arrive after 'exit' (its pipes end at 'close'): the client gets it before
    // 'exited', unless a process the program started keeps the pipes open.
    const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
    this.#childGone = new Promise<void>((resolve) =>
      child.once('exit', (code, signal) =>
        void within(closed, 500).then(() => {
          if (stderrLine && !INSPECTOR_NOISE.test(stderrLine)) this.sendEvent(new OutputEvent(stderrLine + '\n', 'stderr'));
          this.#exitCode = code ?? (signal ? 128 + (signalNumber(signal) ?? 0) : 0);
          // The Debug Console's last line: how the program ended (after its traceback, if any).
          this.sendEvent(new OutputEvent(`Program exited with code ${this.#exitCode}${signal ? ` (${signal})` : ''}\n`, 'console'));
          this.#child = null;
          this.#ended();
          resolve();
        }),
      ),
    );
    await this.#connect(launched.wsUrl);
    this.sendEvent(new InitializedEvent());
    await this.#configured;
    await this.#cdp!.send('Runtime.runIfWaitingForDebugger');
    return undefined;
  }

  async #attach(args: AttachArguments): Promise<undefined> {
    if (this.#launched) throw new UserError('attach: this session already has a debuggee');
    const port = Number(args.port);
    if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new UserError('attach: "port" must be the inspector port of a program started with `coroscope run --inspect=PORT prog.ts`');
    const host = args.host ?? '127.0.0.1';
    if (host !== '127.0.0.1' && host !== 'localhost' && host !== '::1') throw new UserError(`attach: only loopback hosts are supported (got '${host}')`);
    this.#applyOptions(args);
    this.#launched = true;
    try {
      await this.#connect(await findInspectorUrl(host, port));
    } catch (err) {
      this.#launched = false;
      throw new UserError(`attach: ${(err as Error).message}`);
    }
    this.#cdp!.on('Runtime.consoleAPICalled', (p: { type: string; args: { value?: unknown; description?: string }[] }) => {
      const text = p.args.map((a) => (typeof a.value === 'string' ? a.value : a.description ?? String(a.value))).join(' ');
      this.sendEvent(new OutputEvent(text + '\n', p.type === 'error' || p.type === 'warning' ? 'stderr' : 'stdout'));
    });
    await this.#probe!.call('attach').catch(() => undefined);
    await this.#control!.installHooks();
    this.sendEvent(new InitializedEvent());
    await this.#configured;
    await this.#cdp!.send('Runtime.runIfWaitingForDebugger').catch(() => undefined);
    return undefined;
  }

  #applyOptions(args: { showRuntimeFrames?: boolean; maxThreads?: number }): void {
    this.#options = {
      showRuntimeFrames: Boolean(args.showRuntimeFrames),
      maxThreads: Number.isInteger(args.maxThreads) && args.maxThreads! > 0 ? args.maxThreads! : 200,
    };
  }

  async #connect(wsUrl: string): Promise<void> {
    const cdp = await CdpConnection.connect(wsUrl);
    this.#cdp = cdp;
    this.#probe = new ProbeClient(cdp, OBJECT_GROUP);
    const control = new ExecutionControl(cdp, this.#probe, this.#scripts, this.#breakpoints, { ...this.#options, stopOnEntry: this.#stopOnEntry }, this.#counters, {
      sendEvent: (e) => this.sendEvent(e),
      log: (m) => this.#log(m),
    });
    this.#control = control;
    cdp.on('Debugger.scriptParsed', (p: ScriptParsed) => void this.#breakpoints.scriptLoaded(this.#scripts.add(p)).catch(() => undefined));
    cdp.onClose(() => {
      this.#cdp = null;
      control.dropView();
      if (!this.#child) this.#ended();
    });
    await cdp.send('Runtime.enable');
    await cdp.send('Debugger.enable', { maxScriptsCacheSize: 100_000_000 });
    await control.start();
    if (this.#filters.length > 0) await control.setExceptionFilters(this.#filters);
  }

  /** The debuggee exited or the connection closed: report the exit code once, then end the session. */
  #ended(): void {
    if (this.#terminated) return;
    this.#terminated = true;
    this.#control?.dropView();
    this.#cdp?.close();
    if (this.#exitCode !== null) this.sendEvent(new ExitedEvent(this.#exitCode));
    this.sendEvent(new TerminatedEvent());
  }

  async #disconnect(args: DebugProtocol.DisconnectArguments): Promise<undefined> {
    const kill = this.#child !== null || args.terminateDebuggee === true;
    if (kill) await this.#kill();
    else if (this.#cdp) {
      // Detach: hooks off, breakpoints gone, the program running on as before.
      await this.#probe?.call('detach').catch(() => undefined);
      await this.#cdp.send('Debugger.setBreakpointsActive', { active: false }).catch(() => undefined);
      await this.#cdp.send('Debugger.resume').catch(() => undefined);
      await this.#cdp.send('Debugger.disable').catch(() => undefined);
      this.#cdp.close();
    }
    return undefined;
  }

  async #terminate(): Promise<undefined> {
    await this.#kill();
    return undefined;
  }

  /**
   * Ends the debuggee for sure, as Ctrl-C would first (see graceful-stop.ts): let go of it, SIGINT,
   * and SIGKILL after a grace period. A launched one by its ChildProcess; an attached one (on this
   * machine: loopback only) by pid, or by process.exit() where it cannot be signalled. A second
   * Stop while one is under way waits for it (it must not send a second SIGINT, which kills).
   */
  #kill(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    const child = this.#child;
    if (child) {
      await releaseDebuggee(this.#cdp, this.#probe);
      await interruptThenKill((sig) => child.kill(sig), this.#childGone, () => this.#sayWhyKilled());
    } else if (this.#cdp) {
      const cdp = this.#cdp;
      const pid = await this.#debuggeePid(cdp);
      await releaseDebuggee(cdp, this.#probe);
      const ended = pid === null ? 'unreachable' : await interruptThenKill((sig) => signalPid(pid, sig), pidGone(pid), () => this.#sayWhyKilled());
      if (ended === 'unreachable') await within(cdp.send('Runtime.evaluate', { expression: 'process.exit(0)' }), 1000);
      this.#cdp?.close();
    }
    this.#ended();
  }

  /** Before the kill: tells the user what kept the program from ending (the task that spins, where). */
  async #sayWhyKilled(): Promise<void> {
    const cdp = this.#cdp;
    type Running = { task: string | null; at: string | null };
    const what = await (cdp?.closed === false
      ? cdp.send<{ result: { value?: Running } }>('Runtime.evaluate', { expression: whatRunsExpression(RUNTIME_DIR), returnByValue: true, silent: true }).then((r) => r.result.value ?? null, () => null)
      : Promise.resolve(null));
    const where = what?.at ? ` at ${what.at}` : '';
    const doing = what?.task ? ` (task ${what.task} was running${where})` : where ? ` (running${where})` : '';
    this.#log(`the program did not end within ${STOP_GRACE_MS / 1000} s of SIGINT${doing}: killed it`);
  }

  /** The pid of the attached debuggee (it answers even while paused), or null. */
  async #debuggeePid(cdp: CdpConnection): Promise<number | null> {
    const asked = cdp.send<{ result: { value?: unknown } }>('Runtime.evaluate', { expression: 'process.pid', returnByValue: true });
    const answered = await within(asked, 1000);
    if (!answered) return null;
    return asked.then((r) => (typeof r.result.value === 'number' ? r.result.value : null), () => null);
  }

  // ---- breakpoints ----------------------------------------------------------------------------

  async #setBreakpoints(args: DebugProtocol.SetBreakpointsArguments): Promise<DebugProtocol.SetBreakpointsResponse['body']> {
    const path = args?.source?.path;
    if (typeof path !== 'string' || path === '') throw new UserError('setBreakpoints: "source.path" is missing');
    if (args.breakpoints !== undefined && !Array.isArray(args.breakpoints)) throw new UserError('setBreakpoints: "breakpoints" must be an array');
    return { breakpoints: await this.#breakpoints.set(path, args.breakpoints ?? []) };
  }

  async #setExceptionBreakpoints(args: DebugProtocol.SetExceptionBreakpointsArguments): Promise<undefined> {
    if (!Array.isArray(args.filters)) throw new UserError('setExceptionBreakpoints: "filters" must be an array');
    const unknown = args.filters.filter((f) => !EXCEPTION_FILTERS.some((e) => e.filter === f));
    if (unknown.length > 0) throw new UserError(`setExceptionBreakpoints: unknown filter ${unknown.map((f) => `'${f}'`).join(', ')}`);
    this.#filters = [...args.filters];
    await this.#control?.setExceptionFilters(this.#filters);
    return undefined;
  }

  // ---- inspection -----------------------------------------------------------------------------

  async #threads(): Promise<DebugProtocol.ThreadsResponse['body']> {
    const view = this.#control?.view;
    if (!view) return { threads: [{ id: EVENT_LOOP_THREAD, name: 'event loop' }] };
    return { threads: await view.threads() };
  }

  /** The stop a request reads; an error response when the program runs or has ended. */
  #stopped(command: string): StopView {
    const view = this.#control?.view;
    if (!view) throw new UserError(`${command}: the program is not stopped${this.#terminated ? ' (it has ended)' : ''}`);
    return view;
  }

  /** The run control of the debuggee; an error response when there is none. */
  #running(command: string): ExecutionControl {
    if (!this.#control || !this.#cdp) throw new UserError(`${command}: there is no debuggee${this.#terminated ? ' (it has ended)' : ''}`);
    return this.#control;
  }

  async #stackTrace(args: DebugProtocol.StackTraceArguments): Promise<DebugProtocol.StackTraceResponse['body']> {
    const view = this.#stopped('stackTrace');
    return view.stackTrace(requireNumber(args, 'threadId'), args.startFrame ?? 0, args.levels ?? 0);
  }

  async #evaluate(args: DebugProtocol.EvaluateArguments): Promise<DebugProtocol.EvaluateResponse['body']> {
    if (typeof args.expression !== 'string') throw new UserError('evaluate: "expression" must be a string');
    const view = this.#control?.view;
    if (!view) {
      if (!this.#cdp) throw new UserError('evaluate: there is no debuggee');
      throw new UserError('evaluate: the program is running; pause it first');
    }
    return view.evaluate(args.expression, args.frameId);
  }

  /** The Tasks view's list (a custom request: this dispatcher answers every command, custom or not). */
  async #tasks(args: TaskListArguments): Promise<TaskListBody> {
    const limit = taskListLimit(args);
    return taskList(this.#stopped(TASKS_REQUEST), limit);
  }

  /** The Tasks view's Cancel Task: `{ task, message? }` -> `{ id, text }` (the text says when it takes effect). */
  async #cancelTask(args: CancelArguments): Promise<{ id: number; text: string }> {
    const { task, message } = cancelArguments(args);
    return this.#stopped(CANCEL_REQUEST).cancel(task, message);
  }

  #log(message: string): void {
    this.sendEvent(new OutputEvent(`[coroscope debugger] ${message}\n`, 'console'));
  }
}

function requireString(args: object, name: string): string {
  const v = (args as Record<string, unknown> | undefined)?.[name];
  if (typeof v !== 'string') throw new UserError(`"${name}" must be a string (got ${JSON.stringify(v) ?? 'nothing'})`);
  return v;
}

function requireNumber(args: object, name: string): number {
  const v = (args as Record<string, unknown> | undefined)?.[name];
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new UserError(`"${name}" must be an integer (got ${JSON.stringify(v) ?? 'nothing'})`);
  return v;
}

/** Whether an executable of this name is on PATH. */
function onPath(name: string): boolean {
  const exts = process.platform === 'win32' ? ['.exe', '.cmd', ''] : [''];
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir && exts.some((ext) => existsSync(join(dir, name + ext))));
}

/** Sends a signal to a process that is not our child; false when it cannot be (gone, not ours). */
function signalPid(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}

function signalNumber(signal: NodeJS.Signals): number | undefined {
  return ({ SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15, SIGSEGV: 11, SIGABRT: 6 } as Record<string, number>)[signal];
}

