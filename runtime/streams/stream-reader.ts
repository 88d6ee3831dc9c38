// The reading half of a stream (asyncio.StreamReader). Each read method returns a Future that the
// arriving data completes directly: no coroutine frame per read, and when a read is already waiting
// the bytes go from the transport's receive buffer into the result with one copy.
import { Coroutine } from '../coroutine';
import { IncompleteReadError, LimitOverrunError, RuntimeError, ValueError } from '../errors';
import type { EventLoop } from '../event-loop';
import { Future, setWaitReason, type WaitReason } from '../future';
import { getRunningLoop } from '../running';
import { COPY_BELOW } from './receive-memory';
import type { Transport } from './transport';

export const DEFAULT_LIMIT = 64 * 1024;
const EMPTY = Buffer.alloc(0);
const NEWLINE = Buffer.from('\n');

const enum Want {
  None,
  /** read(n): up to n bytes, as soon as there is one. */
  Some,
  /** read(): everything until EOF. */
  All,
  /** readexactly(n). */
  Exactly,
  /** readuntil(sep) (and readline, with #lineMode). */
  Until,
}

export interface StreamReaderOptions {
  /** The buffer limit for readuntil/readline, and the level (twice it) at which reading pauses. */
  limit?: number;
  loop?: EventLoop;
}

/**
 * Invariant: #buf[#start..#end) holds the bytes received and not yet read; at most one read is
 * pending (#waiter, with #want saying what completes it), and it is pending only while the buffer
 * cannot satisfy it; reading is paused only while no read is pending and more than 2 × limit
 * bytes are buffered.
 */
export class StreamReader {
  readonly #limit: number;
  readonly #loop: EventLoop;
  readonly #futureOptions: { loop: EventLoop };
  #buf: Buffer = EMPTY;
  #start = 0;
  #end = 0;
  #eof = false;
  #exception: Error | null = null;
  #transport: Transport | null = null;
  #paused = false;
  /**
   * The pending read. Completed with a returnable result (Future._setReturnableResult): if its task
   * is cancelled before it resumes to take the bytes, they come back through _takeBack.
   */
  #waiter: Future<Buffer> | null = null;
  #want = Want.None;
  #n = 0;
  #sep: Buffer = NEWLINE;
  #lineMode = false;
  /** How far readuntil has already searched the buffer for its separator (asyncio's offset). */
  #searched = 0;
  #reason: WaitReason = { kind: 'other', what: 'StreamReader data' };

  constructor(options: StreamReaderOptions = {}) {
    const limit = options.limit ?? DEFAULT_LIMIT;
    if (!(limit > 0)) throw new ValueError('Limit cannot be <= 0');
    this.#limit = limit;
    this.#loop = options.loop ?? getRunningLoop();
    this.#futureOptions = { loop: this.#loop };
  }

  get limit(): number {
    return this.#limit;
  }

  /** @internal The transport to pause and resume, and whose fd reads wait on. */
  setTransport(transport: Transport): void {
    if (this.#transport !== null) throw new RuntimeError('Transport already set');
    this.#transport = transport;
    this.#reason = Object.freeze({ kind: 'fd', fd: transport.fd, events: 'read', op: 'recv' }) as WaitReason; // shown as `recv fd 9`
  }

  /** @internal startTls: reads go on through the TLS transport (same fd). */
  _replaceTransport(transport: Transport): void {
    this.#transport = transport;
  }

  exception(): Error | null {
    return this.#exception;
  }

  /** True when EOF was fed and every byte was read. */
  atEof(): boolean {
    return this.#eof && this.#end === this.#start;
  }

  setException(exc: Error): void {
    this.#exception = exc;
    const w = this.#takeWaiter();
    if (w !== null) w.setException(exc);
  }

  feedEof(): void {
    this.#eof = true;
    if (this.#pending()) this.#evaluate();
  }

  /** Appends bytes as if they had arrived (copied: the caller may reuse its buffer). */
  feedData(data: Uint8Array): void {
    if (data.length > 0) this._received(Buffer.from(data));
  }

  /** @internal data arrived; it is ours to keep (the transport never writes those bytes again). */
  _received(data: Buffer): void {
    if (this.#eof) throw new RuntimeError('feedData after feedEof');
    const n = data.length;
    if (n === 0) return;
    if (this.#pending() && this.#end === this.#start && this.#direct(data, n)) return;
    this.#append(data, 0, n);
    if (this.#pending()) this.#evaluate();
    if (!this.#paused && this.#transport !== null && this.#waiter === null && this.#end - this.#start > 2 * this.#limit) {
      this.#paused = true;
      this.#transport.pauseReading();
    }
  }

  // ---- the read methods ---------------------------------------------------------------------

  /** Up to n bytes (n < 0: everything until EOF); an empty buffer at EOF. */
  read(n = -1): Future<Buffer> {
    if (this.#exception !== null) return this.#failed(this.#exception);
    if (n === 0) return this.#done(EMPTY);
    if (n < 0) {
      if (this.#eof) return this.#done(this.#take(this.#end - this.#start));
      return this.#wait('read', Want.All, 0);
    }
    const size = this.#end - this.#start;
    if (size > 0) return this.#done(this.#take(size < n ? size : n));
    if (this.#eof) return this.#done(EMPTY);
    return this.#wait('read', Want.Some, n);
  }

  /** Exactly n bytes; IncompleteReadError (with the bytes that did arrive) if EOF comes first. */
  readexactly(n: number): Future<Buffer> {
    if (n < 0) throw new ValueError('readexactly size can not be less than zero');
    if (this.#exception !== null) return this.#failed(this.#exception);
    if (n === 0) return this.#done(EMPTY);
    const size = this.#end - this.#start;
    if (size >= n) return this.#done(this.#take(n));
    if (this.#eof) return this.#failed(new IncompleteReadError(this.#take(size), n));
    return this.#wait('readexactly', Want.Exactly, n);
  }

  /**
   * Bytes up to and including the separator. LimitOverrunError when it is not found within the
   * limit (the data stays buffered); IncompleteReadError with everything left if EOF comes first.
   */
  readuntil(separator: Uint8Array | string = NEWLINE): Future<Buffer> {
    const sep = typeof separator === 'string' ? Buffer.from(separator, 'utf8') : Buffer.from(separator.buffer, separator.byteOffset, separator.length);
    if (sep.length === 0) throw new ValueError('Separator should be at least one-byte string');
    return this.#until('readuntil', sep, false);
  }

  /**
   * One line, '\n' included; at EOF the partial last line, then an empty buffer. A line longer
   * than the limit is dropped and raises ValueError, as asyncio's readline does.
   */
  readline(): Future<Buffer> {
    return this.#until('readline', NEWLINE, true);
  }

  #until(fn: string, sep: Buffer, lineMode: boolean): Future<Buffer> {
    if (this.#exception !== null) return this.#failed(this.#exception);
    const fut = this.#wait(fn, Want.Until, 0);
    this.#sep = sep;
    this.#lineMode = lineMode;
    this.#searched = 0;
    this.#evaluate();
    return fut;
  }

  /** `for await (const line of reader)`: lines until EOF. */
  [Symbol.asyncIterator](): AsyncIterator<Buffer> {
    const reader = this;
    return {
      next: () => new Coroutine(nextLine(reader), -1, 'StreamReader.next') as unknown as Promise<IteratorResult<Buffer>>,
    };
  }

  // ---- internals ----------------------------------------------------------------------------

  #pending(): boolean {
    const w = this.#waiter;
    if (w === null) return false;
    if (!w.done()) return true;
    this.#waiter = null; // cancelled by its awaiter
    this.#want = Want.None;
    return false;
  }

  #takeWaiter(): Future<Buffer> | null {
    if (!this.#pending()) return null;
    const w = this.#waiter!;
    this.#waiter = null;
    this.#want = Want.None;
    return w;
  }

  #wait(fn: string, want: Want, n: number): Future<Buffer> {
    if (this.#pending()) throw new RuntimeError(`${fn}() called while another coroutine is already waiting for incoming data`);
    if (this.#paused) {
      this.#paused = false;
      this.#transport?.resumeReading();
    }
    const fut = new Future<Buffer>(this.#futureOptions);
    setWaitReason(fut, this.#reason);
    this.#waiter = fut;
    this.#want = want;
    this.#n = n;
    return fut;
  }

  #done(data: Buffer): Future<Buffer> {
    const fut = new Future<Buffer>(this.#futureOptions);
    fut.setResult(data);
    return fut;
  }

  #failed(exc: unknown): Future<Buffer> {
    const fut = new Future<Buffer>(this.#futureOptions);
    fut.setException(exc);
    return fut;
  }

  #deliver(data: Buffer): void {
    const w = this.#takeWaiter()!;
    if (data.length > 0) w._setReturnableResult(data, this);
    else w.setResult(data);
  }

  #reject(exc: Error): void {
    this.#takeWaiter()!.setException(exc);
  }

  /** With the buffer empty and a read pending: serve it with `data` itself (no copy) when it can. */
  #direct(data: Buffer, n: number): boolean {
    let k: number;
    switch (this.#want) {
      case Want.Some:
        k = n < this.#n ? n : this.#n;
        break;
      case Want.Exactly:
        if (n < this.#n) return false;
        k = this.#n;
        break;
      case Want.Until: {
        const sep = this.#sep;
        const at = data.indexOf(sep.length === 1 ? sep[0]! : sep);
        if (at < 0 || at > this.#limit) return false;
        k = at + sep.length;
        break;
      }
      default:
        return false;
    }
    if (k === n) {
      this.#deliver(data);
      return true;
    }
    // Part of the chunk: a small part is copied (below the transport's own copy size), so a kept
    // result never pins the chunk (or the receive slab it is a view of); a large one may, at most
    // a few times its size.
    let part = data.subarray(0, k);
    if (k < COPY_BELOW) {
      part = Buffer.allocUnsafe(k);
      data.copy(part, 0, 0, k);
    }
    this.#append(data, k, n - k);
    this.#deliver(part);
    return true;
  }

  /** Completes the pending read if the buffer (and EOF) now allow it. */
  #evaluate(): void {
    const size = this.#end - this.#start;
    switch (this.#want) {
      case Want.Some:
        if (size > 0) this.#deliver(this.#take(size < this.#n ? size : this.#n));
        else if (this.#eof) this.#deliver(EMPTY);
        return;
      case Want.All:
        if (this.#eof) this.#deliver(this.#take(size));
        return;
      case Want.Exactly:
        if (size >= this.#n) this.#deliver(this.#take(this.#n));
        else if (this.#eof) this.#reject(new IncompleteReadError(this.#take(size), this.#n));
        return;
      case Want.Until:
        this.#evaluateUntil(size);
        return;
      default:
        return;
    }
  }

  /** asyncio's readuntil loop body (and readline's handling of its errors). */
  #evaluateUntil(size: number): void {
    const sep = this.#sep;
    const seplen = sep.length;
    let isep = -1;
    if (size - this.#searched >= seplen) {
      isep = this.#buf.subarray(this.#start, this.#end).indexOf(sep, this.#searched);
      if (isep < 0) {
        this.#searched = size + 1 - seplen;
        if (this.#searched > this.#limit) {
          this.#overrun('Separator is not found, and chunk exceed the limit', this.#searched);
          return;
        }
      }
    }
    if (isep < 0) {
      if (!this.#eof) return;
      const rest = this.#take(size);
      if (this.#lineMode) this.#deliver(rest);
      else this.#reject(new IncompleteReadError(rest, null));
      return;
    }
    if (isep > this.#limit) {
      this.#overrun('Separator is found, but chunk is longer than limit', isep);
      return;
    }
    this.#deliver(this.#take(isep + seplen));
  }

  #overrun(message: string, consumed: number): void {
    if (!this.#lineMode) {
      this.#reject(new LimitOverrunError(message, consumed));
      return;
    }
    // readline drops the overlong line (through its separator when it is there) and raises ValueError.
    const sep = this.#sep;
    const at = this.#start + consumed;
    if (this.#end - at >= sep.length && this.#buf.subarray(at, at + sep.length).equals(sep)) this.#skip(consumed + sep.length);
    else this.#skip(this.#end - this.#start);
    this.#reject(new ValueError(message));
  }

  #append(data: Uint8Array, from: number, n: number): void {
    let buf = this.#buf;
    if (this.#end + n > buf.length) {
      const size = this.#end - this.#start;
      if (size + n <= buf.length && this.#start >= size) {
        buf.copy(buf, 0, this.#start, this.#end); // room at the front: slide down
      } else {
        let cap = Math.max(1024, buf.length);
        while (cap < size + n) cap *= 2;
        const next = Buffer.allocUnsafe(cap);
        buf.copy(next, 0, this.#start, this.#end);
        this.#buf = buf = next;
      }
      this.#start = 0;
      this.#end = size;
    }
    buf.set(from === 0 && n === data.length ? data : data.subarray(from, from + n), this.#end);
    this.#end += n;
  }

  /** Removes and returns the first n buffered bytes (a copy). */
  #take(n: number): Buffer {
    if (n === 0) return EMPTY;
    const out = Buffer.allocUnsafe(n);
    this.#buf.copy(out, 0, this.#start, this.#start + n);
    this.#skip(n);
    return out;
  }

  #skip(n: number): void {
    this.#start += n;
    if (this.#start === this.#end) {
      this.#start = this.#end = 0;
      if (this.#buf.length > 4 * this.#limit) this.#buf = EMPTY; // let a burst's big buffer go
    }
    if (this.#paused && this.#end - this.#start <= this.#limit) {
      this.#paused = false;
      this.#transport?.resumeReading();
    }
  }

  /** @internal Puts back the bytes of a read that was cancelled after it completed (ResultOwner). */
  _takeBack(data: Buffer): void {
    const size = this.#end - this.#start;
    if (this.#start >= data.length) {
      this.#start -= data.length;
      data.copy(this.#buf, this.#start);
    } else {
      const next = Buffer.allocUnsafe(Math.max(1024, 2 * (size + data.length)));
      data.copy(next, 0);
      this.#buf.copy(next, data.length, this.#start, this.#end);
      this.#buf = next;
      this.#start = 0;
      this.#end = size + data.length;
    }
    if (this.#pending()) this.#evaluate();
  }

  toString(): string {
    const info = ['StreamReader'];
    const size = this.#end - this.#start;
    if (size) info.push(`${size} bytes`);
    if (this.#eof) info.push('eof');
    if (this.#limit !== DEFAULT_LIMIT) info.push(`limit=${this.#limit}`);
    if (this.#waiter) info.push(`waiter=${this.#waiter.toString()}`);
    if (this.#exception) info.push(`exception=${this.#exception.name}`);
    if (this.#transport) info.push(`transport=${this.#transport.toString()}`);
    if (this.#paused) info.push('paused');
    return `<${info.join(' ')}>`;
  }
}

function* nextLine(reader: StreamReader): Generator<unknown, IteratorResult<Buffer>, unknown> {
  const line = (yield reader.readline()) as Buffer;
  return line.length === 0 ? { value: undefined, done: true } : { value: line, done: false };
}
