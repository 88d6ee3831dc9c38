// Tasks: default names Task-N (the main task is Task-1), setName, currentTask, allTasks,
// result()/exception() of a finished task, an exception re-raised to whoever awaits the task,
// done callbacks on a task, and a task that awaits itself.
import { RuntimeError, allTasks, createTask, currentTask, run, sleep, type Task } from 'coroscope';
import { describe } from './_support';

class Boom extends Error {
  override name = 'Boom';
}

async function add(x: number, y: number) {
  await sleep(0);
  return x + y;
}

async function fail(message: string): Promise<never> {
  await sleep(0);
  throw new Boom(message);
}

async function whoAmI() {
  console.log('running in', currentTask()!.getName());
}

async function main() {
  console.log('main is', currentTask()!.getName());
  let t: Task<unknown> = createTask(add(1, 2));
  console.log('created', t.getName(), 'done', t.done());
  const named = createTask(whoAmI(), { name: 'worker' });
  console.log('tasks alive:', allTasks().size);
  console.log('add ->', await t, 'done', t.done(), 'result()', t.result());
  await named;
  named.setName('renamed');
  console.log('renamed to', named.getName());
  console.log('tasks alive:', allTasks().size);

  t = createTask(fail('from a task'));
  t.addDoneCallback((task) => console.log('done callback: exception is', describe(task.exception())));
  try {
    await t;
  } catch (e) {
    if (!(e instanceof Boom)) throw e;
    console.log('await re-raises', describe(e), 'same object:', e === t.exception());
  }
  try {
    t.result();
  } catch (e) {
    if (!(e instanceof Boom)) throw e;
    console.log('result() re-raises', describe(e));
  }
  await sleep(0);

  async function awaitSelf() {
    await currentTask()!;
  }

  t = createTask(awaitSelf());
  try {
    await t;
  } catch (e) {
    if (!(e instanceof RuntimeError)) throw e;
    console.log('a task awaiting itself:', e.name);
  }

  const sum = createTask(add(2, 3));
  try {
    sum.setResult(5);
  } catch (e) {
    if (!(e instanceof RuntimeError)) throw e;
    console.log('set_result on a task:', e.name);
  }
  console.log('still', await sum);
}

run(main());
