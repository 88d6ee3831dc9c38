// Benchmarks the debug adapter on a program with many suspended tasks (default 10,000):
// `node scripts/bench-dap.mjs [tasks]` prints how long threads, stackTrace of a suspended task,
// and scopes + variables of its frame take (median of several rounds). Requires `npm run build`.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { DebugClient } = require('@vscode/debugadapter-testsupport');
const root = join(fileURLToPath(import.meta.url), '..', '..');
const count = Number(process.argv[2] ?? 10_000);
const program = join(root, 'test', 'dap', 'fixtures', 'many-tasks.ts');

const dc = new DebugClient('node', join(root, 'dist', 'debug-adapter', 'main.js'), 'coroscope');
dc.defaultTimeout = 60_000;
let output = '';
dc.on('output', (e) => (output += e.body.output));
await dc.start();
await Promise.all([dc.waitForEvent('initialized').then(() => dc.configurationDoneRequest()), dc.launch({ program, args: [String(count)] })]);
for (let i = 0; i < 600 && !output.includes('ready:'); i++) await new Promise((r) => setTimeout(r, 50));
await dc.pauseRequest({ threadId: 1 });
await dc.waitForEvent('stopped');

const time = async (fn) => {
  const t0 = performance.now();
  const r = await fn();
  return [performance.now() - t0, r];
};
const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rounds = { threads: [], stackTrace: [], scopesVariables: [] };
let shown = 0;
for (let round = 0; round < 7; round++) {
  const [tt, threads] = await time(() => dc.threadsRequest());
  rounds.threads.push(tt);
  shown = threads.body.threads.length;
  const target = threads.body.threads[threads.body.threads.length - 1];
  const [ts, st] = await time(() => dc.stackTraceRequest({ threadId: target.id }));
  rounds.stackTrace.push(ts);
  const [tv] = await time(async () => {
    const scopes = await dc.scopesRequest({ frameId: st.body.stackFrames[0].id });
    await dc.variablesRequest({ variablesReference: scopes.body.scopes[0].variablesReference });
  });
  rounds.scopesVariables.push(tv);
}
console.log(`${count} suspended tasks, ${shown} threads sent (the rest under Event loop › tasks)`);
console.log(`threads            ${median(rounds.threads).toFixed(1)} ms   (goal < 300 ms)`);
console.log(`stackTrace         ${median(rounds.stackTrace).toFixed(1)} ms   (goal < 50 ms)`);
console.log(`scopes + variables ${median(rounds.scopesVariables).toFixed(1)} ms   (goal < 50 ms)`);
await dc.disconnectRequest({ terminateDebuggee: true });
await dc.stop();

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
