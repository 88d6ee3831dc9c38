// Shared helpers for the test suite.
import { EventLoop, FakeClock, FakeSelector, run } from 'coroscope';

/** A loop on a fake clock: sleeping jumps straight to the next deadline. */
export function fakeLoop(): EventLoop {
  const clock = new FakeClock();
  return new EventLoop({ clock, selector: new FakeSelector(clock) });
}

/**
 * Runs a coroutine function on a fresh fake-clock loop. Use it from a NON-async test callback:
 * `test('x', () => runFake(async () => { ... }))` (an async callback would itself be a coroutine,
 * run by node:test on a real loop, and run() cannot be nested).
 */
export function runFake<T>(main: () => PromiseLike<T>): Promise<T> {
  return run(main(), { loopFactory: fakeLoop });
}
