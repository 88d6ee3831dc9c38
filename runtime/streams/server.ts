// startServer and Server (asyncio.start_server, asyncio.Server): listening sockets that stay
// registered for reading while serving; each readiness event accepts up to `backlog` connections.
import { rmSync, statSync } from 'node:fs';
import { Coroutine } from '../coroutine';
import { CancelledError, RuntimeError } from '../errors';
import type { EventLoop } from '../event-loop';
import { Future, setWaitReason } from '../future';
import { getRunningLoop } from '../running';
import { Socket } from '../socket';
import { YIELD } from '../task';
import { bind, describeAddress, getsockname, lastAcceptedAddress, listen, setSockOptInt, socket, tryAccept } from '../sys/calls';
import { C } from '../sys/constants';
import { errorFromErrno, OSError } from '../sys/errors';
import * as libc from '../sys/libc';
import type { SockAddress } from '../sys/sockaddr';
import { setNoDelay, socketExtra } from './open-connection';
import { resolveHost, wildcardAddresses, type AddrInfo } from './resolve';
import { SocketTransport } from './socket-transport';
import type { Protocol } from './protocol';
import { StreamReaderProtocol, type ClientConnected } from './stream-protocol';
import { StreamReader } from './stream-reader';
import type { Transport } from './transport';
import { ValueError } from '../errors';
import { type SSLContext, type TlsOptions, toContext } from '../tls/ssl-context';
import { TlsTransport, tlsTimeouts } from '../tls/tls-transport';

/**
 * Makes the transport (and protocol) of one accepted connection: startServer's streams, or
 * createServer's protocol. It calls closed() once the connection is gone (after connection-lost).
 * Null: it closed the fd instead (no connection to track).
 */
export type AcceptedConnection = (fd: number, family: number, peername: SockAddress, closed: () => void) => Transport | null;

/** After EMFILE/ENFILE/ENOBUFS/ENOMEM, accepting pauses this long (seconds), as asyncio's. */
const ACCEPT_RETRY_DELAY = 1;

export interface StartServerOptions {
  /** Each connection's reader buffer limit (default 64 KiB). */
  limit?: number;
  /** listen(2)'s backlog, and how many connections one readiness event accepts (default 100). */
  backlog?: number;
  /** SO_REUSEADDR (default true, as asyncio on Unix). */
  reuseAddress?: boolean;
  reusePort?: boolean;
  /** Accept at once (default true); else call startServing() or serveForever(). */
  startServing?: boolean;
  /** TLS: the server's certificate and key ({ cert, key } PEM, or certFile and keyFile), or an SSLContext. */
  ssl?: TlsOptions | SSLContext;
  /** Seconds a client's TLS handshake may take (default 60). */
  sslHandshakeTimeout?: number;
  /** Seconds close() waits for a client's close_notify (default 30). */
  sslShutdownTimeout?: number;
}

/** A TLS server's context and timeouts. */
export interface ServerTls {
  context: SSLContext;
  sslHandshakeTimeout?: number;
  sslShutdownTimeout?: number;
}

/**
 * Invariant: #fds are the listening sockets until close() (then empty); they are registered for
 * reading exactly while #serving; #clients are the transports of the accepted connections whose
 * connection-lost has not run; #waiters (waitClosed) complete once the server is closed and
 * #clients is empty, then stay null. A Unix server's socket file is removed at close() when it is
 * still the one the server bound.
 */
export class Server {
  readonly #loop: EventLoop;
  #fds: number[];
  readonly #sockets: Socket[];
  readonly #families: number[];
  readonly #accepted: AcceptedConnection;
  readonly #backlog: number;
  #serving = false;
  #servingForever: Future<void> | null = null;
  readonly #clients = new Set<Transport>();
  #waiters: Future<void>[] | null = [];
  #unixPath: { path: string; dev: number; ino: number } | null = null;

  constructor(loop: EventLoop, fds: number[], families: number[], accepted: AcceptedConnection, backlog: number) {
    this.#loop = loop;
    this.#fds = fds;
    this.#families = families;
    this.#sockets = fds.map((fd, i) => new Socket(fd, families[i]!, C.SOCK_STREAM, 0, false, true));
    this.#accepted = accepted;
    this.#backlog = backlog;
  }

  getLoop(): EventLoop {
    return this.#loop;
  }

  isServing(): boolean {
    return this.#serving;
  }

  /** The listening sockets (empty once closed). */
  get sockets(): readonly Socket[] {
    return this.#fds.length ? this.#sockets : [];
  }

  /** The listening fds (empty once closed). */
  get fds(): readonly number[] {
    return this.#fds;
  }

  /** The first listening socket's address, e.g. ['127.0.0.1', 8888] (the port the OS chose for port 0). */
  get address(): SockAddress {
    if (this.#fds.length === 0) throw new RuntimeError('the server is closed');
    return getsockname(this.#fds[0]!);
  }

  /** The first listening socket's port. */
  get port(): number {
    return (this.address as readonly [string, number])[1];
  }

  startServing(): void {
    if (this.#serving || this.#fds.length === 0) return;
    this.#serving = true;
    for (const fd of this.#fds) {
      const onReadable = Object.assign(() => this.#acceptReady(fd), { description: () => `Server.accept(fd ${fd})`, label: 'accepts connections (startServer)' });
      this.#loop.addReader(fd, onReadable);
    }
  }

  #stopServing(): void {
    if (!this.#serving) return;
    this.#serving = false;
    for (const fd of this.#fds) this.#loop.removeReader(fd);
  }

  #acceptReady(fd: number): void {
    for (let i = 0; i < this.#backlog; i++) {
      const conn = tryAccept(fd, true);
      if (conn < 0) {
        const errno = -conn;
        // EAGAIN: no more waiting. ECONNABORTED and the like: that one connection died in the queue.
        if (errno === C.errno.EAGAIN || errno === C.errno.EINTR) return;
        if (errno === C.errno.EMFILE || errno === C.errno.ENFILE || errno === C.errno.ENOBUFS || errno === C.errno.ENOMEM) {
          // Out of fds or memory: stop accepting for a while instead of spinning on a ready socket.
          this.#loop.callExceptionHandler({ message: 'socket.accept() out of system resource', exception: errorFromErrno(errno, 'accept'), server: this });
          this.#stopServing();
          this.#loop.callLater(ACCEPT_RETRY_DELAY, () => this.startServing());
          return;
        }
        if (errno === C.errno.ECONNABORTED || errno === C.errno.EPERM || errno === C.errno.EPROTONOSUPPORT) continue;
        this.#loop.callExceptionHandler({ message: 'socket.accept() failed', exception: errorFromErrno(errno, 'accept'), server: this });
        return;
      }
      const peername = lastAcceptedAddress();
      if (this.#refused(conn, peername)) continue;
      this.#connection(conn, this.#families[this.#fds.indexOf(fd)]!, peername);
    }
  }

  /**
   * A connection the loop's selector cannot watch (select(2): an fd at or above FD_SETSIZE) is
   * closed at once, so its client sees the connection end instead of waiting forever, and reported;
   * the server goes on accepting.
   */
  #refused(conn: number, peername: SockAddress): boolean {
    try {
      this.#loop.selector.checkWatchable?.(conn);
      return false;
    } catch (exception) {
      libc.close(conn);
      this.#loop.callExceptionHandler({ message: `Connection from ${describeAddress(peername)} refused and closed: this loop's selector cannot watch its fd ${conn}`, exception, server: this });
      return true;
    }
  }

  #connection(fd: number, family: number, peername: SockAddress): void {
    setNoDelay(fd, family);
    // `closed` runs from the loop, never inside #accepted: transports start with a callSoon.
    const transport: Transport | null = this.#accepted(fd, family, peername, () => this.#detach(transport!));
    if (transport) this.#clients.add(transport);
  }

  #detach(transport: Transport): void {
    this.#clients.delete(transport);
    if (this.#clients.size === 0 && this.#fds.length === 0) this.#wakeup();
  }

  /** Closes every accepted connection once its buffered data is sent (asyncio 3.13's close_clients). */
  closeClients(): void {
    for (const transport of [...this.#clients]) transport.close();
  }

  /** Closes every accepted connection at once, dropping buffered data (asyncio 3.13's abort_clients). */
  abortClients(): void {
    for (const transport of [...this.#clients]) transport.abort();
  }

  /** @internal startUnixServer: remove this socket file at close() if it is still ours. */
  _unlinkOnClose(path: string): void {
    const st = statSync(path, { throwIfNoEntry: false });
    if (st) this.#unixPath = { path, dev: st.dev, ino: st.ino };
  }

  #wakeup(): void {
    const waiters = this.#waiters;
    this.#waiters = null;
    if (waiters) for (const w of waiters) if (!w.done()) w.setResult();
  }

  /** Stops listening and closes the listening sockets; open connections go on (asyncio 3.12). */
  close(): void {
    if (this.#fds.length === 0) return;
    this.#stopServing();
    for (const sock of this.#sockets) sock.close();
    this.#fds = [];
    if (this.#servingForever !== null && !this.#servingForever.done()) this.#servingForever.cancel();
    this.#servingForever = null;
    const unix = this.#unixPath;
    this.#unixPath = null;
    if (unix) {
      const st = statSync(unix.path, { throwIfNoEntry: false });
      if (st?.isSocket() && st.dev === unix.dev && st.ino === unix.ino) rmSync(unix.path, { force: true });
    }
    if (this.#clients.size === 0) this.#wakeup();
  }

  /** Completes once the server is closed and every connection it accepted is closed. */
  waitClosed(): Future<void> {
    const fut = new Future<void>({ loop: this.#loop });
    if (this.#waiters === null) fut.setResult();
    else {
      const open = this.#clients.size;
      setWaitReason(fut, { kind: 'other', what: `server close (${open} connection${open === 1 ? '' : 's'} open)` });
      this.#waiters.push(fut);
    }
    return fut;
  }

  /** Accepts until cancelled; then closes the server and waits for it to be closed. */
  serveForever(): Coroutine<void> {
    return new Coroutine(this.#serveForeverBody(), -1, 'serveForever');
  }

  *#serveForeverBody(): Generator<unknown, void, unknown> {
    if (this.#servingForever !== null) throw new RuntimeError(`server ${this.toString()} is already being awaited on serveForever()`);
    if (this.#fds.length === 0) throw new RuntimeError(`server ${this.toString()} is closed`);
    this.startServing();
    const fut = new Future<void>({ loop: this.#loop });
    setWaitReason(fut, { kind: 'other', what: `serveForever on fd ${this.#fds.join(', ')}`, fds: [...this.#fds] });
    this.#servingForever = fut;
    try {
      yield fut;
    } catch (err) {
      if (err instanceof CancelledError) {
        try {
          this.close();
          yield this.waitClosed();
        } finally {
          // eslint-disable-next-line no-unsafe-finally
          throw err;
        }
      }
      throw err;
    } finally {
      this.#servingForever = null;
    }
  }

  /** `await using server = await startServer(...)`: closes and waits, as `async with server`. */
  [Symbol.asyncDispose](): Coroutine<void> {
    const self = this;
    return new Coroutine(
      (function* () {
        self.close();
        yield self.waitClosed();
      })(),
      -1,
      'Server.close',
    );
  }

  toString(): string {
    let where = '';
    try {
      where = this.#fds.map((fd) => JSON.stringify(getsockname(fd))).join(', ');
    } catch {
      // closed
    }
    return `<Server sockets=(${where})>`;
  }
}

/**
 * Listens on host:port and calls clientConnected(reader, writer) for each connection (a returned
 * coroutine runs as a task). host '' / null / undefined: every interface; a name: each of its
 * addresses. With port 0 and several addresses, all listen on the port the OS chose for the first.
 */
export function startServer(
  clientConnected: ClientConnected,
  host?: string | null,
  port = 0,
  options: StartServerOptions = {},
): Coroutine<Server> {
  const tls = serverTlsOf(options);
  return new Coroutine(startServerBody(clientConnected, host, port, options, tls), -1, 'startServer');
}

export interface StartUnixServerOptions {
  /** Each connection's reader buffer limit (default 64 KiB). */
  limit?: number;
  /** listen(2)'s backlog, and how many connections one readiness event accepts (default 100). */
  backlog?: number;
  /** Accept at once (default true); else call startServing() or serveForever(). */
  startServing?: boolean;
  /** Remove the socket file when the server closes (default true, as asyncio 3.13). */
  cleanupSocket?: boolean;
}

/**
 * Listens on a Unix-domain stream socket at path (asyncio.start_unix_server). A stale socket file
 * left at path by an earlier server is replaced; any other file there makes bind fail (EADDRINUSE).
 */
export function startUnixServer(clientConnected: ClientConnected, path: string, options: StartUnixServerOptions = {}): Coroutine<Server> {
  if (typeof path !== 'string' || path === '') throw new TypeError(`startUnixServer(): path must be a non-empty string, got ${JSON.stringify(path)}`);
  return new Coroutine(startUnixServerBody(clientConnected, path, options), -1, 'startUnixServer');
}

function* startUnixServerBody(clientConnected: ClientConnected, path: string, options: StartUnixServerOptions): Generator<unknown, Server, unknown> {
  const loop = getRunningLoop();
  const abstract = path.startsWith('\0');
  if (!abstract) {
    const st = statSync(path, { throwIfNoEntry: false });
    if (st?.isSocket()) rmSync(path, { force: true });
  }
  const backlog = options.backlog ?? 100;
  const fd = socket(C.AF_UNIX, C.SOCK_STREAM);
  try {
    bind(fd, C.AF_UNIX, path);
    listen(fd, backlog);
  } catch (err) {
    libc.close(fd);
    throw err;
  }
  const server = new Server(loop, [fd], [C.AF_UNIX], streamConnection(loop, clientConnected, options.limit), backlog);
  if (!abstract && (options.cleanupSocket ?? true)) server._unlinkOnClose(path);
  if (options.startServing ?? true) {
    server.startServing();
    yield YIELD;
  }
  return server;
}

/** @internal The TLS settings of a server's options (validated), or null without ssl; createServer shares it. */
export function serverTlsOf(options: StartServerOptions): ServerTls | null {
  if (options.ssl === undefined || (options.ssl as unknown) === false) {
    if (options.sslHandshakeTimeout !== undefined) throw new ValueError('sslHandshakeTimeout is only meaningful with ssl');
    if (options.sslShutdownTimeout !== undefined) throw new ValueError('sslShutdownTimeout is only meaningful with ssl');
    return null;
  }
  tlsTimeouts(options);
  return { context: toContext(options.ssl, true), sslHandshakeTimeout: options.sslHandshakeTimeout, sslShutdownTimeout: options.sslShutdownTimeout };
}

/**
 * The transport an accepted connection's protocol talks to: the socket's, or with `tls` a TLS
 * transport over it (its close() sends close_notify). `closed` runs once the connection is gone,
 * whether or not a TLS handshake completed.
 */
export function acceptedTransport(loop: EventLoop, fd: number, family: number, peername: SockAddress, protocol: Protocol, tls: ServerTls | null, closed: () => void): Transport {
  const extra = socketExtra(fd, family, peername);
  if (tls === null) return new SocketTransport(loop, fd, protocol, extra, closed);
  const transport = new TlsTransport(loop, protocol, tls.context, {
    serverSide: true,
    sslHandshakeTimeout: tls.sslHandshakeTimeout,
    sslShutdownTimeout: tls.sslShutdownTimeout,
    onConnectionLost: closed,
  });
  new SocketTransport(loop, fd, transport, extra);
  return transport;
}

/** Each accepted connection as a StreamReader/StreamWriter pair handed to clientConnected (over TLS with `tls`). */
function streamConnection(loop: EventLoop, clientConnected: ClientConnected, limit: number | undefined, tls: ServerTls | null = null): AcceptedConnection {
  return (fd, family, peername, closed) => {
    const reader = new StreamReader({ limit, loop });
    const protocol = new StreamReaderProtocol(reader, loop, { clientConnected });
    return acceptedTransport(loop, fd, family, peername, protocol, tls, closed);
  };
}

function* startServerBody(clientConnected: ClientConnected, host: string | null | undefined, port: number, options: StartServerOptions, tls: ServerTls | null): Generator<unknown, Server, unknown> {
  const loop = getRunningLoop();
  return yield* listenTcp(loop, host, port, options, streamConnection(loop, clientConnected, options.limit, tls));
}

/** The listening options startServer and createServer share. */
export type ListenOptions = Omit<StartServerOptions, 'limit'>;

/**
 * Binds and listens on host:port (every address host resolves to; '' / null / undefined: every
 * interface) and makes the Server that hands accepted connections to `accepted`.
 */
export function* listenTcp(loop: EventLoop, host: string | null | undefined, port: number, options: ListenOptions, accepted: AcceptedConnection): Generator<unknown, Server, unknown> {
  let infos: AddrInfo[];
  if (host === undefined || host === null || host === '') infos = wildcardAddresses(port);
  else {
    const resolved = resolveHost(host, port);
    infos = (Array.isArray(resolved) ? resolved : yield resolved) as AddrInfo[];
  }
  const backlog = options.backlog ?? 100;
  const fds: number[] = [];
  const families: number[] = [];
  let chosenPort = port;
  try {
    for (const info of infos) {
      let fd: number;
      try {
        fd = socket(info.family, C.SOCK_STREAM);
      } catch (err) {
        if (infos.length > 1 && err instanceof OSError && err.errno === C.errno.EAFNOSUPPORT) continue;
        throw err;
      }
      fds.push(fd);
      families.push(info.family);
      if (options.reuseAddress ?? true) setSockOptInt(fd, C.SOL_SOCKET, C.SO_REUSEADDR, 1);
      if (options.reusePort) setSockOptInt(fd, C.SOL_SOCKET, C.SO_REUSEPORT, 1);
      // One socket per family: keep the IPv6 one from also taking IPv4 (as asyncio does).
      if (info.family === C.AF_INET6) setSockOptInt(fd, C.IPPROTO_IPV6, C.IPV6_V6ONLY, 1);
      const address = (chosenPort !== port ? [info.address[0], chosenPort, ...(info.address as readonly unknown[]).slice(2)] : info.address) as SockAddress;
      try {
        bind(fd, info.family, address);
      } catch (err) {
        // A wildcard on a machine without IPv6 (or without IPv4): skip that family.
        if (infos.length > 1 && err instanceof OSError && (err.errno === C.errno.EAFNOSUPPORT || err.errno === C.errno.EADDRNOTAVAIL)) {
          libc.close(fds.pop()!);
          families.pop();
          continue;
        }
        throw err;
      }
      if (port === 0 && chosenPort === 0) chosenPort = (getsockname(fd) as readonly [string, number])[1];
      listen(fd, backlog);
    }
  } catch (err) {
    for (const fd of fds) libc.close(fd);
    throw err;
  }
  const server = new Server(loop, fds, families, accepted, backlog);
  if (options.startServing ?? true) {
    server.startServing();
    yield YIELD; // as asyncio's sleep(0): let the server start before returning it
  }
  return server;
}
