// A connected non-blocking stream socket driven by the loop (asyncio's _SelectorSocketTransport),
// shaped for cost per request (PERF-NOTES.md):
// - the socket stays registered for reading while the transport is open: one epoll registration
//   for its whole life, and the loop's reader handle is reused for every readiness event;
// - one recv() per readiness event, into memory shared by every transport (receive-memory.ts):
//   the protocol gets a view when that is cheap and pins little, else a copy;
// - write() tries send() at once and buffers only what the kernel did not take; writer interest is
//   added only while that buffer is non-empty (EPOLL_CTL_MOD, not a new registration).
// Under the io_uring selector (uring-selector.ts) the ring does both instead: the selector receives
// for the transport (takeReceived), and write() copies what it is given into send memory and
// queues one send the loop's next wait submits, one at a time; what is written meanwhile is
// buffered and goes in the next send. No system call per read or write.
import type { EventLoop } from '../event-loop';
import { RuntimeError } from '../errors';
import { log } from '../log';
import { C } from '../sys/constants';
import { errorFromErrno, OSError } from '../sys/errors';
import * as libc from '../sys/libc';
import type { Protocol } from './protocol';
import { isReceiving, type Receiver, type ReceivingSelector } from '../selectors/uring-selector';
import { receive, receivedAddress, sendDone, stage, stagedPool, STAGE_MAX, type SendPool } from './receive-memory';
import type { Transport } from './transport';

const EAGAIN = -C.errno.EAGAIN;
const EINTR = -C.errno.EINTR;
/** Pending small writes are joined into one send() of at most this many bytes. */
const COALESCE = 64 * 1024;
/** After this many write() calls on a lost connection, say so once (asyncio's LOG_THRESHOLD_FOR_CONNLOST_WRITES). */
const LOST_WRITES_WARNING = 5;

export const DEFAULT_HIGH_WATER = 64 * 1024;

/** Addresses and objects getExtraInfo() answers for. */
export interface TransportExtra {
  peername?: unknown;
  sockname?: unknown;
  socket?: unknown;
  [name: string]: unknown;
}

/**
 * Owns one connected socket fd until connection-lost.
 * Invariant: the fd is registered for reading exactly while #reading; for writing exactly while
 * #wbufSize > 0 and the connection is not lost; #protocolPaused is true exactly when the buffer went
 * above the high-water mark and has not since fallen to the low one; once #lost, the fd is closed
 * (or about to be, by the connection-lost callback already scheduled) and nothing is registered.
 */
export class SocketTransport implements Transport {
  readonly #loop: EventLoop;
  readonly #fd: number;
  #protocol: Protocol;
  readonly #extra: TransportExtra;
  #reading = false;
  #readingPaused = false;
  #eofReceived = false;
  #closing = false;
  #eofSent = false;
  #lost = false;
  #lostWrites = 0;
  #fdClosed = false;
  /** The size of the last read (1 before the first: a connection starts with small reads). */
  #lastRead = 1;
  #wbuf: Uint8Array[] = [];
  #wbufSize = 0;
  #high = DEFAULT_HIGH_WATER;
  #low = DEFAULT_HIGH_WATER / 4;
  #protocolPaused = false;
  readonly #onReadable: () => void;
  readonly #onWritable: () => void;
  readonly #closed: (() => void) | undefined;
  /** The loop's selector when it receives for us (io_uring): reads then cost no system call. */
  readonly #receiving: ReceivingSelector | null;
  readonly #receiver: Receiver | null;
  /** Under the ring: the bytes of the send in flight (0: none), where they are, and their memory. */
  #inflight = 0;
  #inflightAddr = 0;
  #inflightMemory: ArrayBufferLike | null = null;
  /** The send memory the send in flight was staged in (null: our own copy of a large write). */
  #inflightPool: SendPool | null = null;
  #resumeScheduled = false;

  /** `closed` is called once connection-lost has run and the fd is closed (a server's bookkeeping). */
  constructor(loop: EventLoop, fd: number, protocol: Protocol, extra: TransportExtra = {}, closed?: () => void) {
    this.#loop = loop;
    this.#closed = closed;
    this.#fd = fd;
    this.#protocol = protocol;
    this.#extra = extra;
    const selector = loop.selector;
    const receiving = isReceiving(selector) ? selector : null;
    this.#receiver = receiving !== null ? receiving.startReceiving(fd, (res) => this.#sent(res)) : null;
    this.#receiving = this.#receiver !== null ? receiving : null;
    // One function each for the life of the transport; `description` names them in the debugger's
    // readers/writers lists and in slow-callback warnings.
    this.#onReadable = Object.assign(() => this.#readReady(), { description: () => `SocketTransport.readReady(fd ${fd})`, label: 'reads into its stream (no task waiting for data)' });
    this.#onWritable = Object.assign(() => this.#writeReady(), { description: () => `SocketTransport.writeReady(fd ${fd})`, label: 'sends its buffered data' });
    loop.callSoon(() => this.#start());
  }

  #start(): void {
    if (this.#lost) return;
    this.#protocol.connectionMade(this);
    if (!this.#closing && !this.#readingPaused) this.#addReader();
  }

  get fd(): number {
    return this.#fd;
  }

  get protocol(): Protocol {
    return this.#protocol;
  }

  setProtocol(protocol: Protocol): void {
    this.#protocol = protocol;
  }

  /** asyncio's get_protocol(). */
  getProtocol(): Protocol {
    return this.#protocol;
  }

  getExtraInfo<T = unknown>(name: string, fallback?: T): T | undefined {
    return name in this.#extra ? (this.#extra[name] as T) : fallback;
  }

  isClosing(): boolean {
    return this.#closing;
  }

  isReading(): boolean {
    return !this.#readingPaused && !this.#closing;
  }

  // ---- reading ------------------------------------------------------------------------------

  #addReader(): void {
    if (this.#reading || this.#eofReceived || this.#lost) return;
    this.#loop.addReader(this.#fd, this.#onReadable);
    this.#reading = true;
  }

  #removeReader(): void {
    if (!this.#reading) return;
    this.#reading = false;
    this.#loop.removeReader(this.#fd);
  }

  /** Stops reading until resumeReading() (the reader's buffer is full). */
  pauseReading(): void {
    if (this.#closing || this.#readingPaused) return;
    this.#readingPaused = true;
    this.#removeReader();
  }

  resumeReading(): void {
    if (this.#closing || !this.#readingPaused) return;
    this.#readingPaused = false;
    this.#addReader();
  }

  #readReady(): void {
    const data = this.#receiver !== null ? this.#receiving!.takeReceived(this.#receiver) : receive(this.#fd, this.#lastRead);
    if (data === undefined) return;
    if (typeof data !== 'number') {
      this.#lastRead = data.length;
      this.#protocol.dataReceived(data);
      return;
    }
    if (data === 0) {
      this.#readEof();
      return;
    }
    // EAGAIN: another reader of the fd got there first, or a spurious wake-up. EINTR: retry on the
    // next readiness event (the socket is still readable, so that is the next iteration).
    if (data === EAGAIN || data === EINTR) return;
    this.#fatalError(errorFromErrno(-data, 'recv', `fd ${this.#fd}`), 'Fatal read error on socket transport');
  }

  #readEof(): void {
    this.#eofReceived = true;
    this.#removeReader();
    let keepOpen: boolean;
    try {
      keepOpen = this.#protocol.eofReceived();
    } catch (err) {
      this.#fatalError(err, 'Fatal error: protocol.eofReceived() call failed.');
      return;
    }
    if (!keepOpen) this.close();
  }

  // ---- writing ------------------------------------------------------------------------------

  /** Sends data now if the kernel takes it, else buffers what is left (strings are sent as UTF-8). */
  write(data: Uint8Array | string): void {
    if (this.#eofSent) throw new RuntimeError('Cannot call write() after writeEof()');
    if (typeof data === 'string') data = Buffer.from(data, 'utf8');
    else if (!(data instanceof Uint8Array)) throw new TypeError(`data argument must be a Uint8Array or a string, not ${typeof data}`);
    const len = data.length;
    if (len === 0) return;
    if (this.#lost || this.#fdClosed) {
      if (++this.#lostWrites === LOST_WRITES_WARNING) log('socket.send() raised exception.');
      return;
    }
    if (this.#receiver !== null) this.#ringWrite(data, len);
    else if (this.#wbufSize === 0) {
      // The common case: the kernel takes it all, nothing is buffered, no writer interest.
      const n = this.#sendNow(data, len);
      if (n === len || n < 0) return;
      // A partial send: keep a copy of the rest (the caller may reuse its buffer) and wait for writability.
      this.#wbuf.push(Buffer.from(data.subarray(n)));
      this.#wbufSize = len - n;
      this.#loop.addWriter(this.#fd, this.#onWritable);
    } else {
      this.#wbuf.push(Buffer.from(data));
      this.#wbufSize += len;
    }
    this.#maybePauseProtocol();
  }

  /** One send(2) now: the bytes the kernel took (0 if it would block), or -1 after a fatal error (reported). */
  #sendNow(data: Uint8Array, len: number): number {
    const at = receivedAddress(data);
    const n = at >= 0 ? libc.sendAt(this.#fd, at, len) : libc.send(this.#fd, data, len, 0);
    if (n >= 0) return n;
    if (n === EAGAIN || n === EINTR) return 0;
    this.#fatalError(errorFromErrno(-n, 'send', `fd ${this.#fd}`), 'Fatal write error on socket transport');
    return -1;
  }

  /** write() under the ring: a copy sent by the next wait, or buffered behind the send in flight. */
  #ringWrite(data: Uint8Array, len: number): void {
    if (this.#inflight > 0 || this.#wbufSize > 0) {
      this.#wbuf.push(Buffer.from(data));
      this.#wbufSize += len;
      return;
    }
    if (len <= STAGE_MAX) {
      const addr = stage(data);
      this.#submitStaged(addr, len);
      return;
    }
    // A large write: what the kernel takes now goes at once, as on epoll; the ring sends the rest.
    const n = this.#sendNow(data, len);
    if (n === len || n < 0) return;
    this.#wbuf.push(Buffer.from(data.subarray(n)));
    this.#wbufSize = len - n;
    this.#sendBuffered();
  }

  #submitStaged(addr: number, len: number): void {
    const pool = stagedPool();
    this.#inflightPool = pool;
    this.#submit(pool.memory, addr, len);
  }

  /** The send in flight is over (sent, failed or cancelled). */
  #sendOver(): void {
    this.#inflight = 0;
    this.#inflightMemory = null;
    const pool = this.#inflightPool;
    if (pool !== null) {
      this.#inflightPool = null;
      sendDone(pool);
    }
  }

  #submit(memory: ArrayBufferLike, addr: number, len: number): void {
    this.#inflight = len;
    this.#inflightAddr = addr;
    this.#inflightMemory = memory;
    this.#receiving!.send(this.#receiver!, memory, addr, len);
  }

  /** Sends the buffered writes (small ones joined, up to COALESCE bytes) as the next send. */
  #sendBuffered(): void {
    const wbuf = this.#wbuf;
    let k = 1;
    let total = wbuf[0]!.length;
    while (k < wbuf.length && total + wbuf[k]!.length <= COALESCE) total += wbuf[k++]!.length;
    if (k === 1 && total <= STAGE_MAX) {
      const addr = stage(wbuf[0]!);
      this.#submitStaged(addr, total);
    } else if (k === 1) {
      // Our own copy, larger than V8 ever keeps in its heap: it does not move.
      this.#submit(wbuf[0]!.buffer, libc.addressOf(wbuf[0]!), total);
    } else {
      const joined = Buffer.allocUnsafeSlow(total);
      let off = 0;
      for (let i = 0; i < k; i++) {
        joined.set(wbuf[i]!, off);
        off += wbuf[i]!.length;
      }
      this.#submit(joined.buffer, libc.addressOf(joined), total);
    }
    wbuf.splice(0, k);
    this.#wbufSize -= total;
  }

  /** A send's result, during the selector's wait: no program code runs here (callSoon for that). */
  #sent(res: number): void {
    if (this.#lost) {
      this.#sendOver();
      return;
    }
    if (res < 0) {
      this.#sendOver();
      this.#wbuf = [];
      this.#wbufSize = 0;
      this.#fatalError(errorFromErrno(-res, 'send', `fd ${this.#fd}`), 'Fatal write error on socket transport');
      return;
    }
    if (res < this.#inflight) {
      // A partial send: the rest, from where it stopped.
      this.#submit(this.#inflightMemory!, this.#inflightAddr + res, this.#inflight - res);
      return;
    }
    this.#sendOver();
    if (this.#wbufSize > 0) this.#sendBuffered();
    if (this.#protocolPaused && !this.#resumeScheduled && this.getWriteBufferSize() <= this.#low) {
      this.#resumeScheduled = true;
      this.#loop.callSoon(() => {
        this.#resumeScheduled = false;
        this.#maybeResumeProtocol();
      });
    }
    if (this.#inflight > 0) return;
    if (this.#closing) this.#scheduleConnectionLost(null);
    else if (this.#eofSent) libc.shutdown(this.#fd, C.SHUT_WR);
  }

  writelines(list: Iterable<Uint8Array | string>): void {
    const parts: Uint8Array[] = [];
    for (const d of list) parts.push(typeof d === 'string' ? Buffer.from(d, 'utf8') : d);
    if (parts.length === 1) this.write(parts[0]!);
    else if (parts.length > 1) this.write(Buffer.concat(parts));
  }

  #writeReady(): void {
    if (this.#lost || this.#wbufSize === 0) return;
    const wbuf = this.#wbuf;
    let chunk = wbuf[0]!;
    if (wbuf.length > 1 && chunk.length < COALESCE) {
      // Join small pending writes so one send() carries them (there is no writev here).
      let k = 1;
      let total = chunk.length;
      while (k < wbuf.length && total + wbuf[k]!.length <= COALESCE) total += wbuf[k++]!.length;
      if (k > 1) {
        chunk = Buffer.concat(wbuf.slice(0, k), total);
        wbuf.splice(0, k, chunk);
      }
    }
    const n = libc.send(this.#fd, chunk, chunk.length, 0);
    if (n < 0) {
      if (n === EAGAIN || n === EINTR) return;
      this.#loop.removeWriter(this.#fd);
      this.#wbuf = [];
      this.#wbufSize = 0;
      this.#fatalError(errorFromErrno(-n, 'send', `fd ${this.#fd}`), 'Fatal write error on socket transport');
      return;
    }
    // A partial send keeps the unsent tail as the first chunk (a view: it is our own copy).
    if (n === chunk.length) wbuf.shift();
    else wbuf[0] = chunk.subarray(n);
    this.#wbufSize -= n;
    this.#maybeResumeProtocol();
    if (this.#wbufSize > 0) return;
    this.#loop.removeWriter(this.#fd);
    if (this.#closing) this.#scheduleConnectionLost(null);
    else if (this.#eofSent) libc.shutdown(this.#fd, C.SHUT_WR);
  }

  /** Bytes written but not yet taken by the kernel. */
  getWriteBufferSize(): number {
    return this.#wbufSize + this.#inflight;
  }

  getWriteBufferLimits(): [low: number, high: number] {
    return [this.#low, this.#high];
  }

  /** asyncio's set_write_buffer_limits: high defaults to 64 KiB, low to high / 4. */
  setWriteBufferLimits(high?: number, low?: number): void {
    const h = high ?? (low === undefined ? DEFAULT_HIGH_WATER : 4 * low);
    const l = low ?? Math.floor(h / 4);
    if (!(h >= l && l >= 0)) throw new RangeError(`high (${h}) must be >= low (${l}) must be >= 0`);
    this.#high = h;
    this.#low = l;
    this.#maybePauseProtocol();
  }

  #maybePauseProtocol(): void {
    if (this.#protocolPaused || this.getWriteBufferSize() <= this.#high) return;
    this.#protocolPaused = true;
    try {
      this.#protocol.pauseWriting();
    } catch (err) {
      this.#loop.callExceptionHandler({ message: 'protocol.pauseWriting() failed', exception: err });
    }
  }

  #maybeResumeProtocol(): void {
    if (!this.#protocolPaused || this.getWriteBufferSize() > this.#low) return;
    this.#protocolPaused = false;
    try {
      this.#protocol.resumeWriting();
    } catch (err) {
      this.#loop.callExceptionHandler({ message: 'protocol.resumeWriting() failed', exception: err });
    }
  }

  canWriteEof(): boolean {
    return true;
  }

  /** Shuts down the writing side once the buffer is flushed; reading goes on (half-close). */
  writeEof(): void {
    if (this.#closing || this.#eofSent) return;
    this.#eofSent = true;
    if (this.getWriteBufferSize() === 0 && !this.#lost) libc.shutdown(this.#fd, C.SHUT_WR);
  }

  // ---- closing ------------------------------------------------------------------------------

  /** Stops reading now; closes once the write buffer is flushed; connectionLost(null) follows. */
  close(): void {
    if (this.#closing) return;
    this.#closing = true;
    this.#removeReader();
    if (this.getWriteBufferSize() === 0) this.#scheduleConnectionLost(null);
  }

  /** Closes at once, dropping buffered data. */
  abort(): void {
    this.#forceClose(null);
  }

  #fatalError(exc: unknown, message: string): void {
    // Connection errors (reset, broken pipe, ...) are the peer's doing: the protocol hears of them
    // through connectionLost; anything else is a bug worth reporting.
    if (!(exc instanceof OSError)) this.#loop.callExceptionHandler({ message, exception: exc, transport: this, protocol: this.#protocol });
    this.#forceClose(exc instanceof Error ? exc : new Error(String(exc)));
  }

  #forceClose(exc: Error | null): void {
    if (this.#lost) return;
    if (this.#wbufSize > 0) {
      this.#wbuf = [];
      this.#wbufSize = 0;
      if (this.#receiver === null) this.#loop.removeWriter(this.#fd);
    }
    if (this.#inflight > 0) {
      // Its result still comes (to #sent, which then lets its memory go).
      this.#receiving!.cancelSend(this.#receiver!);
      this.#inflight = 0;
    }
    if (!this.#closing) {
      this.#closing = true;
      this.#removeReader();
    }
    this.#scheduleConnectionLost(exc);
  }

  #scheduleConnectionLost(exc: Error | null): void {
    if (this.#lost) return;
    this.#lost = true;
    this.#loop.callSoon(() => this.#callConnectionLost(exc));
  }

  #callConnectionLost(exc: Error | null): void {
    try {
      this.#protocol.connectionLost(exc);
    } finally {
      // Unregistered already (close/forceClose removed reader and writer): closing the fd now
      // cannot leave a stale registration behind in the selector.
      if (!this.#fdClosed) {
        this.#fdClosed = true;
        // The socket object of getExtraInfo('socket') lets go of the fd first, so it can never
        // close the number again once the kernel reuses it.
        (this.#extra.socket as { detach?: () => number } | undefined)?.detach?.();
        if (this.#receiver !== null) this.#receiving!.stopReceiving(this.#receiver);
        libc.close(this.#fd);
        this.#closed?.();
      }
    }
  }

  toString(): string {
    return `<SocketTransport fd=${this.#fd}${this.#closing ? ' closing' : ''}${this.#reading ? ' read=polling' : ''}${this.getWriteBufferSize() ? ` write=<${this.#receiver !== null ? 'sending' : 'polling'}, bufsize=${this.getWriteBufferSize()}>` : ''}>`;
  }
}
