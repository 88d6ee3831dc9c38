// kqueue(2) for macOS and the BSDs, written from <sys/event.h>. UNTESTED: this machine runs Linux.
// struct kevent {uintptr_t ident; int16_t filter; uint16_t flags; uint32_t fflags; intptr_t data;
// void *udata; [FreeBSD 12+: uint64_t ext[4];]} is 32 bytes on 64-bit macOS, 64 on FreeBSD.
// Read and write interest are separate filters, so modify() adds or deletes one filter each.
import type { SelectorEvent } from '../selector';
import { C, KQUEUE } from '../sys/constants';
import { check, errorFromErrno } from '../sys/errors';
import * as libc from '../sys/libc';
import { BaseSelector, EVENT_READ, EVENT_WRITE } from './base';

const { EVFILT_READ, EVFILT_WRITE, EV_ADD, EV_DELETE, SIZEOF_KEVENT } = KQUEUE;

/**
 * A selector over one kqueue; each registered fd has an EVFILT_READ and/or EVFILT_WRITE filter.
 * Invariant: the kqueue holds exactly the filters the keys' events name.
 */
export class KqueueSelector<D = unknown> extends BaseSelector<D> {
  readonly kind = 'kqueue';
  readonly #kq: number;
  readonly #changes = Buffer.alloc(SIZEOF_KEVENT * 2);
  #events = Buffer.alloc(SIZEOF_KEVENT * 64);
  /** struct timespec {time_t tv_sec; long tv_nsec;} */
  readonly #timespec = new BigInt64Array(2);

  constructor() {
    super();
    if (!libc.has.kqueue) throw new Error(`KqueueSelector needs kqueue (macOS, BSD); on ${process.platform} use EpollSelector or PollSelector`);
    this.#kq = check(libc.kqueue(), 'kqueue');
    libc.fcntl(this.#kq, C.F_SETFD, C.FD_CLOEXEC);
  }

  #put(i: number, fd: number, filter: number, flags: number): void {
    const b = this.#changes;
    const at = i * SIZEOF_KEVENT;
    b.fill(0, at, at + SIZEOF_KEVENT);
    b.writeBigUInt64LE(BigInt(fd), at);
    b.writeInt16LE(filter, at + 8);
    b.writeUInt16LE(flags, at + 10);
  }

  #apply(fd: number, add: number, remove: number, what: string): void {
    let n = 0;
    if (add & EVENT_READ) this.#put(n++, fd, EVFILT_READ, EV_ADD);
    if (add & EVENT_WRITE) this.#put(n++, fd, EVFILT_WRITE, EV_ADD);
    if (remove & EVENT_READ) this.#put(n++, fd, EVFILT_READ, EV_DELETE);
    if (remove & EVENT_WRITE) this.#put(n++, fd, EVFILT_WRITE, EV_DELETE);
    if (n === 0) return;
    const r = libc.kevent(this.#kq, this.#changes, n, null, 0, null);
    if (r < 0 && add !== 0) throw errorFromErrno(-r, 'kevent', `${what} fd ${fd}`);
  }

  protected override beforeAdd(): void {} // kevent(EV_ADD) reports EBADF itself

  protected addFd(fd: number, events: number): void {
    this.#apply(fd, events, 0, 'register');
  }

  protected removeFd(fd: number, events: number): void {
    this.#apply(fd, 0, events, 'unregister'); // errors ignored: a closed fd's filters are gone already
  }

  protected modifyFd(fd: number, old: number, events: number): void {
    this.#apply(fd, events & ~old, old & ~events, 'modify');
  }

  protected wait(timeout: number | null): SelectorEvent<D>[] {
    const max = Math.max(this.keys.size * 2, 1);
    if (this.#events.length < max * SIZEOF_KEVENT) this.#events = Buffer.alloc(max * SIZEOF_KEVENT * 2);
    let ts: BigInt64Array | null = null;
    if (timeout !== null) {
      const ns = timeout > 0 ? Math.ceil(timeout * 1e9) : 0; // rounded up: never wake early
      ts = this.#timespec;
      ts[0] = BigInt(Math.floor(ns / 1e9));
      ts[1] = BigInt(ns % 1e9);
    }
    const n = libc.kevent(this.#kq, null, 0, this.#events, max, ts);
    if (n < 0) {
      if (-n === C.errno.EINTR) return []; // a signal: the loop recomputes its timeout (PEP 475)
      throw errorFromErrno(-n, 'kevent');
    }
    const ready = new Map<number, number>();
    const b = this.#events;
    for (let i = 0; i < n; i++) {
      const at = i * SIZEOF_KEVENT;
      const fd = Number(b.readBigUInt64LE(at));
      const filter = b.readInt16LE(at + 8);
      const bit = filter === EVFILT_READ ? EVENT_READ : filter === EVFILT_WRITE ? EVENT_WRITE : 0;
      ready.set(fd, (ready.get(fd) ?? 0) | bit);
    }
    const out: SelectorEvent<D>[] = [];
    for (const [fd, events] of ready) {
      const key = this.keys.get(fd);
      if (key && events & key.events) out.push([key, events & key.events]);
    }
    return out;
  }

  protected closeKernel(): void {
    libc.close(this.#kq);
  }
}
