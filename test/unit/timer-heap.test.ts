// The loop's timer heap: handles come out by (when, seq), equal deadlines first-in first-out, with
// pushes, pops and compactions mixed at random, then a burst of 10,000.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TimerHandle } from '../../runtime/handles';
import { TimerHeap } from '../../runtime/timer-heap';

const owner = { callExceptionHandler() {}, timerCancelled() {} };
const handle = (when: number) => new TimerHandle(when, () => {}, [], owner as never);
const order = (a: TimerHandle, b: TimerHandle) => a.when - b.when || a.seq - b.seq;

test('pops in (when, seq) order through random pushes, pops and compactions, and a burst', () => {
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const heap = new TimerHeap();
  let model: TimerHandle[] = [];
  for (let step = 0; step < 20_000; step++) {
    const r = random();
    if (r < 0.55) {
      // Deadlines from a small set: many equal ones, which must keep their order.
      const h = handle(Math.floor(random() * 50) / 10);
      heap.push(h);
      model.push(h);
    } else if (r < 0.98) {
      model.sort(order);
      assert.equal(heap.pop(), model.shift());
    } else {
      const dead = new Set(model.filter(() => random() < 0.5));
      heap.compact((h) => !dead.has(h));
      model = model.filter((h) => !dead.has(h));
    }
    assert.equal(heap.size, model.length);
    model.sort(order);
    assert.equal(heap.peek(), model[0]);
    assert.equal(heap.peekWhen(), model.length > 0 ? model[0]!.when : Infinity);
  }
  const burst = Array.from({ length: 10_000 }, (_, i) => handle(10 + (i % 7)));
  for (const h of burst) heap.push(h);
  model.push(...burst);
  model.sort(order);
  for (const h of model) assert.equal(heap.pop(), h);
  assert.equal(heap.size, 0);
  assert.equal(heap.pop(), undefined);
  assert.equal(heap.peekWhen(), Infinity);
});
