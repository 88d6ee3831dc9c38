// Misuse of the API raises asyncio's exception with CPython's message: a future completed twice
// ('invalid state'), an exception class given to setException (instantiated), a Task completed
// by hand, no running loop, a coroutine awaited twice, a closed loop, run() nested.
// The runtime's TimeoutError is an OSError, as Python's builtin; IncompleteReadError is an EOFError.
import { EOFError, EventLoop, IncompleteReadError, InvalidStateError, OSError, RuntimeError, TimeoutError, ValueError, createTask, getRunningLoop, run } from 'coroscope';
import { describe } from './_support';

try {
  getRunningLoop();
} catch (e) {
  if (!(e instanceof RuntimeError)) throw e;
  console.log('outside a loop:', describe(e));
}

const closed = new EventLoop();
closed.close();
try {
  closed.callSoon(() => console.log('never'));
} catch (e) {
  if (!(e instanceof RuntimeError)) throw e;
  console.log('closed loop:', describe(e));
}

async function compute() {
  return 1;
}

async function main() {
  const loop = getRunningLoop();
  let fut = loop.createFuture<number>();
  fut.setResult(1);
  for (const [what, call] of [['set_result', () => fut.setResult(2)], ['set_exception', () => fut.setException(new ValueError('x'))]] as const) {
    try {
      call();
    } catch (e) {
      if (!(e instanceof InvalidStateError)) throw e;
      console.log(what, 'again:', describe(e));
    }
  }

  fut = loop.createFuture<number>();
  fut.setException(ValueError);
  const e = fut.exception() as Error;
  console.log('set_exception(ValueError) stored:', e.name, e instanceof ValueError);

  const task = createTask(compute());
  try {
    task.setResult(5);
  } catch (e) {
    if (!(e instanceof RuntimeError)) throw e;
    console.log('task.set_result:', describe(e));
  }
  await task;

  const c = compute();
  await c;
  try {
    await c;
  } catch (e) {
    if (!(e instanceof RuntimeError)) throw e;
    console.log('awaited twice:', describe(e));
  }

  try {
    await run(compute());
  } catch (e) {
    if (!(e instanceof RuntimeError)) throw e;
    console.log('nested run:', describe(e));
  }

  console.log('TimeoutError is an OSError:', new TimeoutError() instanceof OSError, true);
  const err = new IncompleteReadError(new Uint8Array([97, 98]), 5);
  console.log('IncompleteReadError is an EOFError:', err instanceof EOFError, describe(err));
}

run(main());
