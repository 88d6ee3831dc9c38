// The task tree and acting on a task over DAP: the Task scope's `parent` and `children` are
// references to those tasks (each expands to that task's own fields); coroscope/tasks carries each
// task's parent and creating line; cancelling a task (the custom request coroscope/cancelTask, or
// `$cancel(task, "message")` in the Debug Console) says it takes effect when the program continues,
// and it does; `$created(task)` answers the creating line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { join } from 'node:path';
import { Session, drive, failure, type Stop } from './harness';
import type { TaskListBody } from '../../debug-adapter/task-list';

const program = join(__dirname, 'fixtures', 'task-tree.ts');

function vars(s: Session, ref: number): Promise<DebugProtocol.Variable[]> {
  return s.dc.variablesRequest({ variablesReference: ref }).then((r) => r.body.variables);
}

function taskScope(s: Session, frameId: number): Promise<DebugProtocol.Variable[]> {
  return s.dc.scopesRequest({ frameId }).then((r) => vars(s, r.body.scopes.find((sc) => sc.name === 'Task')!.variablesReference));
}

const field = (list: DebugProtocol.Variable[], name: string): DebugProtocol.Variable => {
  const v = list.find((x) => x.name === name);
  assert.ok(v, `no ${name} in ${list.map((x) => x.name).join(', ')}`);
  return v;
};

function evaluate(s: Session, expression: string, frameId?: number): Promise<string> {
  return s.dc.evaluateRequest({ expression, context: 'repl', ...(frameId === undefined ? {} : { frameId }) }).then((r) => r.body.result);
}

test('Task scope: parent and children expand to those tasks; coroscope/tasks has parents and creating lines; $created', () =>
  drive(function* () {
    const s = new Session();
    yield s.start();
    try {
      yield s.launch(program, { [program]: [{ line: 26 }] });
      const stop: Stop = yield s.stopped();
      const main: DebugProtocol.Variable[] = yield taskScope(s, stop.frames[0]!.id);
      assert.equal(field(main, 'parent').value, 'none (created outside any task)');
      const children = field(main, 'children');
      assert.equal(children.value, '2 tasks: worker, victim');
      const kids: DebugProtocol.Variable[] = yield vars(s, children.variablesReference);
      assert.deepEqual(kids.map((k) => [k.name, k.value]), [
        ['worker', 'worker ⏸ gather(2)'],
        ['victim', 'victim ⏸ sleep 30 s'],
      ]);
      const worker: DebugProtocol.Variable[] = yield vars(s, kids[0]!.variablesReference);
      assert.equal(field(worker, 'name').value, 'worker');
      assert.match(field(worker, 'parent').value, /^Task-1 ▶ running · main\(\)$/);
      const leaves = field(worker, 'children');
      assert.match(leaves.value, /^2 tasks: Task-\d+, Task-\d+$/);
      const leafList: DebugProtocol.Variable[] = yield vars(s, leaves.variablesReference);
      const leaf: DebugProtocol.Variable[] = yield vars(s, leafList[0]!.variablesReference);
      assert.equal(field(leaf, 'coroutine').value, 'leaf');
      assert.equal(field(leaf, 'parent').value, 'worker ⏸ gather(2)');
      assert.equal(field(leaf, 'children').value, 'none');
      assert.equal(field(leaf, 'createdAt').value, `${program}:10:9`);

      // The leaf's own thread shows the same parent, one click from the worker's fields.
      const threads: DebugProtocol.Thread[] = yield s.threads();
      const leafThread = threads.find((t) => t.name.includes('sleep 30 s · leaf('))!;
      const frames: DebugProtocol.StackFrame[] = yield s.frames(leafThread.id);
      const fromLeaf: DebugProtocol.Variable[] = yield taskScope(s, frames[0]!.id);
      const parent = field(fromLeaf, 'parent');
      assert.equal(parent.value, 'worker ⏸ gather(2)');
      assert.equal(field((yield vars(s, parent.variablesReference)) as DebugProtocol.Variable[], 'name').value, 'worker');

      const list: TaskListBody = yield s.dc.customRequest('coroscope/tasks', {}).then((r) => r.body);
      const byName = new Map(list.tasks.map((t) => [t.name, t]));
      const mainId = list.tasks.find((t) => t.coroutine === 'main()')!.id;
      assert.equal(byName.get('worker')!.parent, mainId);
      assert.equal(byName.get('victim')!.parent, mainId);
      assert.equal(list.tasks.find((t) => t.coroutine === 'main()')!.parent, undefined);
      assert.deepEqual(byName.get('worker')!.created, { path: program, line: 23, column: 13 });
      const leafIds = list.tasks.filter((t) => t.coroutine === 'leaf(seconds)');
      assert.equal(leafIds.length, 2);
      for (const l of leafIds) {
        assert.equal(l.parent, byName.get('worker')!.id);
        assert.deepEqual(l.created, { path: program, line: 10, column: 9 });
      }

      assert.equal(yield evaluate(s, '$created(worker)'), `worker (#${byName.get('worker')!.id}) was created at ${program}:23:13`);
      assert.match(yield failure(evaluate(s, '$created(nobody)')), /^\$created: no task named 'nobody'/);
    } finally {
      yield s.stop();
    }
  }));

test('cancel from the Tasks view (coroscope/cancelTask) and from the Debug Console ($cancel): said to take effect on continue, and it does', () =>
  drive(function* () {
    const s = new Session();
    yield s.start();
    try {
      yield s.launch(program, { [program]: [{ line: 26 }] });
      const stop: Stop = yield s.stopped();
      assert.match(yield failure(s.dc.customRequest('coroscope/cancelTask', { task: 999 })), /^cannot cancel: no task #999 \(it has finished, or never existed\)$/);
      assert.match(yield failure(s.dc.customRequest('coroscope/cancelTask', {})), /"task" must be a task id or name/);
      assert.match(yield failure(evaluate(s, '$cancel(')), /^cannot read "\$cancel\(": write \$cancel\(task, "message"\) or \$created\(task\)/);

      const r: DebugProtocol.Response = yield s.dc.customRequest('coroscope/cancelTask', { task: 'victim', message: 'enough' });
      const victimId = (r.body as { id: number }).id;
      assert.equal(
        (r.body as { text: string }).text,
        `cancel requested for victim (#${victimId}) with "enough": CancelledError is raised at the await it is suspended at when the program continues`,
      );
      const list: TaskListBody = yield s.dc.customRequest('coroscope/tasks', {}).then((x) => x.body);
      assert.equal(list.tasks.find((t) => t.name === 'victim')!.cancelRequested, true);
      assert.equal(list.tasks.find((t) => t.name === 'worker')!.cancelRequested, undefined);
      // The console names the task by id.
      const workerId = list.tasks.find((t) => t.name === 'worker')!.id;
      assert.equal(
        yield evaluate(s, `$cancel(${workerId}, 'not needed')`, stop.frames[0]!.id),
        `cancel requested for worker (#${workerId}) with "not needed": CancelledError is raised at the await it is suspended at when the program continues`,
      );
      assert.doesNotMatch(s.output, /victim:/, 'nothing happened before the program continues');

      const [exited] = yield Promise.all([s.waitFor('exited'), s.waitFor('terminated'), s.dc.continueRequest({ threadId: stop.threadId })]);
      assert.equal((exited as DebugProtocol.ExitedEvent).body.exitCode, 0, s.output);
      assert.match(s.output, /victim: CancelledError enough/);
      assert.match(s.output, /victim ended: CancelledError/);
    } finally {
      yield s.stop();
    }
  }));
