// What every real selector shares: the fd -> key map, argument checks, and the clear errors for
// misuse (the same fd twice, an fd that is not open, use after close). Subclasses only tell the
// kernel about changes and wait.
import { RuntimeError } from '../errors';
import { checkRegistration, selectIntoBySelect, EVENT_READ, EVENT_WRITE, type Selector, type SelectorEvent, type SelectorKey } from '../selector';
import { C } from '../sys/constants';
import { errorFromErrno } from '../sys/errors';
import { isOpen } from '../sys/calls';

export { EVENT_READ, EVENT_WRITE };

/** The kernel's milliseconds for a timeout in seconds, rounded UP (never wake early and spin). */
export function timeoutMs(timeout: number | null): number {
  if (timeout === null) return -1;
  if (!(timeout > 0)) return 0;
  // The 1e-6 ms slack absorbs float error (0.005 s * 1000 = 5.000000000000001): it is far below
  // the loop's own 1 ns tolerance for due timers.
  return Math.min(Math.ceil(timeout * 1000 - 1e-6), 0x7fffffff);
}

/**
 * Invariant: `keys` holds exactly the fds the kernel-side structure watches, each with the events
 * it was last told; after close() every method but close() and getMap() raises.
 */
export abstract class BaseSelector<D = unknown> implements Selector<D> {
  abstract readonly kind: string;
  protected readonly keys = new Map<number, SelectorKey<D>>();
  #closed = false;

  register(fd: number, events: number, data: D): SelectorKey<D> {
    this.checkOpen('register');
    checkRegistration(fd, events);
    if (this.keys.has(fd)) throw new RuntimeError(`fd ${fd} is already registered with this ${this.constructor.name} (use modify() to change its events)`);
    this.beforeAdd(fd);
    this.addFd(fd, events);
    const key: SelectorKey<D> = Object.freeze({ fd, events, data });
    this.keys.set(fd, key);
    return key;
  }

  unregister(fd: number): SelectorKey<D> {
    this.checkOpen('unregister');
    const key = this.keys.get(fd);
    if (!key) throw new RuntimeError(`fd ${fd} is not registered with this ${this.constructor.name}`);
    this.keys.delete(fd);
    this.removeFd(fd, key.events);
    return key;
  }

  modify(fd: number, events: number, data: D): SelectorKey<D> {
    this.checkOpen('modify');
    checkRegistration(fd, events);
    const old = this.keys.get(fd);
    if (!old) throw new RuntimeError(`fd ${fd} is not registered with this ${this.constructor.name}`);
    if (old.events !== events) this.modifyFd(fd, old.events, events);
    const key: SelectorKey<D> = Object.freeze({ fd, events, data });
    this.keys.set(fd, key);
    return key;
  }

  select(timeout: number | null): SelectorEvent<D>[] {
    this.checkOpen('select');
    return this.wait(timeout);
  }

  /** See Selector.selectInto; this one unpacks select()'s pairs (a selector may do better). */
  selectInto(timeout: number | null, keys: SelectorKey<D>[], events: number[]): number {
    return selectIntoBySelect(this, timeout, keys, events);
  }

  getKey(fd: number): SelectorKey<D> | undefined {
    return this.keys.get(fd);
  }

  getMap(): ReadonlyMap<number, SelectorKey<D>> {
    return this.keys;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.keys.clear();
    this.closeKernel();
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * select(2) and poll(2) would only notice a closed fd when waiting; epoll_ctl notices at once.
   * Checking with fcntl(F_GETFD) gives every selector the same clear error at register time.
   */
  protected beforeAdd(fd: number): void {
    if (!isOpen(fd)) throw errorFromErrno(C.errno.EBADF, 'register', `fd ${fd} is not an open file descriptor`);
  }

  /** Maps the kernel's readiness bits to the key's events, as Lib/selectors.py does: errors and
   * hang-ups wake both a reader and a writer so whichever waits sees the failure in its call. */
  protected static merge(key: SelectorKey<unknown>, readable: boolean, writable: boolean): number {
    return key.events & ((readable ? EVENT_READ : 0) | (writable ? EVENT_WRITE : 0));
  }

  protected abstract addFd(fd: number, events: number): void;
  protected abstract removeFd(fd: number, events: number): void;
  protected abstract modifyFd(fd: number, oldEvents: number, events: number): void;
  protected abstract wait(timeout: number | null): SelectorEvent<D>[];
  protected abstract closeKernel(): void;

  protected checkOpen(method: string): void {
    if (this.#closed) throw new RuntimeError(`${this.constructor.name}.${method}(): the selector is closed`);
  }
}
