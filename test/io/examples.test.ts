// The I/O examples, run through the CLI as a user runs them; the assertions are on what they print.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gather, openConnection, type StreamReader, type StreamWriter } from 'coroscope';

const root = join(__dirname, '..', '..');
const cli = join(root, 'bin', 'coroscope.js');

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A program started through the CLI; `ready` resolves with its stdout once `pattern` appears in it. */
function start(args: string[], pattern?: RegExp): { child: ChildProcess; ready: Promise<RegExpExecArray | null>; finished: Promise<Finished> } {
  const child = spawn(process.execPath, [cli, 'run', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let onReady: (m: RegExpExecArray | null) => void = () => {};
  const ready = new Promise<RegExpExecArray | null>((resolve) => (onReady = resolve));
  if (!pattern) onReady(null);
  child.stdout!.on('data', (d) => {
    stdout += d;
    const m = pattern?.exec(stdout);
    if (m) onReady(m);
  });
  child.stderr!.on('data', (d) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000); // never hang the suite
  const finished = new Promise<Finished>((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      onReady(null);
      resolve({ code, stdout, stderr });
    }),
  );
  return { child, ready, finished };
}

function runProgram(...args: string[]): Promise<Finished> {
  return start(args).finished;
}

const lines = (s: string) => s.split('\n').filter((l) => l !== '');

describe('I/O examples through the CLI', () => {
  it('echo-server.ts and echo-client.ts: lines come back; Ctrl-C closes the server', async () => {
    const server = start(['examples/echo-server.ts', '0'], /Serving on 127\.0\.0\.1:(\d+)/);
    const m = await server.ready;
    assert.ok(m, 'the server did not start');
    const client = await runProgram('examples/echo-client.ts', m[1]!, 'Hello World!', 'second line');
    assert.equal(client.code, 0, client.stderr);
    assert.deepEqual(lines(client.stdout), [
      'Send: "Hello World!"',
      'Received: "Hello World!"',
      'Send: "second line"',
      'Received: "second line"',
      'Close the connection',
    ]);
    server.child.kill('SIGINT');
    const done = await server.finished;
    assert.equal(done.code, 130);
    const out = lines(done.stdout);
    assert.match(out[1]!, /^Received "Hello World!" from 127\.0\.0\.1:\d+$/);
    assert.match(out[2]!, /^Received "second line" from 127\.0\.0\.1:\d+$/);
    assert.match(out[3]!, /^Close the connection from 127\.0\.0\.1:\d+$/);
    assert.equal(out[4], 'Server closed');
    assert.match(done.stderr, /KeyboardInterrupt/);
  });

  it('chat-server.ts broadcasts each line to every other client (20 clients)', async () => {
    const server = start(['examples/chat-server.ts', '0'], /Chat server on 127\.0\.0\.1:(\d+)/);
    const m = await server.ready;
    assert.ok(m, 'the chat server did not start');
    const port = Number(m[1]);
    const N = 20;
    const clients: [StreamReader, StreamWriter][] = [];
    for (let i = 0; i < N; i++) {
      const [r, w] = await openConnection('127.0.0.1', port);
      w.write(`user${i}\n`);
      assert.equal((await r.readline()).toString(), `* welcome, user${i}: ${i + 1} online\n`);
      clients.push([r, w]);
    }
    // Everyone hears about the ones who joined after them, then user0's message.
    clients[0]![1].write('hello, everyone\n');
    const heard = await gather(
      ...clients.slice(1).map(async ([r], k) => {
        const got: string[] = [];
        for (let j = k + 2; j < N; j++) got.push((await r.readline()).toString());
        got.push((await r.readline()).toString());
        return got;
      }),
    );
    heard.forEach((got, k) => {
      assert.equal(got[got.length - 1], 'user0: hello, everyone\n', `user${k + 1}`);
      assert.equal(got.length, N - (k + 1));
    });
    // user0 leaves; the others hear it.
    clients[0]![1].close();
    const left = await gather(...clients.slice(1).map(async ([r]) => (await r.readline()).toString()));
    assert.deepEqual(new Set(left), new Set(['* user0 left\n']));
    for (const [, w] of clients.slice(1)) w.close();
    for (const [, w] of clients) await w.waitClosed();

    // And the example client, as a user would run it.
    const bob = await runProgram('examples/chat-client.ts', String(port), 'bob', 'hi there');
    assert.equal(bob.code, 0, bob.stderr);
    assert.deepEqual(lines(bob.stdout), ['* welcome, bob: 1 online']);

    server.child.kill('SIGINT');
    const done = await server.finished;
    const out = lines(done.stdout);
    assert.equal(out.filter((l) => / joined \(\d+ online\)$/.test(l)).length, N + 1);
    assert.equal(out.filter((l) => / left \(\d+ online\)$/.test(l)).length, N + 1);
    assert.ok(out.includes('* user19 joined (20 online)'));
    assert.equal(out[out.length - 1], 'Chat server closed');
  });

  it('seed-loop.ts (a hand-made loop over select) and seed-real.ts print the same thing', async () => {
    const [hand, real] = await gather(runProgram('examples/seed-loop.ts'), runProgram('examples/seed-real.ts'));
    assert.equal(hand.code, 0, hand.stderr);
    assert.equal(real.code, 0, real.stderr);
    const expected = [
      /^reader: echo-server\.ts has \d+ lines, read in \d+ chunks of at most 512 bytes$/,
      /^ticker: tick 1$/,
      /^receiver: got 'ping 1'$/,
      /^ticker: tick 2$/,
      /^receiver: got 'ping 2'$/,
      /^receiver: the peer closed$/,
      /^ticker: tick 3$/,
      /^all tasks done$/,
    ];
    // Timers 50 ms apart order the lines; compare as sets too, in case a loaded machine reorders.
    const a = lines(hand.stdout);
    const b = lines(real.stdout);
    assert.equal(a.length, expected.length, hand.stdout);
    for (const re of expected) {
      assert.ok(a.some((l) => re.test(l)), `seed-loop.ts: missing ${re}`);
      assert.ok(b.some((l) => re.test(l)), `seed-real.ts: missing ${re}`);
    }
    assert.deepEqual([...a].sort(), [...b].sort());
  });

  it('fetch-pages.ts fetches 30 pages from its own server, at most 5 at a time', async () => {
    const r = await runProgram('examples/fetch-pages.ts');
    assert.equal(r.code, 0, r.stderr);
    const out = lines(r.stdout);
    assert.match(out[0]!, /^200 \/page\/1 "Page 1" \d+ bytes$/);
    const summary = out.find((l) => l.startsWith('fetched'))!;
    const m = /^fetched 30 pages \(30 OK, \d+ bytes\) in ([\d.]+) s$/.exec(summary);
    assert.ok(m, summary);
    assert.ok(Number(m[1]) >= 0.11, 'six rounds of 20 ms at least'); // 30 pages / 5 at a time × 20 ms
    assert.equal(out[out.length - 1], 'at most 5 requests in flight (limit 5)');
  });

  it('tls-echo.ts makes its certificate, echoes over TLS 1.3 and closes', { skip: spawnSync('openssl', ['version']).status === 0 ? false : 'the openssl command is not installed' }, async () => {
    const r = await runProgram('examples/tls-echo.ts');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    const out = lines(r.stdout);
    assert.match(out[0]!, /^Serving TLS on 127\.0\.0\.1:\d+$/);
    assert.match(out[1]!, /^TLSv1\.3 TLS_\w+, server certificate for commonName=localhost$/);
    assert.deepEqual(out.slice(2), ['echo: hello', 'echo: over', 'echo: TLS', 'closed']);
  });
});
