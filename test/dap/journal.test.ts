// The task journal, the loop timeline and the loop-block detector over DAP, on real programs:
// the Task scope's `wokenBy` and `history` (each entry opening its line through `locations`),
// `coroscope/timeline`, the 'Loop blocked' exception filter and the Debug Console's slow-callback line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { Session, drive, failure, type Stop } from './harness';
import type { Timeline } from '../../debug-adapter/probe-client';

const fixture = (name: string): string => join(__dirname, 'fixtures', name);
const wake = fixture('journal-wake.ts');
const long = fixture('journal-long.ts');
const blocked = fixture('loop-blocked.ts');

/** The Task scope of a frame as DAP variables. */
function taskScope(s: Session, frameId: number): Promise<DebugProtocol.Variable[]> {
  return s.dc.scopesRequest({ frameId }).then((r) => {
    const scope = r.body.scopes.find((x) => x.name === 'Task');
    if (!scope) throw new Error(`no Task scope (${r.body.scopes.map((x) => x.name).join(', ')})`);
    return s.dc.variablesRequest({ variablesReference: scope.variablesReference }).then((v) => v.body.variables);
  });
}

function location(s: Session, ref: number): Promise<{ path: string; line: number }> {
  return s.dc.customRequest('locations', { locationReference: ref }).then((r) => ({ path: r.body.source.path, line: r.body.line }));
}

test("wokenBy names the task and line that set the Event, and a plain callback that completed a future; history opens each line", () =>
  drive(function* () {
    const s = new Session();
    yield s.start();
    try {
      yield s.launch(wake, { [wake]: [{ line: 7 }, { line: 21 }] });
      const first: Stop = yield s.stopped();
      assert.equal(first.frames[0]!.line, 7);
      const vars: DebugProtocol.Variable[] = yield taskScope(s, first.frames[0]!.id);
      const wokenBy = vars.find((v) => v.name === 'wokenBy');
      assert.equal(wokenBy?.value, 'c2 at journal-wake.ts:13 · event.set()');
      assert.ok(wokenBy!.valueLocationReference, 'wokenBy carries a location');
      assert.deepEqual(yield location(s, wokenBy!.valueLocationReference!), { path: wake, line: 13 });

      const history = vars.find((v) => v.name === 'history')!;
      assert.match(history.value, /events, newest first$/);
      const entries: DebugProtocol.Variable[] = (yield s.dc.variablesRequest({ variablesReference: history.variablesReference })).body.variables;
      const texts = entries.map((e) => e.value);
      assert.equal(texts[0], 'resumed at journal-wake.ts:6');
      assert.equal(texts[1], 'woken by c2 at journal-wake.ts:13 · event.set()');
      assert.equal(texts[2], 'parked at journal-wake.ts:6 on Event');
      assert.match(texts[texts.length - 1]!, /^spawned by Task-1 at journal-wake\.ts:25$/);
      const parked = entries[2]!;
      assert.deepEqual(yield location(s, parked.valueLocationReference!), { path: wake, line: 6 });
      assert.ok(!texts.some((t) => /setResultUnlessCancelled|_wake|Task\.wakeup|undefined/.test(t)), texts.join('\n'));

      yield s.dc.continueRequest({ threadId: first.threadId });
      const second: Stop = yield s.stopped();
      assert.equal(second.frames[0]!.line, 21);
      const cb: DebugProtocol.Variable[] = yield taskScope(s, second.frames[0]!.id);
      assert.equal(cb.find((v) => v.name === 'wokenBy')?.value, 'callback complete() at journal-wake.ts:19 · future.setResult()');
      assert.match(yield failure(s.dc.customRequest('locations', { locationReference: 999_999 })), /locationReference 999999 is not valid now/);
    } finally {
      yield s.stop();
    }
  }));

test('the journal stays bounded over a long run: 64 events per task, 10,000 iterations; coroscope/timeline returns iterations with durations', () =>
  drive(function* () {
    const s = new Session();
    yield s.start();
    try {
      yield s.launch(long, { [long]: [{ line: 9 }] });
      const stop: Stop = yield s.stopped();
      const vars: DebugProtocol.Variable[] = yield taskScope(s, stop.frames[0]!.id);
      const history = vars.find((v) => v.name === 'history')!;
      const m = /^the last 64 of (\d+) events, newest first$/.exec(history.value);
      assert.ok(m, history.value);
      assert.ok(Number(m[1]) > 24_000, `two events per sleep(0): ${m[1]}`);
      const entries: DebugProtocol.Variable[] = (yield s.dc.variablesRequest({ variablesReference: history.variablesReference })).body.variables;
      assert.equal(entries.length, 64);
      assert.equal(entries[1]!.value, 'parked at journal-long.ts:6 on a turn of the loop (sleep(0))');

      const all: Timeline = (yield s.dc.customRequest('coroscope/timeline', { count: 10_000 })).body;
      assert.equal(all.iterations.length, 10_000);
      assert.equal(all.kept.iterations, 10_000);
      assert.ok(all.kept.recorded > 12_000, `recorded ${all.kept.recorded}`);
      assert.ok(all.kept.callbacks <= 20_000);

      const t: Timeline = (yield s.dc.customRequest('coroscope/timeline', {})).body;
      assert.equal(t.iterations.length, 200);
      const steps = t.iterations.flatMap((it) => it.callbacks).filter((c) => c.label === 'Task-1 step');
      assert.ok(steps.length > 100, `main's steps: ${steps.length}`);
      for (const it of t.iterations) {
        assert.ok(it.waited >= 0 && (it.timeout === null || it.timeout >= 0), JSON.stringify(it));
        assert.ok(['no wait', 'fd', 'timeout', 'node turn'].includes(it.endedBy), it.endedBy);
        for (const c of it.callbacks) assert.ok(c.duration >= 0 && c.start >= it.start, JSON.stringify(c));
      }
      assert.deepEqual(steps[0]!.location, { path: long, line: 6, column: 5 });
      const newest = t.iterations[t.iterations.length - 1]!.callbacks;
      assert.deepEqual([newest[newest.length - 1]!.label, newest[newest.length - 1]!.running], ['Task-1 step', true], 'the program stopped inside main\'s step');
      assert.ok(steps.slice(0, -1).every((c) => c.running === undefined));
      const lane = t.lanes.find((l) => l.name === 'Task-1');
      assert.ok(lane && lane.segments.some((g) => g.state === 'running') && lane.segments.some((g) => g.state === 'ready'), JSON.stringify(lane?.segments.slice(0, 4)));

      assert.match(yield failure(s.dc.customRequest('coroscope/timeline', { count: 0 })), /"count" must be an integer from 1 to 10000 \(got 0\)/);
      assert.match(yield failure(s.dc.customRequest('coroscope/timeline', { count: 'all' })), /"count" must be an integer/);
    } finally {
      yield s.stop();
    }
  }));

test("a task's running bars in the timeline are its steps' callbacks, end included (a step's end is its callback's end)", () =>
  drive(function* () {
    const s = new Session();
    yield s.start();
    try {
      yield s.launch(long, { [long]: [{ line: 9 }] });
      yield s.stopped();
      const t: Timeline = (yield s.dc.customRequest('coroscope/timeline', {})).body;
      const steps = t.iterations.flatMap((it) => it.callbacks).filter((c) => c.label === 'Task-1 step' && !c.running);
      assert.ok(steps.length > 100, `main's steps: ${steps.length}`);
      // The lane comes from the task's own 64 events: its last 32 steps.
      const running = t.lanes.find((l) => l.name === 'Task-1')!.segments.filter((g) => g.state === 'running');
      const kept = steps.filter((c) => c.start >= running[0]!.start);
      assert.ok(kept.length >= 30, `steps in the lane: ${kept.length}`);
      for (const c of kept) {
        const bar = running.find((g) => g.start === c.start);
        assert.ok(bar, `no running bar starts where the step does: ${JSON.stringify(c)}`);
        assert.ok(Math.abs(bar.end - (c.start + c.duration)) < 1e-9, `the bar ends at ${bar.end}, the step at ${c.start + c.duration}`);
      }
    } finally {
      yield s.stop();
    }
  }));

test("'Loop blocked' stops inside a 300 ms busy loop of a task, while it runs, naming the task", () =>
  drive(function* () {
    const s = new Session();
    yield s.start();
    try {
      yield s.launch(blocked, {}, {}, ['loopBlocked']);
      const stop: Stop = yield s.stopped();
      assert.equal(stop.reason, 'exception');
      assert.match(stop.description ?? '', /^Loop blocked: task spinner has run \d+ ms without returning to the event loop \(threshold 100 ms\)$/);
      assert.ok([7, 8].includes(stop.frames[0]!.line), `top frame at line ${stop.frames[0]!.line}: ${stop.frames.map((f) => `${f.name}:${f.line}`).join(' < ')}`);
      assert.equal(stop.frames[0]!.source?.path, blocked);
      const threads: DebugProtocol.Thread[] = yield s.threads();
      assert.match(threads.find((t) => t.id === stop.threadId)!.name, /^spinner /);
      const info: DebugProtocol.ExceptionInfoResponse = yield s.dc.exceptionInfoRequest({ threadId: stop.threadId });
      assert.equal(info.body.exceptionId, 'Loop blocked');
      yield s.dc.continueRequest({ threadId: stop.threadId });
      yield s.waitFor('terminated');
      assert.match(s.output, /^done$/m);
      assert.equal(s.queued('stopped'), 0, 'one stop for one blocking step');
    } finally {
      yield s.stop();
    }
  }));

test('without the filter, a step over the threshold is a line in the Debug Console, as asyncio debug mode says it', () =>
  drive(function* () {
    const s = new Session();
    yield s.start();
    try {
      yield s.launch(blocked, {}, { slowCallbackMs: 200 });
      yield s.waitFor('terminated');
      const m = /^Executing <Task pending name='spinner' [^\n]*coro=<busy\(\)[^\n]*> took (\d\.\d{3}) seconds$/m.exec(s.output);
      assert.ok(m, s.output);
      // The program measures its 0.3 s with Date.now() (whole milliseconds), the loop with its own clock.
      assert.ok(Number(m[1]) >= 0.29, `reported ${m[1]} s for a 0.3 s step`);
      assert.equal(s.queued('stopped'), 0);
    } finally {
      yield s.stop();
    }
  }));
