// The "Tasks" view in Run and Debug: every task of the paused program grouped by what it waits on,
// with counts, or as a tree (each task under the task that created it; a title button switches,
// remembered per workspace), searchable, each one a link to its `await` line, with Cancel Task and
// Go to Where It Was Created on its context menu; then the loop's readiness sets and timers. It is
// where tasks beyond the adapter's thread cap live. Fed by the `coroscope/tasks` custom request
// (shape in protocol.ts), refreshed whenever the session stops or continues.
import * as vscode from 'vscode';
import { DEBUG_TYPE } from './debug-config';
import { CANCEL_REQUEST, TASKS_REQUEST, type CancelResponse, type LoopInfo, type TaskInfo, type TasksResponse } from './protocol';
import { countLabel, groupLabel, groupTasks, type TaskGroup } from './task-groups';
import { taskTree, treeSize, type TaskTreeNode } from './task-tree';
import { taskFromThread } from './thread-tasks';
import type { SessionTracker } from './session-tracker';

const MAX_CHILDREN = 500;
/** The workspace state key of the view's mode. */
const MODE_KEY = 'coroscope.tasks.mode';

/** How the view lists the tasks: grouped by what they wait on, or as the tree of who created whom. */
export type TasksMode = 'grouped' | 'tree';

type Node =
  | { kind: 'message'; text: string }
  | { kind: 'group'; group: TaskGroup }
  | { kind: 'task'; task: TaskInfo; node?: TaskTreeNode }
  | { kind: 'more'; hidden: number }
  | { kind: 'loop'; loop: LoopInfo }
  | { kind: 'loopSet'; label: string; items: string[] };

/**
 * Invariant: `#snapshot` is the answer to the last `coroscope/tasks` request of the active coroscope
 * session while it is stopped (or, for an adapter without that request, the list rebuilt from its
 * threads, with `#fromThreads` set), and undefined otherwise (running, no session, or the request
 * failed, in which case `#message` says why).
 */
/** How long the tree must have asked for nothing before the view tells it of a change (ms). */
const QUIET_MS = 150;
/** How long a change event waits at most for the tree to ask for the nodes it shows expanded. */
const FETCH_WAIT_MS = 2000;
/** The root's place in TasksView.#expecting. */
const ROOT = '';

export class TasksView implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  readonly #changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.#changed.event;
  readonly #view: vscode.TreeView<Node>;
  readonly #disposables: vscode.Disposable[] = [];
  #snapshot: TasksResponse | undefined;
  /** True when the snapshot was rebuilt from threads (the adapter has no `coroscope/tasks`). */
  #fromThreads = false;
  #message = 'Tasks appear here while a Coroscope debug session is paused.';
  #query = '';
  /** Bumped by every refresh and clear: a reply to an older refresh is dropped. */
  #generation = 0;
  readonly #tracker: SessionTracker;
  readonly #state: vscode.Memento | undefined;
  #mode: TasksMode;
  #pendingFire: ReturnType<typeof setTimeout> | undefined;
  /** What the last change event showed (mode, query, message, snapshot), to skip events that change nothing. */
  #shown = '';
  /** When the tree last asked for children (performance.now()): it may still be fetching. */
  #lastFetch = 0;
  /**
   * After a change event (or the view becoming visible): the ids of the nodes the tree has still to
   * ask children for (ROOT first, then each node it will show expanded), until FETCH_WAIT_MS has
   * passed (a hidden view asks for nothing).
   */
  #expecting: Set<string> | undefined;
  #expectingSince = 0;
  /** Nodes the user collapsed (shown expanded by default) and expanded (shown collapsed by default): the tree keeps both by id. */
  readonly #collapsed = new Set<string>();
  readonly #expanded = new Set<string>();

  /** `state`: where the mode is remembered (the workspace's state); without it, the view starts grouped. */
  constructor(tracker: SessionTracker, state?: vscode.Memento) {
    this.#tracker = tracker;
    this.#state = state;
    this.#mode = state?.get<TasksMode>(MODE_KEY) === 'tree' ? 'tree' : 'grouped';
    void vscode.commands.executeCommand('setContext', 'coroscope.tasksMode', this.#mode);
    this.#view = vscode.window.createTreeView('coroscope.tasks', { treeDataProvider: this, showCollapseAll: true });
    this.#disposables.push(
      this.#view,
      this.#view.onDidCollapseElement(({ element }) => this.#toggled(element, false)),
      this.#view.onDidExpandElement(({ element }) => this.#toggled(element, true)),
      this.#view.onDidChangeVisibility(({ visible }) => visible && this.#expect()),
      tracker.onDidStop((session) => session === vscode.debug.activeDebugSession && void this.refresh()),
      tracker.onDidContinue((session) => session === vscode.debug.activeDebugSession && this.#clear('Running… (pause to see the tasks)')),
      vscode.debug.onDidChangeActiveDebugSession(() => void this.refresh()),
      vscode.debug.onDidTerminateDebugSession(() => this.#clear('The debug session ended.')),
    );
  }

  async refresh(): Promise<void> {
    const session = vscode.debug.activeDebugSession;
    const generation = ++this.#generation;
    if (session?.type !== DEBUG_TYPE) return this.#clear('Tasks appear here while a Coroscope debug session is paused.');
    if (!this.#tracker.isStopped(session)) return this.#clear('Running… (pause to see the tasks)');
    const limit = vscode.workspace.getConfiguration('coroscope').get<number>('tasks.pageSize', 2000);
    try {
      let reply: TasksResponse;
      try {
        reply = (await session.customRequest(TASKS_REQUEST, { limit })) as TasksResponse;
        this.#fromThreads = false;
      } catch (err) {
        if (!/unrecognized|not supported|unknown request/i.test((err as Error).message)) throw err;
        reply = await tasksFromThreads(session);
        this.#fromThreads = true;
      }
      if (generation !== this.#generation) return;
      this.#snapshot = reply;
      this.#message = '';
    } catch (err) {
      if (generation !== this.#generation) return;
      this.#snapshot = undefined;
      this.#message = `No task list: ${(err as Error).message}`;
    }
    this.#update();
  }

  async search(): Promise<void> {
    const query = await vscode.window.showInputBox({
      title: 'Search tasks',
      prompt: 'Words that must all appear in a task’s name, wait or location (e.g. "recv handle")',
      value: this.#query,
    });
    if (query === undefined) return;
    this.#query = query.trim();
    this.#update();
  }

  clearSearch(): void {
    this.#query = '';
    this.#update();
  }

  /** Grouped by what the tasks wait on, or the tree of who created whom; remembered per workspace. */
  get mode(): TasksMode {
    return this.#mode;
  }

  async setMode(mode: TasksMode): Promise<void> {
    this.#mode = mode;
    await this.#state?.update(MODE_KEY, mode);
    void vscode.commands.executeCommand('setContext', 'coroscope.tasksMode', mode);
    this.#update();
  }

  /**
   * Cancel Task: asks for an optional message, asks the adapter to cancel the task, and says (in the
   * status bar, and on the task in the view) that it takes effect when the program continues.
   */
  async cancel(node?: { task?: TaskInfo } | TaskInfo, message?: string): Promise<CancelResponse | undefined> {
    const task = node && 'task' in node && node.task ? node.task : (node as TaskInfo | undefined);
    const session = vscode.debug.activeDebugSession;
    if (!task || session?.type !== DEBUG_TYPE) return undefined;
    const text =
      message ??
      (await vscode.window.showInputBox({
        title: `Cancel ${task.name}`,
        prompt: 'The CancelledError’s message (optional). The task is cancelled when the program continues.',
        placeHolder: 'no message',
      }));
    if (text === undefined) return undefined;
    try {
      const reply = (await session.customRequest(CANCEL_REQUEST, { task: task.id, ...(text ? { message: text } : {}) })) as CancelResponse;
      vscode.window.setStatusBarMessage(`Coroscope: ${reply.text}`, 8000);
      await this.refresh();
      return reply;
    } catch (err) {
      void vscode.window.showErrorMessage(`Coroscope: ${(err as Error).message}`);
      return undefined;
    }
  }
  /** The current snapshot, for tests and commands. */
  get snapshot(): TasksResponse | undefined {
    return this.#snapshot;
  }

  #clear(message: string): void {
    this.#generation++;
    this.#snapshot = undefined;
    this.#message = message;
    this.#update();
  }

  #update(): void {
    void vscode.commands.executeCommand('setContext', 'coroscope.tasksFiltered', this.#query !== '');
    const s = this.#snapshot;
    if (s) {
      const shown = !this.#query ? s.tasks.length : this.#mode === 'tree' ? treeSize(taskTree(s.tasks, this.#query)) : groupTasks(s.tasks, this.#query).reduce((n, g) => n + g.tasks.length, 0);
      this.#view.description = this.#query ? `${shown} of ${countLabel(s.total)} match “${this.#query}”` : countLabel(s.total);
      this.#view.message = this.#fromThreads
        ? 'Tasks shown as threads only: this debug adapter does not answer coroscope/tasks.'
        : s.total > s.tasks.length ? `Showing ${s.tasks.length} of ${s.total} tasks (setting coroscope.tasks.pageSize).` : undefined;
    } else {
      this.#view.description = undefined;
      this.#view.message = undefined;
    }
    this.#fireSoon();
  }

  /**
   * One change event for a burst of updates (a continue and the next stop, a mode switch and a
   * refresh), and none while the tree is still fetching: after each event the tree asks again for
   * the children of its expanded nodes, and an event before it has done so drops the nodes it asks
   * about (VS Code logs "No tree item with id … found" for each). So an event waits until the tree
   * has asked for the children of every node it shows expanded (FETCH_WAIT_MS at most) and then
   * for nothing for QUIET_MS, and is skipped when it would show the same. The view reads
   * the latest state when the event fires.
   */
  #fireSoon(): void {
    if (this.#pendingFire !== undefined) return;
    const attempt = (): void => {
      const now = performance.now();
      // Still to come: children of nodes the tree showed expanded since the last event. A browser
      // under load can take longer than QUIET_MS between the root's answer and those requests.
      const expecting = this.#expecting !== undefined && this.#expecting.size > 0 && now - this.#expectingSince < FETCH_WAIT_MS;
      const busy = expecting ? QUIET_MS : QUIET_MS - (now - this.#lastFetch);
      if (busy > 0) {
        this.#pendingFire = setTimeout(attempt, busy);
        return;
      }
      this.#pendingFire = undefined;
      // A second stop with nothing run in between (a focus change, a second stopped event) shows
      // the same tree: no event, so no refresh racing the one the tree is still doing.
      const shown = JSON.stringify([this.#mode, this.#query, this.#message, this.#fromThreads, this.#snapshot]);
      if (shown === this.#shown) return;
      this.#shown = shown;
      this.#expect();
      this.#changed.fire(undefined);
    };
    this.#pendingFire = setTimeout(attempt, 50);
  }

  /** The tree is about to ask for the root and then for each node it shows expanded. */
  #expect(): void {
    this.#expecting = new Set([ROOT]);
    this.#expectingSince = performance.now();
  }

  /** The tree asked for the children of `id` and got `children`: those it shows expanded come next. */
  #fetched(id: string, children: readonly Node[]): readonly Node[] {
    this.#lastFetch = performance.now();
    const expecting = this.#expecting;
    if (expecting?.delete(id)) {
      for (const child of children) {
        const item = this.getTreeItem(child);
        if (item.id === undefined) continue;
        const opens = item.collapsibleState === vscode.TreeItemCollapsibleState.Expanded ? !this.#collapsed.has(item.id) : item.collapsibleState === vscode.TreeItemCollapsibleState.Collapsed && this.#expanded.has(item.id);
        if (opens) expecting.add(item.id);
      }
    }
    return children;
  }

  #toggled(node: Node, expanded: boolean): void {
    const id = this.getTreeItem(node).id;
    if (id === undefined) return;
    (expanded ? this.#collapsed : this.#expanded).delete(id);
    (expanded ? this.#expanded : this.#collapsed).add(id);
  }

  getChildren(node?: Node): Node[] {
    return this.#fetched(node ? (this.getTreeItem(node).id ?? '') : ROOT, this.#children(node)) as Node[];
  }

  #children(node?: Node): Node[] {
    if (!node) {
      const s = this.#snapshot;
      if (!s) return [{ kind: 'message', text: this.#message }];
      const top: Node[] =
        this.#mode === 'tree'
          ? capped(taskTree(s.tasks, this.#query).map((n) => ({ kind: 'task', task: n.task, node: n })))
          : groupTasks(s.tasks, this.#query).map((group) => ({ kind: 'group', group }));
      if (top.length === 0) top.push({ kind: 'message', text: this.#query ? `No task matches “${this.#query}”.` : 'No tasks.' });
      if (s.loop) top.push({ kind: 'loop', loop: s.loop });
      return top;
    }
    switch (node.kind) {
      case 'task':
        return capped((node.node?.children ?? []).map((n) => ({ kind: 'task', task: n.task, node: n })));
      case 'group':
        return capped(node.group.tasks.map((task) => ({ kind: 'task', task })));
      case 'loop': {
        const l = node.loop;
        return [
          { kind: 'loopSet', label: `readers (${l.readers.length})`, items: l.readers.map((r) => `fd ${r.fd} → ${r.waiter}`) },
          { kind: 'loopSet', label: `writers (${l.writers.length})`, items: l.writers.map((w) => `fd ${w.fd} → ${w.waiter}`) },
          { kind: 'loopSet', label: `timers (${l.timers.length})`, items: l.timers.map((t) => `in ${formatSeconds(t.dueIn)}: ${t.what}`) },
        ];
      }
      case 'loopSet':
        return node.items.slice(0, MAX_CHILDREN).map((text) => ({ kind: 'message', text }));
      default:
        return [];
    }
  }

  getTreeItem(node: Node): vscode.TreeItem {
    switch (node.kind) {
      case 'message':
        return new vscode.TreeItem(node.text);
      case 'more':
        return Object.assign(new vscode.TreeItem(`… ${countLabel(node.hidden)} more: search to narrow the list`), { command: { command: 'coroscope.tasks.search', title: 'Search' } });
      case 'group': {
        const n = node.group.tasks.length;
        const item = new vscode.TreeItem(groupLabel(node.group), n <= 20 ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `group:${node.group.key}`;
        item.contextValue = 'group';
        return item;
      }
      case 'task': {
        const t = node.task;
        const kids = node.node?.children.length ?? 0;
        const item = new vscode.TreeItem(t.name, kids === 0 ? vscode.TreeItemCollapsibleState.None : kids <= 20 ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
        // The same task in the other mode is another item (its place in the tree differs).
        item.id = `${node.node ? 'tree' : 'task'}:${t.id}`;
        const waits = t.verdict ?? t.wait.text;
        const cancelling = t.cancelRequested ? 'cancel requested: takes effect when the program continues' : undefined;
        // What it waits on first: a narrow side bar cuts the end of the description.
        item.description = [cancelling, waits, t.coroutine, t.location ? `${basename(t.location.path)}:${t.location.line}` : undefined].filter(Boolean).join(' · ');
        item.tooltip = new vscode.MarkdownString(
          `**${t.name}**${t.coroutine ? ` ${t.coroutine}` : ''} (${t.state})\n\nwaits on: ${t.wait.text || 'nothing'}` +
            (t.verdict ? `\n\nwhy: ${t.verdict}` : '') +
            (t.location ? `\n\nat ${t.location.path}:${t.location.line}` : '') +
            (t.created ? `\n\ncreated at ${t.created.path}:${t.created.line}` : '') +
            (cancelling ? `\n\n${cancelling}` : ''),
        );
        item.iconPath = new vscode.ThemeIcon(t.cancelRequested ? 'debug-disconnect' : t.state === 'running' ? 'debug-stackframe' : t.state === 'ready' ? 'debug-continue' : 'debug-pause');
        if (node.node && !node.node.matched) item.iconPath = new vscode.ThemeIcon('circle-outline');
        if (t.location) item.command = { command: 'coroscope.tasks.reveal', title: 'Go to Await', arguments: [t.location] };
        // The context menu: Cancel Task for a task not done, Go to Where It Was Created when it is known.
        item.contextValue = ['task', t.state !== 'done' && t.state !== 'cancelled' ? 'cancellable' : '', t.created ? 'created' : ''].filter(Boolean).join(' ');
        return item;
      }
      case 'loop': {
        const l = node.loop;
        const item = new vscode.TreeItem('Event loop', vscode.TreeItemCollapsibleState.Collapsed);
        item.description = `iteration ${l.iteration} · ${l.selector} · ready ${l.ready} · time ${formatSeconds(l.time)}`;
        item.id = 'loop';
        return item;
      }
      case 'loopSet': {
        const item = new vscode.TreeItem(node.label, node.items.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
        item.id = `loop:${node.label.split(' ')[0]}`;
        return item;
      }
    }
  }

  dispose(): void {
    clearTimeout(this.#pendingFire);
    for (const d of this.#disposables) d.dispose();
    this.#changed.dispose();
  }
}

/** The fallback snapshot: tasks read from the threads' names, located by their top frames. */
async function tasksFromThreads(session: vscode.DebugSession): Promise<TasksResponse> {
  const { threads } = (await session.customRequest('threads')) as { threads: Array<{ id: number; name: string }> };
  const tasks = await Promise.all(
    threads.map(async (thread) => {
      let location: TaskInfo['location'];
      try {
        const { stackFrames } = (await session.customRequest('stackTrace', { threadId: thread.id, startFrame: 0, levels: 1 })) as {
          stackFrames: Array<{ line: number; column: number; source?: { path?: string } }>;
        };
        const top = stackFrames[0];
        if (top?.source?.path) location = { path: top.source.path, line: top.line, column: top.column };
      } catch {
        // no frames for this thread
      }
      return taskFromThread(thread, location);
    }),
  );
  const found = tasks.filter((t): t is TaskInfo => t !== undefined);
  return { tasks: found, total: found.length };
}

/** At most MAX_CHILDREN items, then one that says how many more there are. */
function capped(items: Node[]): Node[] {
  if (items.length <= MAX_CHILDREN) return items;
  return [...items.slice(0, MAX_CHILDREN), { kind: 'more', hidden: items.length - MAX_CHILDREN }];
}

/** Go to Where It Was Created (the task's context menu): opens the line that created it. */
export async function revealCreation(node?: { task?: TaskInfo }): Promise<void> {
  const created = node?.task?.created;
  if (created) await revealLocation(created);
}

/** Opens a task's await line. */
export async function revealLocation(location: { path: string; line: number; column?: number }, viewColumn?: vscode.ViewColumn): Promise<void> {
  const pos = new vscode.Position(Math.max(0, location.line - 1), Math.max(0, (location.column ?? 1) - 1));
  // A path that came back through VS Code's own DAP handling (e.g. stackTrace in a remote window) is
  // already a URI ("vscode-remote://..."); the adapter's own requests give plain file paths.
  const uri = /^[a-z][\w+.-]+:\/\//i.test(location.path) ? vscode.Uri.parse(location.path) : vscode.Uri.file(location.path);
  await vscode.window.showTextDocument(uri, { selection: new vscode.Range(pos, pos), preserveFocus: false, ...(viewColumn === undefined ? {} : { viewColumn }) });
}

function basename(path: string): string {
  return path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
}

function formatSeconds(s: number): string {
  return s < 1 ? `${Math.round(s * 1000)} ms` : `${s.toFixed(2)} s`;
}
