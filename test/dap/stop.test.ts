// Stop (terminate, or disconnect with terminateDebuggee) ends the debuggee as Ctrl-C does: its
// `finally` blocks run, also when it was paused at a breakpoint; one that ignores SIGINT or spins in
// synchronous code is killed after a grace period. The client gets 'exited' and 'terminated'.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { Session, delay, drive, type Stop } from './harness';

/**
 * A program whose main sleeps in a try and leaves a marker file from its finally block; with
 * `slowCleanup`, the finally block first awaits half a second.
 */
function cleanupProgram(slowCleanup = false): { program: string; marker: string; pauseLine: number } {
  const dir = mkdtempSync(join(tmpdir(), 'coroscope-dap-'));
  const marker = join(dir, 'cleanup-ran');
  const program = join(dir, 'prog.ts');
  writeFileSync(
    program,
    [
      "import { writeFileSync } from 'node:fs';",
      "import { run, sleep } from 'coroscope';",
      'async function main() {',
      '  try {',
      "    console.log('started');",
      '    await sleep(100);',
      '  } finally {',
      ...(slowCleanup ? ['    await sleep(0.5);'] : []),
      `    writeFileSync(${JSON.stringify(marker)}, 'yes');`,
      "    console.log('cleanup ran');",
      '  }',
      '}',
      'run(main());',
      '',
    ].join('\n'),
  );
  return { program, marker, pauseLine: 6 };
}

function writeProgram(lines: string[]): string {
  const program = join(mkdtempSync(join(tmpdir(), 'coroscope-dap-')), 'prog.ts');
  writeFileSync(program, lines.join('\n') + '\n');
  return program;
}

/** Waits (bounded) until the program has printed text. */
function* printed(s: Session, text: string): Generator<unknown, void, unknown> {
  for (let i = 0; i < 200 && !s.output.includes(text); i++) yield delay(50);
  assert.ok(s.output.includes(text), `the program did not print '${text}': ${s.output}`);
}

test('terminate: the running program is interrupted, its finally runs, exited 130 and terminated arrive', () =>
  drive(function* () {
    const { program, marker } = cleanupProgram();
    const s = new Session();
    yield s.start();
    try {
      yield s.launch(program);
      yield* printed(s, 'started');
      const events = Promise.all([s.waitFor('exited'), s.waitFor('terminated')]);
      yield s.dc.terminateRequest({});
      const [exited] = (yield events) as DebugProtocol.Event[];
      assert.equal((exited!.body as { exitCode: number }).exitCode, 130);
      assert.ok(existsSync(marker), 'the finally block did not run');
      assert.equal(readFileSync(marker, 'utf8'), 'yes');
      assert.match(s.output, /cleanup ran/);
      assert.match(s.output, /KeyboardInterrupt/);
    } finally {
      yield s.stop();
    }
  }));

test('disconnect while paused at a breakpoint (exception filters on): the program still runs its finally', () =>
  drive(function* () {
    const { program, marker, pauseLine } = cleanupProgram();
    const s = new Session();
    yield s.start();
    try {
      yield s.launch(program, { [program]: [{ line: pauseLine }] }, {}, ['all', 'uncaught', 'neverRetrieved']);
      const stop: Stop = yield s.stopped();
      assert.equal(stop.frames[0]!.line, pauseLine);
      const events = Promise.all([s.waitFor('exited'), s.waitFor('terminated')]);
      yield s.dc.disconnectRequest({ terminateDebuggee: true });
      const [exited] = (yield events) as DebugProtocol.Event[];
      assert.equal((exited!.body as { exitCode: number }).exitCode, 130);
      assert.ok(existsSync(marker), 'the finally block did not run');
      assert.match(s.output, /cleanup ran/);
    } finally {
      yield s.stop();
    }
  }));

test('a program that ignores SIGINT is killed after the grace period', () =>
  drive(function* () {
    const program = writeProgram([
      "import { run, sleep } from 'coroscope';",
      "process.on('SIGINT', () => console.log('SIGINT ignored'));",
      'async function main() {',
      "  console.log('started');",
      '  await sleep(100);',
      '}',
      'run(main());',
    ]);
    const s = new Session();
    yield s.start();
    try {
      yield s.launch(program, {}, { env: { COROSCOPE_NO_SIGINT: '1' } });
      yield* printed(s, 'started');
      const events = Promise.all([s.waitFor('exited'), s.waitFor('terminated')]);
      yield s.dc.terminateRequest({});
      const [exited] = (yield events) as DebugProtocol.Event[];
      assert.match(s.output, /SIGINT ignored/, 'Stop did not ask the program to stop first');
      assert.match(s.output, /the program did not end within 2 s of SIGINT: killed it/);
      assert.equal((exited!.body as { exitCode: number }).exitCode, 137);
    } finally {
      yield s.stop();
    }
  }));

test('a program spinning in synchronous code is killed after the grace period', () =>
  drive(function* () {
    const program = writeProgram([
      "import { createTask, run, sleep } from 'coroscope';",
      'async function spin() {',
      '  await sleep(0.01);',
      "  console.log('spinning');",
      '  for (;;) {}',
      '}',
      'async function main() {',
      "  await createTask(spin(), { name: 'spinner' });",
      '}',
      'run(main());',
    ]);
    const s = new Session();
    yield s.start();
    try {
      yield s.launch(program);
      yield* printed(s, 'spinning');
      const events = Promise.all([s.waitFor('exited'), s.waitFor('terminated')]);
      yield s.dc.disconnectRequest({ terminateDebuggee: true });
      const [exited] = (yield events) as DebugProtocol.Event[];
      assert.equal((exited!.body as { exitCode: number }).exitCode, 137);
      // The debugger can still tell which task spun, and where.
      assert.match(s.output, /did not end within 2 s of SIGINT \(task spinner \(spin\) was running at spin \(.*prog\.ts:5:\d+\)\): killed it/);
    } finally {
      yield s.stop();
    }
  }));

test('Stop twice (terminate, then disconnect before it is done) still lets the cleanup finish', () =>
  drive(function* () {
    const { program, marker } = cleanupProgram(true);
    const s = new Session();
    yield s.start();
    try {
      yield s.launch(program);
      yield* printed(s, 'started');
      const events = Promise.all([s.waitFor('exited'), s.waitFor('terminated')]);
      yield Promise.all([s.dc.terminateRequest({}), delay(100).then(() => s.dc.disconnectRequest({ terminateDebuggee: true }))]);
      yield events;
      assert.ok(existsSync(marker), 'the second Stop cut the cleanup short');
    } finally {
      yield s.stop();
    }
  }));
