// The Tasks view's "tree" mode: each task under the task that created it (a TaskGroup member under
// the group's task), from the adapter's task list. Pure, so it is unit-tested directly.
import type { TaskInfo } from './protocol';
import { matches } from './task-groups';

export interface TaskTreeNode {
  readonly task: TaskInfo;
  readonly children: readonly TaskTreeNode[];
  /** False for an ancestor shown only so that a match below it keeps its place (a search is on). */
  readonly matched: boolean;
}

/**
 * The roots of the tree: tasks with no parent, or whose parent is not in the list (it finished, or
 * is beyond the page). With a search, the matching tasks and their ancestors, in list order.
 */
export function taskTree(tasks: readonly TaskInfo[], query = ''): TaskTreeNode[] {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  let shown: Set<number> | null = null;
  const matched = new Set<number>();
  if (query) {
    shown = new Set();
    for (const t of tasks) {
      if (!matches(t, query)) continue;
      matched.add(t.id);
      // The ancestors too (a parent chain has no cycle: each task's parent was created before it).
      for (let cur: TaskInfo | undefined = t; cur && !shown.has(cur.id); cur = cur.parent === undefined ? undefined : byId.get(cur.parent)) shown.add(cur.id);
    }
  }
  const children = new Map<number, TaskInfo[]>();
  const roots: TaskInfo[] = [];
  for (const t of tasks) {
    if (shown && !shown.has(t.id)) continue;
    if (t.parent === undefined || !byId.has(t.parent)) roots.push(t);
    else {
      const list = children.get(t.parent);
      if (list) list.push(t);
      else children.set(t.parent, [t]);
    }
  }
  const node = (t: TaskInfo): TaskTreeNode => ({ task: t, children: (children.get(t.id) ?? []).map(node), matched: !shown || matched.has(t.id) });
  return roots.map(node);
}

/** How many tasks a tree holds. */
export function treeSize(nodes: readonly TaskTreeNode[]): number {
  return nodes.reduce((n, c) => n + 1 + treeSize(c.children), 0);
}
