// What each V8 pause means, and how the debuggee is stopped, resumed and stepped. Most pauses are
// the adapter's own (a file's first line, to bind its breakpoints; a step passing through another
// task; a breakpoint whose hit count is not reached) and the debuggee goes on at once; the others
// become a stop the user sees, modelled by a StopView. Steps follow the task: the probe arms the
// task's coroutines, and a breakpoint on its taskResumed() hook brings the step back to that task;
// a Step (step.ts) decides which pauses on the way end it.
import type { DebugProtocol } from '@vscode/debugprotocol';
import { StoppedEvent } from '@vscode/debugadapter';
import type { BreakpointManager } from './breakpoints';
import type { CdpConnection } from './cdp-connection';
import type { ProbeClient, RemoteObject } from './probe-client';
import type { ScriptLocation, ScriptRegistry } from './scripts';
import { CatchPredictor } from './catch-prediction';
import { Step, isUserCode, type V8Step } from './step';
import { UserError } from './errors';
import { StopView, generatorInternals, taskOfThread, type CdpCallFrame, type ExceptionStop, type ViewOptions } from './stop-view';
import type { IdCounters } from './variables';

/** The exception filter that stops the program while a callback or a task's step blocks the loop. */
export const LOOP_BLOCKED = 'loopBlocked';

/** The probe's blockedNow(): this pause is the loop-block watchdog's. */
interface BlockedNow {
  task: number | null;
  taskName: string | null;
  callback: string;
  runningFor: number;
  thresholdMs: number;
}

/** The inspector's handles of one stop live in this group, released when the debuggee resumes. */
export const OBJECT_GROUP = 'coroscope';

/** The runtime's own code, skipped while stepping (breakpoints there, like the probe's hooks, still hit). */
const RUNTIME_BLACKBOX = ['[/\\\\]dist[/\\\\]runtime[/\\\\]', '[/\\\\]bin[/\\\\]coroscope\\.js$', '^node:'];

/** Files of the user's program: not the runtime, not node_modules, not Node's own modules. */
const USER_SCRIPT_URL = '^file://(?!.*(?:/node_modules/|/dist/runtime/|/bin/coroscope\\.js$)).*$';

interface PausedEvent {
  /** Each frame's function's own start; at a return position, the top frame's value returned. */
  callFrames: (CdpCallFrame & { returnValue?: RemoteObject; functionLocation?: ScriptLocation })[];
  reason: string;
  /** For an exception: the thrown value (a RemoteObject) and V8's own catch prediction. */
  data?: { type?: string; value?: unknown; unserializableValue?: string; description?: string; className?: string; objectId?: string; scriptId?: string; uncaught?: boolean };
  hitBreakpoints?: string[];
}

/** What the control needs from the session: a way to send events and to log. */
export interface ControlHost {
  sendEvent(event: DebugProtocol.Event): void;
  log(message: string): void;
}

/**
 * Run control of one connected debuggee.
 * Invariant: #view is non-null exactly while the debuggee is stopped and the client was told so;
 * #step is non-null only while a step is under way (the debuggee running or internally paused).
 */
export class ExecutionControl {
  #view: StopView | null = null;
  #filters = new Set<string>();
  #hooks: { resumed?: string; failed?: string; reported?: string; deadlock?: string } | null = null;
  #entryBreakpoint: string | null = null;
  #step: Step | null = null;
  #pauseRequested = false;
  #blackboxed = false;
  #enteredProgram = false;
  readonly #predictor: CatchPredictor;

  constructor(
    readonly cdp: CdpConnection,
    readonly probe: ProbeClient,
    readonly scripts: ScriptRegistry,
    readonly breakpoints: BreakpointManager,
    readonly options: ViewOptions & { stopOnEntry: boolean },
    readonly counters: IdCounters,
    readonly host: ControlHost,
  ) {
    this.#predictor = new CatchPredictor(cdp);
  }

  /** Listens to the debuggee's pauses and sets the breakpoint that binds each user file's breakpoints. */
  async start(): Promise<void> {
    const cdp = this.cdp;
    cdp.on('Debugger.paused', (p: PausedEvent) => void this.#onPaused(p).catch((err) => this.host.log(`pause handling failed: ${(err as Error).message}`)));
    cdp.on('Debugger.resumed', () => this.dropView());
    // Node compiles CommonJS modules as functions, which V8's 'before script with source map'
    // instrumentation does not see; a breakpoint on the first line of every user file does: the
    // adapter binds that file's breakpoints there, before any of its code runs.
    const entry = await cdp.send<{ breakpointId: string }>('Debugger.setBreakpointByUrl', { urlRegex: USER_SCRIPT_URL, lineNumber: 0, columnNumber: 0 });
    this.#entryBreakpoint = entry.breakpointId;
    await cdp.send('Debugger.setAsyncCallStackDepth', { maxDepth: 0 });
  }

  /** The current stop, or null while the debuggee runs. */
  get view(): StopView | null {
    return this.#view;
  }

  async setExceptionFilters(filters: readonly string[]): Promise<void> {
    this.#filters = new Set(filters);
    await this.#applyExceptionFilters();
  }

  async #applyExceptionFilters(): Promise<void> {
    const cdp = this.cdp;
    // 'uncaught' needs every throw too: to V8 the task's step catches everything, so the adapter
    // predicts over the await chain itself (see #endsItsTask).
    const state = this.#filters.has('all') || this.#filters.has('uncaught') ? 'all' : 'none';
    await cdp.send('Debugger.setPauseOnExceptions', { state });
    const wantHooks = this.#filters.has('uncaught') || this.#filters.has('neverRetrieved');
    await this.probe.call('setExceptionBreaks', wantHooks).catch(() => undefined);
    await this.probe.call('setLoopBlockedStop', this.#filters.has(LOOP_BLOCKED)).catch(() => undefined);
  }

  /** Breakpoints on the probe's hook functions (task resumed, task failed, exception reported). */
  async installHooks(): Promise<void> {
    if (this.#hooks) return;
    if (!(await this.probe.available())) return;
    this.#hooks = {};
    const hooks = await this.probe.handle('hooks');
    const props = await this.cdp.send<{ result: { name: string; value?: { objectId?: string } }[] }>('Runtime.getProperties', { objectId: hooks.objectId, ownProperties: true });
    for (const [name, key] of [['taskResumed', 'resumed'], ['taskFailed', 'failed'], ['exceptionReported', 'reported'], ['deadlockFound', 'deadlock']] as const) {
      const fn = props.result.find((p) => p.name === name)?.value?.objectId;
      if (!fn) continue;
      const r = await this.cdp.send<{ breakpointId: string }>('Debugger.setBreakpointOnFunctionCall', { objectId: fn }).catch(() => null);
      if (r) this.#hooks[key] = r.breakpointId;
    }
    await this.probe.call('attach').catch(() => undefined);
    await this.#applyExceptionFilters();
  }

  // ---- stopping and resuming ------------------------------------------------------------------

  /** Decides what a V8 pause is: the adapter's own (go on), a step under way, or a stop to report. */
  async #onPaused(p: PausedEvent): Promise<void> {
    const cdp = this.cdp;
    if (process.env.COROSCOPE_DAP_TRACE) {
      this.host.log(`paused: ${p.reason} ${JSON.stringify(p.hitBreakpoints ?? [])} at ${p.callFrames.slice(0, 3).map((f) => `${f.functionName}:${f.location.scriptId}:${f.location.lineNumber}`).join(' < ')}`);
    }
    const hit = p.hitBreakpoints ?? [];
    if (this.#entryBreakpoint && hit.includes(this.#entryBreakpoint)) {
      const script = p.callFrames[0] ? this.scripts.get(p.callFrames[0].location.scriptId) : undefined;
      if (script?.isUser) {
        await this.installHooks();
        await this.breakpoints.scriptLoaded(script);
        // stopOnEntry: the first line of the user's first file, not the CLI's first line.
        if (this.options.stopOnEntry && !this.#enteredProgram) {
          this.#enteredProgram = true;
          return this.#stop(p, 'entry');
        }
      }
      if (hit.length === 1 && !this.#pauseRequested) return this.#passOver(p);
    }
    if (p.reason === 'Break on start') return this.#passOver(p);
    const hooks = this.#hooks ?? {};
    if (hooks.resumed && hit.includes(hooks.resumed)) {
      if (this.#step) {
        this.#step.entering = true;
        return this.#continue(true, 'Debugger.stepInto');
      }
      return this.#passOver(p);
    }
    if (hooks.failed && hit.includes(hooks.failed)) {
      if (!this.#filters.has('uncaught')) return this.#passOver(p);
      const repr = await this.#frameValue(p, 'repr');
      const description = `a task ended with an exception: ${repr}`;
      return this.#stop(p, 'exception', description, undefined, { description, className: await this.#exceptionClass(p), breakMode: 'unhandled', evaluateName: 'exception', hint: await this.#frameHint(p) });
    }
    if (hooks.reported && hit.includes(hooks.reported)) {
      if (!this.#filters.has('neverRetrieved')) return this.#passOver(p);
      const message = await this.#frameValue(p, 'message');
      const className = await this.#exceptionClass(p);
      return this.#stop(p, 'exception', message, undefined, { description: message, className, breakMode: 'unhandled', evaluateName: 'exception', hint: await this.#frameHint(p) });
    }
    if (hooks.deadlock && hit.includes(hooks.deadlock)) {
      // A cycle of waits, or every task asleep: VS Code shows "Paused on deadlock", the tasks first.
      // (The description replaces VS Code's own "Paused on deadlock" in the Call Stack: it keeps those words.)
      const description = await this.#frameValue(p, 'description');
      const asleep = (await this.#frameValue(p, 'kind')) === 'asleep';
      const ids = (await this.#frameValue(p, 'ids')).split(',').filter(Boolean).map(Number);
      return this.#stop(p, 'deadlock', `Paused on ${asleep ? 'deadlock: ' : ''}${description}`, undefined, null, ids);
    }
    if (hit.length === 0 && p.reason === 'other' && this.#filters.has(LOOP_BLOCKED)) {
      const blocked = await this.probe.call<BlockedNow | null>('blockedNow').catch(() => null);
      if (blocked) {
        const who = blocked.taskName ? `task ${blocked.taskName}` : blocked.callback;
        const description = `Loop blocked: ${who} has run ${Math.round(blocked.runningFor * 1000)} ms without returning to the event loop (threshold ${blocked.thresholdMs} ms)`;
        return this.#stop(p, 'exception', description, undefined, { description, className: 'Loop blocked', breakMode: 'always' });
      }
    }
    const user = hit.filter((id) => this.breakpoints.isUserBreakpoint(id));
    if (user.length > 0) {
      const { stop, ids } = this.breakpoints.hit(user);
      if (stop) return this.#stop(p, 'breakpoint', undefined, ids);
      return this.#passOver(p);
    }
    if (p.reason === 'exception' || p.reason === 'promiseRejection') {
      const thrower = this.#userThrower(p.callFrames);
      if (thrower < 0) return this.#passOver(p);
      // Node's own frames above the user's line may catch it themselves (rmSync with force).
      for (let i = 0; i < thrower; i++) if (await this.#predictor.insideTryCatch(p.callFrames[i]!.location)) return this.#passOver(p);
      // The common caught exception, thrown inside a try…catch of its own function: decided from
      // the script alone, without asking the probe. (V8's pause itself remains: milliseconds per
      // throw, see bench:dap.)
      if (!this.#filters.has('all') && (await this.#predictor.insideTryCatch(p.callFrames[thrower]!.location))) return this.#passOver(p);
      const thrown = p.data ?? {};
      const description = thrown.description?.split('\n')[0] ?? (thrown.type === 'string' ? JSON.stringify(thrown.value) : String(thrown.unserializableValue ?? thrown.value));
      // An exception propagating through the await chain is thrown again at each await.
      const argument = thrown.objectId ? { objectId: thrown.objectId } : thrown.unserializableValue ? { unserializableValue: thrown.unserializableValue } : { value: thrown.value };
      const once = (method: string) => this.probe.callFunction(`function (e) { return this.${method}(e); }`, [argument]).then((r) => r.result.value !== false, () => true);
      const first = await once('firstSighting');
      // 'uncaught': at the throw when no frame of the task catches it, while its frames and locals
      // are still there, once (it may be caught nowhere, yet only become clear further out).
      const className = p.data?.className;
      if (this.#filters.has('uncaught') && (await this.#endsItsTask(p)) && (await once('stoppedAtThrow'))) {
        return this.#stop(p, 'exception', `Uncaught ${description}`, undefined, { description: `Uncaught ${description}`, className, breakMode: 'unhandled', hint: await this.#thrownHint(thrown.objectId), objectId: thrown.objectId });
      }
      // 'all': at the throw, once.
      if (!this.#filters.has('all') || !first) return this.#passOver(p);
      return this.#stop(p, 'exception', description, undefined, { description, className, breakMode: 'always', hint: await this.#thrownHint(thrown.objectId), objectId: thrown.objectId });
    }
    if (this.#pauseRequested) return this.#stop(p, 'pause');
    const step = this.#step;
    if (step) return this.#stepPaused(p, step);
    return this.#stop(p, p.reason === 'other' ? 'breakpoint' : p.reason);
  }

  /** A pause while a step is under way: the step's end, or a pause on its way. */
  async #stepPaused(p: PausedEvent, step: Step): Promise<void> {
    const top = p.callFrames[0];
    const topUser = top ? isUserCode(top, this.scripts) : false;
    if (step.entering && topUser) return this.#stop(p, 'step');
    if (!step.entering) {
      if (step.kind === 'in') {
        // The stepped call created a task: follow it into its coroutine when it first runs.
        const spawned = await this.probe.call<number | null>('spawnedDuringStep').catch(() => null);
        if (spawned !== null && spawned !== step.taskId) {
          step.taskId = spawned;
          return this.#continue(true);
        }
      }
      const current = await this.probe.current().catch(() => null);
      // Another task's code, or the loop's: the armed task will come back through the resume hook.
      if (step.taskId !== null && current !== step.taskId) return this.#continue(true);
    }
    if (!topUser) return this.#passOver(p);
    if (step.kind === 'in' && (await this.#predictor.runsCoroutineWrapper(top!))) return this.#intoCoroutine(p, step);
    if (step.onStartLine(p.callFrames, this.scripts)) return this.#passOver(p);
    return this.#stop(p, 'step');
  }

  /**
   * Step-in went into a coroutine function: the call only makes the coroutine, whose body runs when
   * a task first drives it. Over the wrapper to its return, where the probe arms the coroutine it
   * returns; the step goes on in the caller, and the resume hook brings it into the body.
   */
  async #intoCoroutine(p: PausedEvent, step: Step): Promise<void> {
    const made = p.callFrames[0]!.returnValue;
    if (made?.objectId) {
      await this.probe.callFunction('function (c, t) { return this.breakOnStart(c, t); }', [{ objectId: made.objectId }, { value: step.taskId ?? -1 }]).catch(() => undefined);
    }
    return this.#continue(true, 'Debugger.stepOver');
  }

  /**
   * The frame whose line threw, as the user sees it: the top frame when it is the user's; under
   * Node's own frames (execSync failing inside node:child_process), the user's frame that called
   * them. -1 for a throw in the runtime or with no user frame under Node's.
   */
  #userThrower(frames: readonly CdpCallFrame[]): number {
    for (let i = 0; i < frames.length; i++) {
      const script = this.scripts.get(frames[i]!.location.scriptId);
      if (script?.isUser) return i;
      if (!script?.isInternal || script.isRuntime) return -1;
    }
    return -1;
  }

  /**
   * Whether the exception of this pause will end its task: neither the frames on the stack above
   * the task's step nor the task's suspended coroutines (each at its await) are in a try…catch.
   * A cancellation is how a task is stopped, not a failure. Outside any task, V8's own prediction.
   */
  async #endsItsTask(p: PausedEvent): Promise<boolean> {
    const taskId = await this.probe.current().catch(() => null);
    if (taskId === null) return p.data?.uncaught === true;
    if (p.data?.className === 'CancelledError') return false;
    const frames = p.callFrames;
    const { boundary, lastUser } = this.scripts.taskCode(frames);
    for (let i = 0; i < boundary; i++) {
      if (this.scripts.get(frames[i]!.location.scriptId)?.isUser && (await this.#predictor.insideTryCatch(frames[i]!.location))) return false;
    }
    const task = await this.probe.task(taskId).catch(() => null);
    if (!task) return true;
    // The task's innermost coroutine is the last user frame above the runtime when it is running.
    const innermost = task.stack.length - 1;
    const onStack = lastUser >= 0 && frames[lastUser]!.functionName === task.stack[innermost]?.name;
    for (let depth = onStack ? innermost - 1 : innermost; depth >= 0; depth--) {
      const { where } = await generatorInternals(this.cdp, this.probe, taskId, depth);
      if (where && this.scripts.get(where.scriptId)?.isUser && (await this.#predictor.insideTryCatch(where))) return false;
    }
    return true;
  }

  /** Reports a stop: the step (if any) ends, the probe disarms, a new StopView models the stop. */
  async #stop(p: PausedEvent, reason: string, description?: string, hitBreakpointIds?: number[], exception: ExceptionStop | null = null, leading: readonly number[] = []): Promise<void> {
    this.#step = null;
    this.#pauseRequested = false;
    await this.#setBlackbox(false);
    const probe = this.probe;
    await probe.call('cancelBreakOnResume').catch(() => undefined);
    await probe.call('followSpawned', false).catch(() => undefined);
    await probe.call('markStopped').catch(() => undefined);
    const current = await probe.current().catch(() => null);
    this.#view = new StopView(this.cdp, probe, this.scripts, p.callFrames, current, this.options, this.counters, exception, leading);
    const event = new StoppedEvent(reason, await this.#view.focusThread(), description) as DebugProtocol.StoppedEvent;
    event.body.allThreadsStopped = true;
    if (description) event.body.description = description;
    if (hitBreakpointIds?.length) event.body.hitBreakpointIds = hitBreakpointIds;
    this.host.sendEvent(event);
  }

  /**
   * Lets the debuggee run on without telling the client (an internal pause). A step under way goes
   * on with the V8 step it needs from here (V8 forgets its step at every pause).
   */
  async #continue(keepStepping = false, method: V8Step = 'Debugger.resume'): Promise<void> {
    if (!keepStepping) await this.#setBlackbox(this.#step !== null);
    this.probe.reset();
    await this.cdp.send('Runtime.releaseObjectGroup', { objectGroup: OBJECT_GROUP }).catch(() => undefined);
    await this.cdp.send(method).catch(() => undefined);
    // A Pause that arrived while the debuggee was paused for the adapter's own reasons (binding a
    // file's breakpoints, a hook) was absorbed by that pause: ask again, or it would be lost.
    if (this.#pauseRequested) await this.cdp.send('Debugger.pause').catch(() => undefined);
  }

  /** A pause that is the adapter's own: the debuggee goes on, and so does a step under way. */
  #passOver(p: PausedEvent): Promise<void> {
    const step = this.#step;
    return step ? this.#continue(true, step.carryOn(p.callFrames, this.scripts)) : this.#continue();
  }

  /** Continue: the debuggee runs on until something stops it. */
  async resume(): Promise<void> {
    if (!this.#view) throw new UserError('continue: the program is not stopped');
    this.#step = null;
    this.dropView();
    await this.#continue();
  }

  /** Forgets the stop (the debuggee resumed); its frame ids and references become invalid. */
  dropView(): void {
    this.#view = null;
  }

  /** Steps skip the runtime's code while on; off at every stop so Pause can land anywhere. */
  async #setBlackbox(on: boolean): Promise<void> {
    if (this.#blackboxed === on) return;
    this.#blackboxed = on;
    await this.cdp.send('Debugger.setBlackboxPatterns', { patterns: on ? RUNTIME_BLACKBOX : [] }).catch(() => undefined);
  }

  /** A variable of the paused function (the probe hooks' arguments), as a string. */
  async #frameValue(p: PausedEvent, name: string): Promise<string> {
    const frame = p.callFrames[0];
    if (!frame) return '';
    const r = await this.cdp
      .send<{ result: { value?: unknown; description?: string } }>('Debugger.evaluateOnCallFrame', { callFrameId: frame.callFrameId, expression: `String(${name})`, silent: true, returnByValue: true })
      .catch(() => null);
    return String(r?.result.value ?? '');
  }

  /** The class name of the `exception` argument of the paused hook function, if it is an object. */
  async #exceptionClass(p: PausedEvent): Promise<string | undefined> {
    const name = await this.#frameValue(p, "typeof exception === 'object' && exception !== null ? exception.constructor?.name ?? '' : ''");
    return name || undefined;
  }

  /** The `hint` (RuntimeError's advice) of the `exception` argument of the paused hook function. */
  async #frameHint(p: PausedEvent): Promise<string | undefined> {
    return (await this.#frameValue(p, "typeof exception === 'object' && exception !== null && typeof exception.hint === 'string' ? exception.hint : ''")) || undefined;
  }

  /** The `hint` of a thrown object, if it has one. */
  async #thrownHint(objectId: string | undefined): Promise<string | undefined> {
    if (!objectId) return undefined;
    const r = await this.cdp
      .send<{ result: { value?: unknown } }>('Runtime.callFunctionOn', { objectId, functionDeclaration: "function () { return typeof this.hint === 'string' ? this.hint : ''; }", silent: true, returnByValue: true })
      .catch(() => null);
    return typeof r?.result.value === 'string' && r.result.value ? r.result.value : undefined;
  }

  /** Pause: the loop may be asleep in its selector; the I/O layer wakes it when the inspector has a message. */
  async pause(): Promise<undefined> {
    if (this.#view) return undefined;
    this.#pauseRequested = true;
    await this.cdp.send('Debugger.pause');
    return undefined;
  }

  /**
   * Steps that follow the task: the probe arms the task's coroutines so that when the task resumes
   * (after an `await`, or when an awaited coroutine returns) the adapter stops in it; pauses in other
   * tasks' code on the way are passed over.
   */
  async step(kind: Step['kind'], threadId: number): Promise<undefined> {
    const view = this.#view;
    if (!view) throw new UserError(`${kind === 'next' ? 'next' : kind === 'in' ? 'stepIn' : 'stepOut'}: the program is not stopped`);
    const cdp = this.cdp;
    const probe = this.probe;
    const taskId = threadId === view.stoppedThread ? view.currentTask : taskOfThread(threadId);
    let maxDepth = Infinity;
    let method: V8Step = kind === 'next' ? 'Debugger.stepOver' : kind === 'in' ? 'Debugger.stepInto' : 'Debugger.stepOut';
    if (threadId !== view.stoppedThread) {
      // A suspended task: run until it resumes, and stop there.
      if (taskId === null) throw new UserError('the event loop thread is not stopped: only tasks and the stopped thread can step');
      method = 'Debugger.resume';
    } else if (kind === 'out' && taskId !== null) {
      const inner = await view.topCoroutineDepth();
      if (inner !== null) {
        // Leaving a coroutine returns to the one that awaited it, later, when the task resumes there.
        maxDepth = inner - 1;
        method = 'Debugger.resume';
      }
    }
    if (taskId !== null && maxDepth >= 0) await probe.call('breakOnResume', taskId, maxDepth);
    if (kind === 'in' && threadId === view.stoppedThread) await probe.call('followSpawned', true);
    this.#step = Step.begin(kind, taskId, method, threadId === view.stoppedThread ? view.callFrames : null, this.scripts);
    this.dropView();
    await this.#setBlackbox(true);
    probe.reset();
    await cdp.send('Runtime.releaseObjectGroup', { objectGroup: OBJECT_GROUP }).catch(() => undefined);
    await cdp.send(method);
    return undefined;
  }
}
