import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Coroutine, gather, getRunningLoop, sleep, currentTask } from 'coroscope';
import { runFake } from '../helpers';

const cli = join(__dirname, '..', '..', 'bin', 'coroscope.js');

function runProgram(source: string, args: string[] = []): { status: number | null; stdout: string; stderr: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'coroscope-loader-'));
  const file = join(dir, 'prog.ts');
  writeFileSync(file, source);
  const r = spawnSync(process.execPath, [cli, 'run', file, ...args], { encoding: 'utf8', timeout: 20000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, file };
}

test('an async function returns a coroutine object that has not started', () => {
  let started = false;
  async function f(): Promise<number> {
    started = true;
    return 1;
  }
  const c = f() as unknown as Coroutine<number>;
  assert.ok(c instanceof Coroutine);
  assert.equal(c.name, 'f');
  assert.equal(started, false);
  c.close();
});

test('await suspends the task on our loop: sleep(0) lets other tasks run in between', () =>
  runFake(async () => {
    const order: string[] = [];
    async function worker(name: string) {
      for (let i = 0; i < 2; i++) {
        order.push(`${name}${i}`);
        await sleep(0);
      }
    }
    const loop = getRunningLoop();
    const a = loop.createTask(worker('a'));
    const b = loop.createTask(worker('b'));
    await a;
    await b;
    assert.deepEqual(order, ['a0', 'b0', 'a1', 'b1']);
  }));

test('this, arguments, default parameters and recursion inside coroutine functions', () =>
  runFake(async () => {
    class Counter {
      n = 10;
      async add(k: number, extra = 1): Promise<number> {
        await sleep(0);
        return this.n + k + extra + arguments.length;
      }
    }
    async function fact(n: number): Promise<number> {
      return n <= 1 ? 1 : n * (await fact(n - 1));
    }
    assert.equal(await new Counter().add(5), 10 + 5 + 1 + 1);
    assert.equal(await fact(5), 120);
    const arrow = async (x: number) => x * 2;
    assert.equal(await arrow(21), 42);
  }));

test('the task keeps the whole await chain, innermost last, with TypeScript lines', () =>
  runFake(async () => {
    let inner!: () => Promise<void>;
    const ready = getRunningLoop().createFuture<void>();
    async function leaf() {
      await ready;
    }
    async function middle() {
      await leaf();
    }
    inner = middle;
    const task = getRunningLoop().createTask(inner());
    await sleep(0);
    const stack = task.getStack();
    assert.deepEqual(stack.map((e) => e.coroutine.name), ['middle', 'leaf']);
    assert.equal(stack[1]!.site?.line, 73);
    assert.equal(stack[0]!.site?.line, 76);
    assert.match(stack[0]!.site!.file, /loader\.test\.ts$/);
    ready.setResult();
    await task;
    assert.equal(currentTask()?.getName().startsWith('Task-'), true);
  }));

test('async generators and for await, with break closing the generator', () =>
  runFake(async () => {
    const log: string[] = [];
    async function* numbers() {
      try {
        for (let i = 0; ; i++) {
          await sleep(1);
          yield i;
        }
      } finally {
        log.push('closed');
      }
    }
    outer: for await (const n of numbers()) {
      log.push(String(n));
      if (n === 2) break outer;
    }
    for await (const x of [1, sleep(1, 2)]) log.push(`sync ${x}`);
    assert.deepEqual(log, ['0', '1', '2', 'closed', 'sync 1', 'sync 2']);
    assert.equal(getRunningLoop().time(), 4);
  }));

test('awaiting a non-awaitable says what it was and where', () =>
  runFake(async () => {
    async function bad() {
      await (42 as unknown as Promise<number>);
    }
    await assert.rejects(bad(), (err: Error) => {
      assert.equal(err.name, 'TypeError');
      assert.match(err.message, /object number 42 can't be used in 'await' expression \(at .*loader\.test\.ts:\d+:\d+, in bad\)/);
      return true;
    });
  }));

test('awaiting an already-awaited coroutine is a clear error', () =>
  runFake(async () => {
    async function once() {
      return 1;
    }
    const c = once();
    assert.equal(await c, 1);
    await assert.rejects(
      (async () => await c)(),
      (e: unknown) => (e as Error).message === 'cannot reuse already awaited coroutine' && /'once'/.test((e as { hint?: string }).hint ?? ''),
    );
  }));

test('a native promise can be awaited inside a coroutine, and a coroutine from native code', async () => {
  async function viaPromise(): Promise<string> {
    const v = await Promise.resolve('native');
    await sleep(0);
    return v + '!';
  }
  assert.equal(await viaPromise(), 'native!');
});

test('CLI: exit code, traceback through the await chain in TS lines, never-awaited warning', () => {
  const r = runProgram(`import { run, sleep } from 'coroscope';
async function leaf(): Promise<void> {
  await sleep(0.001);
  throw new Error('boom');
}
async function main() {
  leaf();
  await leaf();
}
run(main());
`);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /prog\.ts:7:3: RuntimeWarning: coroutine 'leaf' was never awaited/);
  assert.match(r.stderr, /File ".*prog\.ts", line 8, in main\n    await leaf\(\);/);
  assert.match(r.stderr, /Error: boom\n    at leaf \(.*prog\.ts:4:9\)/);
  assert.doesNotMatch(r.stderr, /dist[\\/]runtime|node:internal/);
});

test('CLI: the program gets its arguments and its exit code is the program\'s', () => {
  const r = runProgram(`import { run, sleep } from 'coroscope';
async function main() { await sleep(0); console.log(process.argv.slice(2).join(',')); process.exitCode = 3; }
run(main());
`, ['x', 'y']);
  assert.equal(r.stdout, 'x,y\n');
  assert.equal(r.status, 3);
});

test('CLI: a syntax error gives file:line:col and the message, no internals', () => {
  const r = runProgram(`import { run } from 'coroscope';\nasync function main() {\n  const x = ;\n}\nrun(main());\n`);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /prog\.ts:3:13 - error: Expression expected\./);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});

test('CLI: top-level await runs the entry as the main task; where it cannot run it is a clear error, as is bad usage', () => {
  const r = runProgram(`import { currentTask, sleep } from 'coroscope';\nawait sleep(0.01);\nconsole.log(currentTask()!.getName());\n`);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'main\n');
  // A CommonJS module other than the entry cannot make its importer wait.
  const dir = mkdtempSync(join(tmpdir(), 'coroscope-loader-'));
  writeFileSync(join(dir, 'dep.ts'), `import { sleep } from 'coroscope';\nexport let ready = false;\nawait sleep(0);\nready = true;\n`);
  writeFileSync(join(dir, 'prog.ts'), `import { ready } from './dep.js';\nconsole.log(ready);\n`);
  const cjs = spawnSync(process.execPath, [cli, 'run', join(dir, 'prog.ts')], { encoding: 'utf8', timeout: 20000 });
  assert.equal(cjs.status, 1);
  assert.match(cjs.stderr, new RegExp(`^RuntimeError: top-level await in ${join(dir, 'dep.ts').replace(/[.\\/]/g, '\\$&')}:3:1: this CommonJS module is not the program's entry, and whoever requires it would get it unfinished\n`));
  assert.match(cjs.stderr, /\nhint: make it an ES module \(\.mts, or "type": "module" in its package\.json\), or move the awaits into an async function\n/);
  const missing = spawnSync(process.execPath, [cli, 'run', '/nonexistent/prog.ts'], { encoding: 'utf8' });
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /cannot find program '\/nonexistent\/prog\.ts'/);
});

test('run() inside a running loop is a RuntimeError', () =>
  runFake(async () => {
    const { run } = await import('coroscope');
    async function inner() {}
    await assert.rejects(run(inner()), { message: 'run() cannot be called from a running event loop' });
  }));

test("CLI: 'await using' in a block disposes at its end; outside a block statement it is a clear compile error", () => {
  const ok = runProgram(`import { run, Lock } from 'coroscope';\nasync function main() {\n  const lock = new Lock();\n  {\n    await using held = await lock.enter();\n    console.log('inside', held.locked());\n  }\n  console.log('after', lock.locked());\n}\nrun(main());\n`);
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(ok.stdout, 'inside true\nafter false\n');
  const r = runProgram(`import { run } from 'coroscope';\nasync function main(items: AsyncDisposable[]) {\n  for (await using item of items) console.log(item);\n}\nrun(main([]));\n`);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /prog\.ts:3:8 - error: 'await using' is supported as a statement of a block/);
});

test('super inside async methods, static methods and the async arrows within them calls the base class', () =>
  runFake(async () => {
    class Base {
      greeting = 'hello';
      async greet(who: string): Promise<string> {
        await sleep(1);
        return `${this.greeting} ${who}`;
      }
      static async make(): Promise<string> {
        return 'Base.make';
      }
    }
    class Derived extends Base {
      override async greet(who: string): Promise<string> {
        const own = await super.greet(who);
        const many = await gather(...['a', 'b'].map(async (x) => await super.greet(x)));
        const key = 'greet';
        return `${own}; ${many.join(', ')}; ${await super[key]('by key')}`;
      }
      static override async make(): Promise<string> {
        return `${await super.make()} via Derived`;
      }
    }
    const d = new Derived();
    d.greeting = 'hi';
    assert.equal(await d.greet('you'), 'hi you; hi a, hi b; hi by key');
    assert.equal(await Derived.make(), 'Base.make via Derived');
  }));

test('CLI: assigning to a super property inside an async method is a clear compile error', () => {
  const r = runProgram(`class A { x = 1 }\nclass B extends A {\n  async set() {\n    super.x = 2;\n  }\n}\n`);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /prog\.ts:4:5 - error: assigning to a super property inside async function 'set' is not supported/);
});

test('super in an async method: optional calls, tagged templates, and a class declared inside keeps its own super', () =>
  runFake(async () => {
    class Base {
      label = 'base';
      nope?(): string;
      tag(strings: TemplateStringsArray, ...values: unknown[]): string {
        return `${this.label}:${strings.join('|')}:${values.join(',')}`;
      }
      g(): string {
        return 'Base.g';
      }
    }
    class Other {
      g(): string {
        return 'Other.g';
      }
      static z = 'Other.z';
    }
    class Derived extends Base {
      async run(): Promise<string[]> {
        await sleep(0);
        const missing = super.nope?.();
        const tagged = super.tag`a${1}b`;
        // A class declared inside: its field initialiser and static block see *its* base.
        class Inner extends Other {
          v = super.g();
          static w: string;
          static {
            Inner.w = super.z;
          }
        }
        return [String(missing), tagged, new Inner().v, Inner.w, super.g()];
      }
    }
    const d = new Derived();
    d.label = 'derived';
    assert.deepEqual(await d.run(), ['undefined', 'derived:a|b:1', 'Other.g', 'Other.z', 'Base.g']);
  }));

test('CLI: super.x++ and destructuring into a super property inside an async method are clear compile errors', () => {
  const inc = runProgram(`class A { x = 1 }\nclass B extends A {\n  async bump() {\n    super.x++;\n  }\n}\n`);
  assert.equal(inc.status, 1);
  assert.match(inc.stderr, /prog\.ts:4:5 - error: assigning to a super property inside async function 'bump' is not supported/);
  const pattern = runProgram(`class A { x = 1 }\nclass B extends A {\n  async set() {\n    [super.x] = [2];\n  }\n}\n`);
  assert.equal(pattern.status, 1);
  assert.match(pattern.stderr, /prog\.ts:4:6 - error: assigning to a super property/);
});

test('a cold compile happens off the program thread: TypeScript never enters the program; in-thread on request', () => {
  const source = `import { run, sleep } from 'coroscope';\nasync function main() {\n  await sleep(0);\n  const loaded = Object.keys(require.cache).some((k) => /[\\\\/]typescript[\\\\/]/.test(k));\n  console.log(loaded ? 'typescript loaded' : 'typescript not loaded', Math.round(process.memoryUsage().heapUsed / 1e6));\n}\nrun(main());\n`;
  const dir = mkdtempSync(join(tmpdir(), 'coroscope-cold-'));
  const file = join(dir, 'prog.ts');
  writeFileSync(file, source);
  for (const [inThread, expected] of [['0', 'typescript not loaded'], ['1', 'typescript loaded']] as const) {
    const cache = mkdtempSync(join(tmpdir(), 'coroscope-cache-test-')); // empty: every file is a cache miss
    const r = spawnSync(process.execPath, [cli, 'run', file], { encoding: 'utf8', timeout: 30000, env: { ...process.env, COROSCOPE_CACHE_DIR: cache, COROSCOPE_COMPILE_IN_THREAD: inThread } });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^${expected} \\d+\\n$`));
  }
});

test('CLI: a source file that is not UTF-8 is a compile error naming the first bad byte', () => {
  // "é" in Latin-1 (0xE9) on line 2, at byte 31.
  const latin1 = Buffer.concat([Buffer.from(`const a = 'x';\nconst b = 'caf`), Buffer.from([0xe9]), Buffer.from(`';\nconsole.log(b);\n`)]);
  const dir = mkdtempSync(join(tmpdir(), 'coroscope-loader-'));
  const file = join(dir, 'prog.ts');
  writeFileSync(file, latin1);
  const r = spawnSync(process.execPath, [cli, 'run', file], { encoding: 'utf8', timeout: 20000 });
  assert.equal(r.status, 1);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr, `${file}: not valid UTF-8 at byte 29 (line 2): save the file as UTF-8\n`);
});

test('CLI: a UTF-8 byte order mark is dropped and line numbers stay right', () => {
  const dir = mkdtempSync(join(tmpdir(), 'coroscope-loader-'));
  const file = join(dir, 'prog.ts');
  const source = `import { run } from 'coroscope';\nasync function main() {\n  console.log(JSON.stringify('café'));\n  throw new Error('boom');\n}\nrun(main());\n`;
  writeFileSync(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(source)]));
  const r = spawnSync(process.execPath, [cli, 'run', file], { encoding: 'utf8', timeout: 20000 });
  assert.equal(r.status, 1);
  assert.equal(r.stdout, '"café"\n');
  assert.match(r.stderr, /at main \(.*prog\.ts:4:9\)/);
  assert.match(r.stderr, /Error: boom/);
});

test('CLI: an async function declared in one case of a switch can be called from another case', () => {
  // Case clauses share one scope: a generator cache declared in the first case would not exist
  // (temporal dead zone) when the second case calls the function.
  const r = runProgram(
    "import { run } from 'coroscope';\n" +
      'async function pick(which: number): Promise<string> {\n' +
      '  switch (which) {\n' +
      '    case 1:\n' +
      "      async function inner(): Promise<string> { return 'inner ran'; }\n" +
      "      return 'case 1';\n" +
      '    case 2:\n' +
      '      return await inner();\n' +
      '  }\n' +
      "  return 'none';\n" +
      '}\n' +
      'async function main(): Promise<void> {\n' +
      '  console.log(await pick(2));\n' +
      '}\n' +
      'run(main());\n',
  );
  assert.equal(r.stderr, '');
  assert.equal(r.stdout, 'inner ran\n');
  assert.equal(r.status, 0);
});

test('calls of one async function share one generator function (one hidden class), made once per evaluation of its scope', () =>
  runFake(async () => {
    async function twice(a: number, { b }: { b: number }, ...rest: number[]): Promise<number> {
      await sleep(0);
      return a + b + rest.length;
    }
    const c1 = twice(1, { b: 2 }) as unknown as Coroutine<number>;
    const c2 = twice(3, { b: 4 }, 5, 6) as unknown as Coroutine<number>;
    // A generator function made per call gives each coroutine's generator a prototype (and map) of its own.
    assert.equal(Object.getPrototypeOf(c1.gen), Object.getPrototypeOf(c2.gen));
    assert.equal(await c1, 3);
    assert.equal(await c2, 9);
    // Closures defined per iteration or per call of an enclosing function keep their own variables.
    const perIteration: (() => Promise<number>)[] = [];
    for (const k of [1, 2, 3]) {
      async function read(): Promise<number> {
        await sleep(0);
        return k;
      }
      perIteration.push(read);
    }
    assert.deepEqual(await gather(...perIteration.map((fn) => fn())), [1, 2, 3]);
    const curried = [10, 20].map((k) => async (x: number) => k + x);
    assert.deepEqual(await gather(curried[0]!(1), curried[1]!(2)), [11, 22]);
    const make = (k: number) => {
      class C {
        async get(): Promise<number> {
          return k;
        }
      }
      return new C();
    };
    assert.deepEqual(await gather(make(7).get(), make(8).get()), [7, 8]);
    // A default parameter runs once per call, as in a native async function.
    let evaluated = 0;
    async function withDefault(x = ++evaluated): Promise<number> {
      return x;
    }
    assert.equal(await withDefault(), 1);
    assert.equal(evaluated, 1);
    // `arguments` is the call's own.
    async function args(..._xs: number[]): Promise<number> {
      // eslint-disable-next-line prefer-rest-params
      return arguments.length;
    }
    assert.equal(await args(1, 2, 3), 3);
  }));
