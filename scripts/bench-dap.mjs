// Benchmarks the debug adapter on a program with many suspended tasks:
// `node scripts/bench-dap.mjs [tasks...]` (default 5000 10000) prints, for each count, the median of
// several requests, each the first after a new stop: threads (default cap and maxThreads 10000), stackTrace of a suspended task,
// scopes + variables of its frame, the Event loop scope, one page (start/count) of Event loop ›
// tasks and › timers, and coroscope/tasks with limit 100 and with no limit. Requires `npm run build`.
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { DebugClient } = require('@vscode/debugadapter-testsupport');
const root = join(fileURLToPath(import.meta.url), '..', '..');
const counts = process.argv.length > 2 ? process.argv.slice(2).map(Number) : [5_000, 10_000];
const program = join(root, 'test', 'dap', 'fixtures', 'many-tasks.ts');
const ROUNDS = 7;

const time = async (fn) => {
  const t0 = performance.now();
  const r = await fn();
  return [performance.now() - t0, r];
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** A session stopped (paused) in the many-tasks program once all its tasks are suspended. */
async function pausedSession(count, extra = {}) {
  const dc = new DebugClient('node', join(root, 'dist', 'debug-adapter', 'main.js'), 'coroscope');
  dc.defaultTimeout = 120_000;
  let output = '';
  dc.on('output', (e) => (output += e.body.output));
  await dc.start();
  await Promise.all([dc.waitForEvent('initialized').then(() => dc.configurationDoneRequest()), dc.launch({ program, args: [String(count)], ...extra })]);
  for (let i = 0; i < 1200 && !output.includes('ready:'); i++) await new Promise((r) => setTimeout(r, 50));
  await dc.pauseRequest({ threadId: 1 });
  await dc.waitForEvent('stopped');
  return dc;
}

async function end(dc) {
  await dc.disconnectRequest({ terminateDebuggee: true });
  await dc.stop();
}

/** Resumes the program and pauses it again: a new stop, where nothing is cached yet. */
async function restop(dc) {
  await dc.continueRequest({ threadId: 1 });
  await new Promise((r) => setTimeout(r, 20));
  await Promise.all([dc.waitForEvent('stopped'), dc.pauseRequest({ threadId: 1 })]);
}

/**
 * The median of ROUNDS timings of fn, each the first request of a new stop (what the editor asks
 * right after a stop), and fn's result from the last round. `prepare` runs untimed after the stop.
 */
async function rounds(dc, fn, prepare = async () => undefined) {
  const ms = [];
  let last;
  for (let i = 0; i < ROUNDS; i++) {
    await restop(dc);
    const ready = await prepare();
    const [t, r] = await time(() => fn(ready));
    ms.push(t);
    last = r;
  }
  return [median(ms), last];
}

const line = (label, ms, goal, note = '') => console.log(`  ${label.padEnd(50)}${ms.toFixed(1).padStart(8)} ms${goal ? `   (goal < ${goal} ms)` : ''}${note ? `   ${note}` : ''}`);

console.log(`load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
for (const count of counts) {
  console.log(`\n${count} suspended tasks`);
  const dc = await pausedSession(count);
  const [tThreads, threads] = await rounds(dc, () => dc.threadsRequest());
  line(`threads (cap 200: ${threads.body.threads.length} sent)`, tThreads);
  const lastThread = async () => (await dc.threadsRequest()).body.threads.at(-1).id;
  const [tStack] = await rounds(dc, (threadId) => dc.stackTraceRequest({ threadId }), lastThread);
  line('stackTrace of a suspended task', tStack, 50);
  const topFrame = async () => (await dc.stackTraceRequest({ threadId: await lastThread() })).body.stackFrames[0].id;
  const [tLocals] = await rounds(dc, async (frameId) => {
    const scopes = await dc.scopesRequest({ frameId });
    await dc.variablesRequest({ variablesReference: scopes.body.scopes[0].variablesReference });
  }, topFrame);
  line('scopes + variables (Locals)', tLocals, 50);
  // The Event loop scope of the stopped thread's frame (the stop's first probe call: nothing cached).
  const loopRef = async () => {
    const frameId = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0].id;
    return (await dc.scopesRequest({ frameId })).body.scopes.find((s) => s.name === 'Event loop').variablesReference;
  };
  const [tLoop, loopVars] = await rounds(dc, (ref) => dc.variablesRequest({ variablesReference: ref }), loopRef);
  line('variables of Event loop', tLoop, 50);
  for (const name of ['tasks', 'timers']) {
    const v = loopVars.body.variables.find((x) => x.name === name);
    const n = v.indexedVariables ?? 0;
    // A page of the list as the editor asks for it: the last 100 of indexedVariables.
    const listRef = async () => {
      const r = await dc.variablesRequest({ variablesReference: await loopRef() });
      return r.body.variables.find((x) => x.name === name).variablesReference;
    };
    const [tPage, page] = await rounds(dc, (ref) => dc.variablesRequest({ variablesReference: ref, start: Math.max(0, n - 100), count: 100 }), listRef);
    const got = page.body.variables;
    line(`Event loop › ${name}, last page`, tPage, undefined, `value ${v.value}, indexedVariables ${n}, got ${got.length}: ${got[0]?.name ?? '-'} … ${got.at(-1)?.name ?? '-'}`);
  }
  const [tLimit, limited] = await rounds(dc, () => dc.customRequest('coroscope/tasks', { limit: 100 }));
  line('coroscope/tasks { limit: 100 }', tLimit, undefined, `${limited.body.tasks.length} of ${limited.body.total}`);
  const [tAll, all] = await rounds(dc, () => dc.customRequest('coroscope/tasks', {}));
  line('coroscope/tasks (all)', tAll, undefined, `${all.body.tasks.length} of ${all.body.total}`);
  await end(dc);

  const wide = await pausedSession(count, { maxThreads: 10_000 });
  const [tWide, wideThreads] = await rounds(wide, () => wide.threadsRequest());
  line(`threads (maxThreads 10000: ${wideThreads.body.threads.length} sent)`, tWide, 300);
  // The Tasks view's request marks which tasks are threads: under this cap, every one of them.
  const [tWideLimit, wideLimited] = await rounds(wide, () => wide.customRequest('coroscope/tasks', { limit: 100 }));
  line('coroscope/tasks { limit: 100 } (maxThreads 10000)', tWideLimit, undefined, `${wideLimited.body.tasks.length} of ${wideLimited.body.total}`);
  await end(wide);
}

// What a caught exception costs under the debugger, with no filter and with 'uncaught': then V8
// pauses at every throw and the adapter decides (from the script alone when the throw sits in a
// try…catch of its own function) to let it pass. ('all' stops at each one: nothing to time.)
const throws = 1000;
const caughtLoop = join(root, 'test', 'dap', 'fixtures', 'caught-loop.ts');
console.log(`\n${throws} exceptions thrown and caught in a loop, under the debugger:`);
for (const filters of [[], ['uncaught']]) {
  const c = new DebugClient('node', join(root, 'dist', 'debug-adapter', 'main.js'), 'coroscope');
  c.defaultTimeout = 120_000;
  let out = '';
  c.on('output', (e) => (out += e.body.output));
  await c.start();
  await Promise.all([
    c.waitForEvent('initialized').then(async () => {
      await c.setExceptionBreakpointsRequest({ filters });
      await c.configurationDoneRequest();
    }),
    c.launch({ program: caughtLoop, args: [String(throws)] }),
  ]);
  await c.waitForEvent('terminated', 120_000);
  const ms = Number(/caught \d+ in ([\d.]+) ms/.exec(out)?.[1]);
  console.log(`  filters [${filters.join(', ')}]`.padEnd(26) + `${ms.toFixed(1)} ms   (${((ms * 1000) / throws).toFixed(0)} µs per throw)`);
  await c.stop();
}
console.log(`\nload average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
