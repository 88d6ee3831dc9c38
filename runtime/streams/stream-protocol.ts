// The protocol that feeds a StreamReader and gives a StreamWriter its flow control
// (asyncio's StreamReaderProtocol with FlowControlMixin).
import { Coroutine } from '../coroutine';
import type { EventLoop } from '../event-loop';
import { Future, markRetrieved, setWaitReason, type WaitReason } from '../future';
import { describeAddress } from '../sys/calls';
import { C } from '../sys/constants';
import type { SockAddress } from '../sys/sockaddr';
import { ConnectionResetError } from '../sys/errors';
import type { Task } from '../task';
import type { Protocol } from './protocol';
import type { Transport } from './transport';
import { StreamReader } from './stream-reader';
import { StreamWriter } from './stream-writer';

/** What startServer calls for each connection; a returned coroutine runs as a task. */
export type ClientConnected = (reader: StreamReader, writer: StreamWriter) => unknown;

/**
 * Invariant: #drainWaiters holds pending futures only while #paused (the transport's buffer is
 * above its high-water mark); after connection-lost, #closed is done and no waiter is left pending.
 */
export class StreamReaderProtocol implements Protocol {
  readonly #loop: EventLoop;
  #reader: StreamReader | null;
  #writer: StreamWriter | null = null;
  #transport: Transport | null = null;
  readonly #clientConnected: ClientConnected | null;
  readonly #onConnectionMade: ((p: StreamReaderProtocol) => void) | null;
  #task: Task<unknown> | null = null;
  #paused = false;
  #lost = false;
  #drainWaiters: Future<void>[] = [];
  readonly #closed: Future<void>;
  #ready: Future<void> | null = null;
  #drainReason: WaitReason = { kind: 'other', what: 'drain' };

  constructor(
    reader: StreamReader,
    loop: EventLoop,
    options: { clientConnected?: ClientConnected; onConnectionMade?: (p: StreamReaderProtocol) => void } = {},
  ) {
    this.#reader = reader;
    this.#loop = loop;
    this.#clientConnected = options.clientConnected ?? null;
    this.#onConnectionMade = options.onConnectionMade ?? null;
    this.#closed = new Future<void>({ loop });
  }

  get transport(): Transport | null {
    return this.#transport;
  }

  get writer(): StreamWriter | null {
    return this.#writer;
  }

  /** The task running the client-connected callback, when it returned a coroutine. */
  get task(): Task<unknown> | null {
    return this.#task;
  }

  connectionMade(transport: Transport): void {
    this.#transport = transport;
    this.#drainReason = Object.freeze({ kind: 'fd', fd: transport.fd, events: 'write', op: 'drain' }) as WaitReason;
    this.#reader?.setTransport(transport);
    this.#writer = new StreamWriter(transport, this, this.#reader, this.#loop);
    this.#onConnectionMade?.(this);
    const cb = this.#clientConnected;
    if (cb === null) return;
    const res = cb(this.#reader!, this.#writer);
    if (res instanceof Coroutine) {
      // Named after its peer (`serveConnection 127.0.0.1:50772`), so a debugger or a task dump tells
      // which client each connection's task serves; asyncio leaves it `Task-N`.
      const peer = transport.getExtraInfo<SockAddress>('peername');
      const task = this.#loop.createTask(res, peer !== undefined && peer !== '' ? { name: `${res.name} ${describeAddress(peer)}` } : {});
      this.#task = task;
      // The transport now: after writer.startTls() it is the TLS one (close() sends close_notify).
      task.addDoneCallback(() => {
        const current = this.#transport ?? transport;
        if (task.cancelled()) {
          current.close();
          return;
        }
        const exc = task.exception();
        if (exc !== null) {
          this.#loop.callExceptionHandler({ message: 'Unhandled exception in client_connected_cb', exception: exc, transport: current });
          current.close();
        }
      });
    }
  }

  /** @internal A server's connection (startTls handshakes as the server). */
  _isServerSide(): boolean {
    return this.#clientConnected !== null;
  }

  /** @internal startTls: the reader and writer go on through the TLS transport. */
  _replaceTransport(transport: Transport): void {
    this.#transport = transport;
    this.#reader?._replaceTransport(transport);
  }

  dataReceived(data: Buffer): void {
    this.#reader?._received(data);
  }

  eofReceived(): boolean {
    this.#reader?.feedEof();
    return true;
  }

  connectionLost(exc: Error | null): void {
    const reader = this.#reader;
    if (reader !== null) {
      if (exc === null) reader.feedEof();
      else reader.setException(exc);
    }
    if (!this.#closed.done()) {
      if (exc === null) this.#closed.setResult();
      else {
        this.#closed.setException(exc);
        markRetrieved(this.#closed); // waitClosed() is optional: an unwatched loss is not an error
      }
    }
    this.#lost = true;
    this.#paused = false;
    const waiters = this.#drainWaiters;
    this.#drainWaiters = [];
    for (const w of waiters) {
      if (w.done()) continue;
      if (exc === null) w.setResult();
      else w.setException(exc);
    }
    this.#reader = null;
  }

  pauseWriting(): void {
    this.#paused = true;
  }

  resumeWriting(): void {
    this.#paused = false;
    const waiters = this.#drainWaiters;
    this.#drainWaiters = [];
    for (const w of waiters) if (!w.done()) w.setResult();
  }

  /** @internal A future that completes when writing may go on (done at once when not paused). */
  _drainHelper(): Future<void> {
    if (this.#lost) {
      const f = new Future<void>({ loop: this.#loop });
      f.setException(new ConnectionResetError(C.errno.ECONNRESET, 'Connection lost'));
      return f;
    }
    if (!this.#paused) {
      // One completed future serves every unpaused drain(): awaiting it does not suspend.
      if (this.#ready === null) {
        this.#ready = new Future<void>({ loop: this.#loop });
        this.#ready.setResult();
      }
      return this.#ready;
    }
    const waiter = new Future<void>({ loop: this.#loop });
    setWaitReason(waiter, this.#drainReason);
    this.#drainWaiters.push(waiter);
    return waiter;
  }

  /** @internal Completes when the connection is lost (with its error, if one ended it). */
  _closedFuture(): Future<void> {
    return this.#closed;
  }
}
