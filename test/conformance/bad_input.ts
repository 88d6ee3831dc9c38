// Misuse gets a clear error of the same type as in asyncio: awaiting something that is not
// awaitable (TypeError), awaiting a coroutine twice, run() inside a running loop and
// getRunningLoop() outside one (RuntimeError). Messages are compared where they are the same.
import { RuntimeError, getRunningLoop, run } from 'coroscope';

async function answer() {
  return 42;
}

async function main() {
  try {
    await 5; // differs from plain JavaScript, where `await 5` is 5: see DIFFERENCES.md (await-non-awaitable)
  } catch (e) {
    if (!(e instanceof TypeError)) throw e;
    console.log('await 5:', e.name, "mentions 'await':", e.message.includes("can't be used in 'await' expression"));
  }

  const coro = answer();
  console.log('first await:', await coro);
  try {
    await coro;
  } catch (e) {
    if (!(e instanceof RuntimeError)) throw e;
    console.log('second await:', e.name);
  }

  const inner = answer();
  try {
    await run(inner); // run() returns a Promise: its error comes out of the await (see run-promise)
  } catch (e) {
    if (!(e instanceof RuntimeError)) throw e;
    console.log('run() inside a running loop:', e.name);
  }
  // No inner.close(): run() closed the coroutine it refused (Python leaves that to the caller).

  const loop = getRunningLoop();
  console.log('get_running_loop() inside: same loop:', loop === getRunningLoop());
}

try {
  getRunningLoop();
} catch (e) {
  if (!(e instanceof RuntimeError)) throw e;
  console.log('get_running_loop() outside a loop:', e.name);
}

run(main());
