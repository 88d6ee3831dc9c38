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
import { StreamReaderProtocol } from './stream-protocol';
import { StreamReader } from './stream-reader';
import type { StreamWriter } from './stream-writer';

export interface OpenConnectionOptions {
  /** The reader's buffer limit (default 64 KiB). */
  limit?: number;
}

/** Connects to host:port and returns [reader, writer] (asyncio.open_connection). */
export function openConnection(host: string, port: number, options: OpenConnectionOptions = {}): Coroutine<[StreamReader, StreamWriter]> {
  return new Coroutine(openConnectionBody(host, port, options), -1, 'openConnection');
}

function* openConnectionBody(host: string, port: number, options: OpenConnectionOptions): Generator<unknown, [StreamReader, StreamWriter], unknown> {
  const loop = getRunningLoop();
  const { fd, family } = yield* connectTcp(loop, host, port);
  return yield* wrapSocket(loop, fd, family, options.limit);
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
  return new Coroutine(openUnixConnectionBody(path, options), -1, 'openUnixConnection');
}

function* openUnixConnectionBody(path: string, options: OpenConnectionOptions): Generator<unknown, [StreamReader, StreamWriter], unknown> {
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
  return yield* wrapSocket(loop, fd, C.AF_UNIX, options.limit);
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

/** Wraps a connected fd in a transport with a stream reader and writer; waits for connectionMade. */
export function* wrapSocket(loop: EventLoop, fd: number, family: number, limit?: number): Generator<unknown, [StreamReader, StreamWriter], unknown> {
  setNoDelay(fd, family);
  const reader = new StreamReader({ limit, loop });
  const made = new Future<void>({ loop });
  const protocol = new StreamReaderProtocol(reader, loop, { onConnectionMade: () => made.setResult() });
  const transport = new SocketTransport(loop, fd, protocol, socketExtra(fd, family));
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
