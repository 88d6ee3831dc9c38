// Coroscope: Loop Timeline — a webview of the loop's last iterations while a coroscope session is
// stopped: each iteration's wait (the timeout asked, what ended it), the callbacks it ran with their
// durations and tasks, and a lane per task (running / ready / waiting). Clicking a slice opens its
// source. The data is the adapter's `coroscope/timeline` (extension/ADAPTER-CONVENTIONS.md). The page
// is self-contained (no network) under a strict Content-Security-Policy with a nonce.
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { DEBUG_TYPE } from './debug-config';
import type { SessionTracker } from './session-tracker';
import { TIMELINE_REQUEST, type TimelineBody } from './protocol';
import { revealLocation } from './tasks-view';

const ITERATIONS = 200;

/**
 * The one Loop Timeline panel.
 * Invariant: #panel is the open panel or null; while open it shows the timeline of the last stop
 * of the active coroscope session, or says why there is none.
 */
export class TimelinePanel implements vscode.Disposable {
  #panel: vscode.WebviewPanel | null = null;
  readonly #subscriptions: vscode.Disposable[] = [];

  constructor(readonly tracker: SessionTracker) {
    this.#subscriptions.push(
      tracker.onDidStop((session) => void this.#refresh(session)),
      tracker.onDidContinue(() => this.#show(message('The program is running: the timeline shows the loop at the next stop.'))),
    );
  }

  /** The command: opens (or focuses) the panel with the active session's timeline. */
  async open(): Promise<void> {
    if (!this.#panel) {
      this.#panel = vscode.window.createWebviewPanel('coroscope.timeline', 'Coroscope: Loop Timeline', vscode.ViewColumn.Beside, { enableScripts: true, localResourceRoots: [] });
      this.#panel.onDidDispose(() => (this.#panel = null));
      this.#panel.webview.onDidReceiveMessage((m: { type?: string; path?: string; line?: number; column?: number }) => {
        if (m.type === 'open' && typeof m.path === 'string' && typeof m.line === 'number') void revealLocation({ path: m.path, line: m.line, column: m.column ?? 1 }, vscode.ViewColumn.One);
      });
    } else {
      this.#panel.reveal(undefined, true);
    }
    const session = vscode.debug.activeDebugSession;
    if (!session || session.type !== DEBUG_TYPE) return this.#show(message('Start a Coroscope debug session and stop it (a breakpoint or Pause) to see its loop timeline.'));
    await this.#refresh(session);
  }

  async #refresh(session: vscode.DebugSession): Promise<void> {
    if (!this.#panel) return;
    if (!this.tracker.isStopped(session)) return this.#show(message('The program is running: the timeline shows the loop at the next stop.'));
    let body: TimelineBody;
    try {
      body = (await session.customRequest(TIMELINE_REQUEST, { count: ITERATIONS })) as TimelineBody;
    } catch (err) {
      return this.#show(message(`No timeline: ${(err as Error).message}`));
    }
    this.#show((nonce) => page(nonce, body));
  }

  #show(html: (nonce: string) => string): void {
    if (!this.#panel) return;
    const nonce = randomBytes(16).toString('base64');
    this.#panel.webview.html = html(nonce);
  }

  dispose(): void {
    this.#panel?.dispose();
    for (const s of this.#subscriptions) s.dispose();
  }
}

function csp(nonce: string): string {
  return `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}';">`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function message(text: string): (nonce: string) => string {
  return (nonce) => `<!DOCTYPE html><html><head>${csp(nonce)}<style nonce="${nonce}">${STYLE}</style></head><body><p class="note">${escapeHtml(text)}</p></body></html>`;
}

/** The page for a timeline (exported for a look at it outside VS Code). */
export function page(nonce: string, body: TimelineBody): string {
  // JSON inside a script: `<` escaped so no `</script>` can end it early.
  const data = JSON.stringify(body).replace(/</g, '\\u003c');
  return `<!DOCTYPE html><html><head>${csp(nonce)}<style nonce="${nonce}">${STYLE}</style></head>
<body><h1>Loop timeline</h1><p id="summary" class="note"></p>
<div class="legend"><span class="key running"></span>running <span class="key ready"></span>ready <span class="key waiting"></span>waiting
<span class="key w-fd"></span>wait ended by an fd <span class="key w-timeout"></span>by its timeout <span class="key w-turn"></span>a turn for Node <span class="key slow"></span>callback ≥ 100 ms <span class="key now"></span>stopped in it</div>
<div id="frame"><div id="names"></div><div id="chart"></div></div><h2>Latest iterations</h2><ol id="list" reversed></ol>
<script nonce="${nonce}">const DATA = ${data};\n${SCRIPT}</script></body></html>`;
}

const STYLE = `
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); padding: 0 12px; }
h1 { font-size: 1.3em; } h2 { font-size: 1.1em; }
.note { color: var(--vscode-descriptionForeground); }
#frame { display: flex; border: 1px solid var(--vscode-panel-border, #8884); }
#names { flex: none; width: 130px; overflow: hidden; }
#chart { flex: 1; overflow-x: auto; }
.now { fill: #3fb950; background: #3fb950; stroke: var(--vscode-foreground); stroke-dasharray: 3 2; }
svg text { fill: var(--vscode-foreground); font-size: 11px; }
.running { fill: #3fb950; background: #3fb950; } .ready { fill: #d29922; background: #d29922; } .waiting { fill: #8b949e55; background: #8b949e55; }
.w-fd { fill: #58a6ff; background: #58a6ff; } .w-timeout { fill: #a371f7; background: #a371f7; } .w-none { fill: #8b949e; background: #8b949e; } .w-turn { fill: #db61a2; background: #db61a2; }
.cb { fill: #2ea043; } .cb-plain { fill: #6e7681; } .slow { fill: #f85149; background: #f85149; }
.slice { cursor: pointer; } .slice:hover { stroke: var(--vscode-focusBorder); stroke-width: 2; }
.legend { margin: 6px 0; } .key { display: inline-block; width: 10px; height: 10px; margin: 0 4px 0 10px; }
#list li { margin: 2px 0; } #list a { color: var(--vscode-textLink-foreground); cursor: pointer; }
`;

// The page's script (plain JavaScript): x positions follow time piecewise, so a long wait stays a
// short gap and a 1 ms callback is still visible; lanes use the same mapping, so they line up.
const SCRIPT = `
const vscode = acquireVsCodeApi();
const NS = 'http://www.w3.org/2000/svg';
const ms = (s) => (s * 1000 >= 100 ? (s * 1000).toFixed(0) : (s * 1000).toFixed(s * 1000 >= 1 ? 1 : 3)) + ' ms';
const its = DATA.iterations;
const callbacks = its.reduce((n, it) => n + it.callbacks.length, 0);
document.getElementById('summary').textContent = its.length + ' iterations · ' + callbacks + ' callbacks · ' + DATA.lanes.length + ' tasks (the journal keeps the last ' + DATA.kept.iterations + ' of ' + DATA.kept.recorded + ' iterations)';
function waitText(it) {
  if (it.endedBy === 'node turn') return 'a turn for Node, ' + ms(it.waited);
  if (it.endedBy === 'no wait') return 'no wait (callbacks were ready)';
  return 'waited ' + ms(it.waited) + ' (timeout ' + (it.timeout === null ? 'none' : ms(it.timeout)) + ', ended by ' + (it.endedBy === 'fd' ? it.fdsReady + (it.fdsReady === 1 ? ' ready fd' : ' ready fds') : 'its timeout') + ')';
}
const points = [];
let x = 4;
for (const it of its) {
  points.push([it.start, x]);
  x += Math.min(40, Math.max(3, Math.log10(1 + it.waited * 1000) * 12));
  points.push([it.start + it.waited, x]);
  for (const c of it.callbacks) {
    points.push([c.start, x]);
    // The callback the program is stopped in: its time so far is the stop, not the program's.
    x += c.running ? 40 : Math.min(400, Math.max(4, c.duration * 1000 * 4));
    points.push([c.start + c.duration, x]);
  }
}
points.push([DATA.now, x + 4]);
const width = x + 20;
function tx(t) {
  if (points.length === 0) return 4;
  if (t <= points[0][0]) return points[0][1];
  let lo = 0, hi = points.length - 1;
  if (t >= points[hi][0]) return points[hi][1];
  while (hi - lo > 1) { const mid = (lo + hi) >> 1; if (points[mid][0] <= t) lo = mid; else hi = mid; }
  const [t0, x0] = points[lo], [t1, x1] = points[hi];
  return t1 === t0 ? x1 : x0 + ((t - t0) / (t1 - t0)) * (x1 - x0);
}
const rowH = 20;
const height = (3 + DATA.lanes.length) * (rowH + 4) + 10;
const svg = document.createElementNS(NS, 'svg');
svg.setAttribute('width', width); svg.setAttribute('height', height);
// Lane names in their own column, so they stay in view while the chart scrolls.
const names = document.createElementNS(NS, 'svg');
names.setAttribute('width', 130); names.setAttribute('height', height);
function el(name, attrs, parent) { const e = document.createElementNS(NS, name); for (const k in attrs) e.setAttribute(k, attrs[k]); (parent || svg).appendChild(e); return e; }
function label(text, row) { el('text', { x: 4, y: row * (rowH + 4) + 15 }, names).textContent = text; }
function rect(x0, x1, row, cls, tip, loc) {
  const r = el('rect', { x: x0, y: row * (rowH + 4) + 2, width: Math.max(1, x1 - x0), height: rowH, class: cls + (loc ? ' slice' : '') });
  el('title', {}, r).textContent = tip;
  if (loc) r.addEventListener('click', () => vscode.postMessage({ type: 'open', path: loc.path, line: loc.line, column: loc.column }));
  return r;
}
label('loop waits', 0); label('callbacks', 1);
const waitClass = { 'fd': 'w-fd', 'timeout': 'w-timeout', 'no wait': 'w-none', 'node turn': 'w-turn' };
for (const it of its) {
  const what = waitText(it);
  rect(tx(it.start), tx(it.start + it.waited), 0, waitClass[it.endedBy] || 'w-none', 'iteration ' + it.iteration + ': ' + what);
  for (const c of it.callbacks) {
    const slow = c.duration >= 0.1 && !c.running;
    const where = c.location ? ' at ' + c.location.path.split(/[\\\\/]/).pop() + ':' + c.location.line : '';
    rect(tx(c.start), tx(c.start + c.duration), 1, c.running ? 'now' : slow ? 'slow' : c.task === null ? 'cb-plain' : 'cb', c.label + ' · ' + ms(c.duration) + (c.running ? ' so far, stopped here' : '') + where + ' (iteration ' + it.iteration + ')', c.location);
  }
}
label('tasks', 2);
DATA.lanes.forEach((lane, i) => {
  const row = 3 + i;
  label(lane.name, row);
  for (const g of lane.segments) rect(tx(g.start), tx(g.end), row, g.state, lane.name + ': ' + g.state + ' for ' + ms(g.end - g.start));
});
document.getElementById('names').appendChild(names);
const chart = document.getElementById('chart');
chart.appendChild(svg);
chart.scrollLeft = width;
const list = document.getElementById('list');
for (const it of its.slice(-30).reverse()) {
  const li = document.createElement('li');
  li.value = it.iteration;
  const head = waitText(it);
  li.appendChild(document.createTextNode(head + (it.callbacks.length ? ' · ' : '')));
  it.callbacks.forEach((c, k) => {
    if (k > 0) li.appendChild(document.createTextNode(', '));
    const text = c.label + ' ' + ms(c.duration) + (c.running ? ' so far (stopped here)' : '');
    if (c.location) {
      const a = document.createElement('a');
      a.textContent = text;
      a.title = c.location.path + ':' + c.location.line;
      a.addEventListener('click', () => vscode.postMessage({ type: 'open', path: c.location.path, line: c.location.line, column: c.location.column }));
      li.appendChild(a);
    } else li.appendChild(document.createTextNode(text));
  });
  list.appendChild(li);
}
`;
