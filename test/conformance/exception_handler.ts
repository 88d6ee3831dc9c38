// Errors nobody handles go to the loop's exception handler, and the loop goes on: an exception
// raised by a callback ("Exception in callback ..."), and a task's exception that nobody
// retrieved ("Task exception was never retrieved"). CPython reports the latter when the task is
// garbage-collected, Coroscope at the latest when the loop closes: both have reported it by the
// time run() returns (see unretrieved-timing in DIFFERENCES.md).
import { createTask, getRunningLoop, run, sleep, type EventLoop, type ExceptionContext } from 'coroscope';
import { describe } from './_support';

class Boom extends Error {
  override name = 'Boom';
}

const reports: string[] = [];

function handler(_loop: EventLoop, context: ExceptionContext) {
  let message = context.message;
  for (const known of ['Exception in callback', 'Task exception was never retrieved']) {
    if (message.startsWith(known)) message = known;
  }
  reports.push(message + ' - ' + describe(context.exception));
}

function badCallback() {
  throw new Boom('in a callback');
}

async function fail(): Promise<never> {
  throw new Boom('nobody looked');
}

async function main() {
  const loop = getRunningLoop();
  loop.setExceptionHandler(handler);
  loop.callSoon(badCallback);
  loop.callSoon(console.log, 'the next callback still runs');
  await sleep(0);
  console.log('the loop goes on; reports:', reports.length);

  createTask(fail());
  await sleep(0.05);
  // No gc.collect(): JavaScript's collector cannot be asked to finalize now.
  await sleep(0);
  console.log('main ends; reports:', reports.length);
}

run(main()).then(() => {
  for (const report of reports) console.log('reported:', report);
});
