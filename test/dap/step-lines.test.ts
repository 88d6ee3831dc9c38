// One press, one line: F10 over a line that awaits lands on the next line of the same task, whatever
// it awaits (an imported coroutine function, the program's own coroutine, an assigned result, a
// stream's drain() on a real connection); F11 on a call of a coroutine function stops on the first
// statement of its body with its arguments in Locals; F11 on a console.log line lands on the next.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Session, drive, type Stop } from './harness';

const fixture = (name: string): string => join(__dirname, 'fixtures', name);

/** The 1-based line of the only line of `file` that contains `text`. */
function lineOf(file: string, text: string): number {
  const lines = readFileSync(file, 'utf8').split('\n');
  const found = lines.flatMap((l, i) => (l.includes(text) ? [i + 1] : []));
  assert.equal(found.length, 1, `exactly one line of ${file} contains ${JSON.stringify(text)}`);
  return found[0]!;
}

const where = (stop: Stop): string[] => stop.frames.map((f) => `${f.name}:${f.line}`);

test('F10 over `await sleep(0.05)`, `await tidy()` and `const r = await ask()`: each one press to the next line of the same task', () =>
  drive(function* () {
    const program = fixture('step-awaits.ts');
    const s = new Session();
    yield s.start();
    try {
      const first = lineOf(program, 'await sleep(0.05);');
      yield s.launch(program, { [program]: [{ line: first }] });
      let stop: Stop = yield s.stopped();
      assert.deepEqual(where(stop), [`main:${first}`]);
      yield s.dc.setBreakpointsRequest({ source: { path: program }, breakpoints: [] });
      const thread = stop.threadId;
      for (const next of ['await tidy();', 'const r = await ask(', 'const loud = await shout(r);', "console.log('asked', r, loud);", 'await other;']) {
        yield s.dc.nextRequest({ threadId: thread });
        stop = yield s.stopped();
        assert.equal(stop.reason, 'step');
        assert.equal(stop.threadId, thread, 'the step stayed with main’s task');
        assert.deepEqual(where(stop), [`main:${lineOf(program, next)}`], `one F10 lands on \`${next}\``);
        // No second stop follows the one the press made.
        assert.equal(s.queued('stopped'), 0);
      }
      const locals: Record<string, string> = yield s.scope(stop.frames[0]!.id, 'Locals');
      assert.equal(locals.r, '"why?why?"');
    } finally {
      yield s.stop();
    }
  }));

test('F10 over `await writer.drain()` on a real connection lands on the next line once the peer has read', () =>
  drive(function* () {
    const program = fixture('step-drain.ts');
    const s = new Session();
    yield s.start();
    try {
      const drain = lineOf(program, 'await writer.drain();');
      yield s.launch(program, { [program]: [{ line: drain }] });
      const stop: Stop = yield s.stopped();
      assert.deepEqual(where(stop), [`main:${drain}`]);
      yield s.dc.setBreakpointsRequest({ source: { path: program }, breakpoints: [] });
      assert.doesNotMatch(s.output, /server reads/);
      yield s.dc.nextRequest({ threadId: stop.threadId });
      const after: Stop = yield s.stopped();
      assert.equal(after.threadId, stop.threadId);
      assert.deepEqual(where(after), [`main:${lineOf(program, "console.log('drained');")}`]);
      // drain() waited for the peer: the server task had to start reading first.
      assert.match(s.output, /server reads/);
      assert.equal(s.queued('stopped'), 0);
    } finally {
      yield s.stop();
    }
  }));

test('F11 on `const r = await ask(...)` stops on the first statement of ask, its arguments in Locals', () =>
  drive(function* () {
    const program = fixture('step-awaits.ts');
    const s = new Session();
    yield s.start();
    try {
      const call = lineOf(program, 'const r = await ask(');
      yield s.launch(program, { [program]: [{ line: call }] });
      const stop: Stop = yield s.stopped();
      yield s.dc.setBreakpointsRequest({ source: { path: program }, breakpoints: [] });
      yield s.dc.stepInRequest({ threadId: stop.threadId });
      const inAsk: Stop = yield s.stopped();
      assert.equal(inAsk.reason, 'step');
      assert.equal(inAsk.threadId, stop.threadId);
      assert.deepEqual(where(inAsk), [`ask:${lineOf(program, 'const answer =')}`, `main:${call}`]);
      const locals: Record<string, string> = yield s.scope(inAsk.frames[0]!.id, 'Locals');
      assert.equal(locals.question, '"why"');
      assert.equal(locals.times, '2');
      assert.equal(locals.answer, 'undefined');
      // F11 again goes on in ask's body, line by line.
      yield s.dc.stepInRequest({ threadId: inAsk.threadId });
      const next: Stop = yield s.stopped();
      assert.deepEqual(where(next), [`ask:${lineOf(program, 'await sleep(0.01);')}`, `main:${call}`]);
    } finally {
      yield s.stop();
    }
  }));

test('F11 on `await shout(r)`, an async arrow function, stops on the first statement of its body', () =>
  drive(function* () {
    const program = fixture('step-awaits.ts');
    const s = new Session();
    yield s.start();
    try {
      const call = lineOf(program, 'const loud = await shout(r);');
      yield s.launch(program, { [program]: [{ line: call }] });
      const stop: Stop = yield s.stopped();
      yield s.dc.setBreakpointsRequest({ source: { path: program }, breakpoints: [] });
      yield s.dc.stepInRequest({ threadId: stop.threadId });
      const inShout: Stop = yield s.stopped();
      assert.deepEqual(where(inShout), [`shout:${lineOf(program, 'const loud = word.toUpperCase();')}`, `main:${call}`]);
      const locals: Record<string, string> = yield s.scope(inShout.frames[0]!.id, 'Locals');
      assert.equal(locals.word, '"why?why?"');
    } finally {
      yield s.stop();
    }
  }));

test('F11 into an async method, then into its parent’s through `super`: each stops on the first statement of the body', () =>
  drive(function* () {
    const program = fixture('step-super.ts');
    const s = new Session();
    yield s.start();
    try {
      const call = lineOf(program, 'const n = await counter.bump(1);');
      yield s.launch(program, { [program]: [{ line: call }] });
      const stop: Stop = yield s.stopped();
      yield s.dc.setBreakpointsRequest({ source: { path: program }, breakpoints: [] });
      yield s.dc.stepInRequest({ threadId: stop.threadId });
      const inChild: Stop = yield s.stopped();
      const superCall = lineOf(program, 'const base = await super.bump(by);');
      assert.deepEqual(where(inChild), [`bump:${superCall}`, `main:${call}`]);
      yield s.dc.stepInRequest({ threadId: inChild.threadId });
      const inParent: Stop = yield s.stopped();
      // Not the loader's `super` helper: the parent's body.
      assert.deepEqual(where(inParent), [`bump:${lineOf(program, 'const next = by + 1;')}`, `bump:${superCall}`, `main:${call}`]);
      const locals: Record<string, string> = yield s.scope(inParent.frames[0]!.id, 'Locals');
      assert.equal(locals.by, '1');
    } finally {
      yield s.stop();
    }
  }));

test('F11 on a console.log line lands on the next line, while other tasks run the same loop', () =>
  drive(function* () {
    const program = fixture('step-console.ts');
    const s = new Session();
    yield s.start();
    try {
      const log = lineOf(program, 'console.log(`${name} handles');
      yield s.launch(program, { [program]: [{ line: log }] });
      const stop: Stop = yield s.stopped();
      yield s.dc.setBreakpointsRequest({ source: { path: program }, breakpoints: [] });
      yield s.dc.stepInRequest({ threadId: stop.threadId });
      let next: Stop = yield s.stopped();
      assert.equal(next.threadId, stop.threadId);
      assert.deepEqual(where(next), [`worker:${lineOf(program, 'await sleep(0.01);')}`]);
      yield s.dc.stepInRequest({ threadId: next.threadId });
      next = yield s.stopped();
      assert.equal(next.threadId, stop.threadId);
      assert.deepEqual(where(next), [`worker:${lineOf(program, 'const tidied = await tidy(item);')}`]);
    } finally {
      yield s.stop();
    }
  }));

test('F10 goes on past pauses the adapter passes over: a caught exception, a hit count not reached', () =>
  drive(function* () {
    const program = fixture('step-pass-over.ts');
    const s = new Session();
    yield s.start();
    try {
      const parse = lineOf(program, "const a = parseOr('x', 1);");
      const inCount = lineOf(program, 'total += i;');
      yield s.launch(program, { [program]: [{ line: parse }, { line: inCount, hitCondition: '100' }] }, {}, ['uncaught']);
      const stop: Stop = yield s.stopped();
      assert.deepEqual(where(stop), [`main:${parse}`]);
      yield s.dc.nextRequest({ threadId: stop.threadId });
      let next: Stop = yield s.stopped();
      assert.equal(next.reason, 'step');
      assert.deepEqual(where(next), [`main:${lineOf(program, 'const b = count(3);')}`], 'past the exception JSON.parse threw and parseOr caught');
      yield s.dc.nextRequest({ threadId: next.threadId });
      next = yield s.stopped();
      assert.equal(next.reason, 'step');
      assert.deepEqual(where(next), [`main:${lineOf(program, 'await sleep(0.01);')}`], 'past the breakpoint in count whose hit count is not reached');
    } finally {
      yield s.stop();
    }
  }));
