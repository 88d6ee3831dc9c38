// io_uring(7) through koffi: the rings are the kernel's memory mapped into ours, read and written
// from JavaScript through ArrayBuffer views (koffi.view), so queueing a request and reaping a
// completion cost no call at all; only io_uring_enter (submit what was queued and wait) is a
// system call. Linux only (5.19 or later: multishot receive into a ring of provided buffers).
//
// Layouts are <linux/io_uring.h>'s (little-endian, the same on x86_64 and arm64):
//   struct io_uring_sqe 64 bytes, struct io_uring_cqe 16 bytes, struct io_uring_params 120 bytes,
//   struct io_uring_buf 16 bytes (the buffer ring's tail is the u16 at byte 14 of its first entry).
import { C } from './constants';
import { errorFromErrno } from './errors';
import { koffi } from './libc';

const SYS_SETUP = 425;
const SYS_ENTER = 426;
const SYS_REGISTER = 427;

export const OP = Object.freeze({ NOP: 0, POLL_ADD: 6, ASYNC_CANCEL: 14, SEND: 26, RECV: 27 });
const IOSQE_BUFFER_SELECT = 1 << 5;
const IORING_RECV_MULTISHOT = 1 << 1;
const IORING_POLL_ADD_MULTI = 1 << 0;
export const CQE_F_BUFFER = 1 << 0;
export const CQE_F_MORE = 1 << 1;
/** The provided buffer named has room left: the next receive into it starts where this one ended. */
export const CQE_F_BUF_MORE = 1 << 4;
const CQE_BUFFER_SHIFT = 16;

const SETUP_CQSIZE = 1 << 3;
const SETUP_SINGLE_ISSUER = 1 << 12;
const SETUP_DEFER_TASKRUN = 1 << 13;
const FEAT_SINGLE_MMAP = 1 << 0;
const FEAT_EXT_ARG = 1 << 8;
const ENTER_GETEVENTS = 1 << 0;
const ENTER_EXT_ARG = 1 << 3;
const REGISTER_PBUF_RING = 22;
const PBUF_RING_INC = 2;
const OFF_SQES = 0x10000000;

const PROT_RW = 3;
const MAP_SHARED = 0x01;
const MAP_PRIVATE = 0x02;
const MAP_ANONYMOUS = 0x20;
const MAP_POPULATE = 0x8000;
const PAGE = 4096;

type Fn = (...args: any[]) => any;
interface Calls {
  setup: Fn;
  enter: Fn;
  register: Fn;
  mmap: Fn;
  munmap: Fn;
  close: Fn;
}
let calls: Calls | null = null;

function bindCalls(): Calls {
  if (calls) return calls;
  const lib = koffi.load(process.platform === 'linux' ? 'libc.so.6' : null);
  // syscall(2) is variadic; on Linux's x86_64 and arm64 ABIs integer and pointer arguments travel
  // in the same registers either way, so each use is declared with its own fixed signature.
  calls = {
    setup: lib.func('syscall', 'long', ['long', 'uint32_t', 'void *']),
    enter: lib.func('syscall', 'long', ['long', 'int', 'uint32_t', 'uint32_t', 'uint32_t', 'void *', 'size_t']),
    register: lib.func('syscall', 'long', ['long', 'int', 'uint32_t', 'void *', 'uint32_t']),
    mmap: lib.func('void *mmap(void *addr, size_t len, int prot, int flags, int fd, long off)'),
    munmap: lib.func('int munmap(void *addr, size_t len)'),
    close: lib.func('int close(int fd)'),
  };
  return calls;
}

const errno = koffi.errno as () => number;

/** Memory mapped by mmap(2): its address (for the kernel) and an ArrayBuffer over it (for us). */
interface Mapping {
  readonly ptr: unknown;
  readonly addr: number;
  readonly memory: ArrayBuffer;
  readonly size: number;
}

function map(size: number, flags: number, fd: number, offset: number, what: string): Mapping {
  const c = bindCalls();
  const ptr = c.mmap(null, size, PROT_RW, flags, fd, offset);
  const addr = Number(koffi.address(ptr));
  if (ptr === null || addr === -1 || addr >= 2 ** 64 - PAGE) throw errorFromErrno(errno(), 'mmap', what);
  return { ptr, addr, memory: koffi.view(ptr, size) as ArrayBuffer, size };
}

function unmap(m: Mapping | null): void {
  if (m) bindCalls().munmap(m.ptr, m.size);
}

/** Why io_uring cannot be used here, or null when it can (the answer is computed once). */
let unavailable: string | null | undefined;
export function uringUnavailable(): string | null {
  if (unavailable !== undefined) return unavailable;
  if (process.platform !== 'linux') return (unavailable = `io_uring is Linux's; this is ${process.platform}`);
  try {
    const ring = new Ring(8);
    try {
      ring.registerBuffers(8);
    } finally {
      ring.close();
    }
    unavailable = null;
  } catch (err) {
    unavailable = (err as Error).message;
  }
  return unavailable;
}

/**
 * One io_uring instance: a submission queue we fill, a completion queue the kernel fills, and one
 * group of provided buffers (group 0) that multishot receives take their memory from.
 * Set up SINGLE_ISSUER | DEFER_TASKRUN: completions are only posted inside our own io_uring_enter
 * calls, so the kernel never interrupts the program to post them, and all of them are reaped in
 * one go. Requests carry a 32-bit token as their user data.
 *
 * Invariant: sqes [kernel's sq head, #sqTail) are written and not yet consumed by the kernel;
 * #sqHead is never ahead of the kernel's head;
 * the kernel owns cqes [#cqHead, cqTail) until reaped.
 */
export class Ring {
  readonly fd: number;
  readonly #rings: Mapping;
  readonly #sqes: Mapping;
  readonly #sq32: Uint32Array;
  readonly #cq32: Uint32Array;
  readonly #sqe32: Uint32Array;
  readonly #sqe8: Uint8Array;
  readonly #sqe16: Uint16Array;
  readonly #sqHeadAt: number;
  readonly #sqTailAt: number;
  readonly #sqMask: number;
  readonly #sqEntries: number;
  readonly #cqHeadAt: number;
  readonly #cqTailAt: number;
  readonly #cqMask: number;
  readonly #cqesAt: number;
  /** How many completions a zero-timeout enter asks for (half the completion queue). */
  readonly #drain: number;
  #sqTail: number;
  /** The kernel's sq head as last read (after each enter that submitted). */
  #sqHead: number;
  #cqHead: number;
  /** struct io_uring_getevents_arg and the __kernel_timespec it points at, as 32-bit words. */
  readonly #arg = new Uint32Array(6);
  readonly #ts = new Uint32Array(4);
  readonly #tsAddr: number;
  /** The provided buffers' ring of io_uring_buf entries (the memory they describe is the caller's). */
  #bufRing: Mapping | null = null;
  #bufRing32: Uint32Array | null = null;
  #bufRing16: Uint16Array | null = null;
  #bufMask = 0;
  #bufTail = 0;
  #closed = false;

  constructor(entries: number, cqEntries = entries * 4) {
    const c = bindCalls();
    const params = Buffer.alloc(120);
    params.writeUInt32LE(SETUP_CQSIZE | SETUP_SINGLE_ISSUER | SETUP_DEFER_TASKRUN, 8);
    params.writeUInt32LE(cqEntries, 4);
    const fd = Number(c.setup(SYS_SETUP, entries, params));
    if (fd < 0) {
      const e = errno();
      const why =
        e === 38 /* ENOSYS */ ? 'the kernel has no io_uring'
        : e === C.errno.EPERM ? 'io_uring is not permitted here (sysctl kernel.io_uring_disabled, or a seccomp profile such as a container\'s)'
        : e === C.errno.EINVAL ? 'the kernel is older than 6.1 (SINGLE_ISSUER | DEFER_TASKRUN)'
        : '';
      throw errorFromErrno(e, 'io_uring_setup', why);
    }
    this.fd = fd;
    try {
      const features = params.readUInt32LE(20);
      if (!(features & FEAT_SINGLE_MMAP) || !(features & FEAT_EXT_ARG)) throw new Error('io_uring_setup: the kernel is older than 5.11 (no single mmap or wait timeout)');
      const sqEntries = params.readUInt32LE(0);
      const cqEntriesGot = params.readUInt32LE(4);
      const sqArrayAt = params.readUInt32LE(64);
      const cqesAt = params.readUInt32LE(100);
      const size = Math.max(sqArrayAt + sqEntries * 4, cqesAt + cqEntriesGot * 16);
      this.#rings = map(size, MAP_SHARED | MAP_POPULATE, fd, 0, 'io_uring rings');
      this.#sqes = map(sqEntries * 64, MAP_SHARED | MAP_POPULATE, fd, OFF_SQES, 'io_uring sqes');
      const u32 = new Uint32Array(this.#rings.memory);
      this.#sq32 = u32;
      this.#cq32 = u32;
      this.#sqHeadAt = params.readUInt32LE(40) / 4;
      this.#sqTailAt = params.readUInt32LE(44) / 4;
      this.#sqMask = u32[params.readUInt32LE(48) / 4]!;
      this.#sqEntries = sqEntries;
      this.#cqHeadAt = params.readUInt32LE(80) / 4;
      this.#cqTailAt = params.readUInt32LE(84) / 4;
      this.#cqMask = u32[params.readUInt32LE(88) / 4]!;
      this.#cqesAt = cqesAt / 4;
      this.#drain = cqEntriesGot >>> 1;
      // The sq array maps ring slots to sqes; ours is the identity, written once.
      for (let i = 0; i < sqEntries; i++) u32[sqArrayAt / 4 + i] = i;
      this.#sqe32 = new Uint32Array(this.#sqes.memory);
      this.#sqe16 = new Uint16Array(this.#sqes.memory);
      this.#sqe8 = new Uint8Array(this.#sqes.memory);
      this.#sqTail = Atomics.load(u32, this.#sqTailAt);
      this.#sqHead = Atomics.load(u32, this.#sqHeadAt);
      this.#cqHead = Atomics.load(u32, this.#cqHeadAt);
      this.#tsAddr = Number(koffi.address(this.#ts));
      this.#arg[2] = 8; // sigmask_sz: _NSIG / 8 (no sigmask is passed)
    } catch (err) {
      c.close(fd);
      throw err;
    }
  }

  /**
   * Registers a ring of `entries` provided buffers as group 0 (entries: a power of two), consumed
   * incrementally: a receive takes only the bytes it needs from the head buffer and the next one
   * goes on from there (completions say IORING_CQE_F_BUF_MORE while a buffer has room left). The
   * ring starts empty: provide() buffers, then publish().
   */
  registerBuffers(entries: number): void {
    this.#bufRing = map(Math.max(entries * 16, PAGE), MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, 'io_uring buffer ring');
    this.#bufRing32 = new Uint32Array(this.#bufRing.memory);
    this.#bufRing16 = new Uint16Array(this.#bufRing.memory);
    this.#bufMask = entries - 1;
    const reg = Buffer.alloc(40);
    reg.writeBigUInt64LE(BigInt(this.#bufRing.addr), 0);
    reg.writeUInt32LE(entries, 8);
    reg.writeUInt16LE(0, 12); // bgid
    reg.writeUInt16LE(PBUF_RING_INC, 14);
    const r = Number(bindCalls().register(SYS_REGISTER, this.fd, REGISTER_PBUF_RING, reg, 1));
    if (r < 0) throw errorFromErrno(errno(), 'io_uring_register', 'an incrementally consumed buffer ring (the kernel is older than 6.12?)');
  }

  /** Puts `len` bytes at `addr` in the buffer ring as buffer `bid` (seen by the kernel at publish()). */
  provide(bid: number, addr: number, len: number): void {
    const at = ((this.#bufTail++ & this.#bufMask) * 16) / 4;
    const r32 = this.#bufRing32!;
    r32[at] = addr >>> 0;
    r32[at + 1] = Math.floor(addr / 2 ** 32);
    r32[at + 2] = len;
    // bid is the u16 at byte 12; bytes 14-15 of entry 0 are the ring's tail, left alone.
    this.#bufRing16![at * 2 + 6] = bid;
  }

  /** Hands the buffers provided since the last publish() to the kernel. */
  publish(): void {
    Atomics.store(this.#bufRing16!, 7, this.#bufTail & 0xffff);
  }

  /** The next free sqe's index, zeroed; submits what is queued first when the queue is full. */
  #sqe(): number {
    if (this.#closed) throw new Error('io_uring: the ring is closed');
    if (((this.#sqTail - this.#sqHead) >>> 0) >= this.#sqEntries) {
      this.submit();
      if (((this.#sqTail - this.#sqHead) >>> 0) >= this.#sqEntries) throw new Error('io_uring: the submission queue stays full (the kernel takes no more requests)');
    }
    const i = this.#sqTail & this.#sqMask;
    const q = this.#sqe32;
    for (let w = i * 16, end = w + 16; w < end; w++) q[w] = 0;
    return i;
  }

  /**
   * Queues a request: the next sqe, with its opcode, fd and token (user data) written; returns
   * its index for the fields the caller adds. The kernel sees it at the next enter (it reads the
   * tail only then).
   */
  #prep(op: number, fd: number, token: number): number {
    const i = this.#sqe();
    this.#sqe8[i * 64] = op;
    this.#sqe32[i * 16 + 1] = fd >>> 0;
    this.#sqe32[i * 16 + 8] = token; // user_data (low half)
    this.#sqTail = (this.#sqTail + 1) >>> 0;
    return i;
  }

  /** A multishot recv on fd into the provided buffers (group 0); its completions carry `token`. */
  recvMultishot(fd: number, token: number): void {
    const i = this.#prep(OP.RECV, fd, token);
    this.#sqe8[i * 64 + 1] = IOSQE_BUFFER_SELECT;
    this.#sqe16[i * 32 + 1] = IORING_RECV_MULTISHOT; // ioprio
  }

  /** send(2) of `len` bytes at `addr` with MSG_NOSIGNAL; the memory must stay until the completion. */
  send(fd: number, addr: number, len: number, token: number): void {
    const w = this.#prep(OP.SEND, fd, token) * 16;
    this.#sqe32[w + 4] = addr >>> 0;
    this.#sqe32[w + 5] = Math.floor(addr / 2 ** 32);
    this.#sqe32[w + 6] = len;
    this.#sqe32[w + 7] = C.MSG_NOSIGNAL; // msg_flags
  }

  /** A multishot poll of fd for POLLIN; its completions carry `token`. */
  pollMultishot(fd: number, token: number): void {
    const w = this.#prep(OP.POLL_ADD, fd, token) * 16;
    this.#sqe32[w + 6] = IORING_POLL_ADD_MULTI; // len
    this.#sqe32[w + 7] = C.POLLIN; // poll32_events
  }

  /** Cancels the request carrying `target`; the cancel's own completion carries `token`. */
  cancel(target: number, token: number): void {
    const w = this.#prep(OP.ASYNC_CANCEL, -1, token) * 16;
    this.#sqe32[w + 4] = target; // addr: the user data to match
  }

  /** Requests queued that the kernel has not taken yet. */
  get pending(): number {
    return (this.#sqTail - this.#sqHead) >>> 0;
  }

  /**
   * Submits what is queued without waiting and without running deferred completions (so a submit
   * in the middle of a reap adds none). Returns 0 or -errno.
   */
  submit(): number {
    if (this.#closed) return 0;
    const submit = (this.#sqTail - this.#sqHead) >>> 0;
    if (submit === 0) return 0;
    Atomics.store(this.#sq32, this.#sqTailAt, this.#sqTail);
    const r = Number(bindCalls().enter(SYS_ENTER, this.fd, submit, 0, 0, null, 0));
    this.#sqHead = Atomics.load(this.#sq32, this.#sqHeadAt);
    return r < 0 ? -errno() : 0;
  }

  /**
   * Turns every queued request on fd the kernel has not taken yet into a no-op (its completion
   * still comes, with its token, result 0): nothing queued can reach a later file of that number.
   */
  neutralize(fd: number): void {
    for (let t = this.#sqHead; t !== this.#sqTail; t = (t + 1) >>> 0) {
      const i = t & this.#sqMask;
      if (this.#sqe32[i * 16 + 1] === fd >>> 0 && this.#sqe8[i * 64] !== OP.ASYNC_CANCEL) this.#sqe8[i * 64] = OP.NOP;
    }
  }

  /**
   * Submits what is queued, then waits for at least one completion unless `timeout` is 0 (seconds;
   * null: no limit). Returns 0, or -errno (-ETIME: the wait ran out; -EINTR: a signal).
   */
  enter(timeout: number | null): number {
    const c = bindCalls();
    // Everything not yet consumed, including any an earlier enter left (the kernel may take fewer).
    const submit = (this.#sqTail - this.#sqHead) >>> 0;
    if (submit > 0) Atomics.store(this.#sq32, this.#sqTailAt, this.#sqTail);
    let r: number;
    if (timeout === 0) {
      // Always a system call: completions are only posted inside one (DEFER_TASKRUN), and the
      // kernel does not flag every kind as pending (a poll of the epoll fd is not). A wait runs at
      // most ~20 items of deferred work unless it asks for more completions: this one asks for
      // DRAIN with a zero timeout, so it posts all that is ready (up to DRAIN) and returns -ETIME.
      const arg = this.#arg;
      const ts = this.#ts;
      ts[0] = ts[1] = ts[2] = ts[3] = 0;
      arg[4] = this.#tsAddr >>> 0;
      arg[5] = Math.floor(this.#tsAddr / 2 ** 32);
      r = Number(c.enter(SYS_ENTER, this.fd, submit, this.#drain, ENTER_GETEVENTS | ENTER_EXT_ARG, arg, 24));
    } else {
      const arg = this.#arg;
      if (timeout === null) arg[4] = arg[5] = 0;
      else {
        const sec = Math.floor(timeout);
        const ts = this.#ts;
        ts[0] = sec >>> 0;
        ts[1] = Math.floor(sec / 2 ** 32);
        ts[2] = Math.min(999_999_999, Math.round((timeout - sec) * 1e9));
        ts[3] = 0;
        arg[4] = this.#tsAddr >>> 0;
        arg[5] = Math.floor(this.#tsAddr / 2 ** 32);
      }
      r = Number(c.enter(SYS_ENTER, this.fd, submit, 1, ENTER_GETEVENTS | ENTER_EXT_ARG, arg, 24));
    }
    if (submit > 0) this.#sqHead = Atomics.load(this.#sq32, this.#sqHeadAt);
    return r < 0 ? -errno() : 0;
  }

  /**
   * Calls each(token, res, flags, bid) for every completion posted, then frees their slots.
   * `bid` is the provided buffer holding a receive's bytes (-1: none).
   */
  reap(each: (token: number, res: number, flags: number, bid: number) => void): number {
    const cq = this.#cq32;
    const tail = Atomics.load(cq, this.#cqTailAt);
    let head = this.#cqHead;
    let n = 0;
    while (head !== tail) {
      const at = this.#cqesAt + (head & this.#cqMask) * 4;
      head = (head + 1) >>> 0;
      const flags = cq[at + 3]!;
      this.#cqHead = head;
      each(cq[at]!, cq[at + 2]! | 0, flags, flags & CQE_F_BUFFER ? flags >>> CQE_BUFFER_SHIFT : -1);
      n += 1;
    }
    // One store for the batch: until it, the kernel sees the slots as taken (and would queue any
    // completion that does not fit in its overflow list, losing nothing).
    if (n > 0) Atomics.store(cq, this.#cqHeadAt, head);
    return n;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const c = bindCalls();
    c.close(this.fd); // cancels every request still in flight
    unmap(this.#sqes);
    unmap(this.#rings);
    unmap(this.#bufRing);
  }
}
