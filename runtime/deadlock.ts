// Deadlocks and programs that fell asleep. A wait-for graph is checked when a task parks on a task,
// a Lock, a one-holder Semaphore or a gather (runtime/verdict.ts gives its edges): a path back to
// the parking task is a cycle none of its tasks can leave. "All tasks asleep" is decided by the loop
// (EventLoop.runOnce: it would wait for ever and nothing can wake it). Either is reported once: to an
// attached debugger (which stops with reason 'deadlock'), else on stderr; a program that fell asleep
// then exits with status 1, as does a deadlock under `coroscope run --deadlock=error`.
import { relative } from 'node:path';
import { setAsleepHandler, type EventLoop } from './event-loop';
import type { Future } from './future';
import { log } from './log';
import { allTasks, setParkCheck, Task } from './task';
import { blockersOf, edgeLabel, verdictOf, type VerdictContext } from './verdict';

/** How many tasks one check visits at most: a park never costs more than this. */
const MAX_NODES = 64;

/** What a report says: its one line, and the tasks it is about (a cycle's first, in order). */
export interface StuckReport {
  readonly kind: 'deadlock' | 'asleep';
  /** `deadlock: c1 → Lock a held by c2 → Lock b held by c1`, `all tasks are asleep: nothing can wake them`. */
  readonly description: string;
  readonly tasks: readonly number[];
}

/** Where reports go instead of stderr (an attached debugger); null: stderr. */
let reporter: ((report: StuckReport) => void) | null = null;
export function setStuckReporter(next: ((report: StuckReport) => void) | null): void {
  reporter = next;
}

/** `--deadlock=error` (COROSCOPE_DEADLOCK=error): a deadlock ends the program with status 1. */
const deadlockIsError = (): boolean => process.env.COROSCOPE_DEADLOCK === 'error';

/** Cycles reported already (by their tasks' ids): each is reported once. */
const reported = new Set<string>();

interface Edge {
  readonly from: Task<unknown>;
  readonly via: Future<unknown>;
  readonly to: Task<unknown>;
}

/** The park check: only waits that are edges of the graph start a walk (a sleep or a read does not). */
function onPark(task: Task<unknown>, awaited: Future<unknown>): void {
  const r = awaited.waitReason;
  if (r === undefined) {
    // A task that is ready to run (the usual `await t`) leads nowhere: no walk, no allocation.
    if (!(awaited instanceof Task) || awaited.waitingOn === null) return;
  } else if (r.kind === 'primitive') {
    if (r.primitive !== 'Lock' && !r.primitive.endsWith('Semaphore')) return;
  } else if (r.kind !== 'task' && r.kind !== 'gather' && r.kind !== 'wait') return;
  if (findCycle(task) === null) return;
  // Reported from the loop's next callback, when no task is running (and the cycle is checked again).
  task.getLoop().callSoon(reportCycle, task);
}

/** A path of wait-for edges from `start` back to it, or null (at most MAX_NODES tasks visited). */
function findCycle(start: Task<unknown>): Edge[] | null {
  const seen = new Set<Task<unknown>>([start]);
  const path: Edge[] = [];
  const visit = (t: Task<unknown>): boolean => {
    for (const { task, via } of blockersOf(t)) {
      path.push({ from: t, via, to: task });
      if (task === start) return true;
      if (!seen.has(task) && seen.size < MAX_NODES) {
        seen.add(task);
        if (visit(task)) return true;
      }
      path.pop();
    }
    return false;
  };
  return visit(start) ? path : null;
}

/** `deadlock: c1 → Lock a held by c2 → Lock b held by c1`. */
function describeCycle(cycle: readonly Edge[]): string {
  return `deadlock: ${[cycle[0]!.from.getName(), ...cycle.map((e) => edgeLabel(e.from, e.via, e.to))].join(' → ')}`;
}

function reportCycle(task: Task<unknown>): void {
  if (task.done()) return;
  const cycle = findCycle(task);
  if (cycle === null) return;
  const tasks = cycle.map((e) => e.from);
  const key = tasks
    .map((t) => t.id)
    .sort((a, b) => a - b)
    .join(',');
  if (reported.has(key)) return;
  reported.add(key);
  const description = describeCycle(cycle);
  if (reporter !== null) return reporter({ kind: 'deadlock', description, tasks: tasks.map((t) => t.id) });
  log(`coroscope: ${description}\n${describeTasks(task.getLoop(), tasks)}`);
  if (deadlockIsError()) process.exit(1);
}

function onAsleep(loop: EventLoop): void {
  const tasks = [...allTasks(loop)];
  const description = 'all tasks are asleep: nothing can wake them';
  if (reporter !== null) return reporter({ kind: 'asleep', description, tasks: tasks.map((t) => t.id) });
  log(`coroscope: ${description}\n${describeTasks(loop, tasks)}`);
  process.exit(1);
}

/**
 * Each task with its verdict and its await chain in the program's lines, innermost first:
 *   c1: Lock a held by c2 (pipeline.ts:35), which waits for Lock b held by c1 (pipeline.ts:30): a deadlock
 *       at worker (examples/pipeline.ts:36:11)
 */
function describeTasks(loop: EventLoop, tasks: readonly Task<unknown>[]): string {
  const ctx = verdictContext(loop);
  const lines: string[] = [];
  for (const t of tasks) {
    lines.push(`  ${t.getName()}: ${verdictOf(t, ctx)}`);
    const chain = t._awaitChain();
    for (let i = chain.length - 1; i >= 0; i--) {
      const { coroutine, site } = chain[i]!;
      if (coroutine.defSite < 0 || !site) continue;
      lines.push(`      at ${coroutine.name} (${relative(process.cwd(), site.file) || site.file}:${site.line}:${site.column})`);
    }
  }
  return lines.join('\n');
}

/** What a verdict needs of the loop, made from its live tasks. */
function verdictContext(loop: EventLoop): VerdictContext {
  const tasks = new Map<number, Task<unknown>>();
  const children = new Map<number, number[]>();
  for (const t of allTasks(loop)) {
    tasks.set(t.id, t);
    if (t.parentId === null) continue;
    const list = children.get(t.parentId);
    if (list) list.push(t.id);
    else children.set(t.parentId, [t.id]);
  }
  return { loop, now: loop.time(), tasks, children };
}

setParkCheck(onPark);
setAsleepHandler(onAsleep);
