// Future: states, errors and callback scheduling as CPython 3.12's asyncio.Future.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CancelledError, EventLoop, FakeClock, FakeSelector, Future, InvalidStateError, type ExceptionContext } from 'coroscope';
import { thrown } from '../helpers';

function loop(): EventLoop {
  const clock = new FakeClock();
  return new EventLoop({ clock, selector: new FakeSelector(clock) });
}

test('a pending future: not done, result() and exception() raise InvalidStateError', () => {
  const fut = new Future<number>({ loop: loop() });
  assert.equal(fut.state, 'PENDING');
  assert.equal(fut.done(), false);
  assert.equal(fut.cancelled(), false);
  const e1 = thrown(() => fut.result());
  assert.ok(e1 instanceof InvalidStateError && e1.message === 'Result is not set.');
  const e2 = thrown(() => fut.exception());
  assert.ok(e2 instanceof InvalidStateError && e2.message === 'Exception is not set.');
  assert.equal(String(fut), '<Future pending>');
});

test('setResult: result() returns it, exception() is null, a second set raises InvalidStateError', () => {
  const fut = new Future<number>({ loop: loop() });
  fut.setResult(1);
  assert.equal(fut.state, 'FINISHED');
  assert.equal(fut.result(), 1);
  assert.equal(fut.exception(), null);
  const e = thrown(() => fut.setResult(2));
  assert.ok(e instanceof InvalidStateError);
  assert.equal(e.message, 'invalid state', "CPython's text");
  const e2 = thrown(() => fut.setException(new Error('x')));
  assert.ok(e2 instanceof InvalidStateError);
  assert.equal(e2.message, 'invalid state');
  assert.equal(fut.cancel(), false);
  assert.equal(String(fut), '<Future finished result=1>');
});

test('setException: result() raises the same object, exception() returns it', () => {
  const fut = new Future<number>({ loop: loop() });
  const boom = new Error('boom');
  fut.setException(boom);
  assert.equal(fut.exception(), boom);
  assert.equal(thrown(() => fut.result()), boom);
  assert.equal(String(fut), "<Future finished exception=Error('boom')>");
});

test('cancel(msg): cancelled, result() and exception() raise CancelledError(msg); cancel again is false', () => {
  const fut = new Future<number>({ loop: loop() });
  assert.equal(fut.cancel('why'), true);
  assert.equal(fut.state, 'CANCELLED');
  assert.equal(fut.cancelled(), true);
  assert.equal(fut.done(), true);
  const e = thrown(() => fut.result());
  assert.ok(e instanceof CancelledError && e.message === 'why');
  assert.ok(thrown(() => fut.exception()) instanceof CancelledError);
  assert.equal(fut.cancel(), false);
  assert.equal(String(fut), '<Future cancelled>');
});

test('done callbacks are never called synchronously: they run on the next iteration, in order', () => {
  const l = loop();
  const fut = new Future<number>({ loop: l });
  const log: string[] = [];
  const push = (s: string): void => {
    log.push(s);
  };
  fut.addDoneCallback((f) => log.push(`cb1 ${f.result()}`));
  const cb2 = (f: Future<number>) => log.push(`cb2 ${f.result()}`);
  fut.addDoneCallback(cb2);
  fut.addDoneCallback(cb2);
  fut.addDoneCallback((f) => log.push(`cb3 ${f.result()}`));
  assert.equal(fut.removeDoneCallback(cb2), 2, 'every occurrence is removed');
  fut.setResult(5);
  assert.deepEqual(log, []);
  l.runOnce();
  assert.deepEqual(log, ['cb1 5', 'cb3 5']);
  fut.addDoneCallback(() => push('late'));
  assert.deepEqual(log, ['cb1 5', 'cb3 5'], 'a callback added to a done future is scheduled, not called');
  l.runOnce();
  assert.deepEqual(log, ['cb1 5', 'cb3 5', 'late']);
  l.close();
});

test('an exception nobody retrieved is reported when the loop closes; a retrieved one is not', () => {
  const l = loop();
  const reports: ExceptionContext[] = [];
  l.setExceptionHandler((_loop, context) => reports.push(context));
  const seen = new Future<number>({ loop: l });
  seen.setException(new Error('seen'));
  seen.exception();
  const lost = new Future<number>({ loop: l });
  lost.setException(new Error('lost'));
  l.close();
  assert.equal(reports.length, 1);
  assert.equal(reports[0]!.message, 'Future exception was never retrieved');
  assert.equal((reports[0]!.exception as Error).message, 'lost');
  assert.equal(reports[0]!.future, lost);
});

test('setException(ErrorClass) stores an instance of it, as asyncio does; a non-class function is refused', () => {
  class Boom extends Error {
    override name = 'Boom';
  }
  const fut = new Future<number>({ loop: loop() });
  fut.setException(Boom);
  const stored = fut.exception();
  assert.ok(stored instanceof Boom, `stored ${String(stored)}`);
  const plain = new Future<number>({ loop: loop() });
  plain.setException(Error);
  assert.ok(plain.exception() instanceof Error);
  const bad = new Future<number>({ loop: loop() });
  const e = thrown(() => bad.setException(() => 'not an error'));
  assert.ok(e instanceof TypeError);
  assert.equal(e.message, 'invalid exception object');
  assert.equal(bad.done(), false, 'a refused exception leaves the future pending');
});
