// The loop's self-pipe (asyncio's _write_to_self): an fd registered as a reader in the loop's own
// selector, written to wake a loop blocked in select() from outside its turn.
import { EPOLL } from '../sys/constants';
import { check } from '../sys/errors';
import * as calls from '../sys/calls';
import * as libc from '../sys/libc';

/**
 * An eventfd on Linux (one fd, an 8-byte counter), a non-blocking pipe elsewhere.
 * Invariant: both fds are open until close(); signal() never blocks (a full pipe or a counter
 * already set means the loop will wake anyway).
 */
export class Wakeup {
  readonly readFd: number;
  readonly #writeFd: number;
  /** Which of the two it is, for the debugger's label of its fd. */
  readonly kind: 'eventfd' | 'self-pipe';
  /** An eventfd adds the 8-byte counter it is written; a pipe takes the first byte. */
  readonly #one = new Uint8Array(new BigUint64Array([1n]).buffer);
  readonly #sink = Buffer.alloc(64);
  #closed = false;

  constructor() {
    if (libc.has.eventfd) {
      this.readFd = check(libc.eventfd(0, EPOLL.EFD_NONBLOCK | EPOLL.EFD_CLOEXEC), 'eventfd');
      this.#writeFd = this.readFd;
      this.kind = 'eventfd';
    } else {
      [this.readFd, this.#writeFd] = calls.pipe();
      this.kind = 'self-pipe';
    }
  }

  /** Makes readFd readable. EAGAIN (already signalled, pipe full) is fine: the loop wakes anyway. */
  signal(): void {
    if (this.#closed) return;
    libc.write(this.#writeFd, this.#one, this.readFd === this.#writeFd ? 8 : 1);
  }

  /** Consumes every pending signal (the reader callback). */
  drain(): void {
    while (!this.#closed && libc.read(this.readFd, this.#sink, this.#sink.length) > 0) {
      // an eventfd reads its whole counter at once; a pipe may need several reads
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    libc.close(this.readFd);
    if (this.#writeFd !== this.readFd) libc.close(this.#writeFd);
  }
}

