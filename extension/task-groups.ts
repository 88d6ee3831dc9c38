// Groups the adapter's task list the way the Tasks view shows it: by what the tasks wait on, with
// counts ("812 tasks ⏸ recv"), filtered by a search string. Pure, so it is unit-tested directly.
import type { TaskInfo } from './protocol';

export interface TaskGroup {
  /** Stable key, e.g. "fd:read". */
  readonly key: string;
  /** What a person reads: "fd read", "timer", "another task", "queue / lock / event", "nobody". */
  readonly label: string;
  readonly tasks: readonly TaskInfo[];
}

/** `2 tasks ⏸ fd readable (recv)`, `1 task ▶ running`: a running or ready task is not shown as paused. */
export function groupLabel(group: TaskGroup): string {
  const symbol = group.key === 'running' || group.key === 'ready' ? '▶' : group.key === 'done' ? '✓' : '⏸';
  return `${countLabel(group.tasks.length)} ${symbol} ${group.label}`;
}

const ORDER = ['running', 'ready', 'fd:read', 'fd:write', 'timer', 'task', 'gather', 'wait', 'primitive', 'promise', 'other', 'nothing', 'done'];

function keyAndLabel(task: TaskInfo): [string, string] {
  if (task.state === 'running') return ['running', 'running'];
  if (task.state === 'ready') return ['ready', 'ready to run'];
  if (task.state === 'done' || task.state === 'cancelled') return ['done', 'finished'];
  switch (task.wait.kind) {
    case 'fd': return task.wait.events === 'write' ? ['fd:write', 'fd writable (send)'] : ['fd:read', 'fd readable (recv)'];
    case 'timer': return ['timer', 'timer (sleep)'];
    case 'task': return ['task', 'another task'];
    case 'gather': return ['gather', 'gather'];
    case 'wait': return ['wait', 'wait / waitFor'];
    case 'primitive': return ['primitive', 'queue / lock / event'];
    case 'promise': return ['promise', 'a promise (Node)'];
    case 'nothing': return ['nothing', 'nobody (a future nothing will complete)'];
    case 'none': return ['ready', 'ready to run'];
    default: return ['other', 'other'];
  }
}

/** True when `query` (case-insensitive, words in any order) matches the task's name or wait. */
export function matches(task: TaskInfo, query: string): boolean {
  const hay = `${task.name} ${task.coroutine ?? ''} ${task.wait.text} ${task.state} ${task.location ? `${task.location.path}:${task.location.line}` : ''}`.toLowerCase();
  return query.toLowerCase().split(/\s+/).filter(Boolean).every((word) => hay.includes(word));
}

export function groupTasks(tasks: readonly TaskInfo[], query = ''): TaskGroup[] {
  const groups = new Map<string, { label: string; tasks: TaskInfo[] }>();
  for (const task of tasks) {
    if (query && !matches(task, query)) continue;
    const [key, label] = keyAndLabel(task);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { label, tasks: [] }));
    group.tasks.push(task);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => ORDER.indexOf(a) - ORDER.indexOf(b))
    .map(([key, g]) => ({ key, label: g.label, tasks: g.tasks }));
}

/** "812 tasks" / "1 task". */
export function countLabel(n: number): string {
  return `${n} ${n === 1 ? 'task' : 'tasks'}`;
}
