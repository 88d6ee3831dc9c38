// What the debugger calls things, on a key-value server with two named clients (a program no other
// test runs): thread names with the wait before the parameter list, the server's connection tasks
// named by their peer, the loop's fds and timers in the program's words (the runtime's reprs one
// click deeper), one clock reading per stop, and the `await` hover on a line where other tasks wait.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { Session, delay, drive, type Stop } from './harness';
import type { TaskListBody } from '../../debug-adapter/task-list';

const program = join(__dirname, 'fixtures', 'kv-names.ts');
/** Internal names that must not be in what is shown by default. */
const INTERNALS = /_TimerHandle|TimerHandle|_Coroutine|<FdWatch>|onReady\(|cb=\[|Task\.wakeup|<anonymous>|Handle /;

function loopScope(s: Session, frameId: number): Promise<DebugProtocol.Variable[]> {
  return drive(function* () {
    const scopes: DebugProtocol.Scope[] = (yield s.dc.scopesRequest({ frameId })).body.scopes;
    return (yield s.dc.variablesRequest({ variablesReference: scopes.find((x) => x.name === 'Event loop')!.variablesReference })).body.variables;
  });
}

test('threads, fds and timers are named in the program’s words; the server’s tasks carry their peer', () =>
  drive(function* () {
    const s = new Session();
    yield s.start();
    try {
      yield s.launch(program, { [program]: [{ line: 32 }] });
      const stop: Stop = yield s.stopped();
      const names = ((yield s.threads()) as DebugProtocol.Thread[]).map((t) => t.name);
      assert.deepEqual(names.slice(0, 4), ['event loop', 'Task-1 ▶ running · main()', 'alice ⏸ sleep 30 s · kvClient(who, port)', 'bob ⏸ sleep 30 s · kvClient(who, port)']);
      const servers = names.slice(4);
      assert.equal(servers.length, 2, names.join(' | '));
      for (const n of servers) assert.match(n, /^serveConnection 127\.0\.0\.1:\d+ ⏸ recv fd \d+$/);

      const loopVars: DebugProtocol.Variable[] = yield loopScope(s, stop.frames[0]!.id);
      const part = (name: string): Promise<Record<string, string>> => s.variables(loopVars.find((v) => v.name === name)!.variablesReference);
      const readers: Record<string, string> = yield part('readers');
      const values = Object.values(readers);
      assert.ok(values.includes("Node's event loop (libuv backend fd)"), JSON.stringify(readers));
      assert.ok(values.includes('wake-up (eventfd for callSoonThreadsafe)'), JSON.stringify(readers));
      assert.equal(values.filter((v) => /^127\.0\.0\.1:\d+ · accepts connections \(startServer\)$/.test(v)).length, 1, JSON.stringify(readers));
      const serving = values.filter((v) => / · recv fd \d+ → serveConnection 127\.0\.0\.1:\d+$/.test(v));
      assert.equal(serving.length, 2, JSON.stringify(readers));
      const timers: Record<string, string> = yield part('timers');
      assert.deepEqual(Object.values(timers).map((v) => v.replace(/^due in [\d.]+ s: /, '')), ['sleep 30 s → alice kvClient(who, port)', 'sleep 30 s → bob kvClient(who, port)']);
      const tasks: Record<string, string> = yield part('tasks');
      for (const shown of [...values, ...Object.values(timers), ...Object.values(tasks)]) assert.doesNotMatch(shown, INTERNALS);
      // The runtime's own repr is one click deeper.
      const fd13 = loopVars.find((v) => v.name === 'readers')!;
      const readerVars: DebugProtocol.Variable[] = (yield s.dc.variablesRequest({ variablesReference: fd13.variablesReference })).body.variables;
      const host = readerVars.find((v) => v.value === "Node's event loop (libuv backend fd)")!;
      const detail: Record<string, string> = yield s.variables(host.variablesReference);
      const hostReader: Record<string, string> = yield s.variables((yield s.dc.variablesRequest({ variablesReference: host.variablesReference })).body.variables.find((v: DebugProtocol.Variable) => v.name === 'reader').variablesReference);
      assert.equal(detail.fd, host.name.slice(3));
      assert.equal(hostReader.description, 'Handle <anonymous>()');

      // alice's frame: the Awaiting and Task scopes lead with what a person reads; the reprs are under `details`.
      const alice = ((yield s.threads()) as DebugProtocol.Thread[]).find((t) => t.name.startsWith('alice '))!;
      const aliceFrames: DebugProtocol.StackFrame[] = yield s.frames(alice.id);
      const awaiting: Record<string, string> = yield s.scope(aliceFrames[0]!.id, 'Awaiting');
      assert.match(awaiting.future!, /^sleep 30 s · due in 29\.\d+ s$/);
      assert.equal(awaiting.state, 'PENDING');
      const task: Record<string, string> = yield s.scope(aliceFrames[0]!.id, 'Task');
      assert.equal(task.name, 'alice');
      for (const shown of [...Object.values(awaiting), ...Object.values(task)]) assert.doesNotMatch(shown, INTERNALS);
      const aliceScopes: DebugProtocol.Scope[] = (yield s.dc.scopesRequest({ frameId: aliceFrames[0]!.id })).body.scopes;
      const awaitingVars: DebugProtocol.Variable[] = (yield s.dc.variablesRequest({ variablesReference: aliceScopes.find((x) => x.name === 'Awaiting')!.variablesReference })).body.variables;
      const details: Record<string, string> = yield s.variables(awaitingVars.find((v) => v.name === 'details')!.variablesReference);
      assert.match(details.repr!, /^<Future pending cb=\[Task\.wakeup/);

      // The Tasks view's list names the same things.
      const list: TaskListBody = (yield s.dc.customRequest('coroscope/tasks', {})).body;
      assert.deepEqual(list.tasks.slice(0, 3).map((t) => `${t.name} | ${t.wait.text} | ${t.coroutine}`), ['Task-1 | running | main()', 'alice | sleep 30 s | kvClient(who, port)', 'bob | sleep 30 s | kvClient(who, port)']);
      assert.ok(list.loop.readers.some((r) => r.waiter === "Node's event loop (libuv backend fd)"), JSON.stringify(list.loop.readers));
      for (const r of [...list.loop.readers, ...list.loop.timers.map((t) => ({ waiter: t.what }))]) assert.doesNotMatch(r.waiter, INTERNALS);
    } finally {
      yield s.stop();
    }
  }));

test('the event loop’s time is read once per stop: the Event loop scope and the Tasks view agree', () =>
  drive(function* () {
    const s = new Session();
    yield s.start();
    try {
      yield s.launch(program, { [program]: [{ line: 32 }] });
      const stop: Stop = yield s.stopped();
      const first: TaskListBody = (yield s.dc.customRequest('coroscope/tasks', {})).body;
      yield delay(300); // a person reading the screen: the paused loop's clock goes on
      const loopVars: DebugProtocol.Variable[] = yield loopScope(s, stop.frames[0]!.id);
      const again: TaskListBody = (yield s.dc.customRequest('coroscope/tasks', {})).body;
      assert.equal(loopVars.find((v) => v.name === 'time')!.value, `${first.loop.time.toFixed(3)} s`);
      assert.equal(again.loop.time, first.loop.time);
    } finally {
      yield s.stop();
    }
  }));

test('the `await` hover: type Future, a short phrase, the repr two clicks deeper (under details); other tasks’ futures by task name', () =>
  drive(function* () {
    const s = new Session();
    yield s.start();
    try {
      yield s.launch(program, { [program]: [{ line: 32 }] });
      const stop: Stop = yield s.stopped();
      const main = stop.frames[0]!;
      // Line 22: alice and bob wait there, not the focused task (main, at its breakpoint).
      const both: DebugProtocol.EvaluateResponse = yield s.dc.evaluateRequest({ expression: '$await@22', frameId: main.id, context: 'hover' });
      assert.equal(both.body.type, 'Future');
      assert.match(both.body.result, /^alice: sleep 30 s · due in 29\.\d+ s; bob: sleep 30 s · due in 29\.\d+ s$/);
      const each: Record<string, string> = yield s.variables(both.body.variablesReference);
      assert.deepEqual(Object.keys(each), ['alice', 'bob']);
      assert.match(each.alice!, /^sleep 30 s · due in 29\.\d+ s$/);
      // Line 9: the server's tasks, each in recv on its own socket, with its addresses.
      const recv: DebugProtocol.EvaluateResponse = yield s.dc.evaluateRequest({ expression: '$await@9', frameId: main.id, context: 'hover' });
      assert.match(recv.body.result, /^serveConnection 127\.0\.0\.1:(\d+): recv fd (\d+) · pending · 127\.0\.0\.1:\d+ ↔ 127\.0\.0\.1:\1; serveConnection 127\.0\.0\.1:\d+: recv fd \d+ · pending · 127\.0\.0\.1:\d+ ↔ 127\.0\.0\.1:\d+$/);
      assert.doesNotMatch(both.body.result + recv.body.result, INTERNALS);

      // On alice's own frame: the plain `await`. Its expansion (VS Code opens that level) reads as a
      // person does; asyncio's repr is one click deeper, under `details`.
      const threads: DebugProtocol.Thread[] = yield s.threads();
      const alice: DebugProtocol.StackFrame[] = yield s.frames(threads.find((t) => t.name.startsWith('alice '))!.id);
      const own: DebugProtocol.EvaluateResponse = yield s.dc.evaluateRequest({ expression: 'await', frameId: alice[0]!.id, context: 'watch' });
      assert.equal(own.body.type, 'Future');
      assert.match(own.body.result, /^sleep 30 s · due in 29\.\d+ s$/);
      const first: DebugProtocol.VariablesResponse = yield s.dc.variablesRequest({ variablesReference: own.body.variablesReference });
      const level = Object.fromEntries(first.body.variables.map((v) => [v.name, v]));
      assert.equal(level.state?.value, 'PENDING');
      assert.match(level.completedBy?.value ?? '', /^timer due in/);
      assert.equal(level.repr, undefined, 'no repr at the first level');
      assert.doesNotMatch(first.body.variables.map((v) => v.value).join('\n'), INTERNALS);
      const detail: Record<string, string> = yield s.variables(level.details!.variablesReference);
      assert.match(detail.repr!, /^<Future pending cb=\[/);
      // A line nobody waits at is still an error.
      const miss = yield s.dc.evaluateRequest({ expression: '$await@27', frameId: main.id, context: 'hover' }).then(() => 'answered', (e: Error) => e.message);
      assert.equal(miss, 'not suspended at line 27');
    } finally {
      yield s.stop();
    }
  }));

test('Pause while the loop waits: the stop focuses the task that ran last, and the event loop thread is one frame', () =>
  drive(function* () {
    const s = new Session();
    yield s.start();
    try {
      yield s.launch(program, { [program]: [{ line: 32 }] });
      const at: Stop = yield s.stopped();
      yield s.dc.continueRequest({ threadId: at.threadId });
      yield delay(400); // main logs, then every task sleeps or waits on its socket
      yield s.dc.pauseRequest({ threadId: 1 });
      const stop: Stop = yield s.stopped();
      assert.equal(stop.reason, 'pause');
      const threads: DebugProtocol.Thread[] = yield s.threads();
      // main ran last (it logged and went to sleep at line 33): its await line, with its locals.
      assert.equal(threads.find((t) => t.id === stop.threadId)!.name, 'Task-1 ⏸ sleep 30 s · main()');
      assert.deepEqual(stop.frames.map((f) => [f.name, f.line]), [['main', 33]]);
      const locals: Record<string, string> = yield s.scope(stop.frames[0]!.id, 'Locals');
      assert.match(locals.port!, /^\d+$/);
      const loopFrames: DebugProtocol.StackFrame[] = yield s.frames(1);
      assert.equal(loopFrames.length, 1);
      const [, seconds] = /^idle in (?:epoll_wait|io_uring_enter) · (\d+(?:\.\d)?) s$/.exec(loopFrames[0]!.name) ?? [];
      assert.ok(Number(seconds) >= 0.3, `${loopFrames[0]!.name}: idle since main went to sleep, at least the 0.4 s waited`);
      assert.equal(loopFrames[0]!.presentationHint, 'label');
    } finally {
      yield s.stop();
    }
  }));

test("locals holding the runtime's objects show its class names (Coroutine, TimerHandle, Socket), not the bundler's", () =>
  drive(function* () {
    const objects = join(__dirname, 'fixtures', 'runtime-objects.ts');
    const s = new Session();
    yield s.start();
    try {
      yield s.launch(objects, { [objects]: [{ line: 12 }] });
      const stop: Stop = yield s.stopped();
      const locals: Record<string, string> = yield s.scope(stop.frames[0]!.id, 'Locals');
      assert.deepEqual([locals.coro, locals.timer, locals.sock], ['Coroutine', 'TimerHandle', 'Socket']);
    } finally {
      yield s.stop();
    }
  }));

test('the `await` hover over a line where many tasks wait names a few, then how many more', () =>
  drive(function* () {
    const sleepers = join(__dirname, 'fixtures', 'sleepers.ts');
    const s = new Session();
    yield s.start();
    try {
      yield s.launch(sleepers, { [sleepers]: [{ line: 11 }] });
      const stop: Stop = yield s.stopped();
      const r: DebugProtocol.EvaluateResponse = yield s.dc.evaluateRequest({ expression: '$await@5', frameId: stop.frames[0]!.id, context: 'hover' });
      assert.match(r.body.result, /^s1: sleep 11 s · due in 10\.\d+ s; s2: sleep 12 s · due in 11\.\d+ s; s3: sleep 13 s · due in 12\.\d+ s; and 2 more$/);
      assert.deepEqual(Object.keys((yield s.variables(r.body.variablesReference)) as Record<string, string>), ['s1', 's2', 's3']);
    } finally {
      yield s.stop();
    }
  }));
