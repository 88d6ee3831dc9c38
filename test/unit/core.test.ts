// EventLoop: callSoon/callLater ordering, one iteration at a time, the exception handler, close().
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventLoop, FakeClock, FakeSelector, RuntimeError, getRunningLoop, type ExceptionContext } from 'coroscope';
import { runFake } from '../helpers';
import type { FdHandles } from 'coroscope/event-loop';

function loop(): { loop: EventLoop; clock: FakeClock; selector: FakeSelector<FdHandles> } {
  const clock = new FakeClock();
  const selector = new FakeSelector<FdHandles>(clock);
  return { loop: new EventLoop({ clock, selector }), clock, selector };
}

test('callSoon runs FIFO; callbacks queued by a callback wait for the next iteration', () => {
  const { loop: l } = loop();
  const log: string[] = [];
  l.callSoon(() => log.push('soon1'));
  l.callSoon(() => {
    log.push('soon2');
    l.callSoon(() => log.push('soon-from-soon2'));
  });
  l.callSoon((x: string) => log.push(x), 'soon3');
  l.runOnce();
  assert.deepEqual(log, ['soon1', 'soon2', 'soon3']);
  l.runOnce();
  assert.deepEqual(log, ['soon1', 'soon2', 'soon3', 'soon-from-soon2']);
  assert.equal(l.iteration, 2);
  l.close();
});

test('callLater runs by deadline, equal deadlines in scheduling order, after ready callbacks', () => {
  const { loop: l, clock, selector } = loop();
  const log: string[] = [];
  l.callLater(0.2, () => log.push('later0.2'));
  l.callLater(0.1, () => log.push('later0.1a'));
  l.callLater(0.1, () => log.push('later0.1b'));
  l.callAt(0.05, () => log.push('at0.05'));
  l.callSoon(() => log.push('soon'));
  l.runOnce();
  assert.deepEqual(log, ['soon']);
  assert.equal(selector.timeouts[0], 0, 'with callbacks ready the selector does not wait');
  l.runOnce();
  assert.deepEqual(log, ['soon', 'at0.05']);
  assert.equal(clock.now(), 0.05, 'the fake selector jumped to the next deadline');
  l.runOnce();
  assert.deepEqual(log, ['soon', 'at0.05', 'later0.1a', 'later0.1b']);
  l.runOnce();
  assert.deepEqual(log, ['soon', 'at0.05', 'later0.1a', 'later0.1b', 'later0.2']);
  assert.equal(l.time(), 0.2);
  l.close();
});

test('wakeups count what ended each wait: ready callbacks, a timeout, an fd', () => {
  const { loop: l, selector } = loop();
  const seen: string[] = [];
  l.callSoon(() => seen.push('soon'));
  l.runOnce(); // a callback was ready: no wait
  l.callLater(0.5, () => seen.push('timer'));
  l.runOnce(); // waits 0.5 s, ended by the timeout
  l.addReader(7, () => {
    seen.push('fd 7');
    selector.setReady(7, 0);
  });
  selector.setReady(7, 1);
  l.callLater(10, () => seen.push('late'));
  l.runOnce(); // fd 7 ends the wait before the timer
  assert.deepEqual(seen, ['soon', 'timer', 'fd 7']);
  assert.deepEqual(l.wakeups, { noWait: 1, byTimeout: 1, byFd: 1, hostTurns: 0 });
  l.removeReader(7);
  l.close();
});

test('cancelled handles and timers do not run', () => {
  const { loop: l } = loop();
  const log: string[] = [];
  const h = l.callSoon(() => log.push('soon'));
  const t = l.callLater(1, () => log.push('later'));
  l.callLater(2, () => log.push('kept'));
  h.cancel();
  t.cancel();
  assert.equal(l.scheduledTimers().length, 1);
  l.runOnce();
  l.runOnce();
  assert.deepEqual(log, ['kept']);
  assert.equal(l.time(), 2);
  l.close();
});

test('an exception in a callback goes to the exception handler; the loop goes on', () => {
  const { loop: l } = loop();
  const reports: ExceptionContext[] = [];
  const log: string[] = [];
  l.setExceptionHandler((_loop, context) => reports.push(context));
  const boom = new Error('boom');
  const h = l.callSoon(function failing() {
    throw boom;
  });
  l.callSoon(() => log.push('after'));
  l.runOnce();
  assert.deepEqual(log, ['after']);
  assert.equal(reports.length, 1);
  assert.equal(reports[0]!.exception, boom);
  assert.equal(reports[0]!.handle, h);
  assert.match(reports[0]!.message, /^Exception in callback failing\(\)/);
  l.close();
});

// Not an async callback: in a test file that would be a coroutine run on a loop of its own.
test('runUntilComplete returns the future result; stop() ends runForever after the iteration', () => {
  const { loop: l } = loop();
  const fut = l.createFuture<string>();
  l.callLater(1, () => fut.setResult('done'));
  const log: string[] = [];
  return l
    .runUntilComplete(fut)
    .then((r) => {
      assert.equal(r, 'done');
      l.callSoon(() => {
        log.push('a');
        l.stop();
      });
      l.callSoon(() => log.push('b'));
      return l.runForever();
    })
    .then(() => {
      assert.deepEqual(log, ['a', 'b'], 'callbacks already queued still run once');
      l.close();
    });
});

test('after close(): callSoon, callLater and createFuture raise RuntimeError; close() is idempotent', () => {
  const { loop: l } = loop();
  l.callSoon(() => undefined);
  l.close();
  l.close();
  assert.equal(l.isClosed(), true);
  for (const fn of [() => l.callSoon(() => undefined), () => l.callLater(1, () => undefined), () => l.createFuture()]) {
    assert.throws(fn, (e: unknown) => e instanceof RuntimeError && e.message === 'Event loop is closed' && /after loop\.close\(\)/.test(e.hint ?? ''));
  }
});

test('createTask of a future (a stream read) awaits it, as createTask(reader.read()) does in asyncio', () =>
  runFake(async () => {
    const loop = getRunningLoop();
    const fut = loop.createFuture<string>();
    const task = loop.createTask(fut);
    loop.callLater(1, () => fut.setResult('data'));
    assert.equal(await task, 'data');
    assert.equal(loop.time(), 1);
  }));

test('an error that escapes a callback (past Handle.run) leaves the callbacks after it queued, first, each to run once', () => {
  const { loop: ev } = loop();
  const order: string[] = [];
  ev.callSoon(() => order.push('a'));
  // A handle whose run() itself throws: nothing of the loop's own does, but the queue must survive it.
  const bad = { cancelled: () => false, run: () => { throw new Error('escaped'); } };
  ev._scheduleHandle(bad as never);
  ev.callSoon(() => {
    order.push('b');
    ev.callSoon(() => order.push('d'));
  });
  ev.callSoon(() => order.push('c'));
  assert.throws(() => ev.runOnce(), /escaped/);
  assert.deepEqual(order, ['a']);
  assert.equal(ev.readyCount, 2, 'b and c wait for the next iteration');
  ev.runOnce();
  assert.deepEqual(order, ['a', 'b', 'c']);
  ev.runOnce();
  assert.deepEqual(order, ['a', 'b', 'c', 'd']);
  ev.close();
});
