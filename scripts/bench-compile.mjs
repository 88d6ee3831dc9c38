// How long the loader takes to compile a large program cold, and how much memory, against
// TypeScript's transpileModule alone with the same options (the floor: the loader adds its
// coroutine transform to that). Each measurement runs in a fresh process so its peak RSS is its own.
//
//   npm run bench:compile                       (a generated program of about 5 MB)
//   node scripts/bench-compile.mjs [MB] [--keep] [--also DIR]
// --keep leaves the generated file and prints its path; --also DIR measures another build's loader
// too (DIR holds dist/, e.g. a copy made before a change), in the same run against the same baseline.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..');
const args = process.argv.slice(2);
const megabytes = Number(args.find((a) => /^\d+(\.\d+)?$/.test(a)) ?? 5);
const keep = args.includes('--keep');
const loaderRoots = [root, ...args.filter((_, i) => args[i - 1] === '--also')];

/** Realistic async code: services with async methods, loops with awaits, try/finally, arrows, for await. */
function generate(bytes) {
  const parts = [`import { run, sleep, gather, Queue } from 'coroscope';\n\ninterface Item { id: number; name: string; tags: string[] }\n\n`];
  let size = parts[0].length;
  for (let i = 0; size < bytes; i++) {
    const chunk = `export class Service${i} {
  #cache = new Map<number, Item>();
  constructor(private readonly prefix: string = 'svc${i}') {}

  async load(id: number): Promise<Item> {
    const hit = this.#cache.get(id);
    if (hit) return hit;
    await sleep(0);
    const item: Item = { id, name: \`\${this.prefix}-\${id}\`, tags: ['a', 'b'].map((t) => t + id) };
    this.#cache.set(id, item);
    return item;
  }

  async loadMany(ids: number[]): Promise<Item[]> {
    const out: Item[] = [];
    for (const id of ids) {
      try {
        out.push(await this.load(id));
      } finally {
        this.#cache.delete(-1);
      }
    }
    return out;
  }

  async *stream(n: number): AsyncGenerator<number> {
    for (let k = 0; k < n; k++) {
      await sleep(0);
      yield k * ${i};
    }
  }
}

async function worker${i}(q: Queue<number>, svc: Service${i}): Promise<number> {
  let total = 0;
  while (!q.empty()) {
    const id = await q.get();
    const [item] = await svc.loadMany([id]);
    total += item ? item.name.length : 0;
    for await (const v of svc.stream(2)) total += v;
    if (total > ${1000 + i}) break;
  }
  const results = await gather(svc.load(1), svc.load(2));
  return total + results.length;
}

export const handler${i} = async (input: { ids: number[] }) => {
  const svc = new Service${i}();
  const q = new Queue<number>();
  for (const id of input.ids) q.putNowait(id);
  const counts = await Promise.all([worker${i}(q, svc)]);
  return counts.reduce((a, b) => a + b, 0);
};

`;
    parts.push(chunk);
    size += chunk.length;
  }
  parts.push(`async function main(): Promise<void> {\n  console.log(await handler0({ ids: [1, 2, 3] }));\n}\nrun(main());\n`);
  return parts.join('');
}

// Each child prints one JSON line: { ms, cpuMs, maxRssMb, outMb } (cpu: all of the process's threads,
// which on a busy machine says more than the wall time).
// Both time from before TypeScript is loaded, as the loader's first compile in a process does.
const TRANSPILE_ONLY = `
const t0 = process.hrtime.bigint();
const ts = require(${JSON.stringify(join(root, 'node_modules', 'typescript'))});
const source = require('node:fs').readFileSync(process.argv[1], 'utf8');
const out = ts.transpileModule(source, { fileName: process.argv[1], reportDiagnostics: true, compilerOptions: {
  target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, esModuleInterop: true, inlineSourceMap: true,
  inlineSources: true, jsx: ts.JsxEmit.React, useDefineForClassFields: true, experimentalDecorators: false } });
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
const ru = process.resourceUsage();
console.log(JSON.stringify({ ms, cpuMs: (ru.userCPUTime + ru.systemCPUTime) / 1000, maxRssMb: ru.maxRSS / 1024, outMb: out.outputText.length / 1e6 }));
`;
const loader = (loaderRoot) => `
const t0 = process.hrtime.bigint();
const { compileFile } = require(${JSON.stringify(join(loaderRoot, 'dist', 'runtime', 'loader', 'register.js'))});
const code = compileFile(process.argv[1]);
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
const ru = process.resourceUsage();
console.log(JSON.stringify({ ms, cpuMs: (ru.userCPUTime + ru.systemCPUTime) / 1000, maxRssMb: ru.maxRSS / 1024, outMb: code.length / 1e6 }));
`;

function measure(label, script, file, env = {}) {
  const r = spawnSync(process.execPath, ['-e', script, file], { encoding: 'utf8', env: { ...process.env, COROSCOPE_NO_CACHE: '1', ...env }, maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`${label} failed:\n${r.stderr}`);
  const m = JSON.parse(r.stdout.trim().split('\n').pop());
  console.log(`${label.padEnd(60)} ${(m.ms / 1000).toFixed(2).padStart(6)} s  (process cpu ${(m.cpuMs / 1000).toFixed(2).padStart(6)} s)  peak RSS ${m.maxRssMb.toFixed(0).padStart(5)} MB  output ${m.outMb.toFixed(1)} MB`);
  return m;
}

const dir = mkdtempSync(join(tmpdir(), 'coroscope-bench-compile-'));
const file = join(dir, 'big.ts');
const source = generate(megabytes * 1e6);
writeFileSync(file, source);
console.log(`source: ${(source.length / 1e6).toFixed(1)} MB, ${source.split('\n').length} lines`);
try {
  const base = measure('ts.transpileModule alone', TRANSPILE_ONLY, file);
  for (const loaderRoot of loaderRoots) {
    const from = loaderRoot === root ? '' : ` (${loaderRoot})`;
    const inThread = measure(`loader, on the program thread${from}`, loader(loaderRoot), file, { COROSCOPE_COMPILE_IN_THREAD: '1' });
    const worker = measure(`loader, in its worker (the default)${from}`, loader(loaderRoot), file);
    const r = (x, y) => `${(x / y).toFixed(2)}x`;
    console.log(`  vs transpileModule: wall ${r(inThread.ms, base.ms)} in-thread, ${r(worker.ms, base.ms)} worker; ` +
      `process cpu ${r(inThread.cpuMs, base.cpuMs)}, ${r(worker.cpuMs, base.cpuMs)}; peak RSS ${r(inThread.maxRssMb, base.maxRssMb)}, ${r(worker.maxRssMb, base.maxRssMb)}`);
  }
} finally {
  if (keep) console.log(`kept ${file}`);
  else rmSync(dir, { recursive: true, force: true });
}
