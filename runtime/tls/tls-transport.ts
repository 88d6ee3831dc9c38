// TLS as a transport wrapper (asyncio's SSLProtocol and _SSLProtocolTransport in one object): it is
// the Protocol of a byte transport underneath (a SocketTransport, or any Transport) and the
// Transport of the application's protocol above. Ciphertext goes through an SSLObject; the
// application's protocol hears connectionMade only once the handshake completed.
//
// To put TLS under any protocol: `const tls = new TlsTransport(loop, appProtocol, context, options)`
// and give `tls` to the byte transport as its protocol (or, on a transport already open,
// `raw.setProtocol(tls); tls.connectionMade(raw)`, which is what startTls does).
import { RuntimeError, ValueError } from '../errors';
import type { EventLoop } from '../event-loop';
import type { TimerHandle } from '../handles';
import { describeAddress } from '../sys/calls';
import { C } from '../sys/constants';
import { ConnectionAbortedError, ConnectionResetError } from '../sys/errors';
import type { SockAddress } from '../sys/sockaddr';
import type { Protocol } from '../streams/protocol';
import type { Transport } from '../streams/transport';
import { registerTls, unregisterTls } from './registry';
import type { SSLContext } from './ssl-context';
import { commonNameOf, SSLObject } from './ssl-object';

/** asyncio's SSL_HANDSHAKE_TIMEOUT and SSL_SHUTDOWN_TIMEOUT (seconds). */
export const SSL_HANDSHAKE_TIMEOUT = 60;
export const SSL_SHUTDOWN_TIMEOUT = 30;

/**
 * The handshake and shutdown timeouts (seconds), defaults filled in, or a ValueError naming a bad
 * one. openConnection, startServer and createConnection/createServer check them when called,
 * before a socket exists that a late error would leave open.
 */
export function tlsTimeouts(options: { sslHandshakeTimeout?: number; sslShutdownTimeout?: number }): [handshake: number, shutdown: number] {
  const handshake = options.sslHandshakeTimeout ?? SSL_HANDSHAKE_TIMEOUT;
  const shutdown = options.sslShutdownTimeout ?? SSL_SHUTDOWN_TIMEOUT;
  if (!(handshake > 0)) throw new ValueError(`sslHandshakeTimeout should be a positive number, got ${handshake}`);
  if (!(shutdown > 0)) throw new ValueError(`sslShutdownTimeout should be a positive number, got ${shutdown}`);
  return [handshake, shutdown];
}

export interface TlsTransportOptions {
  serverSide: boolean;
  /** The name a client checks the certificate against and sends as SNI. */
  serverHostname?: string | null;
  /** Seconds the handshake may take before the connection is aborted (default 60). */
  sslHandshakeTimeout?: number;
  /** Seconds close() waits for the peer's close_notify before aborting (default 30). */
  sslShutdownTimeout?: number;
  /** Called once the handshake is over: null after connectionMade, else the error that ended it. */
  onHandshake?: (err: Error | null) => void;
  /** Called once the byte transport's connection is lost, whether the handshake completed or not. */
  onConnectionLost?: (exc: Error | null) => void;
  /**
   * false: the application's protocol is connected already (startTls upgrades its transport), so
   * it does not hear connectionMade again (default true).
   */
  callConnectionMade?: boolean;
}

type State = 'HANDSHAKE' | 'WRAPPED' | 'SHUTDOWN' | 'CLOSED';

/**
 * Invariant: #ssl and #raw are set from connectionMade until connection-lost (then #ssl is freed);
 * the application's protocol has seen connectionMade exactly when #appConnected, which turns true
 * only in HANDSHAKE → WRAPPED, and it hears connectionLost once, only if it was connected;
 * #handshakeTimer is pending only in HANDSHAKE, #shutdownTimer only in SHUTDOWN.
 */
export class TlsTransport implements Transport, Protocol {
  readonly #loop: EventLoop;
  #app: Protocol;
  readonly #context: SSLContext;
  readonly #serverSide: boolean;
  readonly #serverHostname: string | null;
  readonly #handshakeTimeout: number;
  readonly #shutdownTimeout: number;
  #onHandshake: ((err: Error | null) => void) | null;
  readonly #onConnectionLost: ((exc: Error | null) => void) | null;
  readonly #callConnectionMade: boolean;
  #raw: Transport | null = null;
  #ssl: SSLObject | null = null;
  #state: State = 'HANDSHAKE';
  #appConnected = false;
  #closing = false;
  #appReadingPaused = false;
  #handshakeTimer: TimerHandle | null = null;
  #shutdownTimer: TimerHandle | null = null;
  /** The error that ended the connection, for the application's connectionLost. */
  #exc: Error | null = null;
  #described: string | null = null;
  readonly #extra: Record<string, unknown> = {};

  constructor(loop: EventLoop, appProtocol: Protocol, context: SSLContext, options: TlsTransportOptions) {
    const [handshake, shutdown] = tlsTimeouts(options);
    if (options.serverSide && options.serverHostname) throw new ValueError('serverHostname is only meaningful for a client');
    this.#loop = loop;
    this.#app = appProtocol;
    this.#context = context;
    this.#serverSide = options.serverSide;
    this.#serverHostname = options.serverHostname ?? null;
    this.#handshakeTimeout = handshake;
    this.#shutdownTimeout = shutdown;
    this.#onHandshake = options.onHandshake ?? null;
    this.#onConnectionLost = options.onConnectionLost ?? null;
    this.#callConnectionMade = options.callConnectionMade ?? true;
  }

  // ---- the byte transport's protocol --------------------------------------------------------

  connectionMade(raw: Transport): void {
    this.#raw = raw;
    const peer = raw.getExtraInfo<SockAddress>('peername');
    const where = this.#serverSide ? `peer ${peer !== undefined ? describeAddress(peer) : '?'}` : `host ${this.#serverHostname ?? (peer !== undefined ? describeAddress(peer) : '?')}`;
    try {
      this.#ssl = new SSLObject(this.#context, this.#serverSide, this.#serverHostname, where);
    } catch (err) {
      this.#handshakeFailed(err as Error);
      return;
    }
    Object.assign(this.#extra, { sslObject: this.#ssl, sslContext: this.#context });
    registerTls(raw.fd, this);
    this.#handshakeTimer = this.#loop.callLater(this.#handshakeTimeout, () => this.#handshakeTimedOut());
    this.#doHandshake();
  }

  dataReceived(data: Buffer): void {
    const ssl = this.#ssl;
    if (ssl === null || this.#state === 'CLOSED') return;
    ssl.feed(data);
    if (this.#state === 'HANDSHAKE') this.#doHandshake();
    else if (this.#state === 'WRAPPED') this.#doRead();
    else this.#doShutdown();
  }

  eofReceived(): boolean {
    if (this.#state === 'HANDSHAKE') {
      const peer = this.#raw?.getExtraInfo<SockAddress>('peername');
      this.#handshakeFailed(new ConnectionResetError(C.errno.ECONNRESET, `Connection lost during the TLS handshake${peer !== undefined ? ` (peer ${describeAddress(peer)})` : ''}`));
    } else if (this.#state === 'WRAPPED') {
      // The peer closed TCP without close_notify (a "ragged EOF"): the application reads EOF, as
      // with asyncio (Python's suppress_ragged_eofs); there is no one left to send close_notify to.
      this.#state = 'CLOSED';
      this.#callAppEof();
      this.#raw?.close();
    } else if (this.#state === 'SHUTDOWN') {
      this.#raw?.close();
    }
    return true; // this object closes the byte transport itself
  }

  connectionLost(exc: Error | null): void {
    this.#state = 'CLOSED';
    this.#handshakeTimer?.cancel();
    this.#shutdownTimer?.cancel();
    this.#handshakeTimer = this.#shutdownTimer = null;
    if (this.#raw) unregisterTls(this.#raw.fd, this);
    const err = this.#exc ?? exc;
    if (this.#onHandshake) this.#handshakeOver(err ?? new ConnectionResetError(C.errno.ECONNRESET, 'Connection lost during the TLS handshake'));
    this.#ssl?.free();
    this.#ssl = null;
    try {
      if (this.#appConnected) {
        this.#appConnected = false;
        this.#app.connectionLost(err);
      }
    } finally {
      this.#onConnectionLost?.(err);
    }
  }

  pauseWriting(): void {
    if (this.#appConnected) this.#app.pauseWriting();
  }

  resumeWriting(): void {
    if (this.#appConnected) this.#app.resumeWriting();
  }

  // ---- handshake ----------------------------------------------------------------------------

  #doHandshake(): void {
    const ssl = this.#ssl!;
    let done: boolean;
    try {
      done = ssl.doHandshake();
    } catch (err) {
      this.#flush(); // the alert that tells the peer why
      this.#handshakeFailed(err as Error);
      return;
    }
    this.#flush();
    if (!done) return;
    this.#handshakeTimer?.cancel();
    this.#handshakeTimer = null;
    this.#state = 'WRAPPED';
    Object.assign(this.#extra, { peercert: ssl.getpeercert(), cipher: ssl.cipher(), compression: null });
    this.#appConnected = true;
    if (this.#callConnectionMade) this.#app.connectionMade(this);
    this.#handshakeOver(null);
    // Application data may have come with the handshake's last flight.
    if (this.#state === 'WRAPPED') this.#doRead();
  }

  #handshakeOver(err: Error | null): void {
    const cb = this.#onHandshake;
    this.#onHandshake = null;
    cb?.(err);
  }

  #handshakeFailed(err: Error): void {
    if (this.#state !== 'HANDSHAKE') return;
    this.#state = 'CLOSED';
    this.#handshakeTimer?.cancel();
    this.#handshakeTimer = null;
    this.#exc = err;
    // A server logs what went wrong with a client and goes on serving (asyncio logs it only in
    // debug mode; a person running a TLS server wants to see a client that cannot connect).
    if (this.#serverSide) {
      const peer = this.#raw?.getExtraInfo<SockAddress>('peername');
      this.#loop.callExceptionHandler({ message: `TLS handshake with ${peer !== undefined ? describeAddress(peer) : 'a client'} failed`, exception: err, transport: this });
    }
    this.#handshakeOver(err);
    this.#raw?.close(); // after the alert already queued
  }

  #handshakeTimedOut(): void {
    this.#handshakeTimer = null;
    if (this.#state !== 'HANDSHAKE') return;
    const err = new ConnectionAbortedError(C.errno.ECONNABORTED, `SSL handshake is taking longer than ${this.#handshakeTimeout} seconds: aborting the connection`);
    this.#handshakeFailed(err);
    this.#raw?.abort();
  }

  // ---- data ---------------------------------------------------------------------------------

  #flush(): void {
    const out = this.#ssl?.takeOutgoing();
    if (out && this.#raw && !this.#raw.isClosing()) this.#raw.write(out);
  }

  #doRead(): void {
    if (this.#appReadingPaused || this.#state !== 'WRAPPED') return;
    let result;
    try {
      result = this.#ssl!.read();
    } catch (err) {
      this.#fatal(err as Error);
      return;
    }
    this.#flush(); // reading can answer the peer (TLS 1.3 key updates)
    for (const chunk of result.chunks) {
      if (this.#state !== 'WRAPPED') return;
      this.#app.dataReceived(chunk);
    }
    if (result.eof && this.#state === 'WRAPPED') {
      // The peer's close_notify: TLS has no half-close, so EOF ends the connection (asyncio ignores
      // an eofReceived() that asks to keep it open, too).
      this.#callAppEof();
      this.#startShutdown();
    }
  }

  #callAppEof(): void {
    try {
      this.#app.eofReceived();
    } catch (err) {
      this.#loop.callExceptionHandler({ message: 'protocol.eofReceived() call failed.', exception: err, transport: this });
    }
  }

  #fatal(err: Error): void {
    this.#exc ??= err;
    this.#state = 'CLOSED';
    this.#raw?.abort();
  }

  // ---- closing ------------------------------------------------------------------------------

  #startShutdown(): void {
    if (this.#state === 'HANDSHAKE') {
      this.#state = 'CLOSED';
      this.#raw?.abort();
      return;
    }
    if (this.#state !== 'WRAPPED') return;
    this.#state = 'SHUTDOWN';
    this.#shutdownTimer = this.#loop.callLater(this.#shutdownTimeout, () => {
      this.#shutdownTimer = null;
      this.#raw?.abort();
    });
    this.#doShutdown();
  }

  /** Sends close_notify, then closes once the peer's came (or the peer closed TCP). */
  #doShutdown(): void {
    const ssl = this.#ssl!;
    let complete: boolean;
    try {
      ssl.read(); // what the peer still sends is dropped: the application closed
      complete = ssl.unwrap();
    } catch {
      complete = true;
    }
    this.#flush();
    if (!complete) return;
    this.#shutdownTimer?.cancel();
    this.#shutdownTimer = null;
    this.#state = 'CLOSED';
    this.#raw?.close();
  }

  // ---- the application's transport ----------------------------------------------------------

  get fd(): number {
    return this.#raw?.fd ?? -1;
  }

  get protocol(): Protocol {
    return this.#app;
  }

  /** asyncio's get_protocol(). */
  getProtocol(): Protocol {
    return this.protocol;
  }

  setProtocol(protocol: Protocol): void {
    this.#app = protocol;
  }

  /** 'sslObject', 'peercert', 'cipher', 'sslContext', 'compression', then the byte transport's ('peername', ...). */
  getExtraInfo<T = unknown>(name: string, fallback?: T): T | undefined {
    if (name in this.#extra) return this.#extra[name] as T;
    return this.#raw ? this.#raw.getExtraInfo<T>(name, fallback) : fallback;
  }

  write(data: Uint8Array | string): void {
    if (typeof data === 'string') data = Buffer.from(data, 'utf8');
    else if (!(data instanceof Uint8Array)) throw new TypeError(`data argument must be a Uint8Array or a string, not ${typeof data}`);
    if (data.length === 0 || this.#state !== 'WRAPPED' || this.#closing) return; // closed: dropped, as a lost socket's
    try {
      this.#ssl!.write(data);
    } catch (err) {
      this.#fatal(err as Error);
      return;
    }
    this.#flush();
  }

  writelines(list: Iterable<Uint8Array | string>): void {
    const parts: Uint8Array[] = [];
    for (const d of list) parts.push(typeof d === 'string' ? Buffer.from(d, 'utf8') : d);
    if (parts.length > 0) this.write(parts.length === 1 ? parts[0]! : Buffer.concat(parts));
  }

  canWriteEof(): boolean {
    return false;
  }

  writeEof(): void {
    throw new RuntimeError('TLS has no half-close: writeEof() is not supported over TLS (close() sends close_notify)');
  }

  /** Sends close_notify after the data written so far; connectionLost(null) follows once the peer answers. */
  close(): void {
    if (this.#closing) return;
    this.#closing = true;
    this.#startShutdown();
  }

  abort(): void {
    this.#closing = true;
    this.#state = 'CLOSED';
    this.#raw?.abort();
  }

  isClosing(): boolean {
    return this.#closing;
  }

  isReading(): boolean {
    return !this.#appReadingPaused && !this.#closing && (this.#raw?.isReading() ?? false);
  }

  pauseReading(): void {
    if (this.#appReadingPaused) return;
    this.#appReadingPaused = true;
    this.#raw?.pauseReading();
  }

  resumeReading(): void {
    if (!this.#appReadingPaused) return;
    this.#appReadingPaused = false;
    this.#raw?.resumeReading();
    // Plaintext may be waiting inside OpenSSL already (it arrived while paused).
    this.#loop.callSoon(() => this.#doRead());
  }

  getWriteBufferSize(): number {
    return this.#raw?.getWriteBufferSize() ?? 0;
  }

  getWriteBufferLimits(): [low: number, high: number] {
    return this.#raw?.getWriteBufferLimits() ?? [0, 0];
  }

  setWriteBufferLimits(high?: number, low?: number): void {
    this.#raw?.setWriteBufferLimits(high, low);
  }

  /** For the debugger: `TLS handshake`, or `TLS 1.3 · peer CN=localhost`. */
  describeTls(): string {
    if (this.#state === 'HANDSHAKE') return 'TLS handshake';
    if (this.#described === null) {
      const version = this.#ssl?.version()?.replace(/^TLSv/, 'TLS ') ?? 'TLS';
      let peer: string;
      try {
        peer = commonNameOf(this.#ssl?.peerX509() ?? null) ?? 'no certificate';
      } catch {
        peer = 'certificate not readable';
      }
      this.#described = `${version} · peer ${peer}`;
    }
    return this.#described;
  }

  toString(): string {
    const peer = this.#raw?.getExtraInfo<SockAddress>('peername');
    return `<TlsTransport ${this.#serverSide ? 'server' : 'client'} fd=${this.fd}${peer !== undefined ? ` peer=${describeAddress(peer)}` : ''} ${this.#state.toLowerCase()}${this.#closing ? ' closing' : ''}>`;
  }
}
