// asyncio's Protocol API: loop.createServer(protocolFactory, host, port) and
// loop.createConnection(protocolFactory, host, port). A protocol's methods are called by its
// transport from the loop's run-once step (a reader callback, a callSoon), never by a task: no
// coroutine, future or task per read, which makes it the cheapest way to serve a socket.
import { Coroutine } from './coroutine';
import type { EventLoop } from './event-loop';
import { Future } from './future';
import { describeValue } from './task';
import * as libc from './sys/libc';
import type { SockAddress } from './sys/sockaddr';
import { connectTcp, setNoDelay, socketExtra, tlsOf, type OpenConnectionOptions } from './streams/open-connection';
import type { Protocol as TransportProtocol } from './streams/protocol';
import { acceptedTransport, listenTcp, serverTlsOf, type ListenOptions, type Server } from './streams/server';
import { SocketTransport } from './streams/socket-transport';
import type { Transport } from './streams/transport';
import { handshakeWaiter, settleHandshake } from './tls/start-tls';
import { TlsTransport } from './tls/tls-transport';

/** What a protocol's methods are handed: the connection's transport (asyncio.Transport): a socket's, or TLS over one. */
export type { Transport };

/**
 * asyncio.Protocol: extend it and override what you need; every method does nothing by default.
 * Called in this order: connectionMade once, dataReceived any number of times, eofReceived at
 * most once (return true to keep the writing side open), connectionLost once (null after a clean
 * close, else the error). pauseWriting/resumeWriting follow the transport's write buffer
 * (above the high-water mark / back at the low one).
 */
export class Protocol implements TransportProtocol {
  connectionMade(_transport: Transport): void {}
  dataReceived(_data: Buffer): void {}
  eofReceived(): boolean {
    return false;
  }
  connectionLost(_exc: Error | null): void {}
  pauseWriting(): void {}
  resumeWriting(): void {}
}

/** Makes the protocol of one connection (asyncio's protocol_factory). */
export type ProtocolFactory<P extends TransportProtocol = TransportProtocol> = () => P;

/** startServer's listening options (backlog, reuseAddress, reusePort, startServing) and TLS (ssl, sslHandshakeTimeout, sslShutdownTimeout). */
export type CreateServerOptions = ListenOptions;

/** TLS for createConnection, as openConnection's: ssl, serverHostname, sslHandshakeTimeout, sslShutdownTimeout. */
export type CreateConnectionOptions = Omit<OpenConnectionOptions, 'limit'>;

const METHODS = ['connectionMade', 'dataReceived', 'eofReceived', 'connectionLost', 'pauseWriting', 'resumeWriting'] as const;

function checkFactory(where: string, factory: unknown): void {
  if (typeof factory !== 'function') throw new TypeError(`${where}: protocolFactory must be a function returning a Protocol, got ${describeValue(factory)}`);
}

/** The factory's protocol, or a TypeError naming the first method it lacks. */
function makeProtocol<P extends TransportProtocol>(where: string, factory: ProtocolFactory<P>): P {
  const protocol = factory();
  for (const m of METHODS) {
    if (typeof (protocol as unknown as Record<string, unknown> | null)?.[m] !== 'function') {
      throw new TypeError(`${where}: protocolFactory() returned ${describeValue(protocol)}, which has no ${m}() method (extend Protocol from 'coroscope': it has them all)`);
    }
  }
  return protocol;
}

/**
 * Listens on host:port and makes a protocol with protocolFactory() for each connection
 * (asyncio's loop.create_server). Options as startServer's (backlog, reuseAddress, reusePort,
 * startServing).
 */
export function createServer<P extends TransportProtocol>(
  loop: EventLoop,
  protocolFactory: ProtocolFactory<P>,
  host?: string | null,
  port = 0,
  options: CreateServerOptions = {},
): Coroutine<Server> {
  checkFactory('createServer()', protocolFactory);
  const tls = serverTlsOf(options);
  const accepted = (fd: number, family: number, peername: SockAddress, closed: () => void): Transport | null => {
    let protocol: P;
    try {
      protocol = makeProtocol('createServer()', protocolFactory);
    } catch (exception) {
      // No protocol, no connection: the client sees it closed; the server goes on accepting.
      libc.close(fd);
      loop.callExceptionHandler({ message: 'Error creating a protocol for an accepted connection', exception });
      return null;
    }
    return acceptedTransport(loop, fd, family, peername, protocol, tls, closed);
  };
  return new Coroutine(listenTcp(loop, host, port, options, accepted), -1, 'createServer');
}

/**
 * Connects to host:port and returns [transport, protocol] once protocol.connectionMade(transport)
 * has run (asyncio's loop.create_connection). With `ssl`, the transport is TLS over the socket and
 * connectionMade runs once the handshake completed; a failed handshake raises its SSLError.
 */
export function createConnection<P extends TransportProtocol>(loop: EventLoop, protocolFactory: ProtocolFactory<P>, host: string, port: number, options: CreateConnectionOptions = {}): Coroutine<[Transport, P]> {
  checkFactory('createConnection()', protocolFactory);
  const tls = tlsOf(options, host);
  return new Coroutine(createConnectionBody(loop, protocolFactory, host, port, tls), -1, 'createConnection');
}

function* createConnectionBody<P extends TransportProtocol>(loop: EventLoop, protocolFactory: ProtocolFactory<P>, host: string, port: number, tls: ReturnType<typeof tlsOf>): Generator<unknown, [Transport, P], unknown> {
  const { fd, family } = yield* connectTcp(loop, host, port);
  let protocol: P;
  try {
    protocol = makeProtocol('createConnection()', protocolFactory);
  } catch (err) {
    libc.close(fd);
    throw err;
  }
  setNoDelay(fd, family);
  let transport: Transport;
  let made: Future<void>;
  if (tls === null) {
    transport = new SocketTransport(loop, fd, protocol, socketExtra(fd, family));
    // The transport calls connectionMade from a callSoon queued above; this one runs after it.
    made = new Future<void>({ loop });
    loop.callSoon(() => made.setResult());
  } else {
    // onHandshake runs after the application's connectionMade, or with the handshake's error.
    made = handshakeWaiter(loop, fd);
    transport = new TlsTransport(loop, protocol, tls.context, {
      serverSide: false,
      serverHostname: tls.serverHostname,
      sslHandshakeTimeout: tls.sslHandshakeTimeout,
      sslShutdownTimeout: tls.sslShutdownTimeout,
      onHandshake: settleHandshake(made),
    });
    new SocketTransport(loop, fd, transport as TlsTransport, socketExtra(fd, family));
  }
  try {
    yield made;
  } catch (err) {
    transport.abort();
    throw err;
  }
  return [transport, protocol];
}
