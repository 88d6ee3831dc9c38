// Bad input never leaves a request unanswered: malformed and out-of-order requests, a missing or
// nonexistent program, a TypeScript syntax error, a node that does not exist, a broken expression
// and a reference from an earlier stop each get an error response with a clear message, and the
// same session then goes on to debug a program normally.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session, delay, drive, example, failure, matchGolden, type Stop } from './harness';
import type { DebugProtocol } from '@vscode/debugprotocol';


test('malformed and out-of-order requests get error responses while the session goes on', () =>
  drive(function* () {
    const s = new Session();
    yield s.start();
    try {
      s.record();
      yield s.dc.initializeRequest();
      // Not JSON at all: no request to answer (no seq); the adapter must keep serving.
      yield s.raw('{ this is not json');
      const noCommand = yield s.raw({ type: 'request', seq: 9001 }, 9001);
      assert.equal(noCommand.success, false);
      assert.match(noCommand.message!, /no command/);
      const badArgs = yield s.raw({ type: 'request', seq: 9002, command: 'threads', arguments: 'x' }, 9002);
      assert.equal(badArgs.success, false);
      assert.match(badArgs.message!, /arguments must be an object/);
      assert.match(yield failure(s.dc.send('fooBar', {})), /unrecognized request 'fooBar'/);
      assert.match(yield failure(s.dc.stackTraceRequest({ threadId: 1 })), /not stopped/);
      assert.match(yield failure(s.dc.variablesRequest({ variablesReference: 4242 })), /not stopped/);
      assert.match(yield failure(s.dc.send('stackTrace', {})), /not stopped/);
      assert.match(yield failure(s.dc.exceptionInfoRequest({ threadId: 1 })), /not stopped/);
      assert.match(yield failure(s.dc.nextRequest({ threadId: 1 })), /next: there is no debuggee/);
      assert.match(yield failure(s.dc.pauseRequest({ threadId: 1 })), /pause: there is no debuggee/);
      assert.match(yield failure(s.dc.evaluateRequest({ expression: '1 + 1' })), /no debuggee/);
      assert.match(yield failure(s.dc.setBreakpointsRequest({ source: {}, breakpoints: [] } as never)), /source\.path/);
      assert.match(yield failure(s.dc.setBreakpointsRequest({ source: { path: '/x.ts' }, breakpoints: [{ line: -3 }] })), /line number/);
      assert.match(yield failure(s.dc.setExceptionBreakpointsRequest({ filters: ['sometimes'] })), /unknown filter 'sometimes'/);
      assert.match(yield failure(s.dc.launchRequest({} as never)), /"program" is missing/);
      assert.match(yield failure(s.dc.launchRequest({ program: '/no/such/prog.ts' } as never)), /does not exist/);
      const dir = mkdtempSync(join(tmpdir(), 'coroscope-dap-'));
      const broken = join(dir, 'broken.ts');
      writeFileSync(broken, 'async function main() {\n  const x = ;\n}\n');
      assert.match(yield failure(s.dc.launchRequest({ program: broken } as never)), /broken\.ts:2:\d+ - error/);
      assert.match(
        yield failure(s.dc.launchRequest({ program: example('stuck-future.ts'), runtimeExecutable: '/no/such/node' } as never)),
        /'\/no\/such\/node' was not found/,
      );
      assert.match(yield failure(s.dc.attachRequest({ port: 'x' } as never)), /"port" must be/);
      assert.match(yield failure(s.dc.launchRequest({ program: example('stuck-future.ts'), selector: 'kqueue2' } as never)), /"selector" must be select, poll, epoll or uring/);
      assert.match(s.output, /ignored a malformed message/);

      // The same adapter still launches and debugs a program.
      const program = example('producer-consumer.ts');
      yield s.launch(program, { [program]: [{ line: 17 }] });
      const stop: Stop = yield s.stopped();
      assert.equal(stop.frames[0]!.line, 17);
      const scopes: DebugProtocol.Scope[] = (yield s.dc.scopesRequest({ frameId: stop.frames[0]!.id })).body.scopes;
      const oldRef = scopes[0]!.variablesReference;
      assert.match(yield failure(s.dc.evaluateRequest({ expression: 'item +* 2', frameId: stop.frames[0]!.id })), /SyntaxError/);
      assert.match(yield failure(s.dc.scopesRequest({ frameId: 987654 })), /frameId 987654 is not valid now/);
      assert.match(yield failure(s.dc.launchRequest({ program } as never)), /already has a debuggee/);
      assert.match(yield failure(s.dc.exceptionInfoRequest({ threadId: stop.threadId })), new RegExp(`thread ${stop.threadId} did not stop on an exception`));
      assert.match(yield failure(s.dc.send('exceptionInfo', {})), /threadId/);
      yield s.dc.continueRequest({ threadId: stop.threadId });
      const next: Stop = yield s.stopped();
      assert.equal(next.frames[0]!.line, 17);
      assert.match(yield failure(s.dc.variablesRequest({ variablesReference: oldRef })), /variablesReference \d+ is not valid now/);
      yield s.dc.setBreakpointsRequest({ source: { path: program }, breakpoints: [] });
      const [exited] = yield Promise.all([s.waitFor('exited'), s.waitFor('terminated'), s.dc.continueRequest({ threadId: next.threadId })]);
      assert.equal((exited.body as { exitCode: number }).exitCode, 0);
      // The whole exchange, error messages included, is pinned.
      const { actual, expected } = matchGolden('bad-input', s.transcript);
      assert.equal(actual, expected, 'the session differs from test/dap/golden/bad-input.json (UPDATE_GOLDEN=1 rewrites it)');
    } finally {
      yield s.stop();
    }
  }));

test('a program that crashes at once reports its traceback and exit code', () =>
  drive(function* () {
    const s = new Session();
    yield s.start();
    try {
      const dir = mkdtempSync(join(tmpdir(), 'coroscope-dap-'));
      const crash = join(dir, 'crash.ts');
      writeFileSync(crash, "import { run } from 'coroscope';\nasync function main(): Promise<void> {\n  throw new Error('boom');\n}\nrun(main());\n");
      const events = Promise.all([s.waitFor('exited'), s.waitFor('terminated')]);
      yield s.launch(crash);
      const [exited] = yield events;
      assert.notEqual((exited.body as { exitCode: number }).exitCode, 0);
      assert.match(s.output, /boom/);
    } finally {
      yield s.stop();
    }
  }));

test('a debuggee killed from outside ends the session with its exit status', () =>
  drive(function* () {
    const s = new Session();
    yield s.start();
    try {
      yield s.launch(example('stuck-future.ts'));
      for (let i = 0; i < 100 && !s.output.includes('main: started'); i++) yield delay(50);
      yield s.dc.pauseRequest({ threadId: 1 });
      const stop: Stop = yield s.stopped();
      const pid: DebugProtocol.EvaluateResponse = yield s.dc.evaluateRequest({ expression: 'process.pid', frameId: stop.frames[0]!.id });
      const events = Promise.all([s.waitFor('exited'), s.waitFor('terminated')]);
      process.kill(Number(pid.body.result), 'SIGKILL');
      const [exited] = (yield events) as DebugProtocol.Event[];
      assert.equal((exited!.body as { exitCode: number }).exitCode, 137);
      assert.match(yield failure(s.dc.stackTraceRequest({ threadId: 1 })), /not stopped \(it has ended\)/);
      const threads: DebugProtocol.Thread[] = yield s.threads();
      assert.deepEqual(threads.map((t) => t.name), ['event loop']);
    } finally {
      yield s.stop();
    }
  }));
