// The extension's pure helpers: finding `await` tokens for the hover and inline values, and grouping
// the adapter's task list for the Tasks view.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { awaitTokenAt, awaitTokens } from '../../extension/await-tokens';
import { countLabel, groupLabel, groupTasks, matches } from '../../extension/task-groups';
import { findNodeOnPath, importsCoroscope, withRuntime } from '../../extension/programs';
import type { TaskInfo } from '../../extension/protocol';

test('await tokens are found outside strings and comments, not as member names', () => {
  const line = `  const [a, b] = [await f(), await g()]; // await here is a comment`;
  assert.deepEqual(awaitTokens(line).map((s) => line.slice(s.start, s.end) + '@' + s.start), ['await@18', 'await@29']);
  assert.deepEqual(awaitTokens(`log("await me", 'await', \`await\`); obj.await(); awaited; /* await */ await x`).length, 1);
  assert.equal(awaitTokenAt('    await sleep(1)', 4)?.start, 4);
  assert.equal(awaitTokenAt('    await sleep(1)', 9)?.start, 4, 'the end of the word still counts');
  assert.equal(awaitTokenAt('    await sleep(1)', 11), undefined, 'sleep is not await');
});

const task = (id: number, name: string, state: TaskInfo['state'], wait: TaskInfo['wait'], line?: number): TaskInfo => ({
  id, name, state, wait, ...(line ? { location: { path: '/w/server.ts', line } } : {}),
});

test('tasks are grouped by what they wait on, in a fixed order, with counts and search', () => {
  const tasks: TaskInfo[] = [
    task(1, 'Task-1 main', 'suspended', { kind: 'gather', text: 'gather(3)' }, 40),
    task(2, 'Task-2 handle(conn)', 'suspended', { kind: 'fd', text: 'recv fd 9', events: 'read' }, 12),
    task(3, 'Task-3 handle(conn)', 'suspended', { kind: 'fd', text: 'recv fd 10', events: 'read' }, 12),
    task(4, 'Task-4 ticker', 'suspended', { kind: 'timer', text: 'sleep 0.25 s' }, 20),
    task(5, 'Task-5 stuck', 'suspended', { kind: 'nothing', text: 'a future nobody completes' }, 30),
    task(6, 'Task-6 writer', 'suspended', { kind: 'fd', text: 'send fd 11', events: 'write' }, 14),
    task(7, 'Task-7 worker', 'running', { kind: 'none', text: '' }),
    task(8, 'Task-8 consumer', 'suspended', { kind: 'primitive', text: 'Queue.get' }, 50),
  ];
  const groups = groupTasks(tasks);
  assert.equal(countLabel(2), '2 tasks');
  assert.deepEqual(groups.map(groupLabel), [
    '1 task ▶ running',
    '2 tasks ⏸ fd readable (recv)',
    '1 task ⏸ fd writable (send)',
    '1 task ⏸ timer (sleep)',
    '1 task ⏸ gather',
    '1 task ⏸ queue / lock / event',
    '1 task ⏸ nobody (a future nothing will complete)',
  ]);
  assert.deepEqual(groupTasks(tasks, 'HANDLE fd 10').flatMap((g) => g.tasks.map((t) => t.id)), [3]);
  assert.deepEqual(groupTasks(tasks, 'server.ts:20').flatMap((g) => g.tasks.map((t) => t.id)), [4]);
  assert.equal(matches(tasks[0]!, 'gather main'), true);
  assert.deepEqual(groupTasks(tasks, 'nothing-like-this'), []);
});

test('a file is a coroscope program when it imports or requires coroscope', () => {
  assert.equal(importsCoroscope(`import { run, sleep } from 'coroscope';`), true);
  assert.equal(importsCoroscope(`const { run } = require("coroscope/index");`), true);
  assert.equal(importsCoroscope(`import { run } from 'coroscopes';\n// coroscope`), false);
});

test('node is looked up on PATH; none found means the editor runtime is used', () => {
  assert.equal(findNodeOnPath({ PATH: '/nonexistent-a:/nonexistent-b' }), undefined);
  assert.equal(findNodeOnPath({ PATH: process.execPath.replace(/[\\/]node(\.exe)?$/, '') }), process.execPath);
});

test("without coroscope/tasks, the Tasks view reads tasks from the threads' names", async () => {
  const { taskFromThread } = await import('../../extension/thread-tasks');
  assert.equal(taskFromThread({ id: 1, name: 'event loop' }), undefined);
  assert.deepEqual(taskFromThread({ id: 4, name: 'ticker tick ⏸ sleep 0.05 s' }, { path: '/w/p.ts', line: 9 }), {
    id: 4, name: 'ticker tick', state: 'suspended', wait: { kind: 'timer', text: 'sleep 0.05 s' }, threadId: 4, location: { path: '/w/p.ts', line: 9 },
  });
  assert.deepEqual(taskFromThread({ id: 2, name: 'Task-1 main ▶ running' })?.state, 'running');
  // The adapter's names: the wait, then the coroutine with its parameters.
  assert.deepEqual(taskFromThread({ id: 5, name: 'alice ⏸ sleep 0.25 s · kvClient(who, port)' }), {
    id: 5, name: 'alice', coroutine: 'kvClient(who, port)', state: 'suspended', wait: { kind: 'timer', text: 'sleep 0.25 s' }, threadId: 5,
  });
  assert.deepEqual(taskFromThread({ id: 2, name: 'Task-1 ▶ running · main()' }), { id: 2, name: 'Task-1', coroutine: 'main()', state: 'running', wait: { kind: 'none', text: 'running' }, threadId: 2 });
  const kinds = ['handle ⏸ recv fd 9', 'w ⏸ send fd 3', 'watchdog ⏸ Event', 'c ⏸ Queue.get', 'm ⏸ gather(3)', 'x ⏸ Task-5 fetch()', 's ⏸ a future nobody completes']
    .map((name, i) => { const t = taskFromThread({ id: i, name })!; return `${t.wait.kind}${t.wait.events ? ':' + t.wait.events : ''}`; });
  assert.deepEqual(kinds, ['fd:read', 'fd:write', 'primitive', 'primitive', 'gather', 'task', 'nothing']);
});

test("the runtime: a configured one is kept, else node on PATH, else the editor's own with ELECTRON_RUN_AS_NODE", () => {
  const nodeDir = process.execPath.replace(/[\\/]node(\.exe)?$/, '');
  const launch: { type: string; request: string; program: string; env: Record<string, string>; runtimeExecutable?: unknown } = { type: 'coroscope', request: 'launch', program: '/w/p.ts', env: { A: '1' } };
  assert.equal(withRuntime({ ...launch, runtimeExecutable: '/opt/node22/bin/node' }, { PATH: '' }).runtimeExecutable, '/opt/node22/bin/node');
  assert.equal(withRuntime(launch, { PATH: nodeDir }).runtimeExecutable, process.execPath);
  assert.deepEqual(withRuntime({ ...launch, runtimeExecutable: 'node' }, { PATH: '/nonexistent' }, '/opt/Code/code'), {
    ...launch, runtimeExecutable: '/opt/Code/code', env: { A: '1', ELECTRON_RUN_AS_NODE: '1' },
  });
  const attach = { type: 'coroscope', request: 'attach', port: 9229 };
  assert.equal(withRuntime(attach, { PATH: '' }), attach);
});

test("'coroscope' and 'coroscope/<module>' resolve to the typings the extension ships (or a checkout's sources)", async () => {
  const { resolveCoroscope } = await import('../../extension/typings');
  const { join } = await import('node:path');
  const entry = join(__dirname, '..', '..', 'runtime', 'index.ts');
  assert.deepEqual(resolveCoroscope('coroscope', entry), { resolvedFileName: entry, extension: '.ts', isExternalLibraryImport: false });
  assert.equal(resolveCoroscope('coroscope/sleep', entry)?.resolvedFileName, join(__dirname, '..', '..', 'runtime', 'sleep.ts'));
  assert.equal(resolveCoroscope('coroscope/no-such-module', entry), undefined);
  assert.equal(resolveCoroscope('coroscopes', entry), undefined);
  assert.equal(resolveCoroscope('./coroscope', entry), undefined);
});

test('the inline value after an await is one short phrase', async () => {
  const { inlinePhrase } = await import('../../extension/protocol');
  assert.equal(inlinePhrase('<Future pending cb=[<callback>]> — completed by: timer due in 29.796 s (at loop time 30.341)'), 'pending · timer due in 29.796 s');
  assert.equal(inlinePhrase('<Task finished name=\'t\' coro=<f() done> result=42>'), 'finished');
  assert.equal(inlinePhrase('sleep 0.25 s · due in 0.12 s · pending'), 'sleep 0.25 s · due in 0.12 s · pending');
  assert.equal(inlinePhrase('x'.repeat(300)).length, 100);
});
