// What a protocol receives is its own to keep: a socket transport hands out views of memory shared
// by every transport (runtime/streams/receive-memory.ts), so these check, over real sockets on
// 127.0.0.1, that no later read (on this connection or another) writes into a view handed out,
// whatever mix of small and large reads the traffic makes, and that a small kept read pins little.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Protocol, getRunningLoop, openConnection, sleep, type Transport } from 'coroscope';
import { runOn } from './helpers';

/** Message sizes that move a transport between small reads (pool views) and large ones (slab views, copies). */
const SIZES = [10, 1000, 1024, 3000, 20_000, 70_000, 5, 2047, 2048, 2049, 9000, 1, 16_383, 16_384, 100, 500, 4096, 8191, 8192, 40_000, 7];

function message(conn: number, i: number, size: number): Buffer {
  const b = Buffer.allocUnsafe(size);
  for (let k = 0; k < size; k++) b[k] = (conn * 131 + i * 31 + k * 7) & 0xff;
  return b;
}

/** Keeps every chunk it receives, as received (no copy), and echoes it. */
class Keeper extends Protocol {
  readonly chunks: Buffer[] = [];
  #t: Transport | null = null;
  constructor(readonly transfer = false) {
    super();
  }
  override connectionMade(t: Transport): void {
    this.#t = t;
  }
  override dataReceived(data: Buffer): void {
    let kept = data;
    if (this.transfer) {
      // As a program posting the chunk to a worker with its buffer in the transfer list: it keeps
      // (and echoes) what arrives on the other side. Shared receive memory must be copied there,
      // never moved away from under the next read.
      const moved = structuredClone(data, { transfer: [data.buffer as ArrayBuffer] });
      kept = Buffer.from(moved.buffer, moved.byteOffset, moved.length);
    }
    this.chunks.push(kept);
    this.#t!.write(kept);
  }
}

describe('receive memory', () => {
  for (const transfer of [false, true]) {
    it(`${transfer ? 'with each chunk\'s buffer transferred (structuredClone, as postMessage to a worker): ' : ''}chunks a protocol keeps stay intact through later small and large reads on three connections at once, and one under 16 KiB pins at most 8 KiB or its own size`, () =>
      runOn('epoll', async () => {
        const loop = getRunningLoop();
        const keepers: Keeper[] = [];
        const server = await loop.createServer(() => {
          const k = new Keeper(transfer);
          keepers.push(k);
          return k;
        }, '127.0.0.1', 0);
        const sent: Buffer[][] = [[], [], []];
        await Promise.all(
          [0, 1, 2].map(async (conn) => {
            const [reader, writer] = await openConnection('127.0.0.1', server.port);
            for (let round = 0; round < 3; round++) {
              for (let i = 0; i < SIZES.length; i++) {
                // Each connection goes through the sizes in its own order, so their reads interleave differently.
                const size = SIZES[(i * (conn + 1) + round) % SIZES.length]!;
                const m = message(conn, round * 100 + i, size);
                sent[conn]!.push(m);
                writer.write(m);
                await writer.drain();
                const echo = await reader.readexactly(size); // one message in flight: its own reads
                assert.ok(echo.equals(m), `connection ${conn}: the echo of ${size} bytes`);
              }
            }
            writer.close();
            await writer.waitClosed();
          }),
        );
        for (let i = 0; i < 100 && keepers.length < 3; i++) await sleep(0.01);
        assert.equal(keepers.length, 3);
        // Which keeper is which connection: by the first bytes each was sent.
        for (const k of keepers) {
          const got = Buffer.concat(k.chunks);
          const conn = sent.findIndex((msgs) => Buffer.concat(msgs).equals(got));
          assert.notEqual(conn, -1, `a connection's kept chunks (${got.length} bytes in ${k.chunks.length} reads) are not what it was sent: a later read wrote into a kept view`);
          for (const c of k.chunks) {
            if (c.length < 16 * 1024) assert.ok(c.buffer.byteLength <= Math.max(8 * 1024, c.length), `a kept ${c.length}-byte read pins ${c.buffer.byteLength} bytes`);
          }
        }
        server.close();
        await server.waitClosed();
      }));
  }
});
