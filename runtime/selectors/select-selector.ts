// select(2): the model the user sees in the debugger, and the classic one. Its fd_set is a fixed
// bitmap of FD_SETSIZE (1024) bits: an fd at or above that cannot be watched at all, and FD_SET on
// one would write past the bitmap. So register() refuses such an fd with a clear error.
import type { SelectorEvent } from '../selector';
import { C } from '../sys/constants';
import { errorFromErrno } from '../sys/errors';
import { isOpen } from '../sys/calls';
import * as libc from '../sys/libc';
import { BaseSelector, EVENT_READ, EVENT_WRITE } from './base';

const SET_BYTES = C.FD_SETSIZE / 8;

/**
 * A selector over two fd_set bitmaps (read, write) kept as masters and copied into scratch sets
 * for each call, since select(2) overwrites its arguments. Bits are addressed per byte (fd >> 3,
 * 1 << (fd & 7)): the same layout as glibc's long words and BSD's int words on little-endian CPUs.
 * Invariant: a bit is set in the read (write) master exactly when its fd's key has EVENT_READ
 * (EVENT_WRITE); #maxFd is the highest registered fd (-1 when none).
 */
export class SelectSelector<D = unknown> extends BaseSelector<D> {
  readonly kind = 'select';
  readonly #readMaster = Buffer.alloc(SET_BYTES);
  readonly #writeMaster = Buffer.alloc(SET_BYTES);
  readonly #readSet = Buffer.alloc(SET_BYTES);
  readonly #writeSet = Buffer.alloc(SET_BYTES);
  /** struct timeval {time_t tv_sec; suseconds_t tv_usec;} as 32-bit words, little-endian. */
  readonly #timeval = new Int32Array(4);
  #maxFd = -1;

  checkWatchable(fd: number): void {
    if (fd >= C.FD_SETSIZE) {
      throw new RangeError(
        `SelectSelector cannot watch fd ${fd}: select(2) only handles fds below FD_SETSIZE (${C.FD_SETSIZE}). ` +
          'Use PollSelector or EpollSelector (COROSCOPE_SELECTOR=poll|epoll, or --selector poll|epoll).',
      );
    }
  }

  protected override beforeAdd(fd: number): void {
    this.checkWatchable(fd);
    super.beforeAdd(fd);
  }

  #set(fd: number, events: number): void {
    const byte = fd >> 3;
    const bit = 1 << (fd & 7);
    if (events & EVENT_READ) this.#readMaster[byte]! |= bit;
    else this.#readMaster[byte]! &= ~bit;
    if (events & EVENT_WRITE) this.#writeMaster[byte]! |= bit;
    else this.#writeMaster[byte]! &= ~bit;
  }

  protected addFd(fd: number, events: number): void {
    this.#set(fd, events);
    if (fd > this.#maxFd) this.#maxFd = fd;
  }

  protected removeFd(fd: number): void {
    this.#set(fd, 0);
    if (fd === this.#maxFd) {
      let max = -1;
      for (const k of this.keys.keys()) if (k > max) max = k;
      this.#maxFd = max;
    }
  }

  protected modifyFd(fd: number, _old: number, events: number): void {
    this.#set(fd, events);
  }

  protected wait(timeout: number | null): SelectorEvent<D>[] {
    const nbytes = (this.#maxFd >> 3) + 1;
    this.#readMaster.copy(this.#readSet, 0, 0, nbytes);
    this.#writeMaster.copy(this.#writeSet, 0, 0, nbytes);
    let tv: Int32Array | null = null;
    if (timeout !== null) {
      // Microseconds, rounded UP so the loop never wakes before its deadline and spins.
      const us = timeout > 0 ? Math.ceil(timeout * 1e6 - 1e-3) : 0;
      tv = this.#timeval;
      tv[0] = Math.min(Math.floor(us / 1e6), 0x7fffffff);
      tv[1] = 0;
      tv[2] = us % 1e6;
      tv[3] = 0;
    }
    const n = libc.select(this.#maxFd + 1, this.#readSet, this.#writeSet, null, tv);
    if (n < 0) {
      const errno = -n;
      if (errno === C.errno.EINTR) return []; // a signal: the loop recomputes its timeout (PEP 475)
      if (errno === C.errno.EBADF) {
        const closed = [...this.keys.keys()].filter((fd) => !isOpen(fd));
        throw errorFromErrno(errno, 'select', `fd ${closed.join(', ') || '?'} closed while still registered (unregister before closing)`);
      }
      throw errorFromErrno(errno, 'select');
    }
    const out: SelectorEvent<D>[] = [];
    if (n === 0) return out;
    const r = this.#readSet;
    const w = this.#writeSet;
    for (let byte = 0; byte < nbytes; byte++) {
      const bits = r[byte]! | w[byte]!;
      if (bits === 0) continue;
      for (let b = 0; b < 8; b++) {
        const mask = 1 << b;
        if ((bits & mask) === 0) continue;
        const key = this.keys.get(byte * 8 + b);
        if (!key) continue;
        const events = ((r[byte]! & mask) !== 0 ? EVENT_READ : 0) | ((w[byte]! & mask) !== 0 ? EVENT_WRITE : 0);
        if (events & key.events) out.push([key, events & key.events]);
      }
    }
    return out;
  }

  protected closeKernel(): void {
    this.#readMaster.fill(0);
    this.#writeMaster.fill(0);
    this.#maxFd = -1;
  }
}
