// The epoll selector, waiting in io_uring, and receiving for stream transports itself: Linux 6.1+.
//
// An echo server on epoll pays per request an epoll_wait share, a recv() and a send(), each one a
// system call and an FFI call. Here a transport that asks for it (startReceiving) gets one
// multishot recv for as long as it reads: the kernel receives into a ring of provided buffers as
// data arrives, and the completions are reaped from shared memory. The loop's wait is one
// io_uring_enter that also submits the iteration's requests: one system call per wait, however
// many connections it serves. Everything else (listening sockets, pipes, the loop's wake-up fd,
// writers) stays on epoll, level-triggered as asyncio's selectors are: the epoll fd itself is
// polled by the ring, and epoll_wait(0) runs only in iterations where it has something ready.
//
// The transport's reader callback is scheduled as for any readable fd; it takes the bytes with
// takeReceived() instead of calling recv(). The kernel receives into 8 KiB pools of receive memory
// (receive-memory.ts), consuming each incrementally: one pool takes the reads of any connection
// one after another, and each read is handed out as a view of it, not copied. A pool the kernel
// has filled is replaced by a new one; the views handed out keep the old one alive. So a kept
// small read pins at most 8 KiB, as with the epoll selector (issue 8).
import { EVENT_READ, type SelectorKey } from '../selector';
import { receivePool, View } from '../streams/receive-memory';
import { C } from '../sys/constants';
import { errorFromErrno } from '../sys/errors';
import { log } from '../log';
import { CQE_F_BUF_MORE, CQE_F_MORE, Ring, uringUnavailable } from '../sys/uring';
import { EpollSelector } from './epoll-selector';

const SQ_ENTRIES = 1024;
/** The buffer ring's room; the pools provided grow towards it when receives find none (ENOBUFS). */
const MAX_POOLS = 1024;
const FIRST_POOLS = 16;
/** user_data of the epoll fd's poll, and of cancels (whose completions say nothing we need). */
const EPOLL_TOKEN = 1;
const CANCEL_TOKEN = 0;
/** Receives carry FIRST_TOKEN + their slot in #byToken; sends SEND_TOKEN + their slot in #senders. */
const FIRST_TOKEN = 2;
const SEND_TOKEN = 0x40000000;
/** The kernel posts at most about this many deferred completions per blocking wait (6.10+). */
const DEFERRED_BATCH = 16;
const ENOBUFS = -C.errno.ENOBUFS;
const ECANCELED = -125;
const ETIME = 62;
const EBUSY = 16;

/** One fd the selector receives for (the transport holds it: no lookup per read). */
export interface Receiver {
  readonly fd: number;
  /** The live multishot recv's token (0: none armed). */
  token: number;
  /** Bytes received and not yet taken: the first chunk, then the others in order. */
  data: Buffer | null;
  more: Buffer[] | null;
  /** What follows the chunks: 1 nothing yet, 0 end of file, -errno a receive error. */
  end: number;
  /** Queued to be reported readable by the next selectInto. */
  due: boolean;
  /** The epoll events this fd is registered for (its reads are the ring's). */
  epoll: number;
  /** stopReceiving() was called: late completions are dropped. */
  gone: boolean;
  /** Called (during select, so it must not call program code) with each send's result, after stopReceiving too. */
  readonly sent: (res: number) => void;
  /** The token of the send in flight (0: none). */
  sendToken: number;
}

/** A selector that reads some fds itself (see this module's header). */
export interface ReceivingSelector {
  /**
   * Reads for fd from now on, whenever it is registered for EVENT_READ; `sent` hears of sends'
   * results. Null when the ring cannot start: the caller reads and writes the fd itself.
   */
  startReceiving(fd: number, sent: (res: number) => void): Receiver | null;
  /**
   * Queues a send of `len` bytes at `addr` of `memory` (kept alive until it completes), submitted
   * by the next wait; its result goes to r.sent. One at a time per receiver.
   */
  send(r: Receiver, memory: ArrayBufferLike, addr: number, len: number): void;
  /** Cancels the send in flight, if any (its result still comes, as -ECANCELED or what was sent). */
  cancelSend(r: Receiver): void;
  /** The bytes received (joined), else 0 at end of file or -errno, else undefined. */
  takeReceived(r: Receiver): Buffer | number | undefined;
  /**
   * Stops and forgets r's fd; bytes not taken are dropped. Called right before the fd is closed:
   * requests still queued for it are submitted now, so none can reach a later fd of that number.
   */
  stopReceiving(r: Receiver): void;
}

export function isReceiving(selector: object): selector is ReceivingSelector {
  return typeof (selector as Partial<ReceivingSelector>).takeReceived === 'function';
}

/**
 * Invariant (beside EpollSelector's): a receiver whose key has EVENT_READ has a multishot recv
 * armed, or one is queued, or it starved (ENOBUFS) and is re-armed after this reap; the epoll set
 * watches a receiver's fd for its key's events minus EVENT_READ; #epollDirty is true whenever
 * epoll may have ready fds nobody has asked it for.
 */
export class UringSelector<D = unknown> extends EpollSelector<D> implements ReceivingSelector {
  override readonly kind: string = 'uring';
  /** Made by the first startReceiving (#live): until then this is the epoll selector, at its cost. */
  #ring!: Ring;
  #live = false;
  #failed = false;
  /** Provided buffer `bid`'s memory, and how much of it the kernel has filled. */
  readonly #pools: ArrayBufferLike[] = [];
  readonly #used: number[] = [];
  #poolsWanted = FIRST_POOLS;
  readonly #receivers = new Map<number, Receiver>();
  /** The receiver of each live multishot recv, by token - FIRST_TOKEN; free slots are chained in #freeTokens. */
  readonly #byToken: (Receiver | null)[] = [];
  readonly #freeTokens: number[] = [];
  /** Each send in flight: whose it is and the memory the kernel reads (alive until it completes). */
  readonly #senders: (Receiver | null)[] = [];
  readonly #sendMemory: (ArrayBufferLike | null)[] = [];
  readonly #freeSends: number[] = [];
  /** False while pools provided during a reap wait for publish(). */
  #published = true;
  #epollDirty = true;
  /** Receivers to report readable: #due[0..#dueCount) (the array keeps its room). */
  readonly #due: Receiver[] = [];
  #dueCount = 0;
  /** Receivers whose receive ended on the kernel's side (no buffers, a full completion queue, ...): armed again after the reap. */
  readonly #rearm: Receiver[] = [];
  /** Sends submitted or queued whose completion has not come. */
  #sendsInFlight = 0;
  readonly #onCompletion = (token: number, res: number, flags: number, bid: number): void => this.#completion(token, res, flags, bid);

  constructor() {
    super();
    const why = uringUnavailable();
    if (why !== null) {
      super.closeKernel();
      throw new Error(`the uring selector cannot run here: ${why}`);
    }
  }

  /** The ring, its pools, and the poll of the epoll fd that lets the ring's wait cover epoll too. */
  #start(): void {
    const ring = new Ring(SQ_ENTRIES);
    try {
      ring.registerBuffers(MAX_POOLS);
    } catch (err) {
      ring.close();
      throw err;
    }
    this.#ring = ring;
    this.#live = true;
    this.#providePools();
    ring.pollMultishot(this.fileno(), EPOLL_TOKEN);
    this.#epollDirty = true;
  }

  /** Provides new pools up to #poolsWanted. */
  #providePools(): void {
    while (this.#pools.length < this.#poolsWanted) this.#newPool(this.#pools.length);
    this.#ring.publish();
  }

  /** A fresh pool as buffer `bid` (provided; published by the caller). */
  #newPool(bid: number): void {
    const pool = receivePool();
    this.#pools[bid] = pool.memory;
    this.#used[bid] = 0;
    this.#ring.provide(bid, pool.addr, pool.size);
  }

  // ---- receiving ----------------------------------------------------------------------------

  startReceiving(fd: number, sent: (res: number) => void): Receiver | null {
    this.checkOpen('startReceiving');
    if (this.keys.has(fd) || this.#receivers.has(fd)) throw new Error(`startReceiving(fd ${fd}): call it once, before the fd is registered`);
    if (!this.#live) {
      try {
        this.#start();
      } catch (err) {
        // (Out of memory or fds.) The fd is served by epoll like any other, and so are the next.
        if (!this.#failed) log(`coroscope: io_uring could not start (${(err as Error).message}); sockets are read through epoll`);
        this.#failed = true;
        return null;
      }
    }
    const r: Receiver = { fd, token: 0, data: null, more: null, end: 1, due: false, epoll: 0, gone: false, sent, sendToken: 0 };
    this.#receivers.set(fd, r);
    return r;
  }

  takeReceived(r: Receiver): Buffer | number | undefined {
    const data = r.data;
    if (data !== null) {
      r.data = null;
      // The end of file (or error) that followed is the next iteration's, as a readable fd's would be.
      if (r.end !== 1) this.#markDue(r);
      const more = r.more;
      if (more === null) return data;
      r.more = null;
      more.unshift(data);
      return Buffer.concat(more);
    }
    return r.end === 1 ? undefined : r.end;
  }

  stopReceiving(r: Receiver): void {
    if (r.gone) return;
    this.#disarm(r);
    this.cancelSend(r);
    r.gone = true;
    r.data = r.more = null;
    this.#receivers.delete(r.fd);
    if (this.closed) return;
    // The fd is closed next: what is queued for it goes to the kernel now (the kernel holds the
    // file from then on), or, if the kernel will not take it (short of room for completions), it
    // is made a no-op. Either way nothing queued can reach a later file of that number.
    const ring = this.#ring;
    for (let i = 0; i < 3 && ring.pending > 0; i++) {
      ring.submit();
      if (ring.pending > 0) ring.reap(this.#onCompletion);
    }
    if (ring.pending > 0) ring.neutralize(r.fd);
  }

  send(r: Receiver, memory: ArrayBufferLike, addr: number, len: number): void {
    this.checkOpen('send');
    if (r.gone) throw new Error(`send on fd ${r.fd}: it is no longer the selector's`);
    if (r.sendToken !== 0) throw new Error(`send on fd ${r.fd}: a send is already in flight`);
    const slot = this.#freeSends.length > 0 ? this.#freeSends.pop()! : this.#senders.length;
    this.#senders[slot] = r;
    this.#sendMemory[slot] = memory;
    r.sendToken = SEND_TOKEN + slot;
    this.#ring.send(r.fd, addr, len, r.sendToken);
    this.#sendsInFlight += 1;
  }

  /** Requests whose completion will come (sends): the loop can still be woken by them. */
  inFlight(): number {
    return this.#sendsInFlight;
  }

  cancelSend(r: Receiver): void {
    // A closed selector's ring is gone, and the kernel cancelled everything with it.
    if (r.sendToken === 0 || this.closed) return;
    this.#ring.cancel(r.sendToken, CANCEL_TOKEN);
  }

  #arm(r: Receiver): void {
    if (r.token !== 0 || r.end !== 1) {
      if (r.data !== null || r.end !== 1) this.#markDue(r);
      return;
    }
    const slot = this.#freeTokens.length > 0 ? this.#freeTokens.pop()! : this.#byToken.length;
    this.#byToken[slot] = r;
    r.token = slot + FIRST_TOKEN;
    this.#ring.recvMultishot(r.fd, r.token);
    if (r.data !== null) this.#markDue(r);
  }

  /** Cancels the receive; completions already on their way still land in r (until it is gone). */
  #disarm(r: Receiver): void {
    if (r.token === 0 || this.closed) return;
    this.#ring.cancel(r.token, CANCEL_TOKEN);
    r.token = 0;
  }

  #markDue(r: Receiver): void {
    if (r.due) return;
    r.due = true;
    this.#due[this.#dueCount++] = r;
  }

  #completion(token: number, res: number, flags: number, bid: number): void {
    if (token === EPOLL_TOKEN) {
      this.#epollDirty = true;
      if ((flags & CQE_F_MORE) === 0) this.#ring.pollMultishot(this.fileno(), EPOLL_TOKEN);
      return;
    }
    if (token === CANCEL_TOKEN) return;
    if (token >= SEND_TOKEN) {
      const slot = token - SEND_TOKEN;
      const owner = this.#senders[slot];
      this.#senders[slot] = null;
      this.#sendMemory[slot] = null;
      this.#freeSends.push(slot);
      this.#sendsInFlight -= 1;
      if (owner == null) return;
      owner.sendToken = 0;
      owner.sent(res); // even when gone: the transport lets the send's memory go
      return;
    }
    // The pool's bytes are accounted for first, whoever the receive was for: the next read into
    // the same pool starts where this one ended.
    const r = this.#byToken[token - FIRST_TOKEN] ?? null;
    const live = r !== null && !r.gone;
    if (bid >= 0) {
      const at = this.#used[bid]!;
      if (live && res > 0) {
        const view = new View(this.#pools[bid]!, at, res);
        if (r.data === null) r.data = view;
        else if (r.more === null) r.more = [view];
        else r.more.push(view);
      }
      if (flags & CQE_F_BUF_MORE) this.#used[bid] = at + (res > 0 ? res : 0);
      else {
        this.#newPool(bid);
        this.#published = false;
      }
    }
    const last = (flags & CQE_F_MORE) === 0;
    if (last) {
      this.#byToken[token - FIRST_TOKEN] = null;
      this.#freeTokens.push(token - FIRST_TOKEN);
      if (r !== null && r.token === token) r.token = 0;
    }
    if (!live) return;
    if (res > 0) this.#markDue(r);
    else if (res === 0) {
      r.end = 0;
      this.#markDue(r);
    } else if (res === ENOBUFS) {
      // Every pool was full: more pools (the receive is armed again below).
      if (this.#poolsWanted < MAX_POOLS) this.#poolsWanted = Math.min(MAX_POOLS, this.#poolsWanted * 2);
    } else if (res !== ECANCELED) {
      r.end = res;
      this.#markDue(r);
    }
    // A receive the kernel ended while we still want reads (no buffers, a completion queue that
    // overflowed, a cancel not ours: a cancel of ours cleared r.token first) is armed again after
    // the reap. At end of file or an error there is nothing more to receive.
    if (last && r.token === 0 && r.end === 1) this.#rearm.push(r);
  }

  #wantsRead(r: Receiver): boolean {
    const key = this.keys.get(r.fd);
    return key !== undefined && (key.events & EVENT_READ) !== 0;
  }

  // ---- registration: a receiver's EVENT_READ is the ring's, the rest is epoll's --------------

  protected override addFd(fd: number, events: number): void {
    const r = this.#receivers.get(fd);
    if (r === undefined) return super.addFd(fd, events);
    this.#setEpoll(r, events & ~EVENT_READ);
    if (events & EVENT_READ) this.#arm(r);
  }

  protected override removeFd(fd: number): void {
    const r = this.#receivers.get(fd);
    if (r === undefined) return super.removeFd(fd);
    this.#setEpoll(r, 0);
    this.#disarm(r);
  }

  protected override modifyFd(fd: number, oldEvents: number, events: number): void {
    const r = this.#receivers.get(fd);
    if (r === undefined) return super.modifyFd(fd, oldEvents, events);
    this.#setEpoll(r, events & ~EVENT_READ);
    if (events & EVENT_READ) this.#arm(r);
    else this.#disarm(r);
  }

  #setEpoll(r: Receiver, events: number): void {
    if (r.epoll === events) return;
    if (r.epoll === 0) super.addFd(r.fd, events);
    else if (events === 0) super.removeFd(r.fd);
    else super.modifyFd(r.fd, r.epoll, events);
    r.epoll = events;
  }

  // ---- waiting ------------------------------------------------------------------------------

  override selectInto(timeout: number | null, keys: SelectorKey<D>[], events: number[]): number {
    if (!this.#live) return super.selectInto(timeout, keys, events);
    this.checkOpen('select');
    const ring = this.#ring;
    // Epoll first when it may have ready fds: then this call must not wait.
    let n = 0;
    if (this.#epollDirty) {
      n = super.selectInto(0, keys, events);
      this.#epollDirty = n > 0;
    }
    const wait = n > 0 || this.#dueCount > 0 ? 0 : timeout;
    const r = ring.enter(wait);
    // EINTR: a signal (PEP 475: return what there is); ETIME: the wait ran out; EAGAIN, EBUSY: the
    // kernel is short of room for completions until these are reaped, and takes the rest next time.
    if (r < 0 && r !== -C.errno.EINTR && r !== -ETIME && r !== -C.errno.EAGAIN && r !== -EBUSY) throw errorFromErrno(-r, 'io_uring_enter');
    // A wait posts at most ~20 deferred completions; when it found that many, take the rest now.
    if (ring.reap(this.#onCompletion) >= DEFERRED_BATCH && wait !== 0) {
      ring.enter(0);
      ring.reap(this.#onCompletion);
    }
    if (!this.#published || this.#pools.length < this.#poolsWanted) {
      this.#published = true;
      this.#providePools();
    }
    if (this.#rearm.length > 0) {
      for (const s of this.#rearm.splice(0)) if (!s.gone && s.token === 0 && this.#wantsRead(s)) this.#arm(s);
    }
    // The epoll fd became readable while we waited.
    if (this.#epollDirty && n === 0) {
      n = super.selectInto(0, keys, events);
      this.#epollDirty = n > 0;
    }
    const due = this.#due;
    const count = this.#dueCount;
    this.#dueCount = 0;
    for (let i = 0; i < count; i++) {
      const rec = due[i]!;
      due[i] = undefined!;
      rec.due = false;
      if (rec.gone) continue;
      const key = this.keys.get(rec.fd);
      if (key === undefined || (key.events & EVENT_READ) === 0) continue; // reported when reading resumes (#arm)
      keys[n] = key;
      events[n] = EVENT_READ;
      n += 1;
    }
    return n;
  }

  protected override closeKernel(): void {
    if (this.#live) {
      // Sends written just before the loop closed go out now, as far as the sockets take them
      // (asyncio sends them inside write()); what would have to wait is cancelled with the ring.
      this.#ring.submit();
      this.#ring.close();
    }
    for (const r of this.#receivers.values()) r.gone = true;
    this.#receivers.clear();
    this.#byToken.length = 0;
    this.#freeTokens.length = 0;
    // #sendMemory stays: the kernel tears the ring down on its own time, and must never read
    // memory the program has since reused.
    super.closeKernel();
  }
}
