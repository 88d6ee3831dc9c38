// openConnection: resolve, connect without blocking, and wrap the socket in a reader/writer pair.
import { Coroutine } from '../coroutine';
import type { EventLoop } from '../event-loop';
import { Future } from '../future';
import { getRunningLoop } from '../running';
import { forgetFd, sockConnect } from '../sock-ops';
import { Socket } from '../socket';
import { getpeername, getsockname, setSockOptInt, socket } from '../sys/calls';
import { C } from '../sys/constants';
import { OSError } from '../sys/errors';
import * as libc from '../sys/libc';
import type { SockAddress } from '../sys/sockaddr';
import { resolveHost, type AddrInfo } from './resolve';
import { SocketTransport, type TransportExtra } from './socket-transport';
import { ValueError } from '../errors';
import { handshakeWaiter, settleHandshake } from '../tls/start-tls';
import { type SSLContext, type TlsOptions, toContext } from '../tls/ssl-context';
import { TlsTransport, tlsTimeouts } from '../tls/tls-transport';
import { StreamReaderProtocol } from './stream-protocol';
import { StreamReader } from './stream-reader';
import type { StreamWriter } from './stream-writer';

export interface OpenConnectionOptions {
  /** The reader's buffer limit (default 64 KiB). */
  limit?: number;
  /** TLS: true (the system's CAs, host name checked), TLS options, or an SSLContext. */
  ssl?: true | TlsOptions | SSLContext;
  /** The name the server's certificate must match, and the SNI sent (default: host). */
  serverHostname?: string;
  /** Seconds the TLS handshake may take (default 60). */
  sslHandshakeTimeout?: number;
  /** Seconds close() waits for the server's close_notify (default 30). */
  sslShutdownTimeout?: number;
}

/** What wrapSocket needs to put TLS under the stream: a context and this side's settings. */
export interface WrapTls {
  context: SSLContext;
  serverHostname: string | null;
  sslHandshakeTimeout?: number;
  sslShutdownTimeout?: number;
}

/** @internal The TLS settings of a client's options (validated), or null without ssl; createConnection can share it. */
export function tlsOf(options: OpenConnectionOptions, host: string | null): WrapTls | null {
  if (options.ssl === undefined || (options.ssl as unknown) === false) {
    if (options.serverHostname !== undefined) throw new ValueError('serverHostname is only meaningful with ssl');
    if (options.sslHandshakeTimeout !== undefined) throw new ValueError('sslHandshakeTimeout is only meaningful with ssl');
    if (options.sslShutdownTimeout !== undefined) throw new ValueError('sslShutdownTimeout is only meaningful with ssl');
    return null;
  }
  tlsTimeouts(options);
  const context = toContext(options.ssl, false);
  const serverHostname = options.serverHostname ?? host;
  if (!serverHostname && context.checkHostname) throw new ValueError('You must set serverHostname when using ssl without a host');
  return { context, serverHostname: serverHostname || null, sslHandshakeTimeout: options.sslHandshakeTimeout, sslShutdownTimeout: options.sslShutdownTimeout };
}

/** Connects to host:port and returns [reader, writer] (asyncio.open_connection). */
export function openConnection(host: string, port: number, options: OpenConnectionOptions = {}): Coroutine<[StreamReader, StreamWriter]> {
  const tls = tlsOf(options, host);
  return new Coroutine(openConnectionBody(host, port, options, tls), -1, 'openConnection');
}

function* openConnectionBody(host: string, port: number, options: OpenConnectionOptions, tls: WrapTls | null): Generator<unknown, [StreamReader, StreamWriter], unknown> {
  const loop = getRunningLoop();
  const { fd, family } = yield* connectTcp(loop, host, port);
  return yield* wrapSocket(loop, fd, family, options.limit, tls);
}

/**
 * Resolves host and connects a non-blocking TCP socket to the first address that accepts (the
 * others' errors together if none does). The caller owns the connected fd.
 */
export function* connectTcp(loop: EventLoop, host: string, port: number): Generator<unknown, { fd: number; family: number }, unknown> {
  const resolved = resolveHost(host, port);
  const infos = (Array.isArray(resolved) ? resolved : yield resolved) as AddrInfo[];
  if (infos.length === 0) throw new OSError(C.errno.ENOENT, `getaddrinfo() returned empty list for ${host}`);
  const errors: unknown[] = [];
  for (const info of infos) {
    const fd = socket(info.family, C.SOCK_STREAM);
    let connected = false;
    try {
      yield sockConnect(loop, fd, info.address);
      connected = true;
    } catch (err) {
      errors.push(err);
      if (!(err instanceof OSError)) throw err; // cancelled, or a bug: do not try the next address
    } finally {
      forgetFd(fd); // the transport watches it from now on (or it is closed)
      if (!connected) libc.close(fd);
    }
    if (connected) return { fd, family: info.family };
  }
  if (errors.length === 1 || errors.every((e) => String(e) === String(errors[0]))) throw errors[0];
  throw new OSError(0, `Multiple exceptions: ${errors.map((e) => (e as Error).message).join(', ')}`);
}

/** Connects to a Unix-domain stream socket at path and returns [reader, writer] (asyncio.open_unix_connection). */
export function openUnixConnection(path: string, options: OpenConnectionOptions = {}): Coroutine<[StreamReader, StreamWriter]> {
  if (typeof path !== 'string' || path === '') throw new TypeError(`openUnixConnection(): path must be a non-empty string, got ${JSON.stringify(path)}`);
  const tls = tlsOf(options, null);
  return new Coroutine(openUnixConnectionBody(path, options, tls), -1, 'openUnixConnection');
}

function* openUnixConnectionBody(path: string, options: OpenConnectionOptions, tls: WrapTls | null): Generator<unknown, [StreamReader, StreamWriter], unknown> {
  const loop = getRunningLoop();
  const fd = socket(C.AF_UNIX, C.SOCK_STREAM);
  let connected = false;
  try {
    yield sockConnect(loop, fd, path);
    connected = true;
  } finally {
    forgetFd(fd);
    if (!connected) libc.close(fd);
  }
  return yield* wrapSocket(loop, fd, C.AF_UNIX, options.limit, tls);
}

/** The extra info of a connected socket, read once (after close the kernel no longer knows it). */
export function socketExtra(fd: number, family: number, peername?: SockAddress): TransportExtra {
  const extra: TransportExtra = { fd };
  try {
    extra.sockname = getsockname(fd);
  } catch {
    // not bound: leave it out, as asyncio does
  }
  try {
    extra.peername = peername ?? getpeername(fd);
  } catch {
    // not connected (the peer is already gone)
  }
  // The Python-shaped socket over the same fd (non-blocking already). The transport owns the fd:
  // close the writer, not this socket.
  extra.socket = new Socket(fd, family, C.SOCK_STREAM, 0, false, true);
  return extra;
}

/**
 * Wraps a connected fd in a transport with a stream reader and writer (TLS between them when `tls`
 * says so); waits for connectionMade (after the TLS handshake, whose error it raises).
 */
export function* wrapSocket(loop: EventLoop, fd: number, family: number, limit?: number, tls: WrapTls | null = null): Generator<unknown, [StreamReader, StreamWriter], unknown> {
  setNoDelay(fd, family);
  const reader = new StreamReader({ limit, loop });
  const made = tls ? handshakeWaiter(loop, fd) : new Future<void>({ loop });
  const protocol = new StreamReaderProtocol(reader, loop, { onConnectionMade: () => made.setResult() });
  const outer = tls
    ? new TlsTransport(loop, protocol, tls.context, {
        serverSide: false,
        serverHostname: tls.serverHostname,
        sslHandshakeTimeout: tls.sslHandshakeTimeout,
        sslShutdownTimeout: tls.sslShutdownTimeout,
        onHandshake: settleHandshake(made),
      })
    : protocol;
  const transport = new SocketTransport(loop, fd, outer, socketExtra(fd, family));
  try {
    yield made;
  } catch (err) {
    transport.abort();
    throw err;
  }
  return [reader, protocol.writer!];
}

/** TCP_NODELAY, as asyncio sets on every TCP transport: small writes go out at once. */
export function setNoDelay(fd: number, family?: number): void {
  if (family === C.AF_UNIX) return;
  try {
    setSockOptInt(fd, C.IPPROTO_TCP, C.TCP_NODELAY, 1);
  } catch {
    // not TCP (AF_UNIX): nothing to set
  }
}
