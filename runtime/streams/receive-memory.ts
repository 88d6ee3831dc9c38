// Where a socket transport's recv() puts the bytes: memory shared by every transport, handed out
// in views, so a read allocates nothing but its Buffer object, and a kept read never pins more than
// a bounded amount next to its size (issue 8: a kept short line must not pin a receive slab).
// - A transport whose reads are large reads into the slab (120 KiB, below glibc's mmap threshold,
//   so a new one reuses freed heap memory). A read of at least COPY_BELOW bytes takes the slab's
//   next free bytes and the protocol gets a view of them (nothing copied); a smaller one is copied
//   out at its size (from Node's buffer pool below 4 KiB, as Node's own Buffers) and leaves the
//   slab's space to the next read: a kept view pins at most 120 KiB for 16 KiB.
// - A transport whose last read was small (at most SMALL_READ bytes: request/response traffic)
//   reads straight into a small pool of Node's own pool size (8 KiB) with room for at least twice
//   that read, and the protocol gets a view: no copy, and a kept view pins at most 8 KiB, as a copy
//   from Node's pool does. A longer message is read in pieces: one that fills more than
//   SMALL_READ makes the next read a large one.
// recv() gets a plain address (libc.recvAt), not a Buffer: no view object and no Buffer
// conversion per call; send() does too when it writes back a view of receive memory
// (receivedAddress). Memory used by address is marked untransferable (receiveBuffer).
// The io_uring selector's receives land in pools made here too (receivePool), handed out the same way.
// The module's own binding: the global `Buffer` is an accessor property in Node (a getter call per use).
import { Buffer } from 'node:buffer';
import type * as WorkerThreads from 'node:worker_threads';
import * as libc from '../sys/libc';

/** A read never asks for more than this. */
const RECV_SIZE = 64 * 1024;
/** Below glibc's mmap threshold (128 KiB): a new slab reuses freed heap memory, no mmap + page faults. */
const SLAB_SIZE = 120 * 1024;
/** A large read never gets less room than this: below it, the next read starts a new slab. */
const MIN_ROOM = 8 * 1024;
/** Large reads smaller than this are copied out of the slab: small next to the slab, they must not pin it. */
export const COPY_BELOW = 16 * 1024;
/** Node's Buffer.poolSize: a kept small read pins no more than a Buffer.allocUnsafe copy would. */
const SMALL_POOL = 8 * 1024;
/** A small read gets at least this much room. */
const MIN_SMALL_ROOM = 1024;
/** A read of at most this many bytes makes the transport's next read a small one. */
const SMALL_READ = 2 * 1024;

type ViewClass = new (memory: ArrayBufferLike, offset: number, length: number) => Buffer;
/** The address of an ArrayBuffer made here, kept on it (one shape for every such buffer). */
const ADDRESS = Symbol('coroscope.address');
type Addressed = ArrayBufferLike & { [ADDRESS]?: number };

/**
 * The class of Node's own Buffers (Buffer[Symbol.species] is Node's FastBuffer): `new View(memory,
 * offset, length)` is a Buffer like any other, made without Buffer.from's argument checks (~55 ns
 * less per read). Where the species is anything else, views are made by Buffer.from.
 */
export const View: ViewClass = (() => {
  const species = (Buffer as unknown as { [Symbol.species]?: unknown })[Symbol.species];
  if (typeof species === 'function' && species !== Buffer) {
    try {
      const probe = new (species as ViewClass)(new ArrayBuffer(8), 1, 2);
      if (Object.getPrototypeOf(probe) === Buffer.prototype && probe.byteOffset === 1 && probe.length === 2) return species as ViewClass;
    } catch {
      // not a typed-array class: the fallback below
    }
  }
  // A constructor that returns an object: `new` gives that object.
  return function BufferFrom(memory: ArrayBufferLike, offset: number, length: number): Buffer {
    return Buffer.from(memory, offset, length);
  } as unknown as ViewClass;
})();

/**
 * Memory recv() writes into by address: marked untransferable (as Node marks its own buffer pool),
 * so a program that posts a received view to a worker with its buffer in the transfer list gets a
 * copy there, and this memory is never detached under the next read.
 */
function receiveBuffer(size: number): Buffer {
  // node:worker_threads (Node's whole worker module) when the first socket reads, not at start-up.
  markAsUntransferable ??= (require('node:worker_threads') as typeof WorkerThreads).markAsUntransferable;
  const buf = Buffer.allocUnsafeSlow(size);
  markAsUntransferable(buf.buffer);
  (buf.buffer as Addressed)[ADDRESS] = libc.addressOf(buf);
  return buf;
}

/** A small pool of receive memory (8 KiB, Node's pool size) and its address, for the io_uring selector. */
export function receivePool(): { memory: ArrayBufferLike; addr: number; size: number } {
  const buf = receiveBuffer(SMALL_POOL);
  return { memory: buf.buffer, addr: (buf.buffer as Addressed)[ADDRESS]!, size: SMALL_POOL };
}
let markAsUntransferable: typeof WorkerThreads.markAsUntransferable | undefined;

// The slab and the pool start full (of nothing): the first read of each kind makes them, so a
// program that never reads a socket allocates neither.
const NONE: Buffer = Buffer.alloc(0);
let slab = NONE;
let slabMemory: ArrayBufferLike = NONE.buffer;
let slabAddr = 0;
let slabUsed = SLAB_SIZE;
let pool = NONE;
let poolMemory: ArrayBufferLike = NONE.buffer;
let poolAddr = 0;
let poolUsed = SMALL_POOL;

/**
 * One recv(2) from fd: the bytes (the caller's to keep: they are never written again), or 0 at
 * EOF, or -errno. `lastRead`: the size of the transport's previous read.
 */
export function receive(fd: number, lastRead: number): Buffer | number {
  if (lastRead <= SMALL_READ) {
    let at = poolUsed;
    if (SMALL_POOL - at < (lastRead < MIN_SMALL_ROOM / 2 ? MIN_SMALL_ROOM : 2 * lastRead)) {
      pool = receiveBuffer(SMALL_POOL);
      poolMemory = pool.buffer;
      poolAddr = (poolMemory as Addressed)[ADDRESS]!;
      poolUsed = at = 0;
    }
    const n = libc.recvAt(fd, poolAddr + at, SMALL_POOL - at);
    if (n <= 0) return n;
    poolUsed = at + ((n + 7) & ~7); // keep views 8-byte aligned
    return new View(poolMemory, at, n);
  }
  let room = SLAB_SIZE - slabUsed;
  if (room < MIN_ROOM) {
    slab = receiveBuffer(SLAB_SIZE); // the old one lives on in the views handed out
    slabMemory = slab.buffer;
    slabAddr = (slabMemory as Addressed)[ADDRESS]!;
    slabUsed = 0;
    room = SLAB_SIZE;
  }
  const at = slabUsed;
  const n = libc.recvAt(fd, slabAddr + at, room < RECV_SIZE ? room : RECV_SIZE);
  if (n <= 0) return n;
  if (n < COPY_BELOW) {
    const own = Buffer.allocUnsafe(n);
    slab.copy(own, 0, at, at + n);
    return own;
  }
  slabUsed = at + ((n + 7) & ~7); // keep views 8-byte aligned
  return new View(slabMemory, at, n);
}

/** Writes up to this size are copied into send memory (the io_uring selector's sends); larger ones are sent at once. */
export const STAGE_MAX = 16 * 1024;
const SEND_POOL = 64 * 1024;

/** Send memory: a pool is written once from start to end, then reused once its last send is done (so it stays in cache). */
export interface SendPool {
  readonly memory: ArrayBufferLike;
  readonly buf: Buffer;
  readonly addr: number;
  used: number;
  /** Sends staged in it and not yet done. */
  inflight: number;
}
let sendPool: SendPool | null = null;
const freeSendPools: SendPool[] = [];

/**
 * Copies data (at most STAGE_MAX bytes) into send memory, never written again until its send is
 * done (sendDone), so the caller may reuse its own buffer at once while the kernel sends the copy
 * later. Returns the copy's address; stagedPool() is its pool, to keep alive until then.
 */
export function stage(data: Uint8Array): number {
  const len = data.length;
  let pool = sendPool;
  if (pool === null || SEND_POOL - pool.used < len) {
    if (pool !== null && pool.inflight === 0) pool.used = 0; // all its sends are done: start it over
    else {
      pool = freeSendPools.pop() ?? null;
      if (pool === null) {
        const buf = receiveBuffer(SEND_POOL);
        pool = { memory: buf.buffer, buf, addr: (buf.buffer as Addressed)[ADDRESS]!, used: 0, inflight: 0 };
      }
      sendPool = pool;
    }
  }
  const at = pool.used;
  pool.buf.set(data, at);
  pool.used = at + ((len + 7) & ~7);
  pool.inflight += 1;
  return pool.addr + at;
}

export function stagedPool(): SendPool {
  return sendPool!;
}

/** A send staged in `pool` is done (sent, failed or cancelled): its bytes may be written over. */
export function sendDone(pool: SendPool): void {
  pool.inflight -= 1;
  if (pool.inflight === 0 && pool !== sendPool && freeSendPools.length < 4) {
    pool.used = 0;
    freeSendPools.push(pool);
  }
}

/**
 * The address of data's first byte when data is a view of receive memory (an echo or a proxy
 * writing back what it read), else -1: send() can then take an address instead of a Buffer koffi
 * would have to look into (~30 ns less per call).
 */
export function receivedAddress(data: Uint8Array): number {
  const at = (data.buffer as Addressed)[ADDRESS];
  return at === undefined ? -1 : at + data.byteOffset;
}
