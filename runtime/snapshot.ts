// The snapshot's shape and how runtime objects become it: frozen-in-time, JSON-ready descriptions
// of tasks, futures and the loop, with what each future waits for rendered for a person
// (`sleep 0.25 s`, `fd 9 readable`, `gather of 3`). The probe (introspection.ts) serves them.
import { getpeername, getsockname } from './sys/calls';
import { describeTls } from './tls/registry';
import type { Coroutine } from './coroutine';
import type { EventLoop, FdHandles, WakeupCounts } from './event-loop';
import { Future, type WaitReason } from './future';
import { labelOf, type Handle, type TimerHandle } from './handles';
import { EVENT_READ, EVENT_WRITE } from './selector';
import { formatSite, siteOf, type Site } from './sites';
import { Task } from './task';
import { addressOf, runtimeAwaiter, verdictOf } from './verdict';

/** How many items a list in the snapshot carries at most (the rest is paged by the caller). */
export const LIST_LIMIT = 1000;

export interface FrameInfo {
  /** Position in the await chain: 0 is the task's own coroutine, the last is the innermost. */
  readonly depth: number;
  readonly name: string;
  readonly state: string;
  /** The TypeScript location of the await it is suspended at (1-based), when the loader recorded it. */
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  /** Where the coroutine function is defined. */
  readonly definedAt?: string;
}

export interface TaskSummary {
  readonly id: number;
  readonly name: string;
  /** The task's own coroutine's function name. */
  readonly coroutine: string;
  /** 'running' (stepping now), 'ready' (scheduled), 'waiting', or the future state once done. */
  readonly state: 'running' | 'ready' | 'waiting' | 'PENDING' | 'CANCELLED' | 'FINISHED';
  /** What the task waits on, rendered for a thread name: `recv fd 9`, `sleep 0.25 s`, `gather(3)`. */
  readonly waitingFor: string;
  /** Where the task's coroutine function is defined (file:line:column), when the loader recorded it. */
  readonly definedAt?: string;
  /** The kind of what it waits on (see WaitKind). */
  readonly waitKind: WaitKind;
  /** Which readiness it waits for, when waitKind is 'fd'. */
  readonly waitEvents?: 'read' | 'write';
  /** The await it is suspended at: the innermost suspended coroutine of its chain with a recorded site. */
  readonly awaitSite?: { readonly file: string; readonly line: number; readonly column: number };
  /** The task that created it (a TaskGroup member: the group's task), or null: the Tasks view's tree. */
  readonly parent?: number | null;
  /** The line that created it (`createTask(...)`, `gather(...)`), when known: "go to where it was created". */
  readonly createdSite?: { readonly file: string; readonly line: number; readonly column: number };
  /** Cancellation requests not yet taken (present only when some are): it is being cancelled. */
  readonly cancelRequested?: number;
  /**
   * Why it waits and what can wake it, the chain followed to its end (runtime/verdict.ts):
   * `wakes in 3.2 s`, `Lock a held by c2 (pipeline.ts:35), which waits for …`, `running`, `ready to run`.
   */
  readonly verdict: string;
}

/**
 * What a task waits on, for grouping: a wait reason's kind, 'task' for another task, 'nothing' for a
 * future nobody will complete (no reason recorded, awaited by the user's own code), 'none' when the
 * task is not waiting (running, ready or done).
 */
export type WaitKind = WaitReason['kind'] | 'nothing' | 'none';

export interface TaskInfo extends TaskSummary {
  readonly futureState: string;
  readonly cancelling: number;
  readonly stack: readonly FrameInfo[];
  /** The id of the future the task is blocked on, or null. */
  readonly awaiting: number | null;
  /** Tasks blocked on this task. */
  readonly awaitedBy: readonly number[];
  readonly parent: number | null;
  readonly children: readonly number[];
  /** Where it was created: the creating line (file:line:column) when known, else the stack captured in debug mode, else where its coroutine function is defined. */
  readonly createdAt: string | null;
  /** `<Task pending name='Task-1' coro=<main() running at ...>>`. */
  readonly repr: string;
}

export interface CallbackInfo {
  readonly description: string;
  /** The task this callback wakes, when it is a task's wake-up. */
  readonly task?: number;
}

export interface FutureInfo {
  readonly id: number;
  readonly kind: string;
  readonly state: string;
  /** The result or exception summary once done (`result=5`, `exception=ValueError('x')`). */
  readonly outcome: string | null;
  readonly cancelMessage: string | null;
  readonly callbacks: readonly CallbackInfo[];
  readonly waitReason: WaitReasonInfo | null;
  /** What will complete it, rendered: `fd 9 readable`, `timer due in 0.250 s`, `task Task-5`, `nobody`. */
  readonly completedBy: string;
  /** Tasks blocked on it. */
  readonly awaitedBy: readonly number[];
  /** One phrase a person reads (the `await` hover): `sleep 0.75 s · due in 0.12 s`, `recv fd 42 · pending · 127.0.0.1:50786 ↔ 127.0.0.1:36559`. */
  readonly summary: string;
  /** asyncio's repr: `<Future pending cb=[Task.wakeup()]>`. */
  readonly repr: string;
}

export interface WaitReasonInfo {
  readonly kind: WaitReason['kind'];
  readonly fd?: number;
  readonly events?: string;
  readonly when?: number;
  readonly delay?: number;
  readonly dueIn?: number;
  readonly task?: number;
  readonly children?: readonly number[];
  readonly mode?: string;
  readonly primitive?: string;
  readonly name?: string;
  readonly what?: string;
}

export interface HandleInfo {
  readonly id: number;
  /** What a person reads: what the task it wakes waits on (`sleep 30 s`, `recv fd 9`), or what the callback is for (`Node's event loop (libuv backend fd)`). */
  readonly label: string;
  /** The runtime's repr of the handle (`TimerHandle when=30.617 setResultUnlessCancelled(...)`), for the detail. */
  readonly description: string;
  readonly task?: number;
  readonly when?: number;
  readonly dueIn?: number;
}

export interface FdInfo {
  readonly fd: number;
  readonly events: string;
  /** For a socket: its local and peer addresses (`127.0.0.1:8080`); null when not a socket or not connected. */
  readonly sockname: string | null;
  readonly peername: string | null;
  /** For a TLS connection: `TLS 1.3 · peer CN=localhost` (`TLS handshake` while it runs); else null. */
  readonly tls: string | null;
  readonly reader: HandleInfo | null;
  readonly writer: HandleInfo | null;
}

/** The loop's counters and the sizes of its lists, without the lists (the Event loop scope's first level). */
export interface LoopCounters {
  readonly iteration: number;
  readonly time: number;
  readonly running: boolean;
  readonly closed: boolean;
  readonly debug: boolean;
  readonly selector: string;
  readonly lastIteration: { fdsReady: number; timersFired: number; callbacksRun: number; selectTimeout: number | null };
  readonly wakeups: WakeupCounts;
  readonly readyCount: number;
  readonly timerCount: number;
  /** Registered fds with a reader, and with a writer. */
  readonly readerCount: number;
  readonly writerCount: number;
  readonly pendingPromises: number;
  readonly taskCount: number;
}

export interface LoopInfo extends LoopCounters {
  readonly ready: readonly HandleInfo[];
  readonly timers: readonly HandleInfo[];
  readonly fds: readonly FdInfo[];
}

/** The loop's lists, each paged on its own (readers and writers are fds, in fd order). */
export type LoopListKind = 'ready' | 'timers' | 'readers' | 'writers';

/** One page of a loop list, with the tasks its items wake (so each item can name its task). */
export interface LoopPage {
  readonly total: number;
  readonly items: readonly (HandleInfo | FdInfo)[];
  readonly owners: readonly TaskSummary[];
}

export interface Snapshot {
  readonly version: number;
  readonly currentTask: number | null;
  readonly loop: LoopInfo | null;
  readonly tasks: readonly TaskInfo[];
  readonly futures: readonly FutureInfo[];
}

export interface ThreadList {
  readonly total: number;
  readonly current: number | null;
  readonly threads: readonly TaskSummary[];
}

/** What a thread's name is made of: the part of a TaskSummary the threads request reads. */
export type ThreadSummary = Pick<TaskSummary, 'id' | 'name' | 'coroutine' | 'state' | 'waitingFor' | 'definedAt' | 'verdict'>;

/**
 * ThreadList packed for the inspector, which carries JSON text at roughly 50 ms per MB: each thread
 * is a row `[id, name, coroutine, state, waitingFor, site, verdict]`, where site indexes `sites` (the
 * distinct definedAt texts, each a full path) or is -1. 10,000 threads are 0.5 MB instead of 2.7 MB.
 */
export interface ThreadRows {
  readonly total: number;
  readonly current: number | null;
  readonly sites: readonly string[];
  readonly rows: readonly (readonly [number, string, string, TaskSummary['state'], string, number, string])[];
}

/** What one probe call knows about the loop: every task, and who waits on what. */
export interface Context {
  readonly loop: EventLoop | null;
  readonly now: number;
  readonly tasks: Map<number, Task<unknown>>;
  readonly waiters: Map<number, Task<unknown>[]>;
  readonly children: Map<number, number[]>;
}

/** A task as a thread shows it: id, names, state, what it waits on. */
export function summarize(t: Task<unknown>, ctx: Context): TaskSummary {
  const running = ctx.loop?._currentTask === t;
  const w = t.waitingOn;
  // One copy of the chain per summary: a listing of 10,000 tasks is mostly allocation.
  const chain = t._awaitChain();
  const state = t.done() ? t.state : running ? 'running' : w ? 'waiting' : 'ready';
  const waitingFor = running ? 'running' : w ? (w.waitReason || w instanceof Task ? renderWait(w, ctx, true) : unexplainedWait(chain, w)) : t.done() ? t.state.toLowerCase() : 'ready';
  const def = siteOf(t.coro.defSite);
  const site = awaitSiteOf(chain);
  const reason = running ? undefined : w?.waitReason;
  const created = siteOf(t.creationSite);
  return {
    id: t.id,
    name: t.getName(),
    coroutine: t.coro.name,
    state,
    waitingFor,
    ...(def ? { definedAt: formatSite(def) } : {}),
    waitKind: running || !w || t.done() ? 'none' : waitKindOf(chain, w),
    ...(reason?.kind === 'fd' ? { waitEvents: reason.events } : {}),
    ...(site ? { awaitSite: { file: site.file, line: site.line, column: site.column } } : {}),
    parent: t.parentId,
    ...(!t.done() && t.cancelling() > 0 ? { cancelRequested: t.cancelling() } : {}),
    ...(created ? { createdSite: { file: created.file, line: created.line, column: created.column } } : {}),
    verdict: verdictOf(t, ctx),
  };
}

type AwaitChain = ReturnType<Task<unknown>['_awaitChain']>;

function waitKindOf(chain: AwaitChain, w: Future<unknown>): WaitKind {
  if (w instanceof Task) return 'task';
  if (w.waitReason) return w.waitReason.kind;
  // No reason recorded: a runtime coroutine's own future (TaskGroup.exit) is completed by that code.
  return runtimeAwaiter(chain) === null ? 'nothing' : 'other';
}

/** The site of the innermost suspended coroutine of the chain that has one (a running one has left its await). */
function awaitSiteOf(stack: AwaitChain): Site | undefined {
  for (let i = stack.length - 1; i >= 0; i--) {
    const entry = stack[i]!;
    if (entry.site && entry.coroutine.state === 'SUSPENDED') return entry.site;
  }
  return undefined;
}

/** A task with its await chain, what it awaits, who awaits it, parent and children. */
export function taskInfo(t: Task<unknown>, ctx: Context): TaskInfo {
  const stack = t._awaitChain().map((entry, depth) => frameInfo(entry.coroutine, entry.site, depth));
  return {
    ...summarize(t, ctx),
    futureState: t.state,
    cancelling: t.cancelling(),
    stack,
    awaiting: t.waitingOn?.id ?? null,
    awaitedBy: (ctx.waiters.get(t.id) ?? []).map((w) => w.id),
    parent: t.parentId,
    children: ctx.children.get(t.id) ?? [],
    createdAt: formatSiteOrNull(t.creationSite) ?? t.createdAt ?? formatSiteOrNull(t.coro.defSite),
    repr: t.toString(),
  };
}

/** A future: state, outcome, callbacks, and what will complete it. */
export function futureInfo(f: Future<unknown>, ctx: Context): FutureInfo {
  const waiting = ctx.waiters.get(f.id) ?? [];
  const callbacks: CallbackInfo[] = waiting.map((t) => ({ description: `wakes ${t.getName()}`, task: t.id }));
  for (const cb of f.callbacks.slice(waiting.length)) callbacks.push({ description: describeFn(cb) });
  const repr = f.toString();
  const outcome = f.state === 'FINISHED' ? (/ (result=.*|exception=.*?)(?: cb=\[.*)?>$/.exec(repr)?.[1] ?? null) : null;
  return {
    id: f.id,
    kind: f instanceof Task ? 'Task' : f.constructor.name,
    state: f.state,
    outcome,
    cancelMessage: f.cancelMessage ?? null,
    callbacks,
    waitReason: reasonInfo(f.waitReason, ctx),
    completedBy: f.done() ? 'done' : renderCompletion(f, ctx),
    awaitedBy: waiting.map((t) => t.id),
    summary: futureSummary(f, ctx, outcome),
    repr,
  };
}

/** The `summary` of futureInfo: what the future stands for, then its state (a pending timer: when it is due). */
function futureSummary(f: Future<unknown>, ctx: Context, outcome: string | null): string {
  const state = f.state === 'PENDING' ? 'pending' : f.state === 'CANCELLED' ? 'cancelled' : 'finished';
  const ended = outcome ? `${state} → ${outcome.replace(/^result=/, '').replace(/^exception=/, 'raised ')}` : state;
  if (f instanceof Task) return `${f.getName()} ${f.coro.name}() · ${ended}`;
  const r = f.waitReason;
  if (r?.kind === 'timer' && !f.done()) return `sleep ${seconds(r.delay)} · due in ${seconds(Math.max(0, r.when - ctx.now))}`;
  if (r?.kind === 'fd') {
    const peer = addressOf(getpeername, r.fd);
    const own = peer ? addressOf(getsockname, r.fd) : null;
    const tls = describeTls(r.fd);
    return `${renderWait(f, ctx, true)} · ${ended}${peer ? ` · ${own ?? '?'} ↔ ${peer}` : ''}${tls && tls !== 'TLS handshake' ? ` · ${tls}` : ''}`;
  }
  return r ? `${renderWait(f, ctx, true)} · ${ended}` : `Future #${f.id} · ${ended}${f.done() ? '' : ' · completed by nobody'}`;
}

/** The loop: counters, ready queue, timers, and readers/writers per fd with the task each wakes. */
export function loopInfo(loop: EventLoop, ctx: Context, offset = 0, count = LIST_LIMIT): LoopInfo {
  const ready = loop.readyHandles();
  const timers = loop.scheduledTimers();
  const fds = [...loop.selector.getMap().keys()].sort((a, b) => a - b).map((fd) => fdInfo(loop, fd, ctx));
  return {
    ...loopCounters(loop, ctx, timers),
    ready: ready.slice(offset, offset + count).map((h) => handleInfo(h, ctx)),
    timers: timers.slice(offset, offset + count).map((h) => handleInfo(h, ctx)),
    fds,
  };
}

/** The counters and list sizes alone: no handle is described and no fd asked for its addresses. */
export function loopCounters(loop: EventLoop, ctx: Context, timers: readonly TimerHandle[] = loop.scheduledTimers()): LoopCounters {
  let readerCount = 0;
  let writerCount = 0;
  for (const key of loop.selector.getMap().values()) {
    const data = key.data as FdHandles;
    if (data.reader) readerCount++;
    if (data.writer) writerCount++;
  }
  const stats = loop.lastIteration;
  return {
    iteration: loop.iteration,
    // The time of this state of the loop, as every dueIn is measured from: one reading per stop, so
    // the views of one stop agree (a paused loop's clock goes on running).
    time: ctx.now,
    running: loop.isRunning(),
    closed: loop.isClosed(),
    debug: loop.getDebug(),
    selector: loop.selector.kind,
    lastIteration: { fdsReady: stats.fdsReady, timersFired: stats.timersFired, callbacksRun: stats.callbacksRun, selectTimeout: stats.selectTimeout },
    wakeups: loop.wakeups,
    readyCount: loop.readyCount,
    timerCount: timers.length,
    readerCount,
    writerCount,
    pendingPromises: loop.pendingPromises,
    taskCount: ctx.tasks.size,
  };
}

/** Items [offset, offset + count) of one of the loop's lists, and how many it has. */
export function loopList(loop: EventLoop, ctx: Context, kind: LoopListKind, offset: number, count: number): { total: number; items: (HandleInfo | FdInfo)[] } {
  if (kind === 'ready' || kind === 'timers') {
    const handles = kind === 'ready' ? loop.readyHandles() : loop.scheduledTimers();
    return { total: handles.length, items: handles.slice(offset, offset + count).map((h) => handleInfo(h, ctx)) };
  }
  const side = kind === 'readers' ? 'reader' : 'writer';
  const fds: number[] = [];
  for (const [fd, key] of loop.selector.getMap()) if ((key.data as FdHandles)[side]) fds.push(fd);
  fds.sort((a, b) => a - b);
  return { total: fds.length, items: fds.slice(offset, offset + count).map((fd) => fdInfo(loop, fd, ctx)) };
}

/** A registered fd: its events, a socket's addresses, and the handles waiting on it. */
function fdInfo(loop: EventLoop, fd: number, ctx: Context): FdInfo {
  const key = loop.selector.getMap().get(fd)!;
  const data = key.data as FdHandles;
  return {
    fd,
    events: `${key.events & EVENT_READ ? 'r' : ''}${key.events & EVENT_WRITE ? 'w' : ''}`,
    sockname: addressOf(getsockname, fd),
    peername: addressOf(getpeername, fd),
    tls: describeTls(fd),
    reader: data.reader ? handleInfo(data.reader, ctx, { fd, events: 'read' }) : null,
    writer: data.writer ? handleInfo(data.writer, ctx, { fd, events: 'write' }) : null,
  };
}

export function frameInfo(coroutine: Coroutine<unknown>, site: { file: string; line: number; column: number } | undefined, depth: number): FrameInfo {
  const def = siteOf(coroutine.defSite);
  return {
    depth,
    name: coroutine.name,
    state: coroutine.state,
    ...(site ? { file: site.file, line: site.line, column: site.column } : {}),
    ...(def ? { definedAt: formatSite(def) } : {}),
  };
}

export function formatSiteOrNull(id: number): string | null {
  const s = siteOf(id);
  return s ? formatSite(s) : null;
}

export function childrenOf(reason: WaitReason | undefined): readonly Future<unknown>[] {
  if (!reason) return [];
  if (reason.kind === 'gather' || reason.kind === 'wait') return reason.children;
  if (reason.kind === 'task') return [reason.task];
  return [];
}

/** A socket's address, or null where the fd has none (not a socket, not connected, unnamed). */

function taskName(f: Future<unknown>): string {
  return f instanceof Task ? f.getName() : `Future #${f.id}`;
}

function seconds(x: number): string {
  return `${Number(x.toFixed(3))} s`;
}

/** The short form for thread names (`sleep 0.25 s`, `recv fd 9`, `gather(3)`), or the long form for views. */
/**
 * A future with no recorded wait reason, named after the runtime coroutine that awaits it when
 * there is one (`TaskGroup.exit`, a library call), else by its id.
 */
function unexplainedWait(chain: AwaitChain, f: Future<unknown>): string {
  const awaiter = runtimeAwaiter(chain);
  return awaiter ? `${awaiter} (Future #${f.id})` : `Future #${f.id}`;
}

/** The name of the runtime (library) coroutine at the top of a task's chain, or null when the top is the user's. */

function renderWait(f: Future<unknown>, ctx: Context, short: boolean): string {
  const r = f.waitReason;
  if (f instanceof Task) return `await ${f.getName()} ${f.coro.name}`;
  if (!r) return short ? `Future #${f.id}` : 'nobody: no wait reason was recorded (whoever holds this future must complete it)';
  switch (r.kind) {
    case 'timer':
      return short ? `sleep ${seconds(r.delay)}` : `timer due in ${seconds(Math.max(0, r.when - ctx.now))} (at loop time ${r.when.toFixed(3)})`;
    case 'fd': {
      const op = (r as { op?: string }).op;
      if (short) return `${op ?? (r.events === 'read' ? 'read' : 'write')} fd ${r.fd}`;
      return `fd ${r.fd} ${r.events === 'read' ? 'readable' : 'writable'}${op ? ` (${op})` : ''}`;
    }
    case 'task':
      return short ? `await ${taskName(r.task)}` : `task ${taskName(r.task)}`;
    case 'gather': {
      const done = r.children.filter((c) => c.done()).length;
      return short ? `gather(${r.children.length})` : `gather of ${r.children.length} (${done} done)`;
    }
    case 'wait':
      return short ? `wait(${r.children.length}, ${r.mode})` : `wait for ${r.mode} of ${r.children.length}`;
    case 'primitive':
      return `${r.primitive}${r.name ? ` ${r.name}` : ''}`;
    case 'promise':
      return short ? 'promise' : 'a native promise (settles on Node’s loop)';
    case 'other':
      return r.what;
  }
}

function renderCompletion(f: Future<unknown>, ctx: Context): string {
  return renderWait(f, ctx, false);
}

function reasonInfo(r: WaitReason | undefined, ctx: Context): WaitReasonInfo | null {
  if (!r) return null;
  switch (r.kind) {
    case 'timer':
      return { kind: r.kind, when: r.when, delay: r.delay, dueIn: r.when - ctx.now };
    case 'fd':
      return { kind: r.kind, fd: r.fd, events: r.events };
    case 'task':
      return { kind: r.kind, task: r.task.id };
    case 'gather':
      return { kind: r.kind, children: r.children.map((c) => c.id) };
    case 'wait':
      return { kind: r.kind, children: r.children.map((c) => c.id), mode: r.mode };
    case 'primitive':
      return { kind: r.kind, primitive: r.primitive, ...(r.name ? { name: r.name } : {}) };
    case 'promise':
      return { kind: r.kind };
    case 'other':
      return { kind: r.kind, what: r.what };
  }
}

function describeFn(fn: (...args: never[]) => unknown): string {
  const described = (fn as { description?: () => string }).description;
  if (typeof described === 'function') return described();
  return fn.name ? `${fn.name.replace(/^bound /, '')}()` : '<anonymous callback>';
}

/** A handle with the task it belongs to: a task's step, a future's callback, or an fd's waiter. */
function handleInfo(h: Handle | TimerHandle, ctx: Context, fd?: { fd: number; events: 'read' | 'write' }): HandleInfo {
  const when = (h as TimerHandle).when;
  let task: Task<unknown> | undefined;
  for (const a of h.args) {
    if (a instanceof Task && !h.callback?.name) task = a;
    else if (a instanceof Future) task = ctx.waiters.get(a.id)?.[0];
    if (task) break;
  }
  if (!task && fd) {
    for (const t of ctx.tasks.values()) {
      const r = t.waitingOn?.waitReason;
      if (r?.kind === 'fd' && r.fd === fd.fd && r.events === fd.events) {
        task = t;
        break;
      }
    }
  }
  const text = h.toString();
  if (!task) {
    const m = /name='([^']*)'/.exec(text);
    if (m) for (const t of ctx.tasks.values()) if (t.getName() === m[1]) task = t;
  }
  const description = text.replace(/^<|>$/g, '');
  const w = task && !task.done() && ctx.loop?._currentTask !== task ? task.waitingOn : null;
  const label = w && (w.waitReason || w instanceof Task) ? renderWait(w, ctx, true) : (labelOf(h.callback) ?? (task && !w ? 'runs its next step' : description));
  return {
    id: h.id,
    label,
    description,
    ...(task ? { task: task.id } : {}),
    ...(typeof when === 'number' ? { when, dueIn: when - ctx.now } : {}),
  };
}
