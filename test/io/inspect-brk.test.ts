// `coroscope run --inspect-brk`: the program waits for a debugger before running any of its own
// code. A real inspector client (a WebSocket) checks that nothing ran while it waited, then lets it go.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';

const cli = join(__dirname, '..', '..', 'bin', 'coroscope.js');

test('--inspect-brk waits for a debugger: no user code runs before Runtime.runIfWaitingForDebugger', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'coroscope-brk-'));
  const file = join(dir, 'prog.ts');
  writeFileSync(
    file,
    `import { run, sleep } from 'coroscope';
(globalThis as { userCodeRan?: boolean }).userCodeRan = true;
console.log('top level ran');
async function main(): Promise<void> {
  await sleep(0);
  console.log('main ran');
}
run(main());
`,
  );
  // Compiled once beforehand (into the cache), so a program that did not wait would be done
  // within the second the test gives it below, rather than still compiling.
  const warm = spawnSync(process.execPath, [cli, 'run', file], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(warm.stdout, 'top level ran\nmain ran\n', warm.stderr);
  const child = spawn(process.execPath, [cli, 'run', '--inspect-brk=127.0.0.1:0', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no inspector URL on stderr: ${stderr}`)), 20_000);
      child.stderr!.on('data', (d) => {
        stderr += d;
        const m = /Debugger listening on (ws:\/\/127\.0\.0\.1:\d+\/\S+)/.exec(stderr);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
    });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.equal(stdout, '', 'the program printed before a debugger connected');
    assert.equal(child.exitCode, null, 'the program ended before a debugger connected');
    const ws = new WebSocket(url);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    let nextId = 1;
    const send = (method: string, params: object = {}): Promise<{ result?: { result?: { value?: unknown } } }> =>
      new Promise((resolve) => {
        const id = nextId++;
        const onMessage = (data: WebSocket.RawData) => {
          const msg = JSON.parse(String(data)) as { id?: number };
          if (msg.id === id) {
            ws.off('message', onMessage);
            resolve(msg as { result?: { result?: { value?: unknown } } });
          }
        };
        ws.on('message', onMessage);
        ws.send(JSON.stringify({ id, method, params }));
      });
    // The inspector answers while the program waits: the program's first line has not run.
    const before = await send('Runtime.evaluate', { expression: 'String(globalThis.userCodeRan)', returnByValue: true });
    assert.equal(before.result?.result?.value, 'undefined', 'the program ran before a debugger let it');
    assert.equal(stdout, '', 'the program printed before a debugger let it');
    assert.equal(child.exitCode, null);

    await send('Runtime.runIfWaitingForDebugger');
    ws.close();
    assert.equal(await exited, 0, stderr);
    assert.equal(stdout, 'top level ran\nmain ran\n');
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});
