// A Future's states and errors: result()/exception() before it is done raise InvalidStateError;
// it completes once (a second setResult throws); done callbacks are scheduled with callSoon,
// never called synchronously; a cancelled future raises CancelledError carrying the message.
import { CancelledError, InvalidStateError, getRunningLoop, run, sleep, type Future } from 'coroscope';
import { describe } from './_support';

class Boom extends Error {
  override name = 'Boom';
}

async function main() {
  const loop = getRunningLoop();

  let fut: Future<unknown> = loop.createFuture();
  console.log('pending: done', fut.done(), 'cancelled', fut.cancelled());
  try {
    fut.result();
  } catch (e) {
    if (!(e instanceof InvalidStateError)) throw e;
    console.log('result() too early:', describe(e));
  }
  try {
    fut.exception();
  } catch (e) {
    if (!(e instanceof InvalidStateError)) throw e;
    console.log('exception() too early:', describe(e));
  }

  fut.addDoneCallback((f) => console.log('callback 1 sees', f.result()));
  fut.addDoneCallback((f) => console.log('callback 2 sees', f.result()));
  fut.setResult(42);
  console.log('result set; no callback has run yet');
  try {
    fut.setResult(43);
  } catch (e) {
    if (!(e instanceof InvalidStateError)) throw e;
    console.log('setting the result again:', (e as Error).name);
  }
  try {
    fut.setException(new Boom('late'));
  } catch (e) {
    if (!(e instanceof InvalidStateError)) throw e;
    console.log('setting an exception after the result:', (e as Error).name);
  }
  console.log('cancel() on a done future:', fut.cancel());
  console.log('result:', fut.result());
  console.log('exception:', fut.exception()); // differs: exception-none (null where Python has None)
  await sleep(0);
  console.log('after one iteration');
  console.log('await a done future:', await fut);

  fut = loop.createFuture();
  fut.setException(new Boom('bad'));
  console.log('exception():', describe(fut.exception()));
  try {
    fut.result();
  } catch (e) {
    if (!(e instanceof Boom)) throw e;
    console.log('result() raises', describe(e), 'same object:', e === fut.exception());
  }
  try {
    await fut;
  } catch (e) {
    if (!(e instanceof Boom)) throw e;
    console.log('await raises', describe(e));
  }

  fut = loop.createFuture();
  fut.addDoneCallback((f) => console.log('callback sees cancelled:', f.cancelled()));
  console.log('cancel():', fut.cancel('stop it'));
  console.log('cancelled', fut.cancelled(), 'done', fut.done());
  try {
    fut.result();
  } catch (e) {
    if (!(e instanceof CancelledError)) throw e;
    console.log('result() raises', describe(e));
  }
  try {
    fut.exception();
  } catch (e) {
    if (!(e instanceof CancelledError)) throw e;
    console.log('exception() raises', describe(e));
  }
  console.log('cancel() again:', fut.cancel());
  try {
    fut.setResult(1);
  } catch (e) {
    if (!(e instanceof InvalidStateError)) throw e;
    console.log('setting a result after cancel:', (e as Error).name);
  }
  await sleep(0);

  fut = loop.createFuture();

  function cb(_f: Future<unknown>) {
    console.log('cb: never printed');
  }

  fut.addDoneCallback(cb);
  fut.addDoneCallback(cb);
  console.log('removing the callback removed', fut.removeDoneCallback(cb));
  fut.setResult(null);
  await sleep(0);
  fut.addDoneCallback(() => console.log('callback added after done runs soon'));
  console.log('callback added after done: not yet');
  await sleep(0);

  const timed = loop.createFuture<string>();
  loop.callLater(0.01, (v: string) => timed.setResult(v), 'set by a timer');
  console.log('await:', await timed);
}

run(main());
