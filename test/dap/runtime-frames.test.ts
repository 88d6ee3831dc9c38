// showRuntimeFrames: the runtime's frames under the program's, greyed out, each at its line in
// runtime/*.ts (through the bundle's source map), never at a line of the bundle itself; without the
// option, only the program's frames.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, Session, drive } from './harness';

const program = join(__dirname, 'fixtures', 'runtime-frames.ts');
const line = readFileSync(program, 'utf8').split('\n').findIndex((l) => l.includes('// BREAKPOINT')) + 1;

function framesAtBreakpoint(extra: Record<string, unknown>): Promise<{ name: string; path: string; line: number; hint: string | undefined }[]> {
  return drive(function* () {
    const s = new Session();
    yield s.start();
    try {
      yield s.launch(program, { [program]: [{ line }] }, extra);
      const stop = yield s.stopped();
      return stop.frames.map((f: { name: string; source?: { path?: string; presentationHint?: string }; line: number; presentationHint?: string }) => ({
        name: f.name,
        path: f.source?.path ?? '',
        line: f.line,
        hint: f.presentationHint ?? f.source?.presentationHint,
      }));
    } finally {
      yield s.stop();
    }
  });
}

test("showRuntimeFrames: the runtime's frames map to runtime/*.ts lines, greyed out, below the program's", async () => {
  const frames = await framesAtBreakpoint({ showRuntimeFrames: true });
  assert.equal(frames[0]!.name, 'worker');
  assert.equal(frames[0]!.path, program);
  assert.equal(frames[0]!.line, line);
  const runtime = frames.filter((f) => f.path !== program);
  assert.ok(runtime.length >= 2, `runtime frames are shown: ${JSON.stringify(frames, null, 1)}`);
  for (const f of runtime) {
    assert.doesNotMatch(f.path, /coroscope\.js$|[\\/]dist[\\/]/, `a runtime frame at the bundle: ${JSON.stringify(f)}`);
    assert.match(f.path, /[\\/]runtime[\\/][\w/-]+\.ts$/, JSON.stringify(f));
    assert.ok(existsSync(f.path), `${f.path} exists`);
    assert.ok(f.line > 0 && f.line <= readFileSync(f.path, 'utf8').split('\n').length, `line ${f.line} is inside ${f.path}`);
    assert.ok(f.hint === 'subtle' || f.hint === 'deemphasize', `greyed out: ${JSON.stringify(f)}`);
  }
  assert.ok(runtime.some((f) => f.path === join(ROOT, 'runtime', 'task.ts')), `the task's step is among them: ${runtime.map((f) => `${f.name} ${f.path}:${f.line}`).join('\n')}`);
});

test('without showRuntimeFrames, only the program frames', async () => {
  const frames = await framesAtBreakpoint({});
  assert.ok(frames.every((f) => f.path === program), JSON.stringify(frames, null, 1));
});
