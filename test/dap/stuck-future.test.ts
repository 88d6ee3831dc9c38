// Pausing a program that is idle in epoll_wait: every task is a thread named by what it waits on,
// suspended tasks show their yield chains at the exact yield lines with their locals, and the
// Awaiting scope says that nobody will complete the future Task-3 waits for.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Session, delay, drive, example, failure, type Stop } from './harness';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { uringUnavailable } from 'coroscope/sys/uring';

const URING_OFF = uringUnavailable();

const program = example('stuck-future.ts');

test('pause while idle shows every task, its suspended frames, locals and the awaited future', () =>
  drive(function* () {
    const s = new Session();
    yield s.start();
    try {
      yield s.launch(program);
      for (let i = 0; i < 100 && !s.output.includes('main: started'); i++) yield delay(50);
      yield delay(300);
      yield s.dc.pauseRequest({ threadId: 1 });
      const stop: Stop = yield s.stopped();
      assert.equal(stop.reason, 'pause');

      const threads: DebugProtocol.Thread[] = yield s.threads();
      const names = threads.map((t) => t.name);
      // An idle program focuses the task that ran last (the ticker wakes every 0.25 s), not the loop's runtime frames.
      assert.equal(threads.find((t) => t.id === stop.threadId)?.name, 'ticker ⏸ sleep 0.25 s');
      assert.equal(names[0], 'event loop');
      assert.ok(names.includes('Task-1 ⏸ gather(2) · main()'), names.join(' | '));
      assert.ok(names.includes('ticker ⏸ sleep 0.25 s'), names.join(' | '));
      const handle = threads.find((t) => /^Task-3 ⏸ Future #\d+ · handle\(request\)$/.test(t.name));
      assert.ok(handle, names.join(' | '));

      // Task-3: handle() awaits waitForReply(), which awaits the reply future.
      const frames: DebugProtocol.StackFrame[] = yield s.frames(handle.id);
      assert.deepEqual(frames.map((f) => [f.name, f.line, f.source?.path]), [
        ['waitForReply', 16, program],
        ['handle', 22, program],
      ]);
      const locals: Record<string, string> = yield s.scope(frames[0]!.id, "Locals");
      assert.equal(locals.request, '"ping"');
      assert.equal(locals.reply, 'Future');
      assert.equal(locals.answer, 'undefined');
      assert.ok(!Object.keys(locals).some((n) => n.startsWith('__cs')), Object.keys(locals).join(','));
      const awaiting: Record<string, string> = yield s.scope(frames[0]!.id, 'Awaiting');
      assert.equal(awaiting.state, 'PENDING');
      assert.match(awaiting.completedBy!, /^nobody/);
      const outer: Record<string, string> = yield s.scope(frames[1]!.id, 'Awaiting');
      assert.equal(outer.coroutine, 'waitForReply');
      assert.equal(outer.at, 'stuck-future.ts:16');

      // Evaluate in a suspended frame: names and member chains, and `await`.
      const len = yield s.dc.evaluateRequest({ expression: 'request.length', frameId: frames[0]!.id, context: 'hover' });
      assert.equal(len.body.result, '4');
      const aw = yield s.dc.evaluateRequest({ expression: 'await', frameId: frames[0]!.id, context: 'hover' });
      // The task's verdict: its future has no recorded reason, and the ticker's timer can still run program code.
      assert.match(aw.body.result, /^Future #\d+ · pending · completed by program code: awaited at stuck-future\.ts:16$/);
      yield assert.rejects(s.dc.evaluateRequest({ expression: 'request + 1', frameId: frames[0]!.id }), /names and member chains/);

      // The ticker's own frame is at its await; the runtime's sleep() below it is hidden.
      const ticker = threads.find((t) => t.name.startsWith('ticker'))!;
      const tf: DebugProtocol.StackFrame[] = yield s.frames(ticker.id);
      assert.deepEqual(tf.map((f) => [f.name, f.line]), [['ticker', 9]]);
      const tl: Record<string, string> = yield s.scope(tf[0]!.id, 'Locals');
      assert.equal(tl.period, '0.25');
      assert.ok(Number.isInteger(Number(tl.ticks)), `ticks=${tl.ticks}`);
      const ta: Record<string, string> = yield s.scope(tf[0]!.id, 'Awaiting');
      assert.match(ta.completedBy!, /^timer due in /);

      const main = threads.find((t) => t.name.startsWith('Task-1'))!;
      assert.deepEqual(((yield s.frames(main.id)) as DebugProtocol.StackFrame[]).map((f) => [f.name, f.line]), [['main', 29]]);

      const loop: Record<string, string> = yield s.scope(tf[0]!.id, 'Event loop');
      assert.equal(loop.selector, URING_OFF === null ? 'uring' : 'epoll', 'the default: io_uring where the kernel allows it');
      assert.equal(loop.running, 'true');
      assert.ok(Number(loop.timers) >= 1, "the ticker's timer is in the heap");

      // Go on, and pause again: the stop is a new one (old references are refused).
      yield s.dc.continueRequest({ threadId: 1 });
      yield assert.rejects(s.dc.variablesRequest({ variablesReference: 1000 }), /not valid now|not stopped/);
      yield s.dc.pauseRequest({ threadId: 1 });
      const again: Stop = yield s.stopped();
      assert.equal(again.reason, 'pause');
      yield Promise.all([s.waitFor('terminated'), s.dc.terminateRequest({})]);
    } finally {
      yield s.stop();
    }
  }));

for (const selector of ['poll', ...(URING_OFF === null ? ['uring'] : [])]) {
  test(`the launch configuration picks the selector the loop waits in (${selector}); a pause stops the program waiting there`, () =>
    drive(function* () {
      const s = new Session();
      yield s.start();
      try {
        yield s.launch(program, {}, { selector });
        for (let i = 0; i < 100 && !s.output.includes('main: started'); i++) yield delay(50);
        yield s.dc.pauseRequest({ threadId: 1 });
        const stop: Stop = yield s.stopped();
        const loop: Record<string, string> = yield s.scope(stop.frames[0]!.id, 'Event loop');
        assert.equal(loop.selector, selector);
      } finally {
        yield s.stop();
      }
    }));
}
