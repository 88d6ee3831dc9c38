// Memory per suspended task: a program with 20,000 tasks each in `await sleep(3600)`, run in its
// own process with --expose-gc; the live heap after gc() per task is printed with the test's output.
// CPython 3.11's asyncio holds ~1.4 KB per such task (tracemalloc; `npm run bench:sched` compares).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';

const cli = join(__dirname, '..', '..', 'bin', 'coroscope.js');

test('20,000 tasks suspended on sleep() hold under 1,500 bytes of heap each', () => {
  const r = spawnSync(process.execPath, ['--expose-gc', cli, 'run', join(__dirname, '..', 'bench', 'task-memory.ts'), '20000'], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  const { bytesPerTask } = JSON.parse(r.stdout.trim().split('\n').pop()!) as { bytesPerTask: number };
  console.log(`heap per suspended task: ${Math.round(bytesPerTask)} bytes`);
  // 2,130 bytes when each call of an async function made its own generator function (a hidden
  // class per coroutine), each first push grew an array to seventeen slots, and a task's step
  // handle held a closure.
  assert.ok(bytesPerTask < 1500, `${Math.round(bytesPerTask)} bytes per suspended task`);
});
