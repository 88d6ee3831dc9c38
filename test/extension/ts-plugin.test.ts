// The TypeScript server plugin, loaded the way VS Code loads it: into a plain language service and
// into a real tsserver (--globalPlugins), on temp projects with and without @types/node of their own.
// The packaged plugin differs only in where its files are (index.ts): here 'coroscope' is this
// checkout's runtime and Node's declarations are this checkout's node_modules/@types/node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { pluginFactory, type PluginLocations } from '../../extension/ts-plugin/plugin';

const root = join(__dirname, '..', '..');
const locations: PluginLocations = { coroscopeEntry: join(root, 'runtime', 'index.ts'), nodeTypesDir: root };
const PROGRAM = `import * as fs from 'node:fs';
import { readFile } from 'fs/promises';
import { run, sleep } from 'coroscope';
async function main(): Promise<number> {
  await sleep(0.1);
  const text: string = await readFile('/etc/hostname', 'utf8');
  return fs.statSync('/').size + text.length + Buffer.byteLength(text) + process.pid;
}
run(main());
`;

/** A temp folder holding prog.ts, and optionally its own @types/node (declaring `mine` in node:fs). */
function tempProject(ownNodeTypes: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), 'coroscope-plugin-'));
  writeFileSync(join(dir, 'prog.ts'), PROGRAM);
  if (ownNodeTypes) {
    const types = join(dir, 'node_modules', '@types', 'node');
    mkdirSync(types, { recursive: true });
    writeFileSync(join(types, 'package.json'), JSON.stringify({ name: '@types/node', version: '99.0.0', types: 'index.d.ts' }));
    // A deliberately tiny @types/node: if ours were added too, `mine` would still be found but the
    // program would hold two @types/node; both are asserted below.
    writeFileSync(join(types, 'index.d.ts'), `declare module 'node:fs' { export const mine: number; export function statSync(p: string): { size: number }; }
declare module 'fs/promises' { export function readFile(p: string, e: 'utf8'): Promise<string>; }
declare var process: { pid: number };
declare var Buffer: { byteLength(s: string): number };
`);
  }
  return dir;
}

/** A language service over `dir` with the plugin applied, as tsserver applies it. */
function serviceWithPlugin(dir: string): ts.LanguageService {
  const files = [join(dir, 'prog.ts')];
  const host: ts.LanguageServiceHost = {
    getCompilationSettings: () => ({ target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, strict: true, noEmit: true, lib: ['lib.es2022.d.ts'] }),
    getScriptFileNames: () => files,
    getScriptVersion: () => '1',
    getScriptSnapshot: (f) => {
      const text = ts.sys.readFile(f);
      return text === undefined ? undefined : ts.ScriptSnapshot.fromString(text);
    },
    getCurrentDirectory: () => dir,
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    fileExists: ts.sys.fileExists,
    readFile: ts.sys.readFile,
    readDirectory: ts.sys.readDirectory,
    directoryExists: ts.sys.directoryExists,
    getDirectories: ts.sys.getDirectories,
    resolveModuleNameLiterals: (literals, containingFile, redirected, options) =>
      literals.map((lit) => ts.resolveModuleName(lit.text, containingFile, options, host, undefined, redirected)),
  };
  const service = ts.createLanguageService(host);
  const info = { languageServiceHost: host, languageService: service, project: { projectService: { logger: { info: () => {} } } }, config: {} };
  return pluginFactory(locations)({ typescript: ts }).create(info as unknown as ts.server.PluginCreateInfo);
}

function errors(service: ts.LanguageService, file: string): string[] {
  return service.getSemanticDiagnostics(file).map((d) => `TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

test("without @types/node of its own, a program's node:fs, fs/promises, Buffer and process type-check", () => {
  const dir = tempProject(false);
  try {
    const service = serviceWithPlugin(dir);
    assert.deepEqual(errors(service, join(dir, 'prog.ts')), []);
    const nodeFiles = service.getProgram()!.getSourceFiles().map((f) => f.fileName).filter((f) => f.includes('/@types/node/'));
    assert.ok(nodeFiles.length > 0 && nodeFiles.every((f) => f.startsWith(join(root, 'node_modules', '@types', 'node'))), 'the shipped @types/node');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a project with its own @types/node uses its own, never both', () => {
  const dir = tempProject(true);
  try {
    const file = join(dir, 'prog.ts');
    writeFileSync(file, readFileSync(file, 'utf8').replace('fs.statSync', 'fs.mine + fs.statSync'));
    const service = serviceWithPlugin(dir);
    assert.deepEqual(errors(service, file), []);
    const nodeFiles = service.getProgram()!.getSourceFiles().map((f) => f.fileName).filter((f) => f.includes('/@types/node/'));
    assert.deepEqual(nodeFiles, [join(dir, 'node_modules', '@types', 'node', 'index.d.ts')]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * Runs a real tsserver with the plugin as a global plugin (VS Code's way), opens prog.ts of `dir`
 * and returns its semantic diagnostics' texts. (tsserver quits at the end of its input, so the
 * input stays open until the answer is in.)
 */
async function tsserverDiagnostics(dir: string): Promise<string[]> {
  const probe = join(dir, '.probe');
  const pluginDir = join(probe, 'node_modules', 'coroscope-typescript-plugin');
  mkdirSync(pluginDir, { recursive: true });
  writeFileSync(join(pluginDir, 'package.json'), JSON.stringify({ name: 'coroscope-typescript-plugin', main: 'index.js' }));
  writeFileSync(join(pluginDir, 'index.js'),
    `module.exports = require(${JSON.stringify(join(root, 'dist', 'extension', 'ts-plugin', 'plugin.js'))}).pluginFactory(${JSON.stringify(locations)});\n`);
  const file = join(dir, 'prog.ts');
  const server = spawn(process.execPath, [
    join(root, 'node_modules', 'typescript', 'lib', 'tsserver.js'),
    '--globalPlugins', 'coroscope-typescript-plugin', '--pluginProbeLocations', probe, '--disableAutomaticTypingAcquisition',
  ], { stdio: ['pipe', 'pipe', 'inherit'] });
  const send = (seq: number, command: string, args?: object) => server.stdin.write(JSON.stringify({ seq, type: 'request', command, arguments: args }) + '\n');
  const reply = await new Promise<{ success: boolean; body: { text: string; code: number }[] }>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`tsserver did not answer in 60 s: ${out.slice(0, 2000)}`)), 60_000);
    server.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      for (const line of out.split('\n')) {
        if (!line.startsWith('{')) continue;
        const message = JSON.parse(line) as { request_seq?: number; success: boolean; body: { text: string; code: number }[] };
        if (message.request_seq === 2) {
          clearTimeout(timer);
          resolve(message);
        }
      }
    });
    server.on('exit', (code) => reject(new Error(`tsserver exited (${code}) before answering: ${out.slice(0, 2000)}`)));
    send(1, 'open', { file, projectRootPath: dir });
    send(2, 'semanticDiagnosticsSync', { file });
  });
  send(3, 'exit');
  assert.ok(reply.success);
  return reply.body.map((d) => `TS${d.code} ${d.text}`);
}

test('in a real tsserver (global plugin, as VS Code loads it) node:fs and coroscope resolve with nothing installed', async () => {
  const dir = tempProject(false);
  try {
    assert.deepEqual(await tsserverDiagnostics(dir), []);
    // The same program without the plugin: the error a user saw (TS2591 "Cannot find name 'node:fs'... @types/node").
    const plain = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '--strict', '--target', 'ES2022', '--module', 'commonjs', join(dir, 'prog.ts')], { encoding: 'utf8', cwd: dir });
    assert.match(plain.stdout, /error TS2591: Cannot find name 'node:fs'|error TS2307: Cannot find module 'node:fs'/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("contributes.typescriptServerPlugins names no language VS Code's TypeScript extension already serves", () => {
  // A plugin's `languages` makes VS Code's TypeScript extension register one more provider for
  // them; for typescript/javascript that doubles every hover, quick fix and completion.
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { contributes: { typescriptServerPlugins: { name: string; languages?: string[] }[] } };
  const plugins = pkg.contributes.typescriptServerPlugins;
  assert.deepEqual(plugins.map((p) => p.name), ['coroscope-typescript-plugin']);
  const served = new Set(['typescript', 'typescriptreact', 'javascript', 'javascriptreact']);
  assert.deepEqual(plugins.flatMap((p) => p.languages ?? []).filter((l) => served.has(l)), []);
});
