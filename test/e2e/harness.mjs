// A real VS Code for the end-to-end test: code-server (VS Code's server + web workbench) started in
// its own process group with a private HOME, driven by Playwright in Debian's headless Chromium.
// Everything a run writes lives in one short per-run folder (socket paths are limited to 108 bytes).
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { chromium } from 'playwright-core';

/** Polls `fn` until it returns a truthy value; throws `what` after `timeoutMs`. */
export async function waitFor(what, fn, timeoutMs = 30_000, everyMs = 250) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await delay(everyMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${last.message})` : ''}`);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Invariant: while `#proc` is set, a code-server process group is running on `port` with every
 * folder under `dir`; stop() ends the whole group (it is its leader) and clears it.
 */
export class CodeServer {
  #proc;
  #node;
  #entry;
  dir;
  port;

  constructor({ node, entry }) {
    this.#node = node;
    this.#entry = entry;
    this.dir = mkdtempSync(join(tmpdir(), 'cse2e-'));
    for (const d of ['home', 'data', 'ext', 'tmp', 'xdg-config', 'xdg-cache', 'xdg-data', 'chrome']) mkdirSync(join(this.dir, d), { recursive: true });
  }

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  get userDataDir() {
    return join(this.dir, 'data');
  }

  /** The environment both code-server and Chromium get: everything private to this run. */
  env(extra = {}) {
    return {
      ...process.env,
      HOME: join(this.dir, 'home'),
      TMPDIR: join(this.dir, 'tmp'),
      XDG_CONFIG_HOME: join(this.dir, 'xdg-config'),
      XDG_CACHE_HOME: join(this.dir, 'xdg-cache'),
      XDG_DATA_HOME: join(this.dir, 'xdg-data'),
      ...extra,
    };
  }

  #args() {
    return ['--user-data-dir', this.userDataDir, '--extensions-dir', join(this.dir, 'ext')];
  }

  installExtension(vsix) {
    const r = spawnSync(this.#node, [this.#entry, ...this.#args(), '--install-extension', vsix], { env: this.env(), encoding: 'utf8', timeout: 120_000 });
    if (r.status !== 0) throw new Error(`--install-extension failed (${r.status}): ${r.stdout}\n${r.stderr}`);
    return r.stdout.trim();
  }

  writeUserSettings(settings) {
    const dir = join(this.userDataDir, 'User');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'settings.json'), JSON.stringify(settings, null, 2));
  }

  async start() {
    this.port = await freePort();
    const log = openSync(join(this.dir, 'code-server.log'), 'a');
    this.#proc = spawn(this.#node, [
      this.#entry,
      '--bind-addr', `127.0.0.1:${this.port}`,
      '--auth', 'none',
      ...this.#args(),
      '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
      '--disable-getting-started-override', '--ignore-last-opened', '--reconnection-grace-time', '5',
    ], { env: this.env(), stdio: ['ignore', log, log], detached: true });
    this.#proc.on('exit', (code, signal) => appendFileSync(join(this.dir, 'code-server.log'), `\n[harness] code-server exited: ${code ?? signal}\n`));
    await waitFor('code-server /healthz', async () => (await fetch(`${this.url}/healthz`)).ok, 60_000);
  }

  /** The extension host's log of the first window (where activation and our output appear). */
  extHostLog() {
    const logs = join(this.userDataDir, 'logs');
    if (!existsSync(logs)) return '';
    let text = '';
    for (const session of readdirSync(logs)) {
      // exthost1, exthost2 (after "Restart Extension Host"), ...
      const hosts = readdirSync(join(logs, session)).filter((d) => /^exthost\d+$/.test(d)).sort((a, b) => Number(a.slice(7)) - Number(b.slice(7)));
      for (const sub of [...hosts, join('window1', 'exthost')]) {
        const file = join(logs, session, sub, 'remoteexthost.log');
        if (existsSync(file)) text += readFileSync(file, 'utf8');
      }
    }
    return text;
  }

  /** All log files of the server (for the test's artifacts). */
  logFiles() {
    const out = [join(this.dir, 'code-server.log')];
    const walk = (d) => {
      for (const name of readdirSync(d, { withFileTypes: true })) {
        if (name.isDirectory()) walk(join(d, name.name));
        else if (name.name.endsWith('.log')) out.push(join(d, name.name));
      }
    };
    if (existsSync(join(this.userDataDir, 'logs'))) walk(join(this.userDataDir, 'logs'));
    return out;
  }

  async stop() {
    const proc = this.#proc;
    this.#proc = undefined;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    try {
      process.kill(-proc.pid, 'SIGTERM');
    } catch {
      return;
    }
    const done = await Promise.race([exited.then(() => true), delay(5000).then(() => false)]);
    if (!done) {
      try {
        process.kill(-proc.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}

/** Headless Chromium with a fresh profile inside the run folder. */
export async function launchBrowser(server, executablePath) {
  return chromium.launchPersistentContext(join(server.dir, 'chrome'), {
    executablePath,
    headless: true,
    env: server.env(),
    viewport: { width: 1600, height: 1000 },
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
    ],
  });
}

/** Runs a command from the palette, clicking the exact row (pressing Enter is flaky). */
export async function runCommand(page, label) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(`>${label}`);
  const row = page.locator('.quick-input-widget .monaco-list-row', { has: page.locator('.label-name', { hasText: label }) }).first();
  await row.waitFor({ state: 'visible', timeout: 10_000 });
  await row.click();
}

/** Opens a workspace file through Quick Open. */
export async function openFile(page, name) {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(name);
  const row = page.locator('.quick-input-widget .monaco-list-row', { has: page.locator('.label-name', { hasText: name }) }).first();
  await row.waitFor({ state: 'visible', timeout: 10_000 });
  await row.click();
  await page.locator(`.tabs-container .tab.active[aria-label*="${name}"]`).waitFor({ timeout: 10_000 });
}

/** Puts the cursor at a 1-based line and column of the active editor (Go to Line). */
export async function gotoLine(page, line, column = 1) {
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(`:${line}:${column}`);
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden', timeout: 10_000 });
}

/** The text of the visible hover widget (editor or debug hover), after it shows `expected`. */
export async function hoverText(page, selector, expected, timeoutMs = 15_000) {
  const widget = page.locator(selector).filter({ hasText: expected }).first();
  await widget.waitFor({ state: 'visible', timeout: timeoutMs });
  return widget.innerText();
}

/** Moves the mouse onto `token` inside the first visible editor line containing `lineText`. */
export async function hoverToken(page, lineText, token) {
  const box = await page.evaluate(([lineText, token]) => {
    const line = [...document.querySelectorAll('.monaco-editor .view-line')].find((e) => e.textContent.replace(/\u00a0/g, ' ').includes(lineText));
    if (!line) return null;
    const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const i = n.data.replace(/\u00a0/g, ' ').indexOf(token);
      if (i < 0) continue;
      const r = document.createRange();
      r.setStart(n, i);
      r.setEnd(n, i + token.length);
      const b = r.getBoundingClientRect();
      return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
    }
    return null;
  }, [lineText, token]);
  if (!box) throw new Error(`no visible line with ${JSON.stringify(lineText)}`);
  await page.mouse.move(box.x - 60, box.y - 60);
  await page.mouse.move(box.x, box.y, { steps: 5 });
}

/**
 * Hovers a token until the hover matching `locator` shows (VS Code ignores a hover that arrives
 * while the editor is still settling, e.g. right after a stop): the gesture is repeated, moving
 * away between tries. Returns the visible hover.
 */
export async function hoverUntil(page, lineText, token, locator, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await hoverToken(page, lineText, token);
    try {
      await locator.waitFor({ state: 'visible', timeout: Math.min(4_000, Math.max(1, deadline - Date.now())) });
      return locator;
    } catch (err) {
      if (Date.now() >= deadline) throw err;
      await page.mouse.move(5, 500);
    }
  }
}
