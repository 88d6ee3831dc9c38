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
    assert.ok(ok && ok.errors.length === 0 && /__cs\.coro\(/.test(ok.code), JSON.stringify(ok));
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
