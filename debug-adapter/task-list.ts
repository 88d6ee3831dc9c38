// The custom request `coroscope/tasks` (the extension's Tasks view; shape in extension/ADAPTER-CONVENTIONS.md):
// every task of the stopped program with what it waits on and the await line it is suspended at,
// the DAP thread showing it when it is one (tasks beyond the thread cap are listed too), and the
// loop's readiness sets and timers. A map over the probe's task summaries and loop snapshot.
import type { HandleInfo, LoopInfo, TaskSummary, WaitKind } from './probe-client';
import { NoProbeError } from './probe-client';
import { UserError } from './errors';
import { coroutineLabel, taskLabel, threadOfTask, type StopView } from './stop-view';

export const TASKS_REQUEST = 'coroscope/tasks';

export interface TaskListArguments {
  /** At most this many tasks (default: all); `total` counts them all. */
  limit?: number;
}

export interface TaskListEntry {
  id: number;
  /** The task's own name (`alice`); the view shows what it waits on next, then `coroutine`. */
  name: string;
  /** `kvClient(who, port)`. */
  coroutine: string;
  state: 'running' | 'ready' | 'suspended' | 'done' | 'cancelled';
  wait: { kind: WaitKind; text: string; events?: 'read' | 'write' };
  /** Why it waits and what can wake it (TaskSummary.verdict): `Lock a held by c2 (pipeline.ts:35), which …`. */
  verdict?: string;
  threadId?: number;
  location?: { path: string; line: number; column?: number };
  /** The task that created it (a TaskGroup member: the group's task): the Tasks view's tree. */
  parent?: number;
  /** The line that created it: the view's "Go to Where It Was Created". */
  created?: { path: string; line: number; column: number };
  /** A cancel was requested and has not been taken yet (it is taken when the program continues). */
  cancelRequested?: true;
}

export interface TaskListLoop {
  iteration: number;
  time: number;
  selector: string;
  ready: number;
  readers: { fd: number; waiter: string }[];
  writers: { fd: number; waiter: string }[];
  timers: { dueIn: number; what: string }[];
}

export interface TaskListBody {
  tasks: TaskListEntry[];
  total: number;
  loop: TaskListLoop;
}

/** How many timers and ready handles the loop part carries at most. */
const LOOP_ITEMS = 100;

const STATES: Record<TaskSummary['state'], TaskListEntry['state']> = {
  running: 'running',
  ready: 'ready',
  waiting: 'suspended',
  PENDING: 'ready',
  FINISHED: 'done',
  CANCELLED: 'cancelled',
};

/** Validates the request's arguments; the limit, or undefined for all tasks. */
export function taskListLimit(args: TaskListArguments): number | undefined {
  const limit = args.limit;
  if (limit === undefined || limit === null) return undefined;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 0) {
    throw new UserError(`${TASKS_REQUEST}: "limit" must be a non-negative integer (got ${JSON.stringify(limit)})`);
  }
  return limit;
}

/** The task list of one stop. */
export async function taskList(view: StopView, limit: number | undefined): Promise<TaskListBody> {
  // Only the page is summarised (and which of its tasks are threads), so a limit of 100 costs 100.
  let page, loop, owners;
  try {
    [page, loop] = await Promise.all([view.probe.tasksWithThreads(0, limit ?? Infinity, view.options.maxThreads), view.probe.loop(0, LOOP_ITEMS)]);
    owners = loop ? await ownersBeyond(view, loop, page.tasks) : [];
  } catch (err) {
    if (err instanceof NoProbeError) throw new UserError(`${TASKS_REQUEST}: the program has not loaded the coroscope runtime yet`);
    throw err;
  }
  if (!loop) throw new UserError(`${TASKS_REQUEST}: no event loop is running (the program has not started one yet, or it has closed)`);
  const shown = new Set(page.threads);
  const stoppedAt = stopLocation(view);
  const tasks = page.tasks.map((t) => entry(t, shown.has(t.id), t.id === view.currentTask ? stoppedAt : undefined));
  const byId = new Map([...page.tasks, ...owners].map((t) => [t.id, t]));
  return { tasks, total: page.total, loop: loopPart(loop, byId) };
}

/** The summaries of the tasks the loop's handles wake that are not on the page (each handle names its task). */
function ownersBeyond(view: StopView, loop: LoopInfo, page: readonly TaskSummary[]): Promise<TaskSummary[]> {
  const listed = new Set(page.map((t) => t.id));
  const wanted = new Set<number>();
  for (const h of [...loop.timers, ...loop.fds.flatMap((f) => [f.reader, f.writer])]) if (h?.task !== undefined && !listed.has(h.task)) wanted.add(h.task);
  return wanted.size === 0 ? Promise.resolve([]) : view.probe.summaries([...wanted]);
}

function entry(t: TaskSummary, isThread: boolean, stoppedAt: TaskListEntry['location']): TaskListEntry {
  const site = t.awaitSite;
  // The running task has left its await: its place is where it is stopped.
  const location = stoppedAt ?? (site ? { path: site.file, line: site.line, column: site.column } : undefined);
  return {
    id: t.id,
    name: t.name,
    coroutine: coroutineLabel(t),
    state: STATES[t.state],
    wait: { kind: t.waitKind, text: t.waitingFor, ...(t.waitEvents ? { events: t.waitEvents } : {}) },
    ...(t.verdict ? { verdict: t.verdict } : {}),
    ...(isThread ? { threadId: threadOfTask(t.id) } : {}),
    ...(location ? { location } : {}),
    ...(t.parent !== null && t.parent !== undefined ? { parent: t.parent } : {}),
    ...(t.createdSite ? { created: { path: t.createdSite.file, line: t.createdSite.line, column: t.createdSite.column } } : {}),
    ...(t.cancelRequested ? { cancelRequested: true as const } : {}),
  };
}

/** Where the stopped task's code is: its innermost frame in a user source. */
function stopLocation(view: StopView): TaskListEntry['location'] {
  if (view.currentTask === null) return undefined;
  const top = view.callFrames.find((cf) => view.scripts.get(cf.location.scriptId)?.isUser);
  return (top && view.scripts.toOriginal(top.location)) ?? undefined;
}

/** The loop's sets, each handle named by the task it wakes (`sleep 0.25 s → ticker(period)`) when it wakes one. */
function loopPart(loop: LoopInfo, tasks: Map<number, TaskSummary>): TaskListLoop {
  const name = (id: number): string => {
    const t = tasks.get(id);
    return t ? taskLabel(t) : `task #${id}`;
  };
  const waiter = (h: HandleInfo): string => (h.task !== undefined ? name(h.task) : h.label);
  const timer = (h: HandleInfo): string => (h.task === undefined ? h.label : `${h.label} → ${name(h.task)}`);
  return {
    iteration: loop.iteration,
    time: loop.time,
    selector: loop.selector,
    ready: loop.readyCount,
    readers: loop.fds.filter((f) => f.reader).map((f) => ({ fd: f.fd, waiter: waiter(f.reader!) })),
    writers: loop.fds.filter((f) => f.writer).map((f) => ({ fd: f.fd, waiter: waiter(f.writer!) })),
    timers: loop.timers.map((h) => ({ dueIn: Math.max(0, h.dueIn ?? 0), what: timer(h) })),
  };
}
