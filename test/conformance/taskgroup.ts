// TaskGroup: the block ends when every child is done; a failing child cancels its siblings (and
// the body) and the failures come out as one ExceptionGroup; an error in the body is part of the
// group too; a child that is cancelled alone does not abort the group; no new task once it is done.
// The group cancels its children in no defined order (CPython keeps them in a set), so the
// cancelled ones are printed sorted.
// `async with asyncio.TaskGroup() as tg: body` is written `await taskGroup(async (tg) => { body })`,
// or `const tg = new TaskGroup(); await tg.run(async () => { body })` to keep tg afterwards.
import { CancelledError, ExceptionGroup, RuntimeError, TaskGroup, createTask, run, sleep, taskGroup, type Task } from 'coroscope';
import { describe } from './_support';

class Boom extends Error {
  override name = 'Boom';
}

const cancelled: string[] = [];

function printCancelled() {
  console.log('cancelled:', [...cancelled].sort().join(' ') || '-');
  cancelled.length = 0;
}

async function child(name: string, delay: number, fail = false) {
  try {
    await sleep(delay);
  } catch (e) {
    if (e instanceof CancelledError) cancelled.push(name);
    throw e;
  }
  if (fail) {
    console.log(name, 'fails');
    throw new Boom(name);
  }
  console.log(name, 'done');
  return name;
}

function report(eg: ExceptionGroup) {
  printCancelled();
  console.log(eg.name, '-', eg.message, '-', eg.exceptions.length, 'sub-exception(s)');
  for (const e of eg.exceptions) console.log('  ', describe(e));
}

async function main() {
  let t1!: Task<string>;
  let t2!: Task<string>;
  await taskGroup(async (tg) => {
    t1 = tg.createTask(child('a', 0.02));
    t2 = tg.createTask(child('b', 0.01));
    console.log('body ends before the children');
  });
  console.log('all done:', t1.result(), t2.result());

  try {
    await taskGroup(async (tg) => {
      tg.createTask(child('ok', 0.01));
      tg.createTask(child('bad', 0.02, true));
      tg.createTask(child('slow', 1));
      tg.createTask(child('slower', 2));
      try {
        await sleep(1);
      } catch (e) {
        if (e instanceof CancelledError) console.log('the body is cancelled too');
        throw e;
      }
    });
    console.log('never printed');
  } catch (e) {
    if (!(e instanceof ExceptionGroup)) throw e;
    report(e);
  }

  try {
    await taskGroup(async (tg) => {
      tg.createTask(child('first', 0, true));
      tg.createTask(child('second', 0, true));
    });
  } catch (e) {
    if (!(e instanceof ExceptionGroup)) throw e;
    report(e);
  }

  try {
    await taskGroup(async (tg) => {
      tg.createTask(child('sibling', 1));
      await sleep(0.01);
      throw new Boom('from the body');
    });
  } catch (e) {
    if (!(e instanceof ExceptionGroup)) throw e;
    report(e);
  }

  const tg = new TaskGroup();
  await tg.run(async () => {
    const lonely = tg.createTask(child('lonely', 1));
    tg.createTask(child('survivor', 0.1));
    await sleep(0.01);
    lonely.cancel();
  });
  printCancelled();
  console.log('a child cancelled alone does not abort the group');

  try {
    tg.createTask(child('late', 0));
  } catch (e) {
    if (!(e instanceof RuntimeError)) throw e;
    console.log('create_task after the group ended:', e.name);
  }

  async function outer() {
    await taskGroup(async (tg) => {
      tg.createTask(child('inside', 1));
      await sleep(1);
    });
  }

  const t = createTask(outer());
  await sleep(0.01);
  t.cancel();
  try {
    await t;
  } catch (e) {
    if (!(e instanceof CancelledError)) throw e;
    printCancelled();
    console.log('cancelling the parent cancels the group: plain CancelledError');
  }
}

run(main());
