// asyncio's Protocol API over real sockets on 127.0.0.1 (under every selector):
// loop.createServer(protocolFactory, host, port), loop.createConnection(protocolFactory, host, port),
// the order of a protocol's calls, flow control, half-close, abort, and bad factories.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConnectionRefusedError, Protocol, getRunningLoop, sleep, socket, type Transport } from 'coroscope';
import { SELECTORS, runOn } from './helpers';

/** Records every call it gets, in order, and the bytes it received. */
class Recorder extends Protocol {
  readonly calls: string[] = [];
  readonly received: Buffer[] = [];
  transport: Transport | null = null;
  lostWith: Error | null | undefined = undefined;
  readonly lost = getRunningLoop().createFuture<void>();
  override connectionMade(transport: Transport): void {
    this.calls.push('connectionMade');
    this.transport = transport;
  }
  override dataReceived(data: Buffer): void {
    this.calls.push('dataReceived');
    this.received.push(Buffer.from(data));
  }
  override eofReceived(): boolean {
    this.calls.push('eofReceived');
    return false;
  }
  override connectionLost(exc: Error | null): void {
    this.calls.push('connectionLost');
    this.lostWith = exc;
    this.lost.setResult();
  }
  override pauseWriting(): void {
    this.calls.push('pauseWriting');
  }
  override resumeWriting(): void {
    this.calls.push('resumeWriting');
  }
  text(): string {
    return Buffer.concat(this.received).toString();
  }
}

/** Echoes what it receives; closes its side when the peer does. */
class Echo extends Protocol {
  #transport: Transport | null = null;
  override connectionMade(transport: Transport): void {
    this.#transport = transport;
  }
  override dataReceived(data: Buffer): void {
    this.#transport!.write(data);
  }
}

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 2000 && !cond(); i++) await sleep(0.005);
  assert.ok(cond(), `timed out waiting for ${what}`);
}

for (const kind of SELECTORS) {
  describe(`Protocol API (${kind})`, () => {
    it('createServer + createConnection: an echo round trip, the calls in asyncio order, the transport\'s extra info', () =>
      runOn(kind, async () => {
        const loop = getRunningLoop();
        const servers: Recorder[] = [];
        const server = await loop.createServer(() => {
          const p = new (class extends Recorder {
            override dataReceived(data: Buffer): void {
              super.dataReceived(data);
              this.transport!.write(data);
            }
          })();
          servers.push(p);
          return p;
        }, '127.0.0.1', 0);
        const [transport, client] = await loop.createConnection(() => new Recorder(), '127.0.0.1', server.port);
        assert.equal(client.transport, transport, 'connectionMade ran before createConnection returned');
        assert.deepEqual(client.calls, ['connectionMade']);
        assert.equal(transport.getProtocol(), client);
        assert.deepEqual(transport.getExtraInfo('peername'), ['127.0.0.1', server.port]);
        assert.equal((transport.getExtraInfo('sockname') as [string, number])[0], '127.0.0.1');
        assert.equal(transport.getExtraInfo('nothing', 'fallback'), 'fallback');
        transport.write('hello ');
        transport.write(Buffer.from('world'));
        await until(() => client.text() === 'hello world', 'the echo');
        transport.close();
        assert.equal(transport.isClosing(), true);
        await client.lost;
        await until(() => servers[0]?.calls.includes('connectionLost') ?? false, "the server's connectionLost");
        assert.equal(client.lostWith, null);
        assert.deepEqual(client.calls.filter((c, i, a) => c !== 'dataReceived' || a[i - 1] !== 'dataReceived'), ['connectionMade', 'dataReceived', 'connectionLost']);
        assert.deepEqual(servers[0]!.calls.filter((c, i, a) => c !== 'dataReceived' || a[i - 1] !== 'dataReceived'), ['connectionMade', 'dataReceived', 'eofReceived', 'connectionLost']);
        assert.equal(servers[0]!.text(), 'hello world');
        server.close();
        await server.waitClosed();
      }));

    it('eofReceived returning true keeps the writing side open (half-close); writeEof reaches the peer as EOF', () =>
      runOn(kind, async () => {
        const loop = getRunningLoop();
        const server = await loop.createServer(
          () =>
            new (class extends Protocol {
              #t: Transport | null = null;
              #got: Buffer[] = [];
              override connectionMade(t: Transport): void {
                this.#t = t;
              }
              override dataReceived(d: Buffer): void {
                this.#got.push(Buffer.from(d));
              }
              override eofReceived(): boolean {
                // The peer is done sending: answer with what it sent, reversed, then close.
                this.#t!.write(Buffer.concat(this.#got).reverse());
                this.#t!.close();
                return true;
              }
            })(),
          '127.0.0.1',
          0,
        );
        const [transport, client] = await loop.createConnection(() => new Recorder(), '127.0.0.1', server.port);
        transport.write('abc');
        assert.equal(transport.canWriteEof(), true);
        transport.writeEof();
        await client.lost;
        assert.equal(client.text(), 'cba');
        assert.ok(client.calls.includes('eofReceived'));
        server.close();
        await server.waitClosed();
      }));

    it('pauseReading stops dataReceived until resumeReading; abort ends the connection at once', () =>
      runOn(kind, async () => {
        const loop = getRunningLoop();
        const server = await loop.createServer(() => new Echo(), '127.0.0.1', 0);
        const [transport, client] = await loop.createConnection(() => new Recorder(), '127.0.0.1', server.port);
        transport.pauseReading();
        assert.equal(transport.isReading(), false);
        transport.write('while paused');
        await sleep(0.05);
        assert.equal(client.text(), '', 'nothing delivered while reading is paused');
        transport.resumeReading();
        assert.equal(transport.isReading(), true);
        await until(() => client.text() === 'while paused', 'the data after resumeReading');
        transport.abort();
        await client.lost;
        assert.equal(client.lostWith, null);
        server.close();
        await server.waitClosed();
      }));

    it('pauseWriting when the write buffer passes the high-water mark, resumeWriting when it drains', () =>
      runOn(kind, async () => {
        const loop = getRunningLoop();
        // The server reads nothing until told to: the client's writes pile up in its buffer.
        let serverTransport: Transport | null = null;
        const server = await loop.createServer(
          () =>
            new (class extends Protocol {
              override connectionMade(t: Transport): void {
                serverTransport = t;
                t.pauseReading();
              }
            })(),
          '127.0.0.1',
          0,
        );
        const [transport, client] = await loop.createConnection(() => new Recorder(), '127.0.0.1', server.port);
        transport.setWriteBufferLimits(64 * 1024);
        const chunk = Buffer.alloc(256 * 1024, 120);
        for (let i = 0; i < 64 && !client.calls.includes('pauseWriting'); i++) transport.write(chunk);
        assert.ok(client.calls.includes('pauseWriting'), 'pauseWriting was called');
        assert.ok(transport.getWriteBufferSize() > 64 * 1024);
        await until(() => serverTransport !== null, 'the server connection');
        serverTransport!.resumeReading();
        await until(() => client.calls.includes('resumeWriting'), 'resumeWriting');
        assert.ok(transport.getWriteBufferSize() <= 16 * 1024);
        transport.abort();
        await client.lost;
        server.close();
        await server.waitClosed();
      }));

    it('a refused connection raises ConnectionRefusedError and makes no protocol', () =>
      runOn(kind, async () => {
        const loop = getRunningLoop();
        // A port nobody listens on: bind one, note it, close it.
        const s = socket.socket();
        s.bind(['127.0.0.1', 0]);
        const port = (s.getsockname() as [string, number])[1];
        s.close();
        let made = 0;
        await assert.rejects(
          (async () => {
            await loop.createConnection(() => (made++, new Recorder()), '127.0.0.1', port);
          })() as unknown as Promise<void>,
          ConnectionRefusedError,
        );
        assert.equal(made, 0);
      }));

    it('a factory that is not a function, or returns no protocol, is a clear error; the server goes on', () =>
      runOn(kind, async () => {
        const loop = getRunningLoop();
        assert.throws(() => loop.createServer(5 as never, '127.0.0.1', 0), /createServer\(\): protocolFactory must be a function returning a Protocol, got number 5/);
        const server = await loop.createServer(() => new Echo(), '127.0.0.1', 0);
        await assert.rejects(
          (async () => {
            await loop.createConnection(() => ({ dataReceived() {} }) as never, '127.0.0.1', server.port);
          })() as unknown as Promise<void>,
          /createConnection\(\): protocolFactory\(\) returned Object, which has no connectionMade\(\) method \(extend Protocol from 'coroscope'/,
        );
        // A server whose factory throws reports it and closes that connection; the next one is served.
        const reported: string[] = [];
        loop.setExceptionHandler((_l, ctx) => reported.push(`${ctx.message}: ${String(ctx.exception)}`));
        let calls = 0;
        const flaky = await loop.createServer(() => {
          if (calls++ === 0) throw new Error('no protocol for you');
          return new Echo();
        }, '127.0.0.1', 0);
        const [first, firstProtocol] = await loop.createConnection(() => new Recorder(), '127.0.0.1', flaky.port);
        await firstProtocol.lost;
        assert.deepEqual(reported, ['Error creating a protocol for an accepted connection: Error: no protocol for you']);
        first.close();
        const [second, secondProtocol] = await loop.createConnection(() => new Recorder(), '127.0.0.1', flaky.port);
        second.write('ping');
        await until(() => secondProtocol.text() === 'ping', 'the echo from the second connection');
        second.close();
        await secondProtocol.lost;
        loop.setExceptionHandler(null);
        for (const s of [server, flaky]) {
          s.close();
          await s.waitClosed();
        }
      }));
  });
}
