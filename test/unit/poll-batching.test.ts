// While callbacks are ready, the loop polls its selector once per 64 callbacks run, not every
// iteration (README: io-poll-batching); with nothing ready it polls at once; a ready fd's reader
// runs within 64 callbacks of becoming ready.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventLoop, FakeClock, FakeSelector, EVENT_READ } from 'coroscope';

/** A loop on a fake clock and selector, and the selector (it counts its polls). */
function loopWithSelector(): { loop: EventLoop; selector: FakeSelector<never> } {
  const clock = new FakeClock();
  const selector = new FakeSelector<never>(clock);
  return { loop: new EventLoop({ clock, selector }), selector };
}

test('a loop turning over one callback at a time polls its selector once per 64 callbacks', () => {
  const { loop, selector } = loopWithSelector();
  let n = 0;
  const chain = (): void => {
    if (++n < 6400) loop.callSoon(chain);
  };
  loop.callSoon(chain);
  while (n < 6400) loop.runOnce();
  // One poll per iteration would be 6,400.
  assert.ok(selector.timeouts.length <= 6400 / 64 + 1, `${selector.timeouts.length} polls for 6,400 iterations`);
  // Nothing ready: the next iteration polls (and would wait) at once.
  const before = selector.timeouts.length;
  loop.callLater(1, () => undefined);
  loop.runOnce();
  assert.equal(selector.timeouts.length, before + 1);
  assert.equal(selector.timeouts.at(-1), 1);
  loop.close();
});

test('a reader becomes due within 64 callbacks of its fd turning ready, while callbacks keep running', () => {
  const { loop, selector } = loopWithSelector();
  let ran = 0;
  let readAt = -1;
  const spin = (): void => {
    ran += 1;
    if (readAt < 0) loop.callSoon(spin);
  };
  loop.addReader(7, () => {
    readAt = ran;
    loop.removeReader(7);
  });
  loop.callSoon(spin);
  loop.runOnce();
  const readyAt = ran;
  selector.setReady(7, EVENT_READ);
  for (let i = 0; i < 200 && readAt < 0; i++) loop.runOnce();
  assert.ok(readAt >= 0, 'the reader ran');
  assert.ok(readAt - readyAt <= 65, `the reader ran ${readAt - readyAt} callbacks after its fd was ready`);
  loop.close();
});
