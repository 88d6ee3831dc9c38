// What `coroscope ps`, `coroscope pstree` and `--dump-on` print, made from the probe's snapshot
// alone (pure, so it is unit-tested directly): one row per task (id, name, state, verdict, the
// innermost await as file:line, the await chain, as Python 3.14's `python -m asyncio ps` plus the
// verdict); the tree of tasks by who created whom, each with its await chain; or, when tasks await
// each other in a circle, the cycles instead of the tree (`cycle: c1 → c2 → c1`).
import { isAbsolute, relative } from 'node:path';
import type { FrameInfo, Snapshot, TaskInfo } from './snapshot';

/** How paths are shown: relative to this directory when under it, else as they are. */
export interface RenderOptions {
  readonly cwd?: string;
}

/** The task's verdict, else (a snapshot of an older runtime has none) what it waits on. */
export function verdictOf(t: TaskInfo): string {
  return t.verdict || t.waitingFor;
}

/** `ps`: a header, then one row per task in creation order. */
export function renderPs(snapshot: Snapshot, options: RenderOptions = {}): string {
  const header = ['id', 'name', 'state', 'at', 'verdict', 'await chain'];
  const rows = snapshot.tasks.map((t) => [String(t.id), t.name, t.state, atOf(t, options), verdictOf(t), chainOf(t.stack, options)]);
  if (rows.length === 0) return 'no tasks\n';
  // Columns are padded to their widest cell (a name to 32 at most); a longer verdict is never cut,
  // it pushes the chain along (the verdict is the answer a person looks for).
  const widths = header.slice(0, -1).map((h, i) => Math.min(i === 1 ? 32 : i === 4 ? 40 : Infinity, Math.max(h.length, ...rows.map((r) => r[i]!.length))));
  const line = (cells: string[]) => cells.map((c, i) => (i < widths.length ? (i === 1 ? clip(c, widths[i]!) : c).padEnd(widths[i]!) : c)).join('  ').trimEnd();
  const total = snapshot.loop?.taskCount ?? rows.length;
  const more = total > rows.length ? [`… and ${total - rows.length} more tasks (the snapshot carries the first ${rows.length})`] : [];
  return [line(header), ...rows.map(line), ...more].join('\n') + '\n';
}

/** `pstree`: the tasks as a tree by parent (a TaskGroup member under the group's task); or the await cycles. */
export function renderPstree(snapshot: Snapshot, options: RenderOptions = {}): { text: string; cycles: number } {
  const cycles = awaitCycles(snapshot);
  if (cycles.length > 0) {
    const byId = new Map(snapshot.tasks.map((t) => [t.id, t]));
    const name = (id: number) => byId.get(id)?.name ?? `task #${id}`;
    const text = cycles.map((c) => `cycle: ${[...c, c[0]!].map(name).join(' → ')}`).join('\n') + '\n';
    return { text: 'the tasks await each other in a cycle, so there is no tree:\n' + text, cycles: cycles.length };
  }
  const ids = new Set(snapshot.tasks.map((t) => t.id));
  const children = new Map<number, TaskInfo[]>();
  const roots: TaskInfo[] = [];
  for (const t of snapshot.tasks) {
    // A task whose creator is done hangs from the top.
    if (t.parent === null || !ids.has(t.parent)) roots.push(t);
    else {
      const list = children.get(t.parent);
      if (list) list.push(t);
      else children.set(t.parent, [t]);
    }
  }
  if (roots.length === 0) return { text: 'no tasks\n', cycles: 0 };
  const out: string[] = [];
  const visit = (t: TaskInfo, prefix: string, last: boolean, top: boolean): void => {
    out.push(`${prefix}${top ? '' : last ? '└── ' : '├── '}${taskLine(t)}`);
    const inner = top ? '' : prefix + (last ? '    ' : '│   ');
    const kids = children.get(t.id) ?? [];
    const bar = kids.length > 0 ? '│   ' : '    ';
    for (const frame of t.stack) out.push(`${inner}${bar}  ${frameText(frame, options)}`);
    kids.forEach((k, i) => visit(k, inner, i === kids.length - 1, false));
  };
  roots.forEach((r) => visit(r, '', true, true));
  return { text: out.join('\n') + '\n', cycles: 0 };
}

/** `Task-3 #3 (waiting) · sleep 30 s`. */
function taskLine(t: TaskInfo): string {
  return `${t.name} #${t.id} (${t.state}) · ${verdictOf(t)}`;
}

/**
 * The cycles of the await graph: a task awaits another task, or a gather/wait whose children
 * include tasks. Each cycle once, as task ids starting from its smallest id.
 */
export function awaitCycles(snapshot: Snapshot): number[][] {
  const tasks = new Set(snapshot.tasks.map((t) => t.id));
  const futures = new Map(snapshot.futures.map((f) => [f.id, f]));
  const edges = new Map<number, number[]>();
  for (const t of snapshot.tasks) {
    if (t.awaiting === null) continue;
    const out: number[] = [];
    if (tasks.has(t.awaiting)) out.push(t.awaiting);
    const reason = futures.get(t.awaiting)?.waitReason;
    if (reason?.task !== undefined && tasks.has(reason.task)) out.push(reason.task);
    for (const c of reason?.children ?? []) if (tasks.has(c)) out.push(c);
    if (out.length > 0) edges.set(t.id, out);
  }
  const found = new Map<string, number[]>();
  const state = new Map<number, 'open' | 'done'>();
  const path: number[] = [];
  const walk = (id: number): void => {
    state.set(id, 'open');
    path.push(id);
    for (const next of edges.get(id) ?? []) {
      const s = state.get(next);
      if (s === 'open') {
        const cycle = path.slice(path.indexOf(next));
        const start = cycle.indexOf(Math.min(...cycle));
        const canonical = [...cycle.slice(start), ...cycle.slice(0, start)];
        found.set(canonical.join(','), canonical);
      } else if (s === undefined) walk(next);
    }
    path.pop();
    state.set(id, 'done');
  };
  for (const t of snapshot.tasks) if (!state.has(t.id)) walk(t.id);
  return [...found.values()];
}

/** The innermost await with a recorded site, `file:line`. */
function atOf(t: TaskInfo, options: RenderOptions): string {
  const site = t.awaitSite;
  return site ? `${shortPath(site.file, options)}:${site.line}` : '-';
}

/** `main tree.ts:20 → worker tree.ts:8 → leaf tree.ts:4`: outermost first, each awaiting the next. */
function chainOf(stack: readonly FrameInfo[], options: RenderOptions): string {
  return stack.length === 0 ? '-' : stack.map((f) => frameText(f, options)).join(' → ');
}

function frameText(f: FrameInfo, options: RenderOptions): string {
  return f.file ? `${f.name} ${shortPath(f.file, options)}:${f.line}` : f.name;
}

function shortPath(file: string, options: RenderOptions): string {
  if (!options.cwd || !isAbsolute(file)) return file;
  const rel = relative(options.cwd, file);
  return rel.startsWith('..') || isAbsolute(rel) ? file : rel;
}

function clip(text: string, width: number): string {
  return text.length > width ? text.slice(0, width - 1) + '…' : text;
}
