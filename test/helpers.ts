// Shared helpers for the test suite.
import assert from 'node:assert/strict';
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

/** The error an awaitable raises (fails the test if it raises none). */
export async function raised(aw: PromiseLike<unknown>): Promise<unknown> {
  try {
    await aw;
  } catch (err) {
    return err;
  }
  assert.fail('expected an exception');
}

/** The error a call throws (fails the test if it throws none). */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  assert.fail('expected an exception');
}
