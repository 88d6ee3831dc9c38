// The readiness multiplexer the loop waits in. It knows nothing about the loop (as Lib/selectors.py):
// it maps fds to interest and returns which are ready.

export const EVENT_READ = 1;
export const EVENT_WRITE = 2;

/** A registration: the fd, the events of interest, and the caller's data (the loop keeps its handles there). */
export interface SelectorKey<D = unknown> {
  readonly fd: number;
  readonly events: number;
  readonly data: D;
}

/** One ready fd: its key and which of its events are ready. */
export type SelectorEvent<D = unknown> = readonly [key: SelectorKey<D>, events: number];

export interface Selector<D = unknown> {
  /** 'select', 'poll', 'epoll', 'kqueue', 'uring' or 'fake': shown to the user in the debugger. */
  readonly kind: string;
  register(fd: number, events: number, data: D): SelectorKey<D>;
  unregister(fd: number): SelectorKey<D>;
  modify(fd: number, events: number, data: D): SelectorKey<D>;
  /**
   * Waits until some registered fd is ready or `timeout` seconds pass (null: no limit, 0: poll).
   * Interrupted system calls return an empty list rather than raising (PEP 475 style).
   */
  select(timeout: number | null): SelectorEvent<D>[];
  /**
   * select() into the caller's arrays, reused from call to call: the i-th ready fd's key in
   * keys[i] and its events in events[i]; returns how many. The loop waits through it where a
   * selector has it: no pair per ready fd.
   */
  selectInto?(timeout: number | null, keys: SelectorKey<D>[], events: number[]): number;
  getKey(fd: number): SelectorKey<D> | undefined;
  /**
   * Raises the error register() would raise because this selector cannot watch the fd at all
   * (select(2): an fd at or above FD_SETSIZE), without registering it. A selector that can watch
   * any open fd need not have it.
   */
  checkWatchable?(fd: number): void;
  getMap(): ReadonlyMap<number, SelectorKey<D>>;
  /**
   * Requests the selector has in flight for fds it does not show as registered (the io_uring
   * selector's sends): their completions can still wake the loop.
   */
  inFlight?(): number;
  close(): void;
}

/** selectInto by way of select(): its pairs unpacked into the caller's arrays (for a selector without its own). */
export function selectIntoBySelect<D>(selector: Selector<D>, timeout: number | null, keys: SelectorKey<D>[], events: number[]): number {
  const ready = selector.select(timeout);
  for (let i = 0; i < ready.length; i++) {
    keys[i] = ready[i]![0];
    events[i] = ready[i]![1];
  }
  return ready.length;
}

/** Validates the events mask and fd shared by every implementation. */
export function checkRegistration(fd: number, events: number): void {
  if (!Number.isInteger(fd) || fd < 0) throw new RangeError(`invalid file descriptor: ${String(fd)} (must be a non-negative integer)`);
  if (events === 0 || (events & ~(EVENT_READ | EVENT_WRITE)) !== 0) throw new RangeError(`invalid events: ${events} (use EVENT_READ, EVENT_WRITE or both)`);
}
