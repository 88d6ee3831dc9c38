// poll(2): no FD_SETSIZE limit, but every wait hands the kernel the whole array of pollfds, so its
// cost grows with the number of registered fds (about 65 ns per fd in the kernel), like select(2).
import type { SelectorEvent } from '../selector';
import { C } from '../sys/constants';
import { errorFromErrno } from '../sys/errors';
import * as libc from '../sys/libc';
import { BaseSelector, EVENT_READ, EVENT_WRITE, timeoutMs } from './base';

const { POLLIN, POLLOUT } = C;

function pollBits(events: number): number {
  return (events & EVENT_READ ? POLLIN : 0) | (events & EVENT_WRITE ? POLLOUT : 0);
}

/**
 * A selector over a packed array of struct pollfd {int fd; short events; short revents;} that is
 * edited in place: register appends, unregister moves the last entry into the hole.
 * Invariant: slots 0..count-1 of the array hold exactly the keys' fds, #slot maps fd -> slot.
 */
export class PollSelector<D = unknown> extends BaseSelector<D> {
  readonly kind = 'poll';
  #buf = new ArrayBuffer(8 * 64);
  #fds = new Int32Array(this.#buf);
  #ev = new Int16Array(this.#buf);
  #count = 0;
  readonly #slot = new Map<number, number>();

  protected addFd(fd: number, events: number): void {
    if ((this.#count + 1) * 8 > this.#buf.byteLength) {
      const bigger = new ArrayBuffer(this.#buf.byteLength * 2);
      new Uint8Array(bigger).set(new Uint8Array(this.#buf));
      this.#buf = bigger;
      this.#fds = new Int32Array(bigger);
      this.#ev = new Int16Array(bigger);
    }
    const i = this.#count++;
    this.#fds[i * 2] = fd;
    this.#ev[i * 4 + 2] = pollBits(events);
    this.#ev[i * 4 + 3] = 0;
    this.#slot.set(fd, i);
  }

  protected removeFd(fd: number): void {
    const i = this.#slot.get(fd)!;
    const last = --this.#count;
    this.#slot.delete(fd);
    if (i !== last) {
      const moved = this.#fds[last * 2]!;
      this.#fds[i * 2] = moved;
      this.#ev[i * 4 + 2] = this.#ev[last * 4 + 2]!;
      this.#slot.set(moved, i);
    }
  }

  protected modifyFd(fd: number, _old: number, events: number): void {
    this.#ev[this.#slot.get(fd)! * 4 + 2] = pollBits(events);
  }

  protected wait(timeout: number | null): SelectorEvent<D>[] {
    const n = libc.poll(this.#fds, this.#count, timeoutMs(timeout));
    if (n < 0) {
      // EINTR: a signal arrived. Return nothing; the loop recomputes its timeout (PEP 475).
      if (-n === C.errno.EINTR) return [];
      throw errorFromErrno(-n, 'poll');
    }
    const out: SelectorEvent<D>[] = [];
    const ev = this.#ev;
    for (let i = 0, found = 0; found < n && i < this.#count; i++) {
      const bits = ev[i * 4 + 3]!;
      if (bits === 0) continue;
      found++;
      const key = this.keys.get(this.#fds[i * 2]!);
      if (!key) continue;
      // POLLERR/POLLHUP/POLLNVAL wake both directions, so the waiter's own call reports the error.
      const events = BaseSelector.merge(key, (bits & ~POLLOUT) !== 0, (bits & ~POLLIN) !== 0);
      if (events) out.push([key, events]);
    }
    return out;
  }

  protected closeKernel(): void {
    this.#count = 0;
    this.#slot.clear();
  }
}
