// The loader's compiler thread: a file compiled in a worker comes back as the in-thread compile
// would give it; a worker that cannot start, or fails while compiling, makes compile() answer
// null at once (the loader then compiles in-thread) instead of leaving require() blocked.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CompilerThread } from 'coroscope/loader/compiler-thread';

const source = 'async function main(): Promise<number> {\n  return 1;\n}\n';
const scratch = (name: string, code: string) => {
  const file = join(mkdtempSync(join(tmpdir(), 'coroscope-ct-')), name);
  writeFileSync(file, code);
  return file;
};

test('a file compiles in the worker: coroutine code, and syntax errors as file:line:col', () => {
  const thread = new CompilerThread();
  try {
    const ok = thread.compile(source, '/x/prog.ts', '/runtime/coroscope.js');
    assert.ok(ok && ok.errors.length === 0 && /__cs\.c\(/.test(ok.code), JSON.stringify(ok));
    const bad = thread.compile('const x = ;\n', '/x/bad.ts', '/runtime/coroscope.js');
    assert.match(bad?.errors[0] ?? '', /^\/x\/bad\.ts:1:11 - error: /);
  } finally {
    thread.close();
  }
});

test('no worker script, a script that fails to load, a worker that dies mid-compile: null at once', () => {
  const cases: [string, string][] = [
    ['missing', join(tmpdir(), 'coroscope-no-such-worker.js')],
    ['fails to load', scratch('load.js', "throw new Error('cannot load');\n")],
    [
      'dies mid-compile',
      scratch(
        'dies.js',
        `const { workerData } = require('node:worker_threads');
workerData.port.on('message', () => setImmediate(() => { throw new Error('died'); }));
Atomics.store(workerData.signal, 0, 3); Atomics.notify(workerData.signal, 0);
`,
      ),
    ],
  ];
  for (const [what, script] of cases) {
    const thread = new CompilerThread(script);
    const t0 = Date.now();
    try {
      assert.equal(thread.compile(source, '/x/prog.ts', '/runtime/coroscope.js'), null, what);
      assert.ok(Date.now() - t0 < 5000, `${what}: answered after ${Date.now() - t0} ms, not at once`);
    } finally {
      thread.close();
    }
  }
});

test('the worker is kept between small files and ended right after a large one (its heap is not held on)', () => {
  // A worker that answers with its own thread id as the "code".
  const script = scratch(
    'ids.js',
    `const { workerData, threadId } = require('node:worker_threads');
workerData.port.on('message', (req) => { workerData.port.postMessage({ id: req.id, code: String(threadId), errors: [] }); Atomics.store(workerData.signal, 0, 1); Atomics.notify(workerData.signal, 0); });
Atomics.store(workerData.signal, 0, 3); Atomics.notify(workerData.signal, 0);
`,
  );
  const thread = new CompilerThread(script);
  try {
    const worker = (src: string) => thread.compile(src, '/x/prog.ts', '/runtime/coroscope.js')?.code;
    const first = worker(source);
    assert.ok(first);
    assert.equal(worker(source), first); // kept for the next file
    assert.equal(worker(' '.repeat(1_000_000)), first); // compiled by the same worker, which then ends
    assert.notEqual(worker(source), first); // so the next file starts another
  } finally {
    thread.close();
  }
});
