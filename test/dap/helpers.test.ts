// The adapter's small pure pieces: hit counts, logpoint templates, parameter lists for thread
// names, thread names themselves, and the transcript normaliser the golden tests rely on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { logTemplate, parseHitCondition } from '../../debug-adapter/breakpoints';
import { parseParams } from '../../debug-adapter/signatures';
import { threadName } from '../../debug-adapter/stop-view';
import { ROOT, normalise } from './harness';

test('hit conditions: N and >=N from the Nth hit, ==N, >N, <N, %N; anything else is refused', () => {
  const hits = (text: string) => [1, 2, 3, 4, 5, 6].filter((h) => parseHitCondition(text)!(h));
  assert.deepEqual(hits('3'), [3, 4, 5, 6]);
  assert.deepEqual(hits('>= 3'), [3, 4, 5, 6]);
  assert.deepEqual(hits('==3'), [3]);
  assert.deepEqual(hits('>4'), [5, 6]);
  assert.deepEqual(hits('<3'), [1, 2]);
  assert.deepEqual(hits('%2'), [2, 4, 6]);
  assert.equal(parseHitCondition('often'), null);
  assert.equal(parseHitCondition('x > 3'), null);
});

test('logpoint messages become template literals; backticks and backslashes in the text stay literal', () => {
  assert.equal(logTemplate('item {item} of {count}'), '`item ${item} of ${count}`');
  assert.equal(logTemplate('a `quoted` back\\slash {x.y}'), '`a \\`quoted\\` back\\\\slash ${x.y}`');
  assert.equal(logTemplate('cost: ${price}'), '`cost: $${price}`', 'a $ before {expr} is a literal dollar sign');
  assert.equal(logTemplate('no braces'), '`no braces`');
  assert.equal(logTemplate('open { only'), '`open { only`');
});

test('parameter names from a TypeScript signature, types and defaults dropped', () => {
  assert.equal(parseParams('async function handle(conn: Socket): Promise<void> {', 0), 'conn');
  assert.equal(parseParams('async function f(a: Map<string, number[]>, b = (1, 2), ...rest: T[]) {', 0), 'a, b, ...rest');
  assert.equal(parseParams('async function g({ x, y }: P, [a]: Q) {', 0), '{…}, […]');
  assert.equal(parseParams('async function main() {', 0), '');
  assert.equal(parseParams('async function f(\n  reader: StreamReader,\n  writer: StreamWriter,\n) {', 0), 'reader, writer');
  assert.equal(parseParams('const x = 1', 0), null);
});

test('thread names say who the task is and what it waits on', () => {
  assert.equal(threadName({ name: 'Task-3', coroutine: 'handle', state: 'waiting', waitingFor: 'read fd 9' }), 'Task-3 ⏸ read fd 9 · handle');
  assert.equal(threadName({ name: 'ticker', coroutine: 'ticker', state: 'waiting', waitingFor: 'sleep 0.25 s' }), 'ticker ⏸ sleep 0.25 s');
  assert.equal(threadName({ name: 'Task-1', coroutine: 'main', state: 'running', waitingFor: 'running' }), 'Task-1 ▶ running · main');
  assert.equal(threadName({ name: 'Task-2', coroutine: 'w', state: 'ready', waitingFor: 'ready' }), 'Task-2 ▶ ready · w');
  // The wait comes before the parameter list: a narrow side bar cuts the end of the name.
  assert.equal(threadName({ name: 'serveConnection 127.0.0.1:50772', coroutine: 'serveConnection', state: 'waiting', waitingFor: 'recv fd 42' }), 'serveConnection 127.0.0.1:50772 ⏸ recv fd 42');
});

test('transcripts are normalised: ids by first appearance, the project root, times', () => {
  const out = normalise([
    { event: 'stopped', body: { threadId: 42, reason: 'pause' } },
    { response: 'stackTrace', body: { stackFrames: [{ id: 7, name: 'main', source: { path: `${ROOT}/examples/x.ts` } }] } },
    { response: 'variables', body: { variables: [{ name: 'time', value: '12.3456 s', variablesReference: 1003 }] } },
    { request: 'stackTrace', arguments: { threadId: 42, frameId: 7 } },
    { response: 'setBreakpoints', body: { breakpoints: [{ id: 9, line: 3 }] } },
    { event: 'breakpoint', body: { reason: 'changed', breakpoint: { id: 9, verified: true } } },
  ]);
  assert.deepEqual(out, [
    { event: 'stopped', body: { threadId: '<thread:1>', reason: 'pause' } },
    { response: 'stackTrace', body: { stackFrames: [{ id: '<frame:1>', name: 'main', source: { path: '<root>/examples/x.ts' } }] } },
    { response: 'variables', body: { variables: [{ name: 'time', value: '<time> s', variablesReference: '<ref:1>' }] } },
    { request: 'stackTrace', arguments: { threadId: '<thread:1>', frameId: '<frame:1>' } },
    { response: 'setBreakpoints', body: { breakpoints: [{ id: '<breakpoint:1>', line: 3 }] } },
    { event: 'breakpoint', body: { reason: 'changed', breakpoint: { id: '<breakpoint:1>', verified: true } } },
  ]);
});
