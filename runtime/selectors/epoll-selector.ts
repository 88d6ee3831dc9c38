// epoll(7): the kernel keeps the interest set, so registering costs one epoll_ctl and waiting costs
// the same whatever the number of fds (about 0.16 µs in the kernel with nothing ready). Linux only.
import type { SelectorEvent, SelectorKey } from '../selector';
import { EPOLL } from '../sys/constants';
import { C } from '../sys/constants';
import { check, errorFromErrno } from '../sys/errors';
import * as libc from '../sys/libc';
import { BaseSelector, EVENT_READ, EVENT_WRITE, timeoutMs } from './base';

const { EPOLLIN, EPOLLOUT, EPOLL_CTL_ADD, EPOLL_CTL_DEL, EPOLL_CTL_MOD, EPOLL_CLOEXEC, SIZEOF_EVENT, DATA_OFFSET } = EPOLL;
const STRIDE = SIZEOF_EVENT / 4; // struct epoll_event in 32-bit words
const DATA = DATA_OFFSET / 4;
const MAX_BATCH = 8192;

function epollBits(events: number): number {
  return (events & EVENT_READ ? EPOLLIN : 0) | (events & EVENT_WRITE ? EPOLLOUT : 0);
}

/**
 * A selector over one epoll instance; a registration stays in the kernel until unregister(), and
 * modify() is one EPOLL_CTL_MOD. The fd is stored in the event's data, so readiness maps back to
 * the key without a lookup table of its own.
 * Invariant: the epoll set watches exactly the keys' fds with epollBits(key.events).
 */
export class EpollSelector<D = unknown> extends BaseSelector<D> {
  readonly kind: string = 'epoll';
  readonly #epfd: number;
  /** One epoll_event for epoll_ctl, reused. */
  readonly #ctl = new Int32Array(STRIDE);
  #events = new Int32Array(STRIDE * 64);

  constructor() {
    super();
    if (!libc.has.epoll) throw new Error(`EpollSelector needs epoll (Linux); on ${process.platform} use PollSelector or KqueueSelector`);
    this.#epfd = check(libc.epollCreate1(EPOLL_CLOEXEC), 'epoll_create1');
  }

  /** The epoll instance's own fd (pollable: it is readable when an event is pending). */
  fileno(): number {
    return this.#epfd;
  }

  // epoll_ctl(ADD) itself reports EBADF for a closed fd (and EPERM for a regular file).
  protected override beforeAdd(): void {}

  #ctlCall(op: number, fd: number, events: number, what: string): number {
    const ev = this.#ctl;
    ev[0] = epollBits(events);
    ev[DATA] = fd;
    if (DATA + 1 < STRIDE) ev[DATA + 1] = 0;
    const r = libc.epollCtl(this.#epfd, op, fd, ev);
    if (r < 0 && op !== EPOLL_CTL_DEL) {
      const errno = -r;
      const why = errno === C.errno.EBADF ? ': not an open file descriptor' : errno === C.errno.EPERM ? ': epoll cannot watch this kind of file (a regular file or directory?)' : '';
      throw errorFromErrno(errno, 'epoll_ctl', `${what} fd ${fd}${why}`);
    }
    return r;
  }

  protected addFd(fd: number, events: number): void {
    this.#ctlCall(EPOLL_CTL_ADD, fd, events, 'register');
  }

  protected removeFd(fd: number): void {
    // The fd may be closed already (the kernel then dropped it from the set itself): ignore errors,
    // as Lib/selectors.py does.
    this.#ctlCall(EPOLL_CTL_DEL, fd, 0, 'unregister');
  }

  protected modifyFd(fd: number, _old: number, events: number): void {
    this.#ctlCall(EPOLL_CTL_MOD, fd, events, 'modify');
  }

  /** select()'s pairs, from selectInto (a subclass's, where it has its own). */
  protected wait(timeout: number | null): SelectorEvent<D>[] {
    const keys: SelectorKey<D>[] = [];
    const events: number[] = [];
    const n = this.selectInto(timeout, keys, events);
    const out: SelectorEvent<D>[] = [];
    for (let i = 0; i < n; i++) out.push([keys[i]!, events[i]!]);
    return out;
  }

  override selectInto(timeout: number | null, keys: SelectorKey<D>[], events: number[]): number {
    this.checkOpen('select');
    return this.#waitInto(timeout, keys, events);
  }

  #waitInto(timeout: number | null, keys: SelectorKey<D>[], events: number[]): number {
    const want = Math.min(Math.max(this.keys.size, 1), MAX_BATCH);
    if (this.#events.length < want * STRIDE) this.#events = new Int32Array(STRIDE * Math.min(MAX_BATCH, Math.max(want, this.#events.length / STRIDE * 2)));
    const buf = this.#events;
    const n = libc.epollWait(this.#epfd, buf, want, timeoutMs(timeout));
    if (n < 0) {
      // EINTR: a signal arrived. Return nothing; the loop recomputes its timeout and waits again (PEP 475).
      if (-n === C.errno.EINTR) return 0;
      throw errorFromErrno(-n, 'epoll_wait');
    }
    let count = 0;
    for (let i = 0; i < n; i++) {
      const bits = buf[i * STRIDE]!;
      const key = this.keys.get(buf[i * STRIDE + DATA]!);
      if (!key) continue;
      // ~EPOLLIN (OUT, ERR, HUP) wakes a writer, ~EPOLLOUT (IN, ERR, HUP) a reader.
      const ready = BaseSelector.merge(key, (bits & ~EPOLLOUT) !== 0, (bits & ~EPOLLIN) !== 0);
      if (ready === 0) continue;
      keys[count] = key;
      events[count] = ready;
      count += 1;
    }
    return count;
  }

  protected closeKernel(): void {
    libc.close(this.#epfd);
  }
}
