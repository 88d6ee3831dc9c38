// No notification the person did not ask for: an error response pops one in VS Code when its
// body.error.showUser is true. Hovers, inline values (watch), the variables view, copy value, the
// extension's own requests and references from an earlier stop fail quietly; an expression typed in
// the Debug Console fails there (its message is the answer), without a notification on top.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { Session, drive, failure, type Stop } from './harness';

const program = join(__dirname, 'fixtures', 'step-awaits.ts');
const lineOf = (text: string): number => readFileSync(program, 'utf8').split('\n').findIndex((l) => l.includes(text)) + 1;

/** Every error response the adapter sends from now on, with its body (DebugClient keeps only the message). */
function errorResponses(s: Session): DebugProtocol.ErrorResponse[] {
  const errors: DebugProtocol.ErrorResponse[] = [];
  const client = s.dc as unknown as { dispatch(body: string): void };
  const dispatch = client.dispatch.bind(client);
  client.dispatch = (body: string) => {
    const message = JSON.parse(body) as DebugProtocol.ProtocolMessage;
    if (message.type === 'response' && !(message as DebugProtocol.Response).success) errors.push(message as DebugProtocol.ErrorResponse);
    dispatch(body);
  };
  return errors;
}

test('stepping with hovers and inline values on await lines, stale frame ids, a failed REPL line: no error response has showUser', () =>
  drive(function* () {
    const s = new Session();
    const errors = errorResponses(s);
    yield s.start();
    try {
      const first = lineOf('await sleep(0.05);');
      const otherTasksAwait = lineOf('await sleep(0.02);');
      yield s.launch(program, { [program]: [{ line: first }] });
      const stop: Stop = yield s.stopped();
      yield s.dc.setBreakpointsRequest({ source: { path: program }, breakpoints: [] });
      const stale = stop.frames[0]!.id;
      const scopes: DebugProtocol.ScopesResponse = yield s.dc.scopesRequest({ frameId: stale });
      const staleRef = scopes.body.scopes[0]!.variablesReference;

      const messages: string[] = [];
      const evaluate = (expression: string, frameId: number | undefined, context: string) =>
        failure(s.dc.evaluateRequest({ expression, frameId, context })).then((m) => void messages.push(`${context} ${expression}: ${m}`));
      for (let press = 0; press < 2; press++) {
        const before: Stop = press === 0 ? stop : yield s.stopped();
        const frameId = before.frames[0]!.id;
        // What the extension's inline values and the await hover send on a line where main runs.
        yield evaluate('await', frameId, 'watch');
        yield evaluate('await', frameId, 'hover');
        // A hover on the await where the other task may be suspended, from main's frame: that task's
        // future when it is there, else a quiet "not suspended at line N".
        yield s.dc.evaluateRequest({ expression: `$await@${otherTasksAwait}`, frameId, context: 'hover' }).then(
          (r) => assert.equal(r.body.type, 'Future'),
          (err: Error) => void messages.push(`hover $await@${otherTasksAwait}: ${err.message}`),
        );
        // Hovers and inline values racing the step: the debuggee runs, then the frame is from an earlier stop.
        yield s.dc.nextRequest({ threadId: before.threadId });
        yield evaluate('other', frameId, 'hover').catch(() => undefined);
      }
      yield s.stopped();
      for (const context of ['hover', 'watch', 'variables', 'clipboard']) yield evaluate('r', stale, context);
      yield failure(s.dc.scopesRequest({ frameId: stale }));
      yield failure(s.dc.variablesRequest({ variablesReference: staleRef }));
      // The extension's own request, refused.
      yield failure(s.dc.customRequest('coroscope/tasks', { limit: -1 }));
      // Typed in the Debug Console: the message is what the console prints.
      const repl: string = yield failure(s.dc.evaluateRequest({ expression: 'nosuch + 1', context: 'repl' }));
      assert.match(repl, /nosuch is not defined/);

      assert.ok(errors.length >= 12, `the session provoked error responses (got ${errors.length}: ${messages.join('; ')})`);
      const shown = errors.filter((e) => e.body?.error?.showUser === true).map((e) => `${e.command}: ${e.message}`);
      assert.deepEqual(shown, [], 'no error response asks VS Code for a notification');
      assert.ok(messages.some((m) => /this coroutine is running/.test(m)), messages.join('\n'));
      assert.ok(messages.some((m) => /frameId \d+ is not valid now/.test(m)), messages.join('\n'));

      // What the person asked for directly still says why it did nothing.
      const count = errors.length;
      yield failure(s.dc.nextRequest({ threadId: 1 }));
      assert.equal(errors.length, count + 1);
      assert.equal(errors[count]!.body?.error?.showUser, true);
    } finally {
      yield s.stop();
    }
  }));
