// The journal's "woken by" phrase for wake-ups whose callback is not known: the journal was turned
// on (by the debugger) while the callback ran, so it saw the wake-up but not which handle ran.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Waking } from '../../runtime/journal';
import { wakingPhrase } from '../../runtime/journal-view';

const unknown: Waking = { task: -1, taskName: null, origin: 'soon', fd: -1, callback: null, where: null, site: -1, finished: false, reason: undefined, futureKind: 'Future' };

test('a wake-up by a callback the journal did not see says "a callback", once', () => {
  // Before: "callback a callback".
  assert.equal(wakingPhrase(unknown).text, 'a callback');
  assert.equal(wakingPhrase({ ...unknown, where: { file: '', line: 0, column: 0, call: 'Event.set' } }).text, 'a callback · event.set()');
});

test("a program's own callback named like the runtime call it made keeps both: `callback set() at … · event.set()`", () => {
  function set(): void {}
  const text = wakingPhrase({ ...unknown, callback: set, where: { file: '/nowhere/rel.ts', line: 9, column: 3, call: 'Event.set' } }).text;
  assert.match(text, /^callback set\(\) at .*rel\.ts:9.* · event\.set\(\)$/);
  // The runtime's own method as the callback (callSoon(ev.set.bind(ev))): no program line, said once.
  assert.equal(wakingPhrase({ ...unknown, callback: set, where: { file: '', line: 0, column: 0, call: 'Event.set' } }).text, 'callback set()');
});
