// The debugger on an ES module project (test/fixtures/esm-project): breakpoints in an .mts file, in a
// module reached through a tsconfig `paths` alias and in a .cts module; the module body with
// top-level await shown as the task `main`; suspended stacks at the program's own lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session, drive, type Stop } from './harness';

const root = join(__dirname, '..', 'fixtures', 'esm-project', 'src');
const main = join(root, 'main.ts');
const config = join(root, 'lib', 'config.ts');
const greet = join(root, 'greet.mts');
const legacy = join(root, 'legacy.cts');

const frameLines = (frames: DebugProtocol.StackFrame[]) => frames.map((f) => [f.name, f.source?.name, f.line]);

test('ES module project: breakpoints in an aliased module, an .mts and a .cts file; the entry body is the task main', () =>
  drive(function* () {
    const s = new Session();
    yield s.start();
    try {
      yield s.launch(main, { [config]: [{ line: 5 }], [greet]: [{ line: 5 }], [legacy]: [{ line: 7 }] });
      // 1. The aliased module's own top-level await, a task of its own before main starts.
      const inConfig: Stop = yield s.stopped();
      assert.equal(inConfig.reason, 'breakpoint');
      assert.deepEqual(frameLines(inConfig.frames), [['<module>', 'config.ts', 5]]);
      let threads: DebugProtocol.Thread[] = yield s.threads();
      assert.equal(threads.find((t) => t.id === inConfig.threadId)!.name, 'config.ts ▶ running · <module>');
      // 2. In the .mts module, awaited by the entry's body: the task is main.
      yield s.dc.continueRequest({ threadId: inConfig.threadId });
      const inGreet: Stop = yield s.stopped();
      assert.deepEqual(frameLines(inGreet.frames), [['greet', 'greet.mts', 5], ['<module>', 'main.ts', 14]]);
      threads = yield s.threads();
      assert.equal(threads.find((t) => t.id === inGreet.threadId)!.name, 'main ▶ running · <module>');
      const locals: Record<string, string> = yield s.scope(inGreet.frames[0]!.id, 'Locals');
      assert.equal(locals.who, '"esm"');
      // 3. In the CommonJS module, in a task the ES module made; main waits for it at line 20.
      yield s.dc.continueRequest({ threadId: inGreet.threadId });
      const inLegacy: Stop = yield s.stopped();
      assert.deepEqual(frameLines(inLegacy.frames), [['whoAmI', 'legacy.cts', 7]]);
      threads = yield s.threads();
      assert.equal(threads.find((t) => t.id === inLegacy.threadId)!.name, 'made-in-esm ▶ running · whoAmI()');
      const mainThread = threads.find((t) => t.name.startsWith('main '))!;
      assert.equal(mainThread.name, 'main ⏸ await made-in-esm whoAmI · <module>');
      const suspended: DebugProtocol.StackFrame[] = yield s.frames(mainThread.id);
      assert.deepEqual(frameLines(suspended), [['<module>', 'main.ts', 20]]);
      const [exited] = yield Promise.all([s.waitFor('exited'), s.waitFor('terminated'), s.dc.continueRequest({ threadId: inLegacy.threadId })]);
      assert.equal((exited as DebugProtocol.ExitedEvent).body.exitCode, 0);
      assert.match(s.output, /dynamic import: late\.ts\ndone\n/);
    } finally {
      yield s.stop();
    }
  }));

test('F5 on an .mts file: stop on entry at its first line, a breakpoint on a top-level await, F10 over it, in the task main', () =>
  drive(function* () {
    const program = join(mkdtempSync(join(tmpdir(), 'coroscope-mts-')), 'prog.mts');
    writeFileSync(program, `import { sleep } from 'coroscope';\nconst started = Date.now();\nawait sleep(0.01);\nconst waited = Date.now() - started;\nconsole.log('waited', waited >= 0);\n`);
    const s = new Session();
    yield s.start();
    try {
      yield s.launch(program, { [program]: [{ line: 3 }] }, { stopOnEntry: true });
      const entry: Stop = yield s.stopped();
      assert.equal(entry.reason, 'entry');
      assert.deepEqual([entry.frames[0]!.source?.path, entry.frames[0]!.line], [program, 1]);
      yield s.dc.continueRequest({ threadId: entry.threadId });
      const atAwait: Stop = yield s.stopped();
      assert.deepEqual(frameLines(atAwait.frames), [['<module>', 'prog.mts', 3]]);
      // F10 over the top-level await: the next line of the same task, once it resumes.
      yield s.dc.setBreakpointsRequest({ source: { path: program }, breakpoints: [] });
      yield s.dc.nextRequest({ threadId: atAwait.threadId });
      const stepped: Stop = yield s.stopped();
      assert.equal(stepped.reason, 'step');
      assert.deepEqual(frameLines(stepped.frames), [['<module>', 'prog.mts', 4]]);
      yield s.dc.nextRequest({ threadId: stepped.threadId });
      const stop: Stop = yield s.stopped();
      assert.deepEqual(frameLines(stop.frames), [['<module>', 'prog.mts', 5]]);
      const threads: DebugProtocol.Thread[] = yield s.threads();
      assert.equal(threads.find((t) => t.id === stop.threadId)!.name, 'main ▶ running · <module>');
      // The module's variables are module-scoped (its exports and functions see them), as without coroscope.
      const module: Record<string, string> = yield s.scope(stop.frames[0]!.id, 'Module');
      assert.deepEqual(Object.keys(module).sort(), ['sleep', 'started', 'waited']);
      assert.match(module.waited!, /^\d+$/);
      const [exited] = yield Promise.all([s.waitFor('exited'), s.waitFor('terminated'), s.dc.continueRequest({ threadId: stop.threadId })]);
      assert.equal((exited as DebugProtocol.ExitedEvent).body.exitCode, 0);
      assert.match(s.output, /waited true/);
    } finally {
      yield s.stop();
    }
  }));
