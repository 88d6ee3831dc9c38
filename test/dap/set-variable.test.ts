// Changing a value while stopped: a local of the stopped frame (the program then runs with it), a
// property of an object; a local of a suspended coroutine and the runtime's state say why they
// cannot be changed, and a broken value expression is reported; the session goes on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { ROOT, Session, drive, example, failure, type Stop } from './harness';

const program = example('producer-consumer.ts');

test('setVariable writes locals of the stopped frame and object properties; suspended locals are refused clearly', () =>
  drive(function* () {
    const s = new Session();
    yield s.start();
    try {
      yield s.launch(program, { [program]: [{ line: 18 }] });
      const stop: Stop = yield s.stopped();
      assert.deepEqual(stop.frames.map((f) => [f.name, f.line]), [['consumer', 18]]);
      const scopes: DebugProtocol.Scope[] = (yield s.dc.scopesRequest({ frameId: stop.frames[0]!.id })).body.scopes;
      const localsRef = scopes.find((x) => x.name === 'Locals')!.variablesReference;

      // A local of the running frame: the program goes on with the new value.
      const set: DebugProtocol.SetVariableResponse = yield s.dc.setVariableRequest({ variablesReference: localsRef, name: 'total', value: '99 + 1' });
      assert.equal(set.body.value, '100');
      const now: DebugProtocol.EvaluateResponse = yield s.dc.evaluateRequest({ expression: 'total', frameId: stop.frames[0]!.id, context: 'watch' });
      assert.equal(now.body.result, '100');
      const locals: Record<string, string> = yield s.variables(localsRef);
      assert.equal(locals.total, '100');

      // A property of an object a local refers to.
      const vars: DebugProtocol.Variable[] = (yield s.dc.variablesRequest({ variablesReference: localsRef })).body.variables;
      const queueRef = vars.find((v) => v.name === 'queue')!.variablesReference;
      const note: DebugProtocol.SetVariableResponse = yield s.dc.setVariableRequest({ variablesReference: queueRef, name: 'note', value: '"set from the debugger"' });
      assert.equal(note.body.value, '"set from the debugger"');
      const seen: DebugProtocol.EvaluateResponse = yield s.dc.evaluateRequest({ expression: 'queue.note', frameId: stop.frames[0]!.id, context: 'watch' });
      assert.equal(seen.body.result, '"set from the debugger"');

      // A suspended coroutine's local, the runtime's state, a broken expression: clear errors.
      const threads: DebugProtocol.Thread[] = yield s.threads();
      const main = threads.find((t) => t.name.startsWith('Task-1 '))!;
      const mainFrames: DebugProtocol.StackFrame[] = yield s.frames(main.id);
      const mainScopes: DebugProtocol.Scope[] = (yield s.dc.scopesRequest({ frameId: mainFrames[0]!.id })).body.scopes;
      const mainLocals = mainScopes.find((x) => x.name === 'Locals')!.variablesReference;
      assert.match(yield failure(s.dc.setVariableRequest({ variablesReference: mainLocals, name: 'queue', value: 'null' })), /local of a suspended coroutine/);
      const taskRef = scopes.find((x) => x.name === 'Task')!.variablesReference;
      yield s.variables(taskRef);
      assert.match(yield failure(s.dc.setVariableRequest({ variablesReference: taskRef, name: 'name', value: '"x"' })), /read-only/);
      assert.match(yield failure(s.dc.setVariableRequest({ variablesReference: localsRef, name: 'total', value: '1 +* 2' })), /SyntaxError/);
      assert.match(yield failure(s.dc.setVariableRequest({ variablesReference: localsRef, name: 'nosuch', value: '1' })), /no such variable/);

      yield s.dc.setBreakpointsRequest({ source: { path: program }, breakpoints: [] });
      const [exited] = yield Promise.all([s.waitFor('exited'), s.waitFor('terminated'), s.dc.continueRequest({ threadId: stop.threadId })]);
      assert.equal((exited as DebugProtocol.ExitedEvent).body.exitCode, 0);
      assert.match(s.output, /c1 got 1 \(total 100\)/);
    } finally {
      yield s.stop();
    }
  }));

test('setVariable evaluates the new value in the frame that holds the variable', () =>
  drive(function* () {
    const s = new Session();
    yield s.start();
    const frames = join(__dirname, 'fixtures', 'frames.ts');
    try {
      yield s.launch(frames, { [frames]: [{ line: 6 }] });
      const stop: Stop = yield s.stopped();
      assert.deepEqual(stop.frames.map((f) => [f.name, f.line]), [['inner', 6], ['outer', 12]]);
      // The adapter's connection to the debuggee sends each message at once (TCP_NODELAY, set by the
      // probe when the adapter attached): a pause right after a resume does not wait for an ACK.
      const probe = join(ROOT, 'dist', 'runtime', 'host', 'inspector-socket.js');
      const nodelay: DebugProtocol.EvaluateResponse = yield s.dc.evaluateRequest({
        expression: `process.mainModule.require(${JSON.stringify(probe)}).inspectorConnections().map((c) => c.noDelay).join()`,
        frameId: stop.frames[0]!.id,
        context: 'repl',
      });
      assert.equal(nodelay.body.result, '"true"');
      const scopes: DebugProtocol.Scope[] = (yield s.dc.scopesRequest({ frameId: stop.frames[1]!.id })).body.scopes;
      const outerLocals = scopes.find((x) => x.name === 'Locals')!.variablesReference;
      // `a` exists only in outer(): the value is evaluated there, not in the stopped inner().
      const set: DebugProtocol.SetVariableResponse = yield s.dc.setVariableRequest({ variablesReference: outerLocals, name: 'b', value: 'a * 3' });
      assert.equal(set.body.value, '15');
      const [exited] = yield Promise.all([s.waitFor('exited'), s.waitFor('terminated'), s.dc.continueRequest({ threadId: stop.threadId })]);
      assert.equal((exited as DebugProtocol.ExitedEvent).body.exitCode, 0);
      assert.match(s.output, /r=10 b=15/);
    } finally {
      yield s.stop();
    }
  }));
