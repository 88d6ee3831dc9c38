// loop.startTls: upgrade a connected transport to TLS in place (asyncio's loop.start_tls), and the
// handshake waiter that openConnection and startTls park a task on (`TLS handshake fd 9`).
import { Coroutine } from '../coroutine';
import type { EventLoop } from '../event-loop';
import { Future, setWaitReason, type WaitReason } from '../future';
import type { Protocol } from '../streams/protocol';
import type { Transport } from '../streams/transport';
import { type SSLContext, type TlsOptions, toContext } from './ssl-context';
import { TlsTransport } from './tls-transport';

export interface StartTlsOptions {
  serverSide?: boolean;
  serverHostname?: string | null;
  sslHandshakeTimeout?: number;
  sslShutdownTimeout?: number;
}

/** A future that the handshake completes; a task awaiting it reads `TLS handshake fd N`. */
export function handshakeWaiter(loop: EventLoop, fd: number): Future<void> {
  const waiter = new Future<void>({ loop });
  setWaitReason(waiter, Object.freeze({ kind: 'fd', fd, events: 'read', op: 'TLS handshake' }) as WaitReason);
  return waiter;
}

/** Settles a handshake waiter from TlsTransport's onHandshake. */
export function settleHandshake(waiter: Future<void>): (err: Error | null) => void {
  return (err) => {
    if (waiter.done()) return;
    if (err) waiter.setException(err);
    else waiter.setResult();
  };
}

/**
 * Wraps `transport` (whose protocol is `protocol`) in TLS and returns the TLS transport once the
 * handshake completed; `protocol` goes on with it, without a second connectionMade. On failure the
 * transport is closed and the handshake's error raised.
 */
export function startTls(loop: EventLoop, transport: Transport, protocol: Protocol, ssl: true | TlsOptions | SSLContext, options: StartTlsOptions = {}): Coroutine<TlsTransport> {
  const serverSide = options.serverSide ?? false;
  const context = toContext(ssl, serverSide);
  return new Coroutine(startTlsBody(loop, transport, protocol, context, { ...options, serverSide }), -1, 'startTls');
}

function* startTlsBody(loop: EventLoop, transport: Transport, protocol: Protocol, context: SSLContext, options: StartTlsOptions & { serverSide: boolean }): Generator<unknown, TlsTransport, unknown> {
  if (transport.isClosing()) throw new TypeError('startTls(): the transport is closing');
  const waiter = handshakeWaiter(loop, transport.fd);
  const tls = new TlsTransport(loop, protocol, context, {
    serverSide: options.serverSide,
    serverHostname: options.serverHostname ?? null,
    sslHandshakeTimeout: options.sslHandshakeTimeout,
    sslShutdownTimeout: options.sslShutdownTimeout,
    callConnectionMade: false,
    onHandshake: settleHandshake(waiter),
  });
  transport.setProtocol(tls);
  tls.connectionMade(transport);
  try {
    yield waiter;
  } catch (err) {
    transport.close();
    throw err;
  }
  return tls;
}
