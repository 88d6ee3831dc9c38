// What a debugger sees of the runtime: a versioned, JSON-ready snapshot of tasks, futures and the
// loop, published through one well-known global as a small probe object. The debug adapter calls
// the probe with the inspector's Runtime.callFunctionOn(..., returnByValue) and reads generator
// objects by handle; it never reaches into private fields. The hooks that track tasks are installed
// only once a debugger attaches (attach()), so a program without one pays nothing.
import { Coroutine } from './coroutine';
import type { EventLoop } from './event-loop';
import { closeInspectorWhenAlone } from './host/inspector-close';
import { noDelayOnInspectorConnections } from './host/inspector-socket';
import { setCompletionHook, type Future } from './future';
import { Journal, stepTask } from './journal';
import { log } from './log';
import { formatJournal, taskJournal, timeline, type Timeline, type TaskJournalView } from './journal-view';
import { LoopWatchdog } from './loop-watchdog';
import type { ExceptionContext } from './handles';
import { basename } from 'node:path';
import { peekRunningLoop } from './running';
import { exceptionParts } from './traceback';
import {
  LIST_LIMIT,
  childrenOf,
  futureInfo,
  loopCounters,
  loopInfo,
  loopList,
  summarize,
  taskInfo,
  type Context,
  type FutureInfo,
  type LoopCounters,
  type LoopInfo,
  type LoopListKind,
  type LoopPage,
  type Snapshot,
  type TaskInfo,
  type TaskSummary,
  type ThreadList,
  type ThreadRows,
} from './snapshot';
import { allTasks, setTaskHooks, type Task, type TaskHooks } from './task';
import { setStuckReporter } from './deadlock';

export type * from './snapshot';
export type * from './journal-view';

/** Bumped when the shape of the snapshot changes incompatibly. */
export const SNAPSHOT_VERSION = 1;

/** The key of the global that holds the probe. */
export const PROBE_KEY = Symbol.for('coroscope.probe');

/** How many recently resumed tasks are remembered (they are always shown as threads). */
const RECENT_LIMIT = 32;
/** Resumes kept to find them in (a power of two): the newest RECENT_LIMIT distinct tasks among them. */
const RESUMES = 64;

/**
 * The state a debugger attachment keeps: the loops seen, recently resumed tasks, armed
 * break-on-resume generators. Invariant: hooks are installed exactly while `attached` is true.
 */
class Probe {
  readonly version = SNAPSHOT_VERSION;
  #attached = false;
  #loops: WeakRef<EventLoop>[] = [];
  /** The last RESUMES resumed tasks, resume n at slot n % RESUMES (a done task's slots are cleared). One store per step. */
  readonly #resumes: (Task<unknown> | null)[] = new Array<Task<unknown> | null>(RESUMES).fill(null);
  #resumeCount = 0;
  #armed: { gen: Generator<unknown, unknown, unknown>; taskId: number; depth: number }[] = [];
  /** While a step-in runs: the first task it spawns is armed, so the step can follow it. */
  #followSpawn = false;
  #spawnedDuringStep: number | null = null;
  #exceptionBreaks = false;
  #sighted = new WeakSet<object>();
  #stoppedAtThrow = new WeakSet<object>();
  readonly #sightedPrimitive: { memo: PrimitiveSighting | null } = { memo: null };
  readonly #stoppedPrimitive: { memo: PrimitiveSighting | null } = { memo: null };
  #generation = 0;
  #cache: Index | null = null;
  /** Loop time when a task last stopped running (while attached): how long the loop has been idle. */
  #lastStepEnd: number | null = null;
  /** Report slow callbacks as they happen (the debugger's Debug Console line; not for `--journal`). */
  #reportSlow = true;
  #watchdog: LoopWatchdog | null = null;
  #failedJournals = new WeakMap<object, TaskJournalView & { task: string }>();

  /**
   * The task hooks: the probe's bookkeeping and the journal's in one call per event, on an object of
   * one class (Task.#step calls these once or twice per step, under a server's load millions of times).
   */
  static readonly #Hooks = class implements TaskHooks {
    readonly #probe: Probe;
    constructor(probe: Probe) {
      this.#probe = probe;
    }
    spawned(task: Task<unknown>): void {
      const probe = this.#probe;
      probe.#generation++;
      const loop = task.getLoop();
      probe.#seeLoop(loop);
      loop._journal?.spawned(task);
      if (probe.#followSpawn && probe.#spawnedDuringStep === null) {
        probe.#spawnedDuringStep = task.id;
        probe.#arm(task.id, task._awaitChain(), 0);
      }
    }
    resuming(task: Task<unknown>): void {
      const probe = this.#probe;
      probe.#generation++;
      probe.#resumed(task);
      task.getLoop()._journal?.resumed(task);
    }
    // The journal notes when the step ended (without a clock read of its own); without one, the probe does.
    suspended(task: Task<unknown>): void {
      const probe = this.#probe;
      probe.#generation++;
      const loop = task.getLoop();
      const journal = loop._journal;
      if (journal !== null) journal.parked(task);
      else probe.#lastStepEnd = loop.time();
    }
    exited(task: Task<unknown>): void {
      const probe = this.#probe;
      probe.#generation++;
      const loop = task.getLoop();
      const journal = loop._journal;
      if (journal !== null) journal.done(task);
      else probe.#lastStepEnd = loop.time();
      probe.#exited(task);
    }
    cancelRequested(task: Task<unknown>): void {
      task.getLoop()._journal?.cancelRequested(task);
    }
  };

  /** Installs the task hooks; idempotent. Returns the snapshot version. */
  attach(): number {
    if (!this.#attached) {
      this.#attached = true;
      noDelayOnInspectorConnections();
      setTaskHooks(new Probe.#Hooks(this));
      // A deadlock or a program fallen asleep stops the debugger (on deadlockFound) instead of printing.
      setStuckReporter((report) => deadlockFound(report.description, report.kind, report.tasks.join(',')));
      setCompletionHook((fut, callbacks) => fut.getLoop()._journal?.completed(fut, callbacks));
      const loop = peekRunningLoop();
      if (loop) this.#seeLoop(loop);
      for (const ref of this.#loops) {
        const seen = ref.deref();
        if (seen && !seen.isClosed()) this.#seeLoop(seen);
      }
    }
    return SNAPSHOT_VERSION;
  }

  /** The journal without the debugger (`coroscope run --journal`): recorded, not reported as it goes. */
  journalOnly(): void {
    this.#reportSlow = false;
    this.attach();
  }

  detach(): void {
    this.#attached = false;
    this.#exceptionBreaks = false;
    setTaskHooks(null);
    setStuckReporter(null);
    setCompletionHook(null);
    this.setLoopBlockedStop(false);
    for (const ref of this.#loops) {
      const loop = ref.deref();
      if (loop) loop._journal = null;
    }
    this.cancelBreakOnResume();
  }

  /** Turns on the calls to taskFailed() and exceptionReported() (the adapter breaks there). */
  setExceptionBreaks(on: boolean): void {
    this.#exceptionBreaks = Boolean(on);
  }

  /** The loop being inspected: the running one, else the last one seen. */
  loopObject(): EventLoop | null {
    const running = peekRunningLoop();
    if (running) return running;
    for (let i = this.#loops.length - 1; i >= 0; i--) {
      const loop = this.#loops[i]!.deref();
      if (loop && !loop.isClosed()) return loop;
    }
    return null;
  }

  /** The id of the task stepping right now (its code is on the inspector's call stack), or null. */
  current(): number | null {
    return this.loopObject()?._currentTask?.id ?? null;
  }

  snapshot(): Snapshot {
    const loop = this.loopObject();
    const tasks = loop ? [...allTasks(loop)].slice(0, LIST_LIMIT) : [];
    const ctx = this.#context(loop);
    const { futures } = relate(tasks);
    return {
      version: SNAPSHOT_VERSION,
      currentTask: this.current(),
      loop: loop ? loopInfo(loop, ctx) : null,
      tasks: tasks.map((t) => taskInfo(t, ctx)),
      futures: [...futures.values()].map((f) => futureInfo(f, ctx)),
    };
  }

  /** The tasks to show as threads: the current and recently resumed ones first, at most `limit`, sorted by id. */
  threads(limit = 200): ThreadList {
    const loop = this.loopObject();
    if (!loop) return { total: 0, current: null, threads: [] };
    const index = this.#index(loop);
    const threads = [...this.#threadChoice(loop, limit)].sort((a, b) => a.id - b.id).map((t) => this.#summary(t, index));
    return { total: index.tasks.size, current: loop._currentTask?.id ?? null, threads };
  }

  /** threads(limit), packed (see ThreadRows): what the adapter's threads request asks for. */
  threadRows(limit = 200): ThreadRows {
    const { total, current, threads } = this.threads(limit);
    const sites = new Map<string, number>();
    const rows = threads.map((t) => {
      let site = -1;
      if (t.definedAt !== undefined) {
        site = sites.get(t.definedAt) ?? sites.size;
        if (site === sites.size) sites.set(t.definedAt, site);
      }
      return [t.id, t.name, t.coroutine, t.state, t.waitingFor, site, t.verdict] as const;
    });
    return { total, current, sites: [...sites.keys()], rows };
  }

  /**
   * A page of task summaries in creation order. With `threadLimit`, also which of the page's tasks
   * threads(threadLimit) shows (`threads`, their ids), without summarising the others.
   */
  tasks(offset = 0, count = 100, threadLimit?: number): { total: number; tasks: TaskSummary[]; threads?: number[] } {
    const loop = this.loopObject();
    if (!loop) return { total: 0, tasks: [], ...(threadLimit === undefined ? {} : { threads: [] }) };
    const index = this.#index(loop);
    const page = index.order.slice(offset, offset + count);
    const tasks = page.map((t) => this.#summary(t, index));
    if (threadLimit === undefined) return { total: index.order.length, tasks };
    const shown = this.#threadChoice(loop, threadLimit);
    return { total: index.order.length, tasks, threads: page.filter((t) => shown.has(t)).map((t) => t.id) };
  }

  /** Summaries of the tasks with these ids (unknown ids are left out). */
  summaries(ids: readonly number[]): TaskSummary[] {
    const loop = this.loopObject();
    if (!loop) return [];
    const index = this.#index(loop);
    return ids.flatMap((id) => {
      const t = index.tasks.get(id);
      return t ? [this.#summary(t, index)] : [];
    });
  }

  task(id: number): TaskInfo | null {
    const t = this.#findTask(id);
    return t ? taskInfo(t, this.#context(t.getLoop())) : null;
  }

  future(id: number): FutureInfo | null {
    const f = this.#findFuture(id);
    return f ? futureInfo(f, this.#context(f.getLoop())) : null;
  }

  /** The future a task's frame awaits (only the innermost frame awaits a future; outer ones await a coroutine). */
  awaitedFuture(taskId: number): FutureInfo | null {
    const w = this.#findTask(taskId)?.waitingOn;
    return w ? futureInfo(w, this.#context(w.getLoop())) : null;
  }

  loop(offset = 0, count = 100): LoopInfo | null {
    const loop = this.loopObject();
    return loop ? loopInfo(loop, this.#context(loop), offset, count) : null;
  }

  /** The loop's counters and list sizes, without the lists (each is paged with loopList). */
  loopCounters(): LoopCounters | null {
    const loop = this.loopObject();
    return loop ? loopCounters(loop, this.#context(loop)) : null;
  }

  /** Items [offset, offset + count) of one of the loop's lists, with the summaries of the tasks they wake. */
  loopList(kind: LoopListKind, offset = 0, count = 100): LoopPage | null {
    if (!['ready', 'timers', 'readers', 'writers'].includes(kind)) throw new TypeError(`loopList: no list '${String(kind)}' (ready, timers, readers or writers)`);
    const loop = this.loopObject();
    if (!loop) return null;
    const index = this.#index(loop);
    const { total, items } = loopList(loop, index.ctx, kind, offset, count);
    const owners = new Set<number>();
    for (const item of items) {
      for (const h of 'fd' in item ? [item.reader, item.writer] : [item]) if (h?.task !== undefined) owners.add(h.task);
    }
    return { total, items, owners: this.summaries([...owners]) };
  }

  /** The generator object of a coroutine in a task's await chain (returned by handle, for [[GeneratorLocation]]/[[Scopes]]). */
  generatorOf(taskId: number, depth: number): Generator<unknown, unknown, unknown> | null {
    const stack = this.#findTask(taskId)?._awaitChain();
    return stack?.[depth]?.coroutine.gen ?? null;
  }

  /** The task object itself, by handle. */
  taskObject(taskId: number): Task<unknown> | null {
    return this.#findTask(taskId);
  }

  /** The future object itself, by handle (the `await` hover expands it). */
  futureObject(id: number): Future<unknown> | null {
    return this.#findFuture(id);
  }

  /**
   * Arms a break when the task next resumes in one of the coroutines at depth <= maxDepth of its
   * await chain: their generators' next/throw call taskResumed() first, where the adapter keeps a
   * breakpoint, then the adapter steps into the generator. Disarmed on the first resume.
   */
  breakOnResume(taskId: number, maxDepth = Infinity): boolean {
    this.cancelBreakOnResume();
    const stack = this.#findTask(taskId)?._awaitChain();
    if (!stack) return false;
    this.#arm(taskId, stack, maxDepth);
    return this.#armed.length > 0;
  }

  /**
   * Step-in on a call of a coroutine function: the call only made the coroutine (its body starts
   * when a task first drives it), so arm it; the adapter stops on its first statement then.
   */
  breakOnStart(coroutine: unknown, taskId: number): boolean {
    if (!(coroutine instanceof Coroutine) || coroutine.state !== 'CREATED') return false;
    this.#arm(taskId, [{ coroutine }], 0);
    return true;
  }

  /** Step-in follows a task created during the step (see spawnedDuringStep); off when the step ends. */
  followSpawned(on: boolean): void {
    this.#followSpawn = on;
    this.#spawnedDuringStep = null;
  }

  /** The id of the task the current step-in created and armed, or null. */
  spawnedDuringStep(): number | null {
    return this.#spawnedDuringStep;
  }

  #arm(taskId: number, stack: readonly { coroutine: { gen: Generator<unknown, unknown, unknown> } }[], maxDepth: number): void {
    const probe = this;
    stack.forEach((entry, depth) => {
      if (depth > maxDepth) return;
      const gen = entry.coroutine.gen;
      const proto = Object.getPrototypeOf(gen) as Generator<unknown, unknown, unknown>;
      // An own next/throw shadows the prototype's until cancelBreakOnResume deletes it.
      for (const method of ['next', 'throw'] as const) {
        const original = proto[method] as (this: Generator<unknown, unknown, unknown>, arg?: unknown) => IteratorResult<unknown, unknown>;
        Object.defineProperty(gen, method, {
          configurable: true,
          writable: true,
          value(this: Generator<unknown, unknown, unknown>, arg?: unknown) {
            probe.cancelBreakOnResume();
            taskResumed(taskId, depth);
            return original.call(this, arg);
          },
        });
      }
      this.#armed.push({ gen, taskId, depth });
    });
  }

  cancelBreakOnResume(): void {
    for (const { gen } of this.#armed) {
      delete (gen as { next?: unknown }).next;
      delete (gen as { throw?: unknown }).throw;
    }
    this.#armed = [];
  }

  /**
   * True the first time an exception object is seen: the adapter's 'all exceptions' stop happens at
   * the throw, not again at each await the exception propagates through.
   */
  firstSighting(err: unknown): boolean {
    return this.#firstTime(this.#sighted, this.#sightedPrimitive, err);
  }

  /**
   * The adapter stopped at this exception's throw because no frame of its task catches it: the
   * task's end with it is not reported again (the 'uncaught' exception breakpoint stops once).
   * True the first time for an exception object.
   */
  stoppedAtThrow(err: unknown): boolean {
    return this.#firstTime(this.#stoppedAtThrow, this.#stoppedPrimitive, err);
  }

  /**
   * An object is the same exception wherever it is seen. A thrown primitive has no identity: it is
   * the same one while it propagates through its task's await chain, which happens within one step
   * of that task (one loop iteration).
   */
  #firstTime(objects: WeakSet<object>, primitive: { memo: PrimitiveSighting | null }, err: unknown): boolean {
    if ((typeof err === 'object' || typeof err === 'function') && err !== null) {
      if (objects.has(err)) return false;
      objects.add(err);
      return true;
    }
    const seen = this.#primitiveSighting(err);
    const last = primitive.memo;
    primitive.memo = seen;
    return !(last && last.task === seen.task && last.iteration === seen.iteration && Object.is(last.value, err));
  }

  #primitiveSighting(value: unknown): PrimitiveSighting {
    return { task: this.current(), iteration: this.loopObject()?.iteration ?? -1, value };
  }

  /**
   * What a Pause that found no task running shows: the task that ran last (else the oldest one,
   * main), and how long no task has run. Null when there is no loop.
   */
  idle(): { lastTask: number | null; idleFor: number | null; selector: string } | null {
    const loop = this.loopObject();
    if (!loop) return null;
    const tasks = this.#index(loop).tasks;
    let lastTask: number | null = null;
    for (const t of this.#recent()) {
      if (tasks.get(t.id) === t) {
        lastTask = t.id;
        break;
      }
    }
    if (lastTask === null) for (const t of tasks.values()) if (lastTask === null || t.id < lastTask) lastTask = t.id;
    const lastStepEnd = loop._journal?.lastStepEnd ?? this.#lastStepEnd;
    return { lastTask, idleFor: lastStepEnd === null ? null : Math.max(0, loop.time() - lastStepEnd), selector: loop.selector.kind };
  }

  /**
   * The tasks (but `except`) with a coroutine of the program suspended at `file:line`, for the `await`
   * hover on a line where other tasks wait: the first `limit` with what that coroutine awaits (the
   * task's future when every coroutine under it is the runtime's, else the next coroutine), and
   * how many there are. Scanned here, so a hover does not ship every task to the adapter.
   */
  suspendedAt(file: string, line: number, except: number | null, limit = 3): { total: number; tasks: SuspendedAt[] } {
    const loop = this.loopObject();
    if (!loop) return { total: 0, tasks: [] };
    const ctx = this.#context(loop);
    const out: SuspendedAt[] = [];
    let total = 0;
    for (const t of ctx.tasks.values()) {
      if (t.id === except || t.done() || loop._currentTask === t) continue;
      const chain = t._awaitChain();
      const depth = chain.findIndex((e) => e.site?.line === line && e.site.file === file && e.coroutine.state === 'SUSPENDED');
      if (depth < 0) continue;
      total++;
      if (out.length >= limit) continue;
      const next = chain.slice(depth + 1).find((e) => e.coroutine.defSite >= 0);
      if (next) {
        const at = next.site ? ` at ${basename(next.site.file)}:${next.site.line}` : '';
        out.push({ id: t.id, name: t.getName(), awaits: `${next.coroutine.name}() · suspended${at}`, future: null });
      } else {
        const fut = t.waitingOn ? futureInfo(t.waitingOn, ctx) : null;
        out.push({ id: t.id, name: t.getName(), awaits: fut?.summary ?? 'nothing: the task is ready to run', future: fut });
      }
    }
    return { total, tasks: out };
  }

  /** The debugger stopped the program: the callback running now is not reported as slow for the time it was stopped. */
  markStopped(): void {
    for (const ref of this.#loops) {
      const journal = ref.deref()?._journal;
      if (journal) journal.stops++;
    }
  }

  /** The journal of the task this exception ended, as text (`coroscope run --journal`), or null. */
  journalOfError(err: unknown): string | null {
    const j = typeof err === 'object' && err !== null ? this.#failedJournals.get(err) : undefined;
    return j ? formatJournal(j.task, j) : null;
  }

  /** A task's journal: who woke it last, and its recent history (newest first), or null for no such task. */
  journal(taskId: number): TaskJournalView | null {
    const t = this.#findTask(taskId);
    const journal = t?.getLoop()._journal;
    return t && journal ? taskJournal(journal, t) : null;
  }

  /** The loop's last `count` iterations (at most 10,000) and a lane per task (the timeline panel). */
  timeline(count = 200): Timeline | null {
    if (typeof count !== 'number' || !(count >= 0)) throw new TypeError(`timeline: count must be a number >= 0, got ${String(count)}`);
    const loop = this.loopObject();
    const journal = loop?._journal;
    return loop && journal ? timeline(journal, loop, count) : null;
  }

  /**
   * The 'Loop blocked' stop: on, a watchdog thread pauses the program once a callback or a task's
   * step has run `thresholdMs` (default: the loop's slowCallbackDuration) without returning to the loop.
   */
  setLoopBlockedStop(on: boolean, thresholdMs?: number): void {
    this.#watchdog?.stop();
    this.#watchdog = null;
    if (on) {
      const loop = this.loopObject();
      const fromEnv = Number(process.env.COROSCOPE_SLOW_CALLBACK_MS);
      const ms = thresholdMs ?? (fromEnv > 0 ? fromEnv : loop ? loop.slowCallbackDuration * 1000 : 100);
      this.#watchdog = new LoopWatchdog(ms);
    }
    for (const ref of this.#loops) {
      const journal = ref.deref()?._journal;
      if (journal) journal.beat = this.#watchdog?.beat ?? null;
    }
  }

  /**
   * Whether this pause is the watchdog's (once per blocking callback): the task and the callback
   * that hold the loop, and for how long they have, else null.
   */
  blockedNow(): { task: number | null; taskName: string | null; callback: string; runningFor: number; thresholdMs: number } | null {
    const watchdog = this.#watchdog;
    if (!watchdog || !watchdog.takeFired()) return null;
    const loop = this.loopObject();
    const running = loop?._journal?.running();
    if (!loop || !running) return null;
    const task = running.task;
    const fnName = running.handle.callback?.name.replace(/^bound /, '');
    return {
      task: task?.id ?? null,
      taskName: task?.getName() ?? null,
      callback: stepTask(running.handle) ? `${task!.getName()} step` : fnName ? `callback ${fnName}()` : 'a callback',
      runningFor: loop.time() - running.start,
      thresholdMs: watchdog.thresholdMs,
    };
  }

  /** The sub-exceptions of an exception group, as JSON text (the adapter passes the exception by handle). */
  exceptionParts(err: unknown): string {
    return JSON.stringify(exceptionParts(err));
  }

  /**
   * Cancels a task for the debugger (the Tasks view, the Debug Console's `$cancel`): Task.cancel(msg),
   * which takes effect when the program continues (the CancelledError is raised at the task's await,
   * or at its next one when it is the task stopped in). `ref` is a task id or a task's unique name.
   */
  cancelTask(ref: number | string, msg?: string | null): TaskAction {
    const found = this.#taskRef(ref);
    if (typeof found === 'string') return { error: found };
    const running = found.getLoop()._currentTask === found;
    const cancelled = found.cancel(msg ?? undefined);
    // The views read the task again: it is cancelling now.
    this.#generation++;
    return { id: found.id, name: found.getName(), cancelled, running };
  }

  /** Where a task was created (the Debug Console's `$created`): the creating line, else what createdAt knows. */
  createdSite(ref: number | string): TaskAction {
    const found = this.#taskRef(ref);
    if (typeof found === 'string') return { error: found };
    const info = taskInfo(found, this.#context(found.getLoop()));
    return { id: found.id, name: found.getName(), ...(info.createdSite ? { site: info.createdSite } : {}), createdAt: info.createdAt };
  }

  /** The task with this id, or the one task with this name; else what is wrong, for the user. */
  #taskRef(ref: number | string): Task<unknown> | string {
    if (typeof ref === 'number') return this.#findTask(ref) ?? `no task #${ref} (it has finished, or never existed)`;
    const loop = this.loopObject();
    const named = loop ? [...this.#index(loop).tasks.values()].filter((t) => t.getName() === ref) : [];
    if (named.length === 1) return named[0]!;
    if (named.length === 0) return `no task named '${ref}' (give its name as the Tasks view shows it, or its id)`;
    return `${named.length} tasks are named '${ref}' (ids ${named.map((t) => t.id).join(', ')}): give the id`;
  }

  /**
   * `coroscope ps` is done with the inspector it opened: it closes once ps has hung up (closing it
   * under a connected client can crash Node 20). False when no inspector is open.
   */
  closeInspectorWhenAlone(): boolean {
    return closeInspectorWhenAlone();
  }

  /** The functions the adapter sets breakpoints on (by handle, for their [[FunctionLocation]]). */
  hooks(): { taskResumed: typeof taskResumed; taskFailed: typeof taskFailed; exceptionReported: typeof exceptionReported; deadlockFound: typeof deadlockFound } {
    return { taskResumed, taskFailed, exceptionReported, deadlockFound };
  }

  // ---- internals ----------------------------------------------------------------------------

  #seeLoop(loop: EventLoop): void {
    // (Again after a detach, which dropped the journal.)
    if (!loop._journal) {
      const journal = (loop._journal = new Journal(loop));
      journal.reportSlow = this.#reportSlow;
      journal.beat = this.#watchdog?.beat ?? null;
      const slowMs = Number(process.env.COROSCOPE_SLOW_CALLBACK_MS);
      if (process.env.COROSCOPE_SLOW_CALLBACK_MS && Number.isFinite(slowMs) && slowMs > 0) loop.slowCallbackDuration = slowMs / 1000;
    }
    if (this.#loops.some((r) => r.deref() === loop)) return;
    this.#loops = this.#loops.filter((r) => r.deref() !== undefined);
    this.#loops.push(new WeakRef(loop));
    // Observe reports of exceptions nobody retrieved, for the 'never retrieved' exception breakpoint.
    const original = loop.callExceptionHandler;
    const probe = this;
    Object.defineProperty(loop, 'callExceptionHandler', {
      configurable: true,
      writable: true,
      value(this: EventLoop, context: ExceptionContext) {
        if (probe.#exceptionBreaks) exceptionReported(context.message, context.exception, context.task ?? context.future);
        const result = original.call(this, context);
        // `--journal`: a failed task's report ends with what happened to it.
        if (!probe.#reportSlow) {
          const text = probe.journalOfError(context.exception);
          if (text) log(text);
        }
        return result;
      },
    });
  }

  #resumed(task: Task<unknown>): void {
    const n = this.#resumeCount;
    if (this.#resumes[(n - 1) & (RESUMES - 1)] === task) return;
    this.#resumes[n & (RESUMES - 1)] = task;
    this.#resumeCount = n + 1;
  }

  /** Recently resumed tasks, newest first, each once, at most RECENT_LIMIT. */
  #recent(): Task<unknown>[] {
    const out: Task<unknown>[] = [];
    const n = this.#resumeCount;
    for (let k = n - 1; k >= 0 && k >= n - RESUMES && out.length < RECENT_LIMIT; k--) {
      const t = this.#resumes[k & (RESUMES - 1)];
      if (t && !out.includes(t)) out.push(t);
    }
    return out;
  }

  #exited(task: Task<unknown>): void {
    const journal = task.getLoop()._journal;
    const err = task._peekException();
    // The journal of a task that failed, kept by its exception (plain data: it keeps no task alive),
    // for `coroscope run --journal`'s report of the crash: only then is it read (journalOfError), so
    // under the debugger alone no failure pays for formatting it.
    // The first task the exception ended is where it came from (awaiting tasks re-raise it).
    if (journal && CRASH_JOURNALS && typeof err === 'object' && err !== null && !task.cancelled() && !this.#failedJournals.has(err)) this.#failedJournals.set(err, { task: task.getName(), ...taskJournal(journal, task) });
    const resumes = this.#resumes;
    for (let i = 0; i < RESUMES; i++) if (resumes[i] === task) resumes[i] = null;
    if (this.#exceptionBreaks && task.state === 'FINISHED' && /^<\w+ finished .*exception=/.test(task.toString()) && !this.#alreadyStopped(task)) {
      taskFailed(task.id, task.getName(), task.toString(), task._peekException());
    }
  }

  /** The adapter stopped at the throw of the exception this task ended with. */
  #alreadyStopped(task: Task<unknown>): boolean {
    const exception = task._peekException();
    if ((typeof exception === 'object' || typeof exception === 'function') && exception !== null) return this.#stoppedAtThrow.has(exception);
    const memo = this.#stoppedPrimitive.memo;
    return memo !== null && memo.task === task.id && memo.iteration === (this.loopObject()?.iteration ?? -1) && Object.is(memo.value, exception);
  }

  /** Current first, then recently resumed ones, then the oldest tasks: at most `limit`. */
  #threadChoice(loop: EventLoop, limit: number): Set<Task<unknown>> {
    const all = this.#index(loop).tasks;
    const chosen = new Set<Task<unknown>>();
    const current = loop._currentTask;
    if (current) chosen.add(current);
    for (const t of this.#recent()) {
      if (chosen.size >= limit) break;
      if (all.get(t.id) === t) chosen.add(t);
    }
    for (const t of all.values()) {
      if (chosen.size >= limit) break;
      chosen.add(t);
    }
    return chosen;
  }

  /** A task's summary, made once per index: threads, the task list and the loop's owners share it. */
  #summary(t: Task<unknown>, index: Index): TaskSummary {
    let s = index.summaries.get(t);
    if (!s) index.summaries.set(t, (s = summarize(t, index.ctx)));
    return s;
  }

  #findTask(id: number): Task<unknown> | null {
    const loop = this.loopObject();
    return loop ? (this.#index(loop).tasks.get(id) ?? null) : null;
  }

  #findFuture(id: number): Future<unknown> | null {
    const loop = this.loopObject();
    return loop ? (this.#index(loop).futures.get(id) ?? null) : null;
  }

  #context(loop: EventLoop | null): Context {
    return loop ? this.#index(loop).ctx : { loop: null, now: 0, tasks: new Map(), waiters: new Map(), children: new Map() };
  }

  /**
   * Every task by id and in creation order, and (built on first use, since listing tasks needs
   * none of it) who waits on what: future id -> tasks blocked on it, parent -> children, every
   * known future by id. Built once per state of the loop: while a debugger is attached, every
   * change of a task goes through a hook that bumps #generation, so a stopped program is indexed once.
   */
  #index(loop: EventLoop): Index {
    const c = this.#cache;
    if (this.#attached && c && c.loop === loop && c.iteration === loop.iteration && c.generation === this.#generation) return c;
    const order = [...allTasks(loop)];
    const tasks = new Map<number, Task<unknown>>();
    for (const t of order) tasks.set(t.id, t);
    let relations: Relations | undefined;
    const related = (): Relations => (relations ??= relate(order));
    const ctx: Context = {
      loop,
      now: loop.time(),
      tasks,
      get waiters() {
        return related().waiters;
      },
      get children() {
        return related().children;
      },
    };
    const index: Index = {
      loop,
      iteration: loop.iteration,
      generation: this.#generation,
      tasks,
      order,
      get futures() {
        return related().futures;
      },
      ctx,
      summaries: new Map(),
    };
    this.#cache = index;
    return index;
  }
}

interface Relations {
  readonly waiters: Map<number, Task<unknown>[]>;
  readonly children: Map<number, number[]>;
  readonly futures: Map<number, Future<unknown>>;
}

function relate(tasks: readonly Task<unknown>[]): Relations {
  const waiters = new Map<number, Task<unknown>[]>();
  const children = new Map<number, number[]>();
  const futures = new Map<number, Future<unknown>>();
  for (const t of tasks) {
    futures.set(t.id, t);
    const w = t.waitingOn;
    if (w) {
      futures.set(w.id, w);
      for (const child of childrenOf(w.waitReason)) futures.set(child.id, child);
      const list = waiters.get(w.id);
      if (list) list.push(t);
      else waiters.set(w.id, [t]);
    }
    if (t.parentId !== null) {
      const list = children.get(t.parentId);
      if (list) list.push(t.id);
      else children.set(t.parentId, [t.id]);
    }
  }
  return { waiters, children, futures };
}

/** The answer to cancelTask / createdSite: the task acted on, or what was wrong with the reference. */
export interface TaskAction {
  readonly error?: string;
  readonly id?: number;
  readonly name?: string;
  readonly cancelled?: boolean;
  /** The task is the one stopped in (its code is on the stack): the cancellation waits for its next await. */
  readonly running?: boolean;
  readonly site?: { readonly file: string; readonly line: number; readonly column: number };
  readonly createdAt?: string | null;
}

/** A task suspended at a line, and what its coroutine there awaits (`sleep 30 s · due in 29.7 s`). */
export interface SuspendedAt {
  readonly id: number;
  readonly name: string;
  readonly awaits: string;
  readonly future: FutureInfo | null;
}

interface Index {
  readonly loop: EventLoop;
  readonly iteration: number;
  readonly generation: number;
  readonly tasks: Map<number, Task<unknown>>;
  /** The tasks in creation order, for paging. */
  readonly order: readonly Task<unknown>[];
  readonly futures: Map<number, Future<unknown>>;
  readonly ctx: Context;
  /** Summaries made so far in this state of the loop. */
  readonly summaries: Map<Task<unknown>, TaskSummary>;
}

/** Where a thrown primitive was last seen: by which task, in which loop iteration. */
interface PrimitiveSighting {
  readonly task: number | null;
  readonly iteration: number;
  readonly value: unknown;
}

// The adapter sets breakpoints on these four: each is called only while a debugger asked for it.

/** Called when a task armed with breakOnResume resumes one of its coroutines. */
export function taskResumed(taskId: number, depth: number): void {
  void taskId;
  void depth;
}

/** Called when a task ends with an exception (the 'uncaught in a task' exception breakpoint). */
export function taskFailed(taskId: number, name: string, repr: string, exception: unknown): void {
  void taskId;
  void name;
  void repr;
  void exception;
}

/** Called when the loop reports an error (e.g. 'Task exception was never retrieved'). */
export function exceptionReported(message: string, exception: unknown, source: unknown): void {
  void message;
  void exception;
  void source;
}

/**
 * Called when a cycle of waits forms (`kind` 'deadlock') or every task fell asleep ('asleep'): the
 * adapter stops with reason 'deadlock', `description` in the stop, the tasks of `ids` (comma-separated,
 * a cycle's in its order) listed first.
 */
export function deadlockFound(description: string, kind: string, ids: string): void {
  void description;
  void kind;
  void ids;
}

/** `coroscope run --journal` (set before the runtime loads): a failed task's report ends with its journal. */
const CRASH_JOURNALS = process.env.COROSCOPE_JOURNAL === '1';

/** The probe every program publishes (the adapter finds it at globalThis[Symbol.for('coroscope.probe')]). */
export const probe = new Probe();
Object.defineProperty(globalThis, PROBE_KEY, { value: probe, configurable: true, enumerable: false, writable: false });
if (process.env.COROSCOPE_DEBUGGER === '1') probe.attach();
else if (process.env.COROSCOPE_JOURNAL === '1') probe.journalOnly();
