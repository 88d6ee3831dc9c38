// What the user sees while the debuggee is stopped: tasks as threads, each task's frames (the
// stopped task's real V8 frames, the others' suspended coroutine stacks read from their generators'
// [[GeneratorLocation]] and [[Scopes]]), scopes per frame, and evaluation in either kind of frame.
// One StopView lives for one stop; the debuggee's resume ends it and every handle it gave out.
import type { DebugProtocol } from '@vscode/debugprotocol';
import { basename } from 'node:path';
import type { CdpConnection } from './cdp-connection';
import type { FutureInfo, ProbeClient, RemoteObject, SourcePosition, TaskInfo, TaskJournalView, Timeline } from './probe-client';
import type { ScriptLocation, ScriptRegistry, SourceLocation } from './scripts';
import { StaleReferenceError, UserError } from './errors';
import { loopScope } from './loop-scope';
import { HIDDEN_NAME, VariableStore, type IdCounters } from './variables';
import { othersAwaitingAt } from './await-answer';
import { innerException, partLines, type ExceptionPart } from './exception-parts';
import { threadName } from './thread-names';
import { cancelTask, createdSite, isConsoleAction, parseConsoleAction } from './task-actions';

export { coroutineLabel, taskLabel, threadName } from './thread-names';

/** The thread of code that runs outside any task (module top level, plain loop callbacks). */
export const EVENT_LOOP_THREAD = 1;
export const threadOfTask = (taskId: number): number => taskId + 1;
export const taskOfThread = (threadId: number): number | null => (threadId > EVENT_LOOP_THREAD ? threadId - 1 : null);
/** The `evaluate` expression for what the frame suspended at a line awaits: `$await@<line>` (1-based). */
export const AWAIT_AT = '$await@';
/** Fields of the Awaiting and Task scopes in the runtime's terms (`<Future pending cb=[Task.wakeup]>`): under `details`. */
const FUTURE_DETAILS = ['id', 'kind', 'outcome', 'cancelMessage', 'callbacks', 'waitReason', 'repr'];
const TASK_DETAILS = ['repr', 'futureState', 'awaitSite', 'waitKind', 'waitEvents', 'createdSite', 'cancelRequested'];
/** The probe's idle(): the task that ran last, how long no task has run, the selector (null: no loop). */
type IdleInfo = { lastTask: number | null; idleFor: number | null; selector: string } | null;
/** The system call each selector waits in, for the idle loop's frame. */
const SELECT_CALLS: Record<string, string> = { epoll: 'epoll_wait', uring: 'io_uring_enter', poll: 'poll', select: 'select', kqueue: 'kevent' };

export interface CdpCallFrame {
  callFrameId: string;
  functionName: string;
  location: { scriptId: string; lineNumber: number; columnNumber: number };
  scopeChain: { type: string; name?: string; object: RemoteObject }[];
  this: RemoteObject;
}

type FrameRef =
  | { kind: 'v8'; threadId: number; taskId: number | null; callFrame: CdpCallFrame; coroutineDepth: number | null }
  | { kind: 'suspended'; threadId: number; taskId: number; depth: number; innermost: boolean; scopes: string | null; name: string; location: SourceLocation | null }
  | { kind: 'label'; threadId: number };

/**
 * The `await` hover's phrase and the task's verdict, when the verdict says more than the phrase: who
 * holds the Lock, that no producer is left, that nothing can wake it. A timer's or a socket's
 * phrase says it already (`sleep 0.75 s · due in 0.12 s`, `recv fd 9 · pending · a ↔ b`).
 */
export function withVerdict(summary: string, verdict: string | undefined): string {
  if (!verdict || /^(wakes in|waits for fd|waits for a connection|running|ready to run)/.test(verdict)) return summary;
  // The verdict says who completes a future with no recorded reason better than "nobody".
  return `${summary.replace(/ · completed by nobody$/, '')} · ${verdict}`;
}

export interface ViewOptions {
  /** Show the runtime's own frames (dimmed) instead of hiding them. */
  showRuntimeFrames: boolean;
  /** At most this many tasks are sent as threads (the stopped task and recently resumed ones first). */
  maxThreads: number;
}

/**
 * The model of one stop.
 * Invariant: every frame id and variables reference it hands out refers to state of this stop;
 * the session drops the view (and with it all ids) when the debuggee resumes.
 */
export class StopView {
  readonly variables: VariableStore;
  #frames = new Map<number, FrameRef>();
  #tasks = new Map<number, Promise<TaskInfo | null>>();
  #idleAnswer: Promise<IdleInfo> | undefined;
  /** Source positions handed out as valueLocationReference (the `locations` request). */
  #locations = new Map<number, SourcePosition>();

  constructor(
    readonly cdp: CdpConnection,
    readonly probe: ProbeClient,
    readonly scripts: ScriptRegistry,
    readonly callFrames: CdpCallFrame[],
    /** The task whose code is on the V8 stack, or null when the loop itself (or module code) stopped. */
    readonly currentTask: number | null,
    readonly options: ViewOptions,
    readonly counters: IdCounters,
    /** Set when this is a stop on an exception: what the exception widget shows. */
    readonly exception: ExceptionStop | null = null,
    /** Tasks listed first in the threads, in this order, the first one focused (a deadlock's cycle). */
    readonly leading: readonly number[] = [],
  ) {
    this.variables = new VariableStore(cdp, probe.objectGroup, counters);
  }

  /** The exception this stop is about, for the editor's exception widget. */
  async exceptionInfo(threadId: number): Promise<DebugProtocol.ExceptionInfoResponse['body']> {
    const e = this.exception;
    if (!e || threadId !== this.stoppedThread) throw new UserError(`exceptionInfo: thread ${threadId} did not stop on an exception`);
    // The stack the user sees: the live frames, then the task's suspended await chain.
    const { stackFrames } = await this.stackTrace(threadId);
    const stackTrace = stackFrames
      .filter((f) => f.source?.path)
      .map((f) => `    at ${f.name} (${f.source!.path}:${f.line}:${f.column})`)
      .join('\n');
    const message = e.description.replace(/^Uncaught /, '');
    const parts = await this.#exceptionParts(e);
    // The widget shows the description, not innerException: each sub-exception gets a line there too.
    const lines = [message, ...(e.hint ? [`hint: ${e.hint}`] : []), ...(parts ? partLines(parts, '  ') : [])];
    return {
      exceptionId: e.className ?? 'exception',
      description: lines.join('\n'),
      breakMode: e.breakMode,
      details: {
        message,
        typeName: e.className,
        ...(stackTrace ? { stackTrace } : {}),
        ...(e.evaluateName ? { evaluateName: e.evaluateName } : {}),
        ...(parts ? { innerException: parts.map(innerException) } : {}),
      },
    };
  }

  /** The sub-exceptions of the stop's exception when it is a group (a TaskGroup's ExceptionGroup), else null. */
  async #exceptionParts(e: ExceptionStop): Promise<ExceptionPart[] | null> {
    try {
      let objectId = e.objectId;
      const top = this.callFrames[0];
      if (!objectId && e.evaluateName && top) {
        const r = await this.cdp.send<{ result: RemoteObject }>('Debugger.evaluateOnCallFrame', { callFrameId: top.callFrameId, expression: e.evaluateName, silent: true, objectGroup: this.probe.objectGroup });
        objectId = r.result.objectId;
      }
      if (!objectId) return null;
      const r = await this.probe.callFunction('function (e) { return this.exceptionParts(e); }', [{ objectId }]);
      return typeof r.result.value === 'string' ? (JSON.parse(r.result.value) as ExceptionPart[] | null) : null;
    } catch {
      return null;
    }
  }

  get stoppedThread(): number {
    return this.currentTask === null ? EVENT_LOOP_THREAD : threadOfTask(this.currentTask);
  }

  /**
   * True when the stop found the loop between tasks with none of the program's code on the stack (a
   * Pause while it waits). A stop in the runtime's exception hooks is not idle: its frames hold the exception.
   */
  get #idle(): boolean {
    return this.exception === null && this.currentTask === null && !this.callFrames.some((cf) => this.scripts.get(cf.location.scriptId)?.isUser);
  }

  /**
   * The thread the `stopped` event focuses: the stopped one, except for a loop found idle, where
   * the runtime's frames say nothing to the user: then the task that ran last (else main), with its
   * await line and locals.
   */
  async focusThread(): Promise<number> {
    if (this.leading.length > 0) return threadOfTask(this.leading[0]!);
    if (!this.#idle) return this.stoppedThread;
    const idle = await this.#idleInfo();
    return idle?.lastTask != null ? threadOfTask(idle.lastTask) : EVENT_LOOP_THREAD;
  }

  /** The probe's idle() of this stop, asked once (the focus and the loop thread's frame both read it). */
  #idleInfo(): Promise<IdleInfo> {
    return (this.#idleAnswer ??= this.probe.call<IdleInfo>('idle').catch(() => null));
  }

  /** `idle in epoll_wait · 2.3 s`: the event loop thread's one frame when it was found waiting; null without a loop (its frames are shown). */
  async #idleLabel(): Promise<string | null> {
    const idle = await this.#idleInfo();
    if (!idle) return null;
    const call = SELECT_CALLS[idle.selector] ?? idle.selector;
    return `idle in ${call}${idle.idleFor === null ? '' : ` · ${idle.idleFor < 10 ? idle.idleFor.toFixed(1) : Math.round(idle.idleFor)} s`}`;
  }

  async threads(): Promise<DebugProtocol.Thread[]> {
    const out: DebugProtocol.Thread[] = [{ id: EVENT_LOOP_THREAD, name: 'event loop' }];
    let list;
    try {
      list = await this.probe.threads(this.options.maxThreads);
    } catch {
      return out;
    }
    let threads = list.threads;
    if (this.leading.length > 0) {
      // A deadlock's tasks first, in the cycle's order (read by id: the thread cap may have left some out).
      const lead = await this.probe.summaries(this.leading).catch(() => []);
      const ids = new Set(lead.map((t) => t.id));
      threads = [...lead, ...threads.filter((t) => !ids.has(t.id))];
    }
    for (const t of threads) out.push({ id: threadOfTask(t.id), name: threadName(t) });
    if (list.total > list.threads.length) out[0]!.name = `event loop (${list.total - list.threads.length} more tasks: see Event loop › tasks)`;
    if (this.leading.length > 0) out.push(out.shift()!);
    return out;
  }

  #task(id: number): Promise<TaskInfo | null> {
    let p = this.#tasks.get(id);
    if (!p) this.#tasks.set(id, (p = this.probe.task(id)));
    return p;
  }

  async stackTrace(threadId: number, startFrame = 0, levels = 0): Promise<{ stackFrames: DebugProtocol.StackFrame[]; totalFrames: number }> {
    const taskId = taskOfThread(threadId);
    const frames: DebugProtocol.StackFrame[] = [];
    const idle = threadId === this.stoppedThread && this.#idle && !this.options.showRuntimeFrames ? await this.#idleLabel() : null;
    if (idle !== null) {
      frames.push(this.#label(threadId, idle));
    } else if (threadId === this.stoppedThread) {
      frames.push(...(await this.#liveFrames(threadId, taskId)));
    } else if (taskId !== null) {
      const task = await this.#task(taskId);
      if (!task) throw new UserError(`thread ${threadId} is not a live task any more`);
      frames.push(...(await this.#suspendedFrames(threadId, task, task.stack.length - 1)));
    } else {
      frames.push(this.#label(threadId, 'the event loop is running a task'));
    }
    const end = levels > 0 ? startFrame + levels : frames.length;
    return { stackFrames: frames.slice(startFrame, end), totalFrames: frames.length };
  }

  async #liveFrames(threadId: number, taskId: number | null): Promise<DebugProtocol.StackFrame[]> {
    const frames: DebugProtocol.StackFrame[] = [];
    const isUser = this.callFrames.map((cf) => this.scripts.get(cf.location.scriptId)?.isUser ?? false);
    const showAll = this.options.showRuntimeFrames || !isUser.includes(true);
    const task = taskId === null ? null : await this.#task(taskId);
    const innermost = task ? task.stack.length - 1 : -1;
    // The task's innermost coroutine is the last user frame above the runtime's Task step; the
    // rest of its await chain is suspended generators.
    const candidate = this.scripts.taskCode(this.callFrames).lastUser;
    const coroutineOnStack = task !== null && candidate >= 0 && this.callFrames[candidate]!.functionName === task.stack[innermost]?.name;
    const chain = task ? await this.#suspendedFrames(threadId, task, coroutineOnStack ? innermost - 1 : innermost, false) : [];
    this.callFrames.forEach((cf, i) => {
      // Below a task's await chain is whoever drives the loop (often the module's `run(main())`): not the task's.
      const user = isUser[i]! && !(task !== null && i > candidate);
      if (user || showAll) {
        const loc = this.scripts.toOriginal(cf.location);
        const id = this.counters.frame++;
        this.#frames.set(id, { kind: 'v8', threadId, taskId, callFrame: cf, coroutineDepth: coroutineOnStack && i === candidate ? innermost : null });
        frames.push(stackFrame(id, cf.functionName || '(anonymous)', loc, user ? undefined : 'subtle'));
      }
      if (i === Math.max(candidate, 0)) frames.push(...chain);
    });
    return frames;
  }

  /** The await chain from depth `from` down to the task's own coroutine, each at its await. */
  async #suspendedFrames(threadId: number, task: TaskInfo, from: number, labelIfEmpty = true): Promise<DebugProtocol.StackFrame[]> {
    const depths: number[] = [];
    for (let d = from; d >= 0; d--) depths.push(d);
    const located = await Promise.all(depths.map((d) => this.#generatorState(task.id, d)));
    const frames: DebugProtocol.StackFrame[] = [];
    // The innermost frame the user sees awaits the task's future when every deeper one is hidden runtime code.
    let hiddenBelow = from === task.stack.length - 1;
    depths.forEach((depth, i) => {
      const info = task.stack[depth]!;
      const { location, scopes, runtime } = located[i]!;
      if (runtime && !this.options.showRuntimeFrames) return;
      const innermost = hiddenBelow;
      hiddenBelow = false;
      const loc = location ?? (info.file && info.line ? { path: info.file, line: info.line, column: info.column ?? 1 } : null);
      const id = this.counters.frame++;
      this.#frames.set(id, { kind: 'suspended', threadId, taskId: task.id, depth, innermost, scopes, name: info.name, location: loc });
      frames.push(stackFrame(id, info.name, loc, runtime ? 'subtle' : undefined));
    });
    if (frames.length === 0 && labelIfEmpty) frames.push(this.#label(threadId, task.waitingFor));
    return frames;
  }

  async #generatorState(taskId: number, depth: number): Promise<{ location: SourceLocation | null; scopes: string | null; runtime: boolean }> {
    const { where, scopes } = await generatorInternals(this.cdp, this.probe, taskId, depth);
    const script = where ? this.scripts.get(where.scriptId) : undefined;
    return { location: where ? this.scripts.toOriginal(where) : null, scopes, runtime: script ? !script.isUser : false };
  }

  /** The await-chain depth of the top frame when it is the task's innermost coroutine itself, else null. */
  async topCoroutineDepth(): Promise<number | null> {
    if (this.currentTask === null) return null;
    const userIdx = this.callFrames.map((cf, i) => (this.scripts.get(cf.location.scriptId)?.isUser ? i : -1)).filter((i) => i >= 0);
    if (userIdx[0] !== 0 || (userIdx.length > 1 && userIdx[1] === 1)) return null;
    const task = await this.#task(this.currentTask);
    const innermost = task ? task.stack.length - 1 : -1;
    return task && this.callFrames[0]!.functionName === task.stack[innermost]?.name ? innermost : null;
  }

  #label(threadId: number, text: string): DebugProtocol.StackFrame {
    const id = this.counters.frame++;
    this.#frames.set(id, { kind: 'label', threadId });
    return { id, name: text, line: 0, column: 0, presentationHint: 'label' };
  }

  #frame(frameId: number): FrameRef {
    const f = this.#frames.get(frameId);
    if (!f) throw new StaleReferenceError(`frameId ${frameId} is not valid now (it is from an earlier stop, or was never given out)`);
    return f;
  }

  async scopes(frameId: number): Promise<DebugProtocol.Scope[]> {
    const f = this.#frame(frameId);
    const out: DebugProtocol.Scope[] = [];
    if (f.kind === 'v8') {
      const chain = f.callFrame.scopeChain.map((s, scopeNumber) => ({ type: s.type, name: s.name ?? '', objectId: s.object.objectId!, scopeNumber }));
      out.push(...this.#jsScopes(chain, f.callFrame.callFrameId));
    } else if (f.kind === 'suspended' && f.scopes) {
      const list = await this.cdp.send<{ result: { name: string; value?: RemoteObject }[] }>('Runtime.getProperties', { objectId: f.scopes, ownProperties: true });
      const chain = list.result
        .filter((p) => /^\d+$/.test(p.name) && p.value?.objectId)
        .map((p) => {
          const m = /^(\w+)(?: \((.*)\))?$/.exec(p.value!.description ?? '');
          return { type: (m?.[1] ?? 'closure').toLowerCase(), name: m?.[2] ?? '', objectId: p.value!.objectId! };
        });
      out.push(...this.#jsScopes(chain));
    }
    const taskId = f.kind === 'label' ? null : f.taskId;
    if (taskId !== null && f.kind === 'suspended') {
      out.push({ name: 'Awaiting', variablesReference: this.variables.lazy(() => this.#awaiting(taskId, f.depth, f.innermost)), presentationHint: 'registers', expensive: false });
    }
    if (taskId !== null) {
      out.push({ name: 'Task', variablesReference: this.variables.lazy(async () => [...(await this.#taskVars(taskId)), ...(await this.#journalVars(taskId))]), expensive: false });
    }
    out.push({ name: 'Event loop', variablesReference: this.variables.lazy(() => loopScope(this.probe, this.variables)), expensive: false });
    return out;
  }

  /**
   * The task's journal: `wokenBy` (who completed what it awaited, and where) and `history`, newest
   * first; each entry with a source position carries a valueLocationReference (the `locations`
   * request resolves it) and names its file:line in its text.
   */
  async #journalVars(taskId: number): Promise<DebugProtocol.Variable[]> {
    const journal = await this.probe.call<TaskJournalView | null>('journal', taskId).catch(() => null);
    if (!journal) return [];
    const now = journal.history[0]?.time;
    const wokenBy: DebugProtocol.Variable = { name: 'wokenBy', value: journal.wokenBy ?? 'nothing yet: it has not waited', variablesReference: 0 };
    if (journal.wokenAt) wokenBy.valueLocationReference = this.#locationReference(journal.wokenAt);
    const entries = journal.history.map((e, i): DebugProtocol.Variable => {
      const ago = now === undefined || i === 0 ? 'latest' : `${formatAgo(now - e.time)} earlier`;
      const v: DebugProtocol.Variable = { name: `[${i}] ${ago}`, value: e.text, variablesReference: 0 };
      if (e.location) v.valueLocationReference = this.#locationReference(e.location);
      return v;
    });
    const kept = journal.recorded > entries.length ? `the last ${entries.length} of ${journal.recorded} events` : `${entries.length} events`;
    const history: DebugProtocol.Variable = { name: 'history', value: `${kept}, newest first`, variablesReference: entries.length > 0 ? this.variables.lazy(async () => entries) : 0, indexedVariables: entries.length };
    return [wokenBy, history];
  }

  #locationReference(at: SourcePosition): number {
    const ref = this.counters.reference++;
    this.#locations.set(ref, at);
    return ref;
  }

  /** The `locations` request: a source position this stop handed out. */
  async location(reference: number): Promise<DebugProtocol.LocationsResponse['body']> {
    const at = this.#locations.get(reference);
    if (!at) throw new StaleReferenceError(`locationReference ${reference} is not valid now (it is from an earlier stop, or was never given out)`);
    return { source: { name: basename(at.path), path: at.path }, line: at.line, column: at.column };
  }

  /** The custom request `coroscope/timeline` (see extension/ADAPTER-CONVENTIONS.md). */
  async timeline(count: number): Promise<Timeline> {
    const t = await this.probe.call<Timeline | null>('timeline', count);
    if (!t) throw new UserError('coroscope/timeline: the program has no event loop yet, or no journal (is the coroscope runtime loaded?)');
    return t;
  }

  /** Locals (the frame's own scope, its blocks, and the coroutine wrapper's parameters), then closures. */
  #jsScopes(chain: { type: string; name: string; objectId: string; scopeNumber?: number }[], callFrameId?: string): DebugProtocol.Scope[] {
    // A live frame's scopes can be written (setVariable); a suspended generator's cannot.
    const live = (scopes: typeof chain) => (callFrameId ? { callFrameId, scopeNumbers: scopes.map((s) => s.scopeNumber!) } : undefined);
    const localScopes: typeof chain = [];
    const locals: string[] = [];
    const out: DebugProtocol.Scope[] = [];
    const localName = chain.find((s) => s.type === 'local')?.name;
    let sawLocal = false;
    let paramsTaken = false;
    for (const s of chain) {
      if (s.type === 'global' || s.type === 'script' || s.type === 'wasm-expression-stack') continue;
      if (s.type === 'local' || s.type === 'block' || s.type === 'catch' || s.type === 'with') {
        locals.push(s.objectId);
        localScopes.push(s);
        sawLocal = true;
      } else if (s.type === 'closure' && sawLocal && !paramsTaken && localName && s.name === localName) {
        // The loader's per-call coroutine wrapper `function f(a) { return coro({ *f() {...} }.f, ...) }` holds the
        // parameters (the shared form, `{ *f(a) {...} }`, has them in its own scope).
        locals.push(s.objectId);
        localScopes.push(s);
        paramsTaken = true;
      } else {
        out.push({ name: s.name ? `Closure (${s.name})` : 'Module', variablesReference: this.variables.scopes([s.objectId], live([s])), expensive: !s.name });
      }
    }
    if (locals.length > 0) out.unshift({ name: 'Locals', variablesReference: this.variables.scopes(locals, live(localScopes)), presentationHint: 'locals', expensive: false });
    return out;
  }

  async #awaiting(taskId: number, depth: number, innermost: boolean): Promise<DebugProtocol.Variable[]> {
    if (!innermost) {
      const task = await this.#task(taskId);
      const next = task?.stack[depth + 1];
      if (!next) return [];
      return this.#jsonVars({ coroutine: next.name, at: next.file ? `${basename(next.file)}:${next.line}` : '(unknown)', state: next.state });
    }
    const fut = await this.probe.call<unknown>('awaitedFuture', taskId);
    if (!fut) return [{ name: 'future', value: 'none: the task is ready to run', variablesReference: 0 }];
    const { summary, ...rest } = fut as FutureInfo;
    return this.#readableVars({ future: summary, ...rest }, FUTURE_DETAILS);
  }

  /**
   * The Task scope: its fields, with `parent` and `children` as references to those tasks (each
   * expands to that task's own fields), and the runtime's view under `details`.
   */
  async #taskVars(taskId: number): Promise<DebugProtocol.Variable[]> {
    const info = await this.#task(taskId);
    if (!info) return [];
    const related = [...(info.parent === null ? [] : [info.parent]), ...info.children];
    const summaries = new Map((related.length > 0 ? await this.probe.summaries(related) : []).map((t) => [t.id, t]));
    const label = (id: number): string => {
      const t = summaries.get(id);
      return t ? threadName(t) : `task #${id} (finished)`;
    };
    const ref = (id: number): number => (summaries.has(id) ? this.variables.lazy(() => this.#taskVars(id)) : 0);
    return this.#readableVars(info, TASK_DETAILS).map((v) => {
      if (v.name === 'parent') return info.parent === null ? { name: 'parent', value: 'none (created outside any task)', variablesReference: 0 } : { name: 'parent', value: label(info.parent), variablesReference: ref(info.parent) };
      if (v.name !== 'children') return v;
      const n = info.children.length;
      if (n === 0) return { name: 'children', value: 'none', variablesReference: 0 };
      const list = async (): Promise<DebugProtocol.Variable[]> => info.children.map((id) => ({ name: summaries.get(id)?.name ?? `#${id}`, value: label(id), variablesReference: ref(id) }));
      return { name: 'children', value: `${n} ${n === 1 ? 'task' : 'tasks'}: ${info.children.map((id) => summaries.get(id)?.name ?? `#${id}`).join(', ')}`, variablesReference: this.variables.lazy(list) };
    });
  }

  /** An object's fields a person reads, then `details`: the runtime's own view (its repr, ids, callbacks), one click deeper. */
  #readableVars(value: unknown, detailKeys: readonly string[]): DebugProtocol.Variable[] {
    if (value === null || typeof value !== 'object') return [];
    const entries = Object.entries(value as Record<string, unknown>);
    const shown = entries.filter(([k]) => !detailKeys.includes(k));
    const details = Object.fromEntries(entries.filter(([k]) => detailKeys.includes(k)));
    const out = shown.map(([k, v]) => this.variables.jsonVariable(k, v));
    if (Object.keys(details).length > 0) out.push(this.variables.jsonVariable('details', details, "the runtime's repr, ids and callbacks"));
    return out;
  }

  #jsonVars(value: unknown): DebugProtocol.Variable[] {
    if (value === null || typeof value !== 'object') return [];
    return Object.entries(value as Record<string, unknown>).map(([k, v]) => this.variables.jsonVariable(k, v));
  }

  /** Evaluates in a frame: full expressions in a live frame, names and member chains in a suspended one. */
  async evaluate(expression: string, frameId: number | undefined): Promise<{ result: string; variablesReference: number; type?: string; indexedVariables?: number }> {
    const text = expression.trim();
    const f = frameId === undefined ? this.#topFrame() : this.#frame(frameId);
    if (isConsoleAction(text)) return this.#consoleAction(text);
    if (text === 'await') return this.#evaluateAwait(f);
    if (text.startsWith(AWAIT_AT)) return this.#evaluateAwaitAt(f, text.slice(AWAIT_AT.length));
    if (f?.kind === 'suspended') return this.#evaluateSuspended(f, text);
    return this.#result(await this.#evaluateRaw(text, f?.kind === 'v8' ? f.callFrame.callFrameId : undefined));
  }

  /** `$cancel(task, "message")` / `$created(task)` in the Debug Console (see task-actions.ts). */
  async #consoleAction(text: string): Promise<{ result: string; variablesReference: number }> {
    const action = parseConsoleAction(text);
    if (action.action === 'created') return { result: (await createdSite(this.probe, action.task)).text, variablesReference: 0 };
    return { result: (await this.cancel(action.task, action.message)).text, variablesReference: 0 };
  }

  /** Cancels a task (it takes effect when the program continues); the Task scopes read it again. */
  async cancel(task: number | string, message: string | undefined): Promise<{ id: number; text: string }> {
    const done = await cancelTask(this.probe, task, message);
    this.#tasks.clear();
    return done;
  }

  /** An expression's value as the inspector holds it: in a live frame, or globally without one. */
  #evaluateRaw(expression: string, callFrameId: string | undefined): Promise<{ result: RemoteObject; exceptionDetails?: { exception?: RemoteObject; text: string } }> {
    return callFrameId
      ? this.cdp.send('Debugger.evaluateOnCallFrame', { callFrameId, expression, silent: true, objectGroup: this.probe.objectGroup })
      : this.cdp.send('Runtime.evaluate', { expression, silent: true, objectGroup: this.probe.objectGroup });
  }

  /**
   * Sets a variable to the value of an expression, evaluated in the frame whose scope holds the
   * variable (for an object's property: in the stopped frame).
   */
  async setVariable(args: DebugProtocol.SetVariableArguments): Promise<DebugProtocol.SetVariableResponse['body']> {
    const top = this.#topFrame();
    const callFrameId = this.variables.frameOf(args.variablesReference) ?? (top?.kind === 'v8' ? top.callFrame.callFrameId : undefined);
    const r = await this.#evaluateRaw(args.value, callFrameId);
    if (r.exceptionDetails) throw new UserError(`setVariable: ${args.value}: ${r.exceptionDetails.exception?.description?.split('\n')[0] ?? r.exceptionDetails.text}`);
    return this.variables.setVariable(args, r.result);
  }

  #topFrame(): FrameRef | undefined {
    return [...this.#frames.values()].find((f) => f.threadId === this.stoppedThread);
  }

  #result(r: { result: RemoteObject; exceptionDetails?: { exception?: RemoteObject; text: string } }): { result: string; variablesReference: number; type?: string; indexedVariables?: number } {
    if (r.exceptionDetails) {
      throw new UserError(r.exceptionDetails.exception?.description?.split('\n')[0] ?? r.exceptionDetails.text);
    }
    const v = this.variables.remote('', r.result);
    return { result: v.value, variablesReference: v.variablesReference, type: v.type, ...(v.indexedVariables ? { indexedVariables: v.indexedVariables } : {}) };
  }

  /** The `await` hover's answer: one phrase (`sleep 0.75 s · due in 0.12 s`), the future's details and asyncio's repr one click deeper. */
  async #evaluateAwait(f: FrameRef | undefined): Promise<{ result: string; variablesReference: number; type: string }> {
    if (!f || f.kind === 'label' || f.taskId === null) throw new UserError('`await`: this frame is not part of a task');
    if (f.kind === 'v8') {
      if (f.coroutineDepth === null) throw new UserError('`await`: this frame is not a coroutine');
      throw new UserError('`await`: this coroutine is running; it awaits nothing yet');
    }
    let vars: DebugProtocol.Variable[];
    let summary: string;
    if (f.innermost) {
      // VS Code opens the hover's first level: what a person reads there (state, what completes
      // it, who awaits it); asyncio's repr, ids and callbacks one click deeper, under `details`.
      const [fut, task] = await Promise.all([this.probe.call<FutureInfo | null>('awaitedFuture', f.taskId), this.#task(f.taskId)]);
      summary = fut ? withVerdict(fut.summary, task?.verdict) : 'nothing: the task is ready to run';
      const { summary: _phrase, ...fields } = fut ?? ({} as Partial<FutureInfo>);
      vars = fut ? this.#readableVars(task?.verdict ? { verdict: task.verdict, ...fields } : fields, FUTURE_DETAILS) : [];
    } else {
      vars = await this.#awaiting(f.taskId, f.depth, f.innermost);
      // An outer frame awaits the coroutine of the next one.
      const next = (await this.#task(f.taskId))?.stack[f.depth + 1];
      summary = next ? `${next.name}() · ${next.state.toLowerCase()}${next.file ? ` at ${basename(next.file)}:${next.line}` : ''}` : 'nothing';
    }
    return { result: summary, type: 'Future', variablesReference: this.variables.lazy(async () => vars) };
  }

  /**
   * `$await@<line>` (a hover on an await of another line): what the frame suspended at that line
   * awaits, the given frame first, else the innermost frame of its thread at that line of its
   * source, else the futures of the other tasks suspended there, each by task name.
   */
  async #evaluateAwaitAt(f: FrameRef | undefined, lineText: string): Promise<{ result: string; variablesReference: number; type: string }> {
    if (!/^[1-9]\d*$/.test(lineText)) throw new UserError(`\`${AWAIT_AT}<line>\`: the line must be a positive integer (got '${lineText}')`);
    const line = Number(lineText);
    if (f?.kind === 'suspended' && f.location?.line === line) return this.#evaluateAwait(f);
    const path = f?.kind === 'suspended' ? f.location?.path : f?.kind === 'v8' ? this.scripts.toOriginal(f.callFrame.location)?.path : undefined;
    if (!f || path === undefined) throw new UserError(`not suspended at line ${line}`);
    const find = (): FrameRef | undefined =>
      [...this.#frames.values()].find((g) => g.kind === 'suspended' && g.threadId === f.threadId && g.location?.line === line && g.location.path === path);
    // The thread's frames are listed by a stackTrace request; list them here when none was made in this stop.
    let found = find();
    if (!found) {
      await this.stackTrace(f.threadId);
      found = find();
    }
    if (found) return this.#evaluateAwait(found);
    return othersAwaitingAt(this.probe, this.variables, path, line, f.kind === 'label' ? null : f.taskId);
  }

  async #evaluateSuspended(f: Extract<FrameRef, { kind: 'suspended' }>, text: string): Promise<{ result: string; variablesReference: number; type?: string }> {
    const m = /^([A-Za-z_$][\w$]*)((?:\s*\.\s*[A-Za-z_$][\w$]*|\s*\[\s*(?:\d+|'[^']*'|"[^"]*")\s*\])*)$/.exec(text);
    if (!m) throw new UserError(`a suspended frame can evaluate names and member chains only (like \`conn.buffer.length\`), not \`${text}\``);
    const [, head, rest] = m as unknown as [string, string, string];
    if (HIDDEN_NAME.test(head)) throw new UserError(`${head} is not defined`);
    let value: RemoteObject | undefined;
    if (f.scopes) {
      const list = await this.cdp.send<{ result: { name: string; value?: RemoteObject }[] }>('Runtime.getProperties', { objectId: f.scopes, ownProperties: true });
      for (const s of list.result) {
        if (!/^\d+$/.test(s.name) || !s.value?.objectId || /^Global/.test(s.value.description ?? '')) continue;
        const vars = await this.cdp.send<{ result: { name: string; value?: RemoteObject }[] }>('Runtime.getProperties', { objectId: s.value.objectId, ownProperties: true });
        value = vars.result.find((v) => v.name === head)?.value;
        if (value) break;
      }
    }
    if (!value) {
      const g = await this.cdp.send<{ result: RemoteObject; exceptionDetails?: unknown }>('Runtime.evaluate', { expression: `globalThis[${JSON.stringify(head)}]`, silent: true, objectGroup: this.probe.objectGroup });
      if (g.result.type === 'undefined') throw new UserError(`${head} is not defined in this frame`);
      value = g.result;
    }
    if (rest.trim() !== '') {
      const arg = value.objectId ? { objectId: value.objectId } : value.unserializableValue ? { unserializableValue: value.unserializableValue } : { value: value.value };
      return this.#result(await this.probe.callFunction(`function (v) { return v${rest}; }`, [arg]));
    }
    return this.#result({ result: value });
  }
}

function stackFrame(id: number, name: string, loc: SourceLocation | null, hint: 'subtle' | undefined): DebugProtocol.StackFrame {
  const frame: DebugProtocol.StackFrame = { id, name, line: loc?.line ?? 0, column: loc?.column ?? 0 };
  if (loc) frame.source = { name: basename(loc.path), path: loc.path };
  if (hint) frame.presentationHint = hint;
  return frame;
}


/** An exception stop: its description (the stopped event's), the thrown value's class, the break mode. */
export interface ExceptionStop {
  readonly description: string;
  readonly className?: string;
  readonly breakMode: DebugProtocol.ExceptionBreakMode;
  /** An expression that evaluates to the exception in the stopped frame, where there is one. */
  readonly evaluateName?: string;
  /** The runtime's advice on the error (RuntimeError.hint), kept out of its message. */
  readonly hint?: string;
  /** The thrown value's handle, when the pause gave one (else it is read through evaluateName). */
  readonly objectId?: string;
}

/** Where the generator of a task's coroutine at `depth` is suspended (compiled position), and its scopes. */
export async function generatorInternals(cdp: CdpConnection, probe: ProbeClient, taskId: number, depth: number): Promise<{ where: ScriptLocation | null; scopes: string | null }> {
  try {
    const gen = await probe.handle('generatorOf', taskId, depth);
    if (!gen.objectId) return { where: null, scopes: null };
    const props = await cdp.send<{ internalProperties?: { name: string; value?: RemoteObject }[] }>('Runtime.getProperties', { objectId: gen.objectId, ownProperties: true });
    const internal = new Map((props.internalProperties ?? []).map((p) => [p.name, p.value]));
    const where = (internal.get('[[GeneratorLocation]]')?.value as ScriptLocation | undefined) ?? null;
    return { where, scopes: internal.get('[[Scopes]]')?.objectId ?? null };
  } catch {
    return { where: null, scopes: null };
  }
}

/** `12 ms`, `1.5 s`: how long before the newest event. */
function formatAgo(seconds: number): string {
  return seconds >= 1 ? `${Number(seconds.toFixed(2))} s` : `${Number((seconds * 1000).toFixed(1))} ms`;
}
