// A program with thousands of suspended tasks (test/dap/fixtures/many-tasks.ts): the Event loop
// scope's lists say how many items they have (indexedVariables) and give exactly the page a client
// asks for with start/count, so every task and timer is reachable, the last ones too; the threads
// request lists every task under maxThreads 10000; coroscope/tasks with a limit returns that many
// and says how many exist.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { ROOT, Session, delay, drive, failure } from './harness';
import type { TaskListBody } from '../../debug-adapter/task-list';

const program = join(ROOT, 'test', 'dap', 'fixtures', 'many-tasks.ts');
/** 4,500 tasks besides main: 1,500 sleep (timers, more than the 1,000 a list used to carry), the rest wait. */
const COUNT = 4500;
const TASKS = COUNT + 1;
const SLEEPERS = COUNT / 3;

/** Launches the program and pauses it once every task is suspended. */
function pausedSession(extra: Record<string, unknown> = {}): Promise<Session> {
  return drive(function* () {
    const s = new Session();
    yield s.start();
    yield s.launch(program, {}, { args: [String(COUNT)], ...extra });
    for (let i = 0; i < 400 && !s.output.includes('ready:'); i++) yield delay(50);
    assert.match(s.output, new RegExp(`ready: ${COUNT} tasks`));
    yield s.dc.pauseRequest({ threadId: 1 });
    yield s.stopped();
    return s;
  });
}

function eventLoop(s: Session): Promise<DebugProtocol.Variable[]> {
  return drive(function* () {
    const frames: DebugProtocol.StackFrame[] = yield s.frames(1);
    const scopes: DebugProtocol.ScopesResponse = yield s.dc.scopesRequest({ frameId: frames[0]!.id });
    const scope = scopes.body.scopes.find((x) => x.name === 'Event loop')!;
    const r: DebugProtocol.VariablesResponse = yield s.dc.variablesRequest({ variablesReference: scope.variablesReference });
    return r.body.variables;
  });
}

function page(s: Session, variablesReference: number, start?: number, count?: number, filter?: 'indexed' | 'named'): Promise<DebugProtocol.Variable[]> {
  return s.dc.variablesRequest({ variablesReference, start, count, filter }).then((r) => r.body.variables);
}

test('Event loop › tasks and › timers: indexedVariables counts them all, start/count gives that slice, the last is reachable', () =>
  drive(function* () {
    const s: Session = yield pausedSession();
    try {
      const vars: DebugProtocol.Variable[] = yield eventLoop(s);
      const tasks = vars.find((v) => v.name === 'tasks')!;
      assert.equal(tasks.value, `${TASKS}`);
      assert.equal(tasks.indexedVariables, TASKS);

      // The last page, as VS Code asks for it: exactly items [4401, 4501), the last task last.
      const last: DebugProtocol.Variable[] = yield page(s, tasks.variablesReference, TASKS - 100, 100, 'indexed');
      assert.deepEqual(last.map((v) => v.name), Array.from({ length: 100 }, (_, i) => `Task-${TASKS - 99 + i}`));
      assert.match(last.at(-1)!.value, /^Task-4501 /);
      assert.ok(last.at(-1)!.variablesReference > 0, 'a task expands to its summary');
      const summary: Record<string, string> = yield s.variables(last.at(-1)!.variablesReference);
      assert.equal(summary.name, 'Task-4501');
      // A slice in the middle, and a start near the end without a count (DAP: all the rest).
      const middle: DebugProtocol.Variable[] = yield page(s, tasks.variablesReference, 2000, 3);
      assert.deepEqual(middle.map((v) => v.name), ['Task-2001', 'Task-2002', 'Task-2003']);
      const rest: DebugProtocol.Variable[] = yield page(s, tasks.variablesReference, TASKS - 2);
      assert.deepEqual(rest.map((v) => v.name), ['Task-4500', 'Task-4501']);
      assert.deepEqual(yield page(s, tasks.variablesReference, TASKS, 10), [], 'a page past the end is empty');
      assert.deepEqual(yield page(s, tasks.variablesReference, 0, 10, 'named'), [], 'the list has no named children');
      assert.equal(yield failure(page(s, tasks.variablesReference, -1, 10)), 'variables: "start" must be a non-negative integer (got -1)');
      assert.equal(yield failure(page(s, tasks.variablesReference, 0, 2.5)), 'variables: "count" must be a non-negative integer (got 2.5)');

      // Timers, soonest first: the last one is the longest sleep, of the last sleeper (Task-4499).
      const timers = vars.find((v) => v.name === 'timers')!;
      const timerCount = Number(timers.value);
      assert.ok(timerCount >= SLEEPERS, timers.value);
      assert.equal(timers.indexedVariables, timerCount);
      const lastTimers: DebugProtocol.Variable[] = yield page(s, timers.variablesReference, timerCount - 50, 50);
      assert.deepEqual(lastTimers.map((v) => v.name), Array.from({ length: 50 }, (_, i) => `[${timerCount - 50 + i}]`));
      assert.match(lastTimers.at(-1)!.value, /^due in 5\d{3}\.\d{3} s: .*Task-4499 /);
      // Each timer names the task it wakes, however far down the list that task is.
      assert.ok(lastTimers.every((v) => !/task #\d+/.test(v.value)), lastTimers.map((v) => v.value).join('\n'));
    } finally {
      yield s.stop();
    }
  }));

test('threads with maxThreads 10000 lists every task; coroscope/tasks { limit: 100 } returns 100 of them and the total', () =>
  drive(function* () {
    const s: Session = yield pausedSession({ maxThreads: 10_000 });
    try {
      const threads: DebugProtocol.Thread[] = yield s.threads();
      assert.equal(threads.length, TASKS + 1, 'every task, and the event loop');
      assert.equal(threads[0]!.name, 'event loop');
      const names = new Set(threads.map((t) => t.name.split(' ')[0]));
      for (let i = 1; i <= TASKS; i++) assert.ok(names.has(`Task-${i}`), `Task-${i} is a thread`);

      const limited: TaskListBody = yield s.dc.customRequest('coroscope/tasks', { limit: 100 }).then((r) => r.body);
      assert.equal(limited.tasks.length, 100);
      assert.equal(limited.total, TASKS);
      assert.deepEqual(limited.tasks.map((t) => t.name.split(' ')[0]), Array.from({ length: 100 }, (_, i) => `Task-${i + 1}`));
      const threadIds = new Set(threads.map((t) => t.id));
      assert.ok(limited.tasks.every((t) => t.threadId !== undefined && threadIds.has(t.threadId)), 'each is a thread (maxThreads 10000)');
      // The loop's timers name their tasks beyond the first 100 too.
      assert.ok(limited.loop.timers.length > 0 && limited.loop.timers.every((t) => !/task #\d+/.test(t.what)), JSON.stringify(limited.loop.timers.slice(-3)));
    } finally {
      yield s.stop();
    }
  }));
