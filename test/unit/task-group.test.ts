// TaskGroup: waiting, aborting, ExceptionGroup contents and uncancel() as CPython 3.12 shows them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CancelledError,
  ExceptionGroup,
  KeyboardInterrupt,
  RuntimeError,
  TaskGroup,
  TimeoutError,
  createTask,
  currentTask,
  getRunningLoop,
  sleep,
  taskGroup,
  timeout,
} from 'coroscope';
import { runFake, raised } from '../helpers';

function worker(log: string[]) {
  return async function w(name: string, delay: number, fail?: unknown): Promise<string> {
    log.push(`start ${name}`);
    try {
      await sleep(delay);
    } catch (err) {
      log.push(`cancelled ${name}`);
      throw err;
    }
    if (fail !== undefined) throw fail;
    log.push(`end ${name}`);
    return name;
  };
}

function messages(eg: unknown): string[] {
  assert.ok(eg instanceof ExceptionGroup, `expected an ExceptionGroup, got ${String(eg)}`);
  assert.equal(eg.message, 'unhandled errors in a TaskGroup');
  return eg.exceptions.map((e) => `${(e as Error).name}:${(e as Error).message}`);
}

test('exit waits for every child; names are passed on', () =>
  runFake(async () => {
    const log: string[] = [];
    const w = worker(log);
    let a, b;
    await taskGroup(async (tg) => {
      a = tg.createTask(w('a', 2));
      b = tg.createTask(w('b', 1), { name: 'bee' });
      log.push('body done');
    });
    assert.deepEqual(log, ['body done', 'start a', 'start b', 'end b', 'end a']);
    assert.equal(a!.result(), 'a');
    assert.equal(b!.getName(), 'bee');
    assert.equal(getRunningLoop().time(), 2);
  }));

test('a failing child cancels its siblings and the body; the group raises an ExceptionGroup', () =>
  runFake(async () => {
    const log: string[] = [];
    const w = worker(log);
    const me = currentTask()!;
    const eg = await raised(
      taskGroup(async (tg) => {
        tg.createTask(w('a', 1, new Error('A')));
        tg.createTask(w('b', 5));
        try {
          await sleep(10);
        } catch (err) {
          log.push('body cancelled');
          throw err;
        }
      }),
    );
    assert.deepEqual(messages(eg), ['Error:A']);
    assert.deepEqual(log, ['start a', 'start b', 'cancelled b', 'body cancelled']);
    assert.equal(getRunningLoop().time(), 1);
    assert.equal(me.cancelling(), 0, 'the group uncancelled its parent');
  }));

test('children failing together are all in the group, in the order they failed', () =>
  runFake(async () => {
    const log: string[] = [];
    const w = worker(log);
    const eg = await raised(
      taskGroup((tg) => {
        tg.createTask(w('a', 1, new TypeError('A')));
        tg.createTask(w('b', 1, new RangeError('B')));
        tg.createTask(w('c', 1));
      }),
    );
    assert.deepEqual(messages(eg), ['TypeError:A', 'RangeError:B']);
    assert.deepEqual(log, ['start a', 'start b', 'start c', 'end c']);
    assert.equal(String(eg), 'ExceptionGroup: unhandled errors in a TaskGroup (2 sub-exceptions)');
  }));

test('an error in the body cancels the children and joins the group', () =>
  runFake(async () => {
    const log: string[] = [];
    const w = worker(log);
    const eg = await raised(
      taskGroup(async (tg) => {
        tg.createTask(w('a', 1));
        await sleep(0);
        throw new Error('body');
      }),
    );
    assert.deepEqual(messages(eg), ['Error:body']);
    assert.deepEqual(log, ['start a', 'cancelled a']);
  }));

test('cancelling the parent in the body cancels the children and propagates CancelledError', () =>
  runFake(async () => {
    const log: string[] = [];
    const w = worker(log);
    async function parent() {
      await taskGroup(async (tg) => {
        tg.createTask(w('a', 5));
        await sleep(10);
      });
    }
    const p = createTask(parent());
    await sleep(1);
    p.cancel('x');
    const err = await raised(p);
    assert.ok(err instanceof CancelledError && err.message === 'x');
    assert.deepEqual(log, ['start a', 'cancelled a']);
  }));

test('cancelling the parent while exit() waits cancels the children and propagates CancelledError', () =>
  runFake(async () => {
    const log: string[] = [];
    const w = worker(log);
    async function parent() {
      await taskGroup((tg) => {
        tg.createTask(w('a', 5));
      });
      log.push('not reached');
    }
    const p = createTask(parent());
    await sleep(1);
    p.cancel();
    assert.ok((await raised(p)) instanceof CancelledError);
    assert.deepEqual(log, ['start a', 'cancelled a']);
  }));

test('createTask before enter and after exit raise RuntimeError (and close the coroutine)', () =>
  runFake(async () => {
    const w = worker([]);
    const tg = new TaskGroup();
    let c = w('z', 1);
    let err: unknown;
    try {
      tg.createTask(c);
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof RuntimeError && err.message === 'TaskGroup <TaskGroup> has not been entered');
    await tg.enter();
    await tg.exit();
    c = w('z', 1);
    try {
      tg.createTask(c);
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof RuntimeError && err.message === 'TaskGroup <TaskGroup entered> is finished');
  }));

test('a child failing after the body finished cancels its siblings', () =>
  runFake(async () => {
    const log: string[] = [];
    const w = worker(log);
    const tg = new TaskGroup();
    await tg.enter();
    tg.createTask(w('a', 2, new Error('late')));
    tg.createTask(w('b', 5));
    log.push('body done');
    const eg = await raised(tg.exit());
    assert.deepEqual(messages(eg), ['Error:late']);
    assert.deepEqual(log, ['body done', 'start a', 'start b', 'cancelled b']);
    assert.equal(getRunningLoop().time(), 2);
    // As CPython 3.12: that cancellation of the parent is not taken back.
    assert.equal(currentTask()!.cancelling(), 1);
    currentTask()!.uncancel();
  }));

test('a child cancelled on its own does not abort the group', () =>
  runFake(async () => {
    const log: string[] = [];
    const w = worker(log);
    let x;
    await taskGroup(async (tg) => {
      x = tg.createTask(w('a', 5));
      tg.createTask(w('b', 1));
      await sleep(0.5);
      x.cancel();
    });
    assert.deepEqual(log, ['start a', 'start b', 'cancelled a', 'end b']);
    assert.equal(x!.cancelled(), true);
  }));

test('a timeout around a group: the children are cancelled and TimeoutError comes out', () =>
  runFake(async () => {
    const log: string[] = [];
    const w = worker(log);
    const err = await raised(
      timeout(1, () =>
        taskGroup((tg) => {
          tg.createTask(w('a', 5));
          tg.createTask(w('b', 5));
        }),
      ),
    );
    assert.ok(err instanceof TimeoutError);
    assert.deepEqual(log, ['start a', 'start b', 'cancelled a', 'cancelled b']);
    assert.equal(currentTask()!.cancelling(), 0);
  }));

test('a child failing while the parent is cancelled from outside: the ExceptionGroup wins', () =>
  runFake(async () => {
    const log: string[] = [];
    const w = worker(log);
    async function parent() {
      await taskGroup(async (tg) => {
        tg.createTask(w('a', 1, new Error('A')));
        await sleep(10);
      });
    }
    const p = createTask(parent());
    await sleep(1);
    p.cancel();
    assert.deepEqual(messages(await raised(p)), ['Error:A']);
  }));

test('KeyboardInterrupt in a child is re-raised as it is, not grouped', () =>
  runFake(async () => {
    const w = worker([]);
    const ki = new KeyboardInterrupt();
    const err = await raised(
      taskGroup((tg) => {
        tg.createTask(w('a', 1, ki));
        tg.createTask(w('b', 5));
      }),
    );
    assert.equal(err, ki);
    assert.equal(String(new TaskGroup()), '<TaskGroup>');
  }));
