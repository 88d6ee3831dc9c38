// Unix-domain streams (openUnixConnection / startUnixServer) under every selector, and closing a
// server's clients (closeClients / abortClients) before waitClosed.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { OSError, createTask, gather, openConnection, openUnixConnection, sleep, startServer, startUnixServer, waitFor, type StreamReader, type StreamWriter } from 'coroscope';
import { SELECTORS, runOn } from './helpers';

const text = (b: Uint8Array) => Buffer.from(b).toString();
const socketPath = () => join(mkdtempSync(join(tmpdir(), 'coroscope-unix-')), 'echo.sock');

async function echo(r: StreamReader, w: StreamWriter): Promise<void> {
  for await (const line of r) w.write(line);
  w.close();
}

for (const kind of SELECTORS) {
  describe(`Unix-domain streams (${kind})`, () => {
    it('echoes over a socket file, reports its path as peername, and removes the file at close', () =>
      runOn(kind, async () => {
        const path = socketPath();
        const server = await startUnixServer(echo, path);
        assert.ok(existsSync(path), 'the socket file exists while serving');
        const [reader, writer] = await openUnixConnection(path);
        assert.equal(writer.getExtraInfo('peername'), path);
        writer.write('over a unix socket\n');
        assert.equal(text(await reader.readline()), 'over a unix socket\n');
        writer.close();
        await writer.waitClosed();
        server.close();
        await server.waitClosed();
        assert.ok(!existsSync(path), 'close() removed the socket file');
      }));

    it('replaces a stale socket file; refuses a path that is another kind of file and leaves it alone', () =>
      runOn(kind, async () => {
        const path = socketPath();
        const first = await startUnixServer(echo, path, { cleanupSocket: false });
        first.close();
        await first.waitClosed();
        assert.ok(existsSync(path), 'cleanupSocket: false leaves the file');
        const second = await startUnixServer(echo, path);
        const [reader, writer] = await openUnixConnection(path);
        writer.write('second\n');
        assert.equal(text(await reader.readline()), 'second\n');
        writer.close();
        await writer.waitClosed();
        second.close();
        await second.waitClosed();

        const file = socketPath();
        writeFileSync(file, 'not a socket');
        let err: unknown;
        try {
          await startUnixServer(echo, file);
        } catch (e) {
          err = e;
        }
        assert.ok(err instanceof OSError && /EADDRINUSE|in use/i.test(`${err.code} ${err.message}`), String(err));
        assert.equal(readFileSync(file, 'utf8'), 'not a socket');
        let refused: unknown;
        try {
          await openUnixConnection(join(tmpdir(), 'coroscope-no-such-dir', 'x.sock'));
        } catch (e) {
          refused = e;
        }
        assert.ok(refused instanceof OSError && refused.code === 'ENOENT', String(refused));
      }));

    it('closeClients closes the connections a closed server still has; abortClients drops them at once', () =>
      runOn(kind, async () => {
        const handlersDone: string[] = [];
        const server = await startServer(async (r, w) => {
          const line = await r.read(); // until the client sends something or the server closes us
          handlersDone.push(line.length === 0 ? 'eof' : text(line));
          w.close();
        }, '127.0.0.1', 0);
        const clients = await gather(openConnection('127.0.0.1', server.port), openConnection('127.0.0.1', server.port));
        await sleep(0.05); // both accepted
        server.close();
        const closed = createTask(server.waitClosed());
        await sleep(0.05);
        assert.ok(!closed.done(), 'waitClosed waits for the open connections');
        server.closeClients();
        await waitFor(closed, 2);
        // The clients see their connections end.
        for (const [reader] of clients) assert.equal((await waitFor(reader.read(), 2)).length, 0);
        for (const [, writer] of clients) writer.close();

        const server2 = await startServer(async (r) => {
          await r.read();
        }, '127.0.0.1', 0);
        const [reader2, writer2] = await openConnection('127.0.0.1', server2.port);
        await sleep(0.05);
        server2.close();
        server2.abortClients();
        await waitFor(server2.waitClosed(), 2);
        assert.equal((await waitFor(reader2.read(), 2)).length, 0);
        writer2.close();
      }));
  });
}
