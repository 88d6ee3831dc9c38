// The writing half of a stream (asyncio.StreamWriter): writes go to the transport at once;
// drain() is where a writer waits when the transport's buffer is above its high-water mark.
import type { EventLoop } from '../event-loop';
import { Coroutine } from '../coroutine';
import { Future } from '../future';
import { startTls } from '../tls/start-tls';
import type { SSLContext, TlsOptions } from '../tls/ssl-context';
import type { Transport } from './transport';
import type { StreamReaderProtocol } from './stream-protocol';
import type { StreamReader } from './stream-reader';

/** Invariant: holds no state of its own beyond its parts; the transport and protocol own it. */
export class StreamWriter {
  #transport: Transport;
  readonly #protocol: StreamReaderProtocol;
  readonly #reader: StreamReader | null;
  readonly #loop: EventLoop;

  constructor(transport: Transport, protocol: StreamReaderProtocol, reader: StreamReader | null, loop: EventLoop) {
    this.#transport = transport;
    this.#protocol = protocol;
    this.#reader = reader;
    this.#loop = loop;
  }

  get transport(): Transport {
    return this.#transport;
  }

  /** Sends now what the kernel takes, buffers the rest (strings as UTF-8). Follow with `await drain()`. */
  write(data: Uint8Array | string): void {
    this.#transport.write(data);
  }

  writelines(data: Iterable<Uint8Array | string>): void {
    this.#transport.writelines(data);
  }

  canWriteEof(): boolean {
    return this.#transport.canWriteEof();
  }

  /** Shuts down the writing side after the buffered data (the peer reads EOF); reading goes on. */
  writeEof(): void {
    this.#transport.writeEof();
  }

  /** Closes the stream once buffered data is sent; `await waitClosed()` to know when it is. */
  close(): void {
    this.#transport.close();
  }

  isClosing(): boolean {
    return this.#transport.isClosing();
  }

  /** Completes when the connection is closed; raises the error that ended it, if one did. */
  waitClosed(): Future<void> {
    return this.#protocol._closedFuture();
  }

  /**
   * Upgrades this connection to TLS (asyncio's StreamWriter.start_tls): the handshake runs over the
   * socket, and the reader and writer go on through TLS. The side is this stream's: a server's
   * connection (startServer) handshakes as the server and needs a context with its certificate.
   */
  startTls(ssl: true | TlsOptions | SSLContext, options: { serverHostname?: string; sslHandshakeTimeout?: number; sslShutdownTimeout?: number } = {}): Coroutine<void> {
    const serverSide = this.#protocol._isServerSide();
    const self = this;
    return new Coroutine(
      (function* () {
        yield self.drain(); // as asyncio: what was written in the clear goes out first
        const tls = (yield startTls(self.#loop, self.#transport, self.#protocol, ssl, { ...options, serverSide })) as Transport;
        self.#transport = tls;
        self.#protocol._replaceTransport(tls);
      })(),
      -1,
      'StreamWriter.startTls',
    );
  }

  /** 'peername', 'sockname', 'socket'; over TLS also 'sslObject', 'peercert', 'cipher'; fallback otherwise. */
  getExtraInfo<T = unknown>(name: string, fallback?: T): T | undefined {
    return this.#transport.getExtraInfo<T>(name, fallback);
  }

  /**
   * Waits until the transport's buffer is down to its low-water mark. Not paused: a completed
   * future (awaiting it does not suspend). Raises the error that ended the connection, if any.
   */
  drain(): Future<void> {
    const exc = this.#reader?.exception() ?? null;
    if (exc !== null) {
      const f = new Future<void>({ loop: this.#loop });
      f.setException(exc);
      return f;
    }
    if (this.#transport.isClosing()) {
      // As asyncio: yield once so connection-lost can run, then report whether it was lost.
      const f = new Future<void>({ loop: this.#loop });
      this.#loop.callSoon(() => {
        if (f.done()) return;
        const helper = this.#protocol._drainHelper();
        if (!helper.done()) helper.addDoneCallback(() => settleFrom(f, helper));
        else settleFrom(f, helper);
      });
      return f;
    }
    return this.#protocol._drainHelper();
  }

  toString(): string {
    return `<StreamWriter transport=${this.#transport.toString()}${this.#reader ? ` reader=${this.#reader.toString()}` : ''}>`;
  }
}

function settleFrom(target: Future<void>, source: Future<void>): void {
  if (target.done()) return;
  if (source.cancelled()) target.cancel();
  else {
    const exc = source.exception();
    if (exc !== null) target.setException(exc);
    else target.setResult();
  }
}
