// What launch says about a `program` it cannot run: a directory is reported as a directory (a
// workspace folder or `${fileDirname}` picked by mistake), not as missing; a missing file as missing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session, drive, failure } from './harness';

test('launch: a directory given as program is reported as a directory, a missing file as missing', () =>
  drive(function* () {
    const dir = mkdtempSync(join(tmpdir(), 'coroscope-program-'));
    const s = new Session();
    yield s.start();
    try {
      const asDir: string = yield failure(s.dc.launchRequest({ program: dir } as never));
      assert.equal(asDir, `launch: program '${dir}' is a directory (${dir}), not a file: give the .ts file to run`);
      assert.doesNotMatch(asDir, /does not exist/);
      const missing = join(dir, 'kv-client.ts');
      assert.equal(yield failure(s.dc.launchRequest({ program: missing } as never)), `launch: program '${missing}' does not exist (looked at ${missing})`);
      const relative: string = yield failure(s.dc.launchRequest({ program: '.', cwd: dir } as never));
      assert.equal(relative, `launch: program '.' is a directory (${dir}), not a file: give the .ts file to run`);
    } finally {
      yield s.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }));
