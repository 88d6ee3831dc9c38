// Where a cancel message goes: to the coroutine at its await point, through a task awaiting a
// task, through gather and shield, and what message the waiter finally sees; cancellations made
// by waitFor, timeout and TaskGroup carry no message.
import { CancelledError, ExceptionGroup, TimeoutError, ValueError, createTask, gather, run, shield, sleep, taskGroup, timeout, waitFor } from 'coroscope';
import { describe } from './_support';

async function sleeper(name: string) {
  try {
    await sleep(10);
  } catch (e) {
    if (e instanceof CancelledError) console.log(name, 'sees', describe(e));
    throw e;
  }
}

async function waitsOn<T>(aw: PromiseLike<T>) {
  return await aw;
}

async function outcome(label: string, aw: PromiseLike<unknown>) {
  try {
    await aw;
  } catch (e) {
    if (e instanceof CancelledError) console.log(label, 'raised', describe(e));
    else if (e instanceof TimeoutError) console.log(label, 'raised', describe(e));
    else if (e instanceof ExceptionGroup) console.log(label, 'raised', e.name);
    else throw e;
  }
}

async function main() {
  const t = createTask(sleeper('direct'));
  await sleep(0);
  t.cancel('message 1');
  await outcome('direct task', t);

  let inner = createTask(sleeper('inner'));
  let outer = createTask(waitsOn(inner));
  await sleep(0);
  outer.cancel('message 2');
  await outcome('outer task', outer);

  const g = gather(sleeper('gathered 1'), sleeper('gathered 2'));
  await sleep(0);
  g.cancel('message 3');
  await outcome('gather', g);

  inner = createTask(sleeper('shielded'));
  outer = createTask(waitsOn(shield(inner)));
  await sleep(0);
  outer.cancel('message 4');
  await outcome('task awaiting a shield', outer);
  inner.cancel('message 5');
  await outcome('shielded task', inner);

  await outcome('wait_for', waitFor(sleeper('wait_for inner'), 0.01));

  async function underTimeout() {
    await timeout(0.01, async () => {
      await sleeper('timeout body');
    });
  }

  await outcome('timeout', underTimeout());

  async function group() {
    await taskGroup(async (tg) => {
      tg.createTask(sleeper('group child'));
      await sleep(0);
      throw new ValueError('body fails');
    });
  }

  await outcome('task group', group());
}

run(main());
