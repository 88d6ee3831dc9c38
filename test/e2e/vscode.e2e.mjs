// End to end in a real VS Code: install the packaged .vsix into code-server, open the example
// workspace, and check what a user sees: the extension's typings and language server in the editor,
// Run Program in a terminal, then a debug session started with F5 (no launch.json) stopped at a
// breakpoint: the CALL STACK's tasks and their wait reasons, a suspended task's frames, VARIABLES
// (locals, awaited future), the hover and inline value on `await`, the Tasks view, the debuggee gone
// after stopping; and the same with the adapter as its own process. Screenshots and logs:
// test-results/e2e/.
// Run through `npm run test:e2e` (it installs code-server and Chromium and packages the .vsix).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';
import { CodeServer, gotoLine, hoverText, hoverUntil, launchBrowser, openFile, runCommand, waitFor } from './harness.mjs';

const root = join(fileURLToPath(import.meta.url), '..', '..', '..');
const results = join(root, 'test-results', 'e2e');
const env = { node: process.env.E2E_NODE24, entry: process.env.E2E_CODE_SERVER, chromium: process.env.E2E_CHROMIUM, vsix: process.env.E2E_VSIX };
const PROGRAM = 'pipeline.ts';
const programText = readFileSync(join(root, 'test', 'e2e', 'workspace', PROGRAM), 'utf8');
const lineOf = (needle) => programText.split('\n').findIndex((l) => l.includes(needle)) + 1;
const BREAKPOINT_LINE = lineOf('// BREAKPOINT');

const userSettings = {
  'debug.openDebug': 'openOnSessionStart',
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'editor.hover.delay': 200,
  'terminal.integrated.gpuAcceleration': 'off', // the DOM renderer: the terminal's text is readable
  'debug.inlineValues': 'on',
  'window.restoreWindows': 'none',
  'chat.disableAIFeatures': true,
  'typescript.disableAutomaticTypeAcquisition': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.commandCenter.enabled': false,
};

let server;
let context;
let page;
let shot = 0;
let stopped = false;

/** Expands (true) or folds (false) the Run and Debug side bar's panes by title. */
async function setPanes(wanted) {
  for (const [name, expanded] of Object.entries(wanted)) {
    const header = page.locator('.pane-header', { hasText: new RegExp(`^${name}`) }).first();
    await header.waitFor({ timeout: 15_000 });
    if (((await header.getAttribute('aria-expanded')) === 'true') !== expanded) await header.click();
  }
}

async function screenshot(name) {
  const file = join(results, `${String(++shot).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** Command lines of this machine's processes. */
const processes = () => execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).split('\n');
/** The debuggee processes of this run (the CLI running the workspace's program). */
const debuggees = () => processes().filter((args) => args.includes('coroscope.js run') && args.includes(join(server.dir, 'ws', PROGRAM)));

const callStack = () => page.locator('.debug-call-stack .monaco-list-row');
/** The rows' accessible labels ("Thread ticker tick ⏸ sleep 0.05 s Paused", "Stack Frame handle, line 15, pipeline.ts"). */
const labels = async (rows) => (await rows.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''))).filter(Boolean);
const variables = () => page.locator('.debug-variables .monaco-list-row');

/**
 * Nothing the person did not ask for: no notification toast, and no error in the extension host's
 * log. Called after each stop and step (inline values and hovers are evaluated right after one).
 */
async function quiet(when) {
  await delay(1500);
  const toasts = await page.locator('.notifications-toasts .notification-toast').allInnerTexts();
  assert.deepEqual(toasts, [], `no notification ${when}`);
  const errors = server.extHostLog().split('\n').filter((l) => /\[error\]/i.test(l));
  assert.deepEqual(errors, [], `no error in the extension host's log ${when}`);
}

describe('Coroscope in a real VS Code (code-server)', { skip: !env.node || !env.entry ? 'run through `npm run test:e2e`' : false }, () => {
  before(async () => {
    rmSync(results, { recursive: true, force: true });
    mkdirSync(results, { recursive: true });
    server = new CodeServer({ node: env.node, entry: env.entry });
    const installed = server.installExtension(env.vsix);
    assert.match(installed, /coroscope/i, 'the .vsix installs');
    server.writeUserSettings(userSettings);
    const ws = join(server.dir, 'ws');
    cpSync(join(root, 'test', 'e2e', 'workspace'), ws, { recursive: true });
    await server.start();
    context = await launchBrowser(server, env.chromium);
    page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`${server.url}/?folder=${encodeURIComponent(ws)}`);
  });

  after(async () => {
    try {
      if (page) await screenshot('final');
    } catch {
      // the page may be gone
    }
    await context?.close().catch(() => {});
    await server?.stop();
    if (server) {
      const logs = join(results, 'logs');
      mkdirSync(logs, { recursive: true });
      for (const f of server.logFiles()) cpSync(f, join(logs, `${basename(join(f, '..'))}-${basename(f)}`));
      if (!process.env.E2E_KEEP) rmSync(server.dir, { recursive: true, force: true });
    }
  });

  test('the .vsix is under 5 MB and ships the runtime bundle with its source map and every source it names', () => {
    const size = statSync(env.vsix).size;
    assert.ok(size < 5 * 1024 * 1024, `the .vsix is ${(size / 1048576).toFixed(2)} MB`);
    const entries = new Set(execFileSync('unzip', ['-Z1', env.vsix], { encoding: 'utf8' }).split('\n').filter(Boolean));
    const bundle = 'extension/dist/runtime/bundle/coroscope.js';
    assert.ok(entries.has(bundle), 'the runtime bundle is packaged');
    const text = execFileSync('unzip', ['-p', env.vsix, bundle], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const inline = /\n\/\/# sourceMappingURL=data:application\/json;base64,([^\n]*)\n?$/.exec(text);
    assert.ok(inline, "the bundle keeps its source map (runtime frames open runtime/*.ts, not the bundle's lines)");
    const { sources } = JSON.parse(Buffer.from(inline[1], 'base64').toString('utf8'));
    const missing = sources.map((src) => posix.join('extension/dist/runtime/bundle', src)).filter((p) => !entries.has(p));
    assert.deepEqual(missing, [], 'every source the map names is in the .vsix');
    assert.ok(sources.some((src) => src.endsWith('runtime/task.ts')), sources.join(' '));
  });

  test('the workbench opens the example workspace', async () => {
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: PROGRAM }).waitFor({ timeout: 60_000 });
    await screenshot('workbench');
  });

  test('the extension activates on a coroscope program', async () => {
    await waitFor('"Eager extensions activated" in the extension host log', () => server.extHostLog().includes('Eager extensions activated'), 60_000);
    await openFile(page, PROGRAM);
    await waitFor('coroscope.coroscope activation', () => /_doActivateExtension coroscope\.coroscope/.test(server.extHostLog()), 30_000);
    await screenshot('program-open');
  });

  test("`import ... from 'coroscope'` type-checks with the runtime's own types", async () => {
    // The TypeScript server plugin in the .vsix resolves 'coroscope' to its bundled typings.
    const line = lineOf('await sleep(period)');
    await gotoLine(page, line, programText.split('\n')[line - 1].indexOf('sleep') + 2);
    // The TypeScript server answers "(loading...)" until the project is loaded: ask again until then.
    const text = await waitFor('a hover with the signature of sleep', async () => {
      await page.keyboard.press('Escape');
      await page.keyboard.press('Control+K');
      await page.keyboard.press('Control+I');
      const t = await hoverText(page, '.monaco-hover', 'sleep', 5_000);
      return t.includes('loading') ? undefined : t;
    }, 90_000, 1000);
    assert.match(text, /sleep<void>\(delay: number, result\?: void \| undefined\): Coroutine<void>/);
    assert.match(text, /Suspends the calling task for delay seconds/, "the doc comment comes along");
    // One hover, one signature: a TypeScript provider registered twice shows every section twice.
    await delay(1500); // a second provider's answer would arrive after the first
    const hovers = page.locator('.monaco-hover:visible');
    const all = (await hovers.allInnerTexts()).join('\n');
    assert.equal(all.match(/sleep<void>\(delay: number/g)?.length, 1, `the signature once:\n${all}`);
    assert.equal(all.match(/Suspends the calling task/g)?.length, 1, `the doc comment once:\n${all}`);
    await screenshot('typings-hover');
    await page.keyboard.press('Escape');
  });

  test('the language server reports an unawaited coroutine, a blocking call and a bad await, with a quick fix', async () => {
    const mistakes = readFileSync(join(root, 'test', 'e2e', 'workspace', 'mistakes.ts'), 'utf8');
    await openFile(page, 'mistakes.ts');
    await runCommand(page, 'View: Focus Problems (Errors, Warnings, Infos)');
    const rows = page.locator('.markers-panel .monaco-list-row');
    const expected = [
      /fetchPage\(\) makes a coroutine that never runs/,
      /readFileSync\(\) blocks the thread: while it runs, every task and the event loop stand still/,
      /'await' on a number: a task can only await a coroutine, a Task, a Future or a promise/,
    ];
    await waitFor('the three coroscope problems', async () => {
      const text = (await rows.allInnerTexts()).join('\n');
      return expected.every((re) => re.test(text));
    }, 60_000);
    // Exactly those: nothing from TypeScript (`node:fs` resolves with no @types/node in the
    // workspace) and nothing in pipeline.ts, which is open too. Diagnostics settle first.
    await delay(3000);
    const allLabels = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
    const problems = allLabels.filter((l) => /^(Error|Warning|Info)/i.test(l));
    assert.equal(problems.length, 3, `three problems, no others:\n${problems.join('\n')}`);
    for (const re of expected) assert.ok(problems.some((l) => re.test(l)), `${re}:\n${problems.join('\n')}`);
    assert.ok(!problems.some((l) => /ts\(2\d{3}\)|Cannot find/.test(l)), problems.join('\n'));
    assert.ok(!allLabels.some((l) => /pipeline\.ts/.test(l)), `no problems in pipeline.ts:\n${allLabels.join('\n')}`);
    await screenshot('language-server-problems');
    // Quick fix on the unawaited call: "Add 'await'".
    const line = mistakes.split('\n').findIndex((l) => l.includes("fetchPage('page-1')")) + 1;
    await gotoLine(page, line, 4);
    await page.keyboard.press('Control+.');
    const fix = page.locator('.action-widget .monaco-list-row', { hasText: "Add 'await'" }).first();
    await fix.waitFor({ state: 'visible', timeout: 15_000 });
    await screenshot('quick-fix');
    await fix.click();
    await waitFor('the fixed line', async () => (await page.locator('.monaco-editor .view-lines').allInnerTexts()).join('\n').replace(/\u00a0/g, ' ').includes("await fetchPage('page-1')"), 10_000);
    await screenshot('quick-fix-applied');
    await runCommand(page, 'File: Revert File');
    await runCommand(page, 'View: Close All Editors');
  });

  test("an edited tsconfig.json's `paths`: the language server follows the alias to its new target", async () => {
    // workspace/aliased/aliasprog.ts calls work() from '@lib/work' without awaiting it. Aliased to
    // a/, work is a coroutine function (a problem); rewritten on disk to lead to b/, a plain
    // function (none). Its blocking call's problem stays: the server answered after the change.
    const tsconfig = join(server.dir, 'ws', 'aliased', 'tsconfig.json');
    const original = readFileSync(tsconfig, 'utf8');
    try {
      await openFile(page, 'aliasprog.ts');
      await runCommand(page, 'View: Focus Problems (Errors, Warnings, Infos)');
      const rows = page.locator('.markers-panel .monaco-list-row');
      const unawaited = /work\(\) makes a coroutine that never runs/;
      const blocking = /readFileSync\(\) blocks the thread/;
      await waitFor('the unawaited work() through the alias, and the blocking call', async () => {
        const text = (await rows.allInnerTexts()).join('\n');
        return unawaited.test(text) && blocking.test(text);
      }, 60_000);
      await screenshot('tsconfig-alias-before');
      // As an edit by another program would: on disk, the editor not involved.
      writeFileSync(tsconfig, original.replace('./a/*', './b/*'));
      await waitFor('only the blocking call once the alias leads to a plain function', async () => {
        const text = (await rows.allInnerTexts()).join('\n');
        return !unawaited.test(text) && blocking.test(text);
      }, 30_000);
      await screenshot('tsconfig-alias-after');
    } finally {
      writeFileSync(tsconfig, original);
      await runCommand(page, 'View: Close All Editors');
    }
  });

  test('Coroscope: Run Program runs the active file in a terminal', async () => {
    await openFile(page, PROGRAM);
    await runCommand(page, 'Coroscope: Run Program');
    const text = await waitFor('the program\'s output in the terminal', async () => {
      const t = (await page.locator('.xterm-rows').allInnerTexts()).join('\n');
      return t.includes('[the program exited') ? t : undefined;
    }, 60_000);
    assert.match(text, /produced 3 items\s*\n\s*\[the program exited: exit code 0\]/);
    await screenshot('run-program');
    await runCommand(page, 'Terminal: Kill All Terminals');
  });

  test('F5 with no launch.json starts a coroscope session that stops at the breakpoint', async () => {
    await openFile(page, PROGRAM);
    await delay(2000); // the extension sets its F5 context key when the editor becomes active
    await gotoLine(page, BREAKPOINT_LINE, 3);
    await page.keyboard.press('F9');
    await page.locator('.monaco-editor .codicon-debug-breakpoint').first().waitFor({ timeout: 10_000 });
    await page.keyboard.press('F5');
    const picker = page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Coroscope' }).first();
    const first = await Promise.race([
      page.locator('.debug-toolbar').waitFor({ state: 'visible', timeout: 60_000 }).then(() => 'session'),
      picker.waitFor({ state: 'visible', timeout: 60_000 }).then(() => 'picker'),
    ]);
    if (first === 'picker') {
      await screenshot('select-debugger');
      await picker.click();
    }
    await waitFor('a thread paused on the breakpoint', async () => (await labels(callStack())).some((l) => /Paused on breakpoint/i.test(l)), 60_000);
    stopped = true;
    // Room for CALL STACK: fold the panes the test does not read.
    await setPanes({ Watch: false, Breakpoints: false });
    await screenshot('stopped-at-breakpoint');
    await quiet('at the breakpoint');
    assert.equal(first, 'session', 'F5 went straight to Coroscope (no "Select debugger" list)');
  });

  test('CALL STACK lists the tasks, each with what it waits on', async () => {
    assert.ok(stopped, 'the session is stopped');
    const threads = await waitFor('every task in CALL STACK', async () => {
      const l = (await labels(callStack())).filter((x) => x.startsWith('Thread '));
      return ['ticker', 'consumer-1', 'consumer-2', 'watchdog'].every((n) => l.some((x) => x.includes(n))) ? l : undefined;
    }, 20_000);
    const thread = (name) => threads.find((l) => l.includes(name)) ?? '';
    assert.match(thread('Task-1 '), /▶ running · main\(\).*Paused on breakpoint/, thread('Task-1 '));
    assert.match(thread('ticker'), /⏸ sleep 0\.05 s/, thread('ticker'));
    assert.match(thread('consumer-1'), /⏸ sleep 30 s/, thread('consumer-1'));
    assert.match(thread('watchdog'), /⏸ .*Event/, thread('watchdog'));
  });

  test('expanding a suspended task shows its coroutine frames at their await lines', async () => {
    assert.ok(stopped, 'the session is stopped');
    await callStack().filter({ hasText: 'consumer-1' }).first().locator('.monaco-tl-twistie').click();
    const frames = await waitFor('the frames of consumer-1', async () => {
      const l = await labels(callStack());
      const i = l.findIndex((x) => x.startsWith('Thread consumer-1'));
      const mine = [];
      for (let j = i + 1; j < l.length && l[j].startsWith('Stack Frame'); j++) mine.push(l[j]);
      return mine.length ? mine : undefined;
    }, 15_000);
    assert.deepEqual(frames, [
      `Stack Frame handle, line ${lineOf('await sleep(30)')}, ${PROGRAM}`,
      `Stack Frame consumer, line ${lineOf('await handle(item)')}, ${PROGRAM}`,
    ]);
    await callStack().filter({ hasText: /^handle/ }).first().click();
    await screenshot('suspended-task-frames');
  });

  test("VARIABLES shows a suspended frame's locals and the future it awaits", async () => {
    assert.ok(stopped, 'the session is stopped');
    await waitFor('the locals of handle()', async () => {
      const l = await labels(variables());
      return l.includes('item, value 10') && l.includes('doubled, value 20');
    }, 15_000);
    await variables().filter({ hasText: /^Awaiting/ }).first().click();
    const awaiting = await waitFor('the awaited future', async () => {
      const l = await labels(variables());
      return l.some((x) => x.startsWith('state, value')) ? l : undefined;
    }, 15_000);
    assert.ok(awaiting.includes('state, value PENDING'), awaiting.join('\n'));
    assert.ok(awaiting.some((x) => /^completedBy, value timer due in/.test(x)), awaiting.join('\n'));
    await screenshot('variables');
  });

  test('hovering `await` shows the future that frame awaits', async () => {
    assert.ok(stopped, 'the session is stopped');
    const hover = await hoverUntil(page, 'await sleep(30)', 'await', page.locator('.debug-hover-widget').filter({ hasText: /sleep 30 s · due in/ }).first());
    const text = await hover.innerText();
    assert.match(text, /sleep 30 s · due in \d+(\.\d+)? s/);
    assert.equal(await page.locator('.debug-hover-widget:visible').count(), 1, 'one debug hover');
    assert.equal(text.match(/sleep 30 s · due in/g)?.length, 1, `the phrase once:\n${text}`);
    assert.doesNotMatch(text, /cb=\[|Task\.wakeup|_TimerHandle|<anonymous>/, `the runtime's internals stay one click deeper:\n${text}`);
    await screenshot('await-hover');
    await quiet('after hovering an await');
    await page.mouse.move(5, 500);
  });

  test('inline values put the awaited future after the await of a suspended frame', async () => {
    assert.ok(stopped, 'the session is stopped');
    const line = await waitFor('an inline value with ⏸', async () => {
      const lines = await page.locator('.monaco-editor .view-line').allTextContents();
      return lines.map((l) => l.replace(/\u00a0/g, ' ')).find((l) => l.includes('await sleep(30)') && l.includes('⏸'));
    }, 15_000);
    assert.match(line, /await sleep\(30\);\s*⏸ sleep 30 s · due in \d+(\.\d+)? s$/);
  });

  test('hovering the `await` of another frame of the task shows what that frame awaits', async () => {
    assert.ok(stopped, 'the session is stopped');
    const hover = await hoverUntil(page, 'await handle(item)', 'await', page.locator('.debug-hover-widget').first());
    const text = await hover.innerText();
    // The consumer frame awaits the coroutine of the frame above it: handle, suspended at its await.
    assert.match(text.split('\n')[0], new RegExp(`^handle\\(\\) · suspended at pipeline\\.ts:${lineOf('await sleep(30)')}$`), text);
    await page.mouse.move(5, 500);
  });

  test("hovering an `await` where another task is suspended shows that task's future, by name", async () => {
    assert.ok(stopped, 'the session is stopped');
    // main is focused (stopped at the breakpoint); the watchdog task waits at `await alarm.wait()`.
    await gotoLine(page, lineOf('await alarm.wait()'), 1);
    const hover = await hoverUntil(page, 'await alarm.wait()', 'await', page.locator('.debug-hover-widget').filter({ hasText: /watchdog/ }).first()).catch(async (err) => {
      await screenshot('other-task-await-hover-missing');
      throw err;
    });
    const text = await hover.innerText();
    assert.match(text, /watchdog/);
    assert.match(text, /Event/);
    assert.doesNotMatch(text, /not suspended|cb=\[|Task\.wakeup|<anonymous>/, text);
    await screenshot('other-task-await-hover');
    await page.mouse.move(5, 500);
  });

  test('the Tasks view groups the tasks by what they wait on, with counts, and links to their awaits', async () => {
    assert.ok(stopped, 'the session is stopped');
    await setPanes({ Variables: false, 'Call Stack': false, Tasks: true });
    const pane = page.locator('.pane', { has: page.locator('.pane-header', { hasText: /^Tasks/ }) });
    const rows = pane.locator('.monaco-list-row');
    const text = await waitFor('task groups', async () => {
      const t = (await rows.allInnerTexts()).join('\n');
      return /⏸ timer/.test(t) ? t : undefined;
    }, 20_000);
    assert.match(text, /3 tasks ⏸ timer \(sleep\)/);
    assert.match(text, /1 task ⏸ queue \/ lock \/ event/);
    assert.match(text, /1 task ▶ running/);
    await screenshot('tasks-view');
    // Search: only the matching tasks stay, with the count in the view's title.
    await runCommand(page, 'Coroscope: Search Tasks');
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.fill('consumer');
    await page.keyboard.press('Enter');
    const found = await waitFor('the search result', async () => {
      const t = (await rows.allInnerTexts()).join('\n');
      return /2 tasks ⏸ timer/.test(t) && !/ticker|watchdog/.test(t) ? t : undefined;
    }, 10_000);
    assert.match(found, /consumer-1[^]*consumer-2/);
    assert.match(await pane.locator('.pane-header').innerText(), /2 of 5 tasks match “consumer”/);
    await runCommand(page, 'Coroscope: Clear Task Search');
    await waitFor('all tasks again', async () => /watchdog/.test((await rows.allInnerTexts()).join('\n')), 10_000);
    await rows.filter({ hasText: 'watchdog' }).first().click();
    await waitFor('the cursor on the watchdog await line', async () => (await page.locator('.statusbar').innerText()).includes(`Ln ${lineOf('await alarm.wait()')},`), 10_000);
  });

  test('the Tasks view is fed by coroscope/tasks (with the loop\'s readiness sets)', async () => {
    assert.ok(stopped, 'the session is stopped');
    const pane = page.locator('.pane', { has: page.locator('.pane-header', { hasText: /^Tasks/ }) });
    const text = await pane.innerText();
    assert.doesNotMatch(text, /threads only/, 'the adapter answered coroscope/tasks');
    assert.match(text, /Event loop/);
  });

  test('stopping the session ends it and the debuggee', async () => {
    assert.ok(stopped, 'the session is stopped');
    assert.ok(debuggees().length > 0, 'the debuggee runs while stopped');
    await page.keyboard.press('Shift+F5');
    await page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: 20_000 });
    await waitFor('the debuggee to exit', () => debuggees().length === 0, 10_000);
  });

  test('with coroscope.debug.inlineAdapter off, the adapter runs as its own process', async () => {
    server.writeUserSettings({ ...userSettings, 'coroscope.debug.inlineAdapter': false });
    await delay(1500); // VS Code reads the changed settings file
    await page.locator('.monaco-editor').first().click({ position: { x: 200, y: 200 } });
    await page.keyboard.press('F5');
    await page.locator('.debug-toolbar').waitFor({ state: 'visible', timeout: 60_000 });
    await setPanes({ 'Call Stack': true, Tasks: false });
    await waitFor('a thread paused on the breakpoint', async () => (await labels(callStack())).some((l) => /Paused on breakpoint/i.test(l)), 60_000);
    const adapter = processes().filter((args) => args.includes(join('dist', 'debug-adapter', 'main.js')) && args.includes(server.dir));
    assert.equal(adapter.length, 1, `one adapter process:\n${adapter.join('\n')}`);
    assert.ok((await labels(callStack())).some((l) => /Thread consumer-1 .*⏸ sleep 30 s/.test(l)), 'the same tasks');
    await screenshot('adapter-process');
    await page.keyboard.press('Shift+F5');
    await page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: 20_000 });
    await waitFor('the debuggee and the adapter to exit', () => debuggees().length === 0 && !processes().some((a) => a.includes(join('dist', 'debug-adapter', 'main.js')) && a.includes(server.dir)), 10_000);
  });

  test('with maxThreads: 1 and coroscope.tasks.pageSize: 2, CALL STACK shows only the stopped task, the Tasks view a task beyond it, and says how many it shows', async () => {
    server.writeUserSettings({ ...userSettings, 'coroscope.tasks.pageSize': 2 });
    const ws = join(server.dir, 'ws');
    mkdirSync(join(ws, '.vscode'), { recursive: true });
    const config = { type: 'coroscope', request: 'launch', name: 'Coroscope: pipeline, one thread', program: '${workspaceFolder}/' + PROGRAM, maxThreads: 1 };
    writeFileSync(join(ws, '.vscode', 'launch.json'), JSON.stringify({ version: '0.2.0', configurations: [config] }, null, 2));
    await delay(1500); // VS Code reads launch.json and the settings
    await openFile(page, PROGRAM);
    try {
      // The configuration by name, so the run is sure to use it.
      // VS Code reads the new launch.json on its own time: ask again until the list offers it.
      const pick = page.locator('.quick-input-widget .monaco-list-row', { hasText: config.name }).first();
      await waitFor(`"${config.name}" in Select and Start Debugging`, async () => {
        await runCommand(page, 'Debug: Select and Start Debugging');
        if (await pick.waitFor({ state: 'visible', timeout: 3_000 }).then(() => true, () => false)) return true;
        await page.keyboard.press('Escape');
        return false;
      }, 45_000, 500);
      await pick.click();
      await page.locator('.debug-toolbar').waitFor({ state: 'visible', timeout: 60_000 });
      await setPanes({ 'Call Stack': true, Tasks: true });
      await waitFor('a thread paused on the breakpoint', async () => (await labels(callStack())).some((l) => /Paused on breakpoint/i.test(l)), 60_000);
      const threads = (await labels(callStack())).filter((l) => l.startsWith('Thread '));
      const tasks = threads.filter((l) => !l.startsWith('Thread event loop'));
      assert.equal(tasks.length, 1, `one task as a thread:\n${threads.join('\n')}`);
      assert.match(tasks[0], /^Thread Task-1 .*Paused on breakpoint/);
      const pane = page.locator('.pane', { has: page.locator('.pane-header', { hasText: /^Tasks/ }) });
      let seen = '';
      await waitFor('the Tasks view: 2 of 5 tasks, the ticker among them', async () => {
        seen = await pane.innerText();
        return /Showing 2 of 5 tasks \(setting coroscope\.tasks\.pageSize\)/.test(seen) && /ticker/.test(seen);
      }, 20_000).catch((err) => {
        throw new Error(`${err.message}; the Tasks view shows:\n${seen}`);
      });
      assert.doesNotMatch(seen, /threads only/, 'the adapter answered coroscope/tasks');
      assert.ok(!threads.some((l) => l.includes('ticker')), 'the ticker is beyond the thread cap, in the Tasks view only');
      await screenshot('tasks-beyond-thread-cap');
      await quiet('with maxThreads: 1');
    } finally {
      await page.keyboard.press('Shift+F5');
      await page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: 20_000 });
      await waitFor('the debuggee to exit', () => debuggees().length === 0, 10_000);
      rmSync(join(ws, '.vscode'), { recursive: true, force: true });
      server.writeUserSettings(userSettings);
      await delay(1500); // F5 is Debug Program again once no launch configuration is left
    }
  });

  test('stepping: one F10 over `await sleep()`, one F11 into a coroutine body, no notification on the way', async () => {
    server.writeUserSettings(userSettings);
    await delay(1500);
    await openFile(page, PROGRAM);
    /** The line of `fn`'s top frame in the thread named `thread` (its stack is expanded when it stopped). */
    const frameLine = async (fn) => {
      const l = await labels(callStack());
      const frame = l.find((x) => x.startsWith(`Stack Frame ${fn}, line `));
      return frame ? Number(/line (\d+)/.exec(frame)[1]) : undefined;
    };
    const toggleBreakpoint = async (line) => {
      await gotoLine(page, line, 3);
      await page.keyboard.press('F9');
    };
    await toggleBreakpoint(BREAKPOINT_LINE); // off: the earlier tests left it on
    const SLEEP_LINE = lineOf('await sleep(0.05);');
    await toggleBreakpoint(SLEEP_LINE);
    await page.locator('.monaco-editor .codicon-debug-breakpoint').first().waitFor({ timeout: 10_000 });
    await page.keyboard.press('F5');
    await page.locator('.debug-toolbar').waitFor({ state: 'visible', timeout: 60_000 });
    await setPanes({ 'Call Stack': true, Variables: true, Tasks: false });
    await waitFor(`main paused at line ${SLEEP_LINE}`, async () => (await labels(callStack())).some((l) => /^Thread Task-1 .*Paused on breakpoint/.test(l)) && (await frameLine('main')) === SLEEP_LINE, 60_000);
    await quiet('at the breakpoint');

    // One F10: the next line of main (the loop's `i++`, or its next statement), not the same line again.
    await page.keyboard.press('F10');
    const after = await waitFor('main paused after one F10', async () => {
      const l = await labels(callStack());
      const line = await frameLine('main');
      return l.some((x) => /^Thread Task-1 .*Paused on step/.test(x)) && line !== undefined && line !== SLEEP_LINE ? line : undefined;
    }, 20_000);
    assert.ok([lineOf('for (let i = 1'), lineOf('await queue.put')].includes(after), `one F10 from line ${SLEEP_LINE} stopped at line ${after}`);
    await screenshot('one-f10-over-await-sleep');
    await quiet('after F10');

    // One F11 on `const result = await handle(item)` in a consumer: the first line of handle's body.
    await toggleBreakpoint(SLEEP_LINE);
    const CALL_LINE = lineOf('await handle(item)');
    await toggleBreakpoint(CALL_LINE);
    await page.keyboard.press('F5');
    await waitFor(`a consumer paused at line ${CALL_LINE}`, async () => (await labels(callStack())).some((l) => /^Thread consumer-\d.*Paused on breakpoint/.test(l)) && (await frameLine('consumer')) === CALL_LINE, 30_000);
    await quiet('at the consumer breakpoint');
    await page.keyboard.press('F11');
    await waitFor("handle's first statement after one F11", async () => (await frameLine('handle')) === lineOf('const doubled = item * 2'), 20_000);
    // handle's own locals: its argument and `doubled` (not yet assigned), none of consumer's.
    const locals = await waitFor("handle's locals", async () => {
      const l = await labels(variables());
      return l.some((x) => /^item, value (10|20)$/.test(x)) && l.some((x) => /^doubled, value undefined$/.test(x)) ? l : undefined;
    }, 15_000);
    assert.ok(!locals.some((x) => /^(queue|result),/.test(x)), `consumer's locals are not handle's:\n${locals.join('\n')}`);
    await screenshot('one-f11-into-handle');
    await quiet('after F11');
    await toggleBreakpoint(CALL_LINE);
    await page.keyboard.press('Shift+F5');
    await page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: 20_000 });
    await waitFor('the debuggee to exit', () => debuggees().length === 0, 10_000);
  });

  test('with coroscope.languageServer.enabled off, the extension runs no language server: no coroscope problems', async () => {
    const activations = () => server.extHostLog().match(/_doActivateExtension coroscope\.coroscope/g)?.length ?? 0;
    const before = activations();
    server.writeUserSettings({ ...userSettings, 'coroscope.languageServer.enabled': false });
    await delay(1500);
    await page.reload(); // a new window: a new extension host reads the setting at activation
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await openFile(page, 'mistakes.ts');
    await waitFor('the extension activated again', () => activations() > before, 60_000);
    await runCommand(page, 'View: Focus Problems (Errors, Warnings, Infos)');
    await delay(8000); // the language server, were it running, reports within a few seconds (the first test waits for it)
    const rows = await page.locator('.markers-panel .monaco-list-row').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
    assert.deepEqual(rows.filter((l) => /generated by coroscope/.test(l)), [], rows.join('\n'));
    await screenshot('language-server-off');
    server.writeUserSettings(userSettings);
  });

  test('the Tasks view as a tree: each task under the task that created it; Cancel Task from its context menu takes effect on continue', async () => {
    server.writeUserSettings(userSettings);
    await delay(1500);
    await openFile(page, PROGRAM);
    await gotoLine(page, BREAKPOINT_LINE, 3);
    await page.keyboard.press('F9');
    await page.keyboard.press('F5');
    await page.locator('.debug-toolbar').waitFor({ state: 'visible', timeout: 60_000 });
    await setPanes({ 'Call Stack': true, Variables: false, Tasks: true });
    await waitFor('main paused on the breakpoint', async () => (await labels(callStack())).some((l) => /^Thread Task-1 .*Paused on breakpoint/.test(l)), 60_000);
    const pane = page.locator('.pane', { has: page.locator('.pane-header', { hasText: /^Tasks/ }) });
    const rows = pane.locator('.pane-body .monaco-list-row');
    /**
     * The view's rows top to bottom as `depth name…`: the depth is the row's aria-level, else the rank
     * of how far its label is indented; then its label and description.
     */
    const levels = async () =>
      rows.evaluateAll((els) => {
        const indent = (e) => Math.round(e.querySelector('.monaco-tl-indent')?.getBoundingClientRect().width ?? 0);
        const sorted = [...els].sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top);
        const widths = [...new Set(sorted.map(indent))].sort((a, b) => a - b);
        // The label and its description apart (innerText runs them together: `watchdogEvent · …`).
        const text = (e) => ([...e.querySelectorAll('.label-name, .label-description')].map((x) => x.textContent).join(' ') || e.innerText || '').replace(/\s+/g, ' ').trim();
        return sorted.map((e) => `${e.getAttribute('aria-level') ?? 1 + widths.indexOf(indent(e))} ${text(e)}`);
      });
    await runCommand(page, 'Coroscope: Show as Tree (who created whom)');
    let seen = [];
    const tree = await waitFor('the tasks as a tree', async () => {
      seen = await levels();
      return seen.some((x) => /^2 watchdog/.test(x)) ? seen : undefined;
    }, 20_000).catch(async (err) => {
      await screenshot('tasks-view-tree-missing');
      throw new Error(`${err.message}; the Tasks view's rows:\n${seen.join('\n')}`);
    });
    assert.match(tree[0], /^1 Task-1/, tree.join('\n'));
    for (const name of ['ticker', 'consumer-1', 'consumer-2', 'watchdog']) assert.ok(tree.some((x) => new RegExp(`^2 ${name}`).test(x)), `${name} under main:\n${tree.join('\n')}`);
    assert.ok(!tree.some((x) => /⏸ timer \(sleep\)|tasks? ⏸/.test(x)), `no wait groups in tree mode:\n${tree.join('\n')}`);
    await screenshot('tasks-view-tree');

    // Cancel Task… on the watchdog: a message, then the view and the status bar say when it takes effect.
    await rows.filter({ hasText: 'watchdog' }).first().click({ button: 'right' });
    const item = page.locator('.context-view .action-item', { hasText: 'Cancel Task…' }).first();
    await item.waitFor({ state: 'visible', timeout: 10_000 });
    await screenshot('tasks-view-context-menu');
    await item.click();
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill('from the Tasks view');
    await page.keyboard.press('Enter');
    const row = await waitFor('the watchdog marked as cancel requested', async () => (seen = await levels()).find((x) => /watchdog.*cancel requested: takes effect when the program continues/.test(x)), 15_000).catch(async (err) => {
      await screenshot('tasks-view-cancel-missing');
      throw new Error(`${err.message}; the Tasks view's rows:\n${seen.join('\n')}`);
    });
    assert.match(row, /^2 watchdog/);
    assert.match(await page.locator('.statusbar').innerText(), /cancel requested for watchdog \(#\d+\) with "from the Tasks view": CancelledError is raised at the await it is suspended at when the program continues/);
    await screenshot('tasks-view-cancel-requested');
    await quiet('after Cancel Task');

    // Continue: the watchdog takes the CancelledError with the message (the program prints it), and ends normally.
    await runCommand(page, 'Coroscope: Group by What They Wait On');
    await page.keyboard.press('F5');
    await page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: 30_000 });
    await runCommand(page, 'Focus on Debug Console View');
    const out = await waitFor('the watchdog saying it was cancelled', async () => {
      const t = (await page.locator('.repl').allInnerTexts()).join('\n');
      return /watchdog cancelled: from the Tasks view/.test(t) ? t : undefined;
    }, 20_000);
    assert.match(out, /produced 3 items/);
    await screenshot('cancelled-on-continue');
    await waitFor('the debuggee to exit', () => debuggees().length === 0, 10_000);
    await openFile(page, PROGRAM);
    await gotoLine(page, BREAKPOINT_LINE, 3);
    await page.keyboard.press('F9');
  });

  test('F5 on a program whose two tasks take two locks in opposite orders: "Paused on deadlock", the cycle\'s tasks first', async () => {
    server.writeUserSettings(userSettings);
    await delay(1500);
    await openFile(page, 'deadlock.ts');
    await delay(2000); // the extension sets its F5 context key when the editor becomes active
    await page.keyboard.press('F5');
    await page.locator('.debug-toolbar').waitFor({ state: 'visible', timeout: 60_000 });
    await setPanes({ 'Call Stack': true, Variables: true, Tasks: false });
    const threads = await waitFor('a thread paused on deadlock', async () => {
      const l = (await labels(callStack())).filter((x) => x.startsWith('Thread '));
      return l.some((x) => /Paused on deadlock/.test(x)) ? l : undefined;
    }, 60_000);
    await screenshot('paused-on-deadlock');
    // The stop's description names the cycle; the cycle's tasks come first, each saying who holds its lock.
    assert.match(threads[0], /^Thread c1 ⏸ Lock b held by c2 \(deadlock\.ts:16\) · left\(\).*Paused on deadlock: c1 → Lock b held by c2 → Lock a held by c1/, threads.join('\n'));
    assert.match(threads[1], /^Thread c2 ⏸ Lock a held by c1 \(deadlock\.ts:9\) · right\(\)/, threads.join('\n'));
    assert.ok(!threads.some((l) => /Paused on breakpoint|Paused on exception/.test(l)), threads.join('\n'));
    await quiet('paused on deadlock');
    await page.keyboard.press('Shift+F5');
    await page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: 20_000 });
  });

  test('F5 on an .mts module with top-level await: a breakpoint in its body stops the task main in its <module> frame', async () => {
    const file = 'esm-hello.mts';
    const text = readFileSync(join(root, 'test', 'e2e', 'workspace', file), 'utf8');
    const line = text.split('\n').findIndex((l) => l.includes('// BREAKPOINT')) + 1;
    server.writeUserSettings(userSettings);
    await delay(1500);
    await openFile(page, file);
    await delay(2000); // the extension sets its F5 context key when the editor becomes active
    await gotoLine(page, line, 3);
    await page.keyboard.press('F9');
    await page.keyboard.press('F5');
    await page.locator('.debug-toolbar').waitFor({ state: 'visible', timeout: 60_000 });
    await setPanes({ 'Call Stack': true, Variables: true, Tasks: false });
    // The thread's label changes first; its frames arrive with the next stackTrace response.
    const frame = new RegExp(`^Stack Frame <module>, line ${line}, ${file.replace('.', '\\.')}`);
    const rows = await waitFor('main paused on the breakpoint in the module body, its <module> frame shown', async () => {
      const l = await labels(callStack());
      return l.some((x) => /^Thread main .*Paused on breakpoint/.test(x)) && l.some((x) => frame.test(x)) ? l : undefined;
    }, 60_000).catch(async (err) => {
      await screenshot('mts-breakpoint-missing');
      throw err;
    });
    await screenshot('mts-breakpoint');
    assert.ok(rows.some((x) => frame.test(x)), rows.join('\n'));
    // The module's own variables (its Module scope, opened by a click), with the value the top-level await left.
    const moduleScope = variables().filter({ hasText: /^Module/ }).first();
    await moduleScope.waitFor({ state: 'visible', timeout: 15_000 });
    if ((await moduleScope.getAttribute('aria-expanded')) !== 'true') await moduleScope.click();
    const vars = await waitFor('the Module scope with name = main', async () => {
      const l = await labels(variables());
      return l.some((x) => /^name, value .*main/.test(x)) ? l : undefined;
    }, 20_000).catch(async (err) => {
      await screenshot('mts-variables-missing');
      throw err;
    });
    assert.ok(vars.some((x) => /^greeting, value .*hello from an ES module/.test(x)), vars.join('\n'));
    await quiet('stopped in an .mts module');
    await page.keyboard.press('F5');
    await page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: 30_000 });
    await runCommand(page, 'Focus on Debug Console View');
    await waitFor('the module printing its task', async () => /hello from an ES module: the body ran as task main/.test((await page.locator('.repl').allInnerTexts()).join('\n')), 20_000);
    await screenshot('mts-done');
    await openFile(page, file);
    await gotoLine(page, line, 3);
    await page.keyboard.press('F9');
  });
  test('Coroscope: Loop Timeline, while stopped, draws the iterations and a lane per task; a slice names its callback', async () => {
    await openFile(page, PROGRAM);
    await gotoLine(page, BREAKPOINT_LINE, 3);
    await page.keyboard.press('F9'); // on again: the stepping test turned it off
    await page.locator('.monaco-editor .codicon-debug-breakpoint').first().waitFor({ timeout: 10_000 });
    await page.keyboard.press('F5');
    await page.locator('.debug-toolbar').waitFor({ state: 'visible', timeout: 60_000 });
    await setPanes({ 'Call Stack': true });
    await waitFor('a thread paused on the breakpoint', async () => (await labels(callStack())).some((l) => /Paused on breakpoint/i.test(l)), 60_000);
    await runCommand(page, 'Coroscope: Loop Timeline');
    // code-server nests a webview's page in two frames.
    const view = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    const summary = await waitFor('the timeline summary', async () => {
      const text = await view.locator('#summary').textContent({ timeout: 1000 }).catch(() => null);
      return text && /\d+ iterations/.test(text) ? text : undefined;
    }, 30_000);
    const m = /^(\d+) iterations · (\d+) callbacks · (\d+) tasks/.exec(summary);
    assert.ok(m && Number(m[1]) > 10 && Number(m[2]) > 10 && Number(m[3]) >= 4, summary);
    const lanes = await view.locator('svg text').allTextContents();
    for (const name of ['loop waits', 'callbacks', 'Task-1', 'ticker', 'consumer-1', 'watchdog']) assert.ok(lanes.includes(name), `lane ${name} in ${lanes.join(', ')}`);
    const latest = await view.locator('#list li').first().textContent();
    assert.match(latest, /^(waited [\d.]+ ms \(timeout (none|[\d.]+ ms), ended by (\d+ ready fds?|its timeout)\)|no wait \(callbacks were ready\)|a turn for Node, [\d.]+ ms)/, latest);
    // The program is stopped inside main's step: the newest iteration says so.
    assert.match(latest, /Task-1 step [\d.]+ ms so far \(stopped here\)$/, latest);
    assert.ok(!/undefined|NaN|setResultUnlessCancelled/.test(await view.locator('body').textContent()), 'no internals or holes in the page');
    await screenshot('loop-timeline');
    await quiet('with the timeline open');
    await page.keyboard.press('Shift+F5');
    await page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: 20_000 });
    await waitFor('the debuggee to exit', () => debuggees().length === 0, 10_000);
  });

});
