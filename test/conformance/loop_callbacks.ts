// Loop callbacks: callSoon is FIFO and runs one batch per iteration (a callback scheduled by a
// callback runs in the next iteration); callLater/callAt order by due time; a timer that is
// already due joins the batch after the callbacks that were ready; cancelled handles never run.
import { getRunningLoop, run } from 'coroscope';

async function main() {
  const loop = getRunningLoop();
  const done = loop.createFuture<string>();

  function first() {
    console.log('first');
    loop.callSoon(console.log, 'scheduled by first');
  }

  loop.callLater(0.2, console.log, 'later 0.2');
  loop.callLater(0.1, console.log, 'later 0.1 (a)');
  loop.callLater(0.1, console.log, 'later 0.1 (b)');
  loop.callLater(0, console.log, 'later 0');
  loop.callLater(-1, console.log, 'later -1: due in the past, so before later 0');
  loop.callSoon(first);
  loop.callSoon(console.log, 'second');
  const handle = loop.callSoon(console.log, 'cancelled handle: never printed');
  handle.cancel();
  const timer = loop.callLater(0.15, console.log, 'cancelled timer: never printed');
  timer.cancel();
  console.log('handle cancelled:', handle.cancelled(), 'timer cancelled:', timer.cancelled());
  loop.callAt(loop.time() + 0.3, (v: string) => done.setResult(v), 'done'); // an arrow: a bare done.setResult would lose its `this` (bound-methods)
  console.log('main waits');
  console.log('main resumed with', await done);
}

run(main());
