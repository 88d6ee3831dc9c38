// The real selectors, the platform's default, and the choice by name (COROSCOPE_SELECTOR, the
// CLI's --selector). Loading this module makes `new EventLoop()` use them with Node as its host.
import { setDefaultSelectorFactory, type FdHandles } from '../event-loop';
import { NodeHost } from '../host/node-host';
import type { Selector } from '../selector';
import { EpollSelector } from './epoll-selector';
import { KqueueSelector } from './kqueue-selector';
import { PollSelector } from './poll-selector';
import { SelectSelector } from './select-selector';
import { UringSelector } from './uring-selector';
import { uringUnavailable } from '../sys/uring';

export { SelectSelector, PollSelector, EpollSelector, KqueueSelector, UringSelector };
export { BaseSelector } from './base';

export type SelectorName = 'select' | 'poll' | 'epoll' | 'kqueue' | 'uring';
type SelectorClass = new <D = unknown>() => Selector<D>;

const BY_NAME: Record<SelectorName, SelectorClass> = {
  select: SelectSelector,
  poll: PollSelector,
  epoll: EpollSelector,
  kqueue: KqueueSelector,
  uring: UringSelector,
};

/** The most scalable selector of the platform (Lib/selectors.py's DefaultSelector). */
export const DefaultSelector: SelectorClass =
  process.platform === 'linux' ? EpollSelector : process.platform === 'darwin' || process.platform.endsWith('bsd') ? KqueueSelector : PollSelector;

/**
 * A new selector by name; undefined or '' gives the loop's default: on Linux the io_uring selector
 * where the kernel allows io_uring (it reads and writes stream sockets through the ring, and is
 * epoll for everything else), else DefaultSelector.
 */
export function createSelector<D = unknown>(name?: string): Selector<D> {
  if (!name) return process.platform === 'linux' && uringUnavailable() === null ? new UringSelector<D>() : new DefaultSelector<D>();
  const cls = BY_NAME[name as SelectorName];
  if (!cls) throw new RangeError(`unknown selector '${name}' (COROSCOPE_SELECTOR / --selector): use select, poll, epoll, kqueue or uring`);
  return new cls<D>();
}

setDefaultSelectorFactory(() => ({
  selector: createSelector<FdHandles>(process.env.COROSCOPE_SELECTOR),
  host: new NodeHost(),
}));
