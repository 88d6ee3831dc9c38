// The seam between our loop and the host's (Node's libuv) loop. Our loop runs synchronously; the
// host needs turns for promise reactions (microtasks), its timers, its I/O (fs, dns, the inspector's
// messages) and signal handlers. A Host tells the loop when to give it one and how long the loop
// may block without starving it.
import type { EventLoop } from './event-loop';

export interface Host {
  /** Called once when the loop starts running (e.g. to register libuv's backend fd as a reader). */
  attach(loop: EventLoop): void;
  /** Called when the loop stops running. */
  detach(loop: EventLoop): void;
  /** The longest the loop may block in its selector (seconds; null = no limit) given its own timeout. */
  clampTimeout(timeout: number | null): number | null;
  /** Gives the host one turn (defaults to hostTurn()); Node's host delivers it in libuv's poll phase. */
  turn?(): Promise<void>;
  /** The fds the host registered on the loop (its own wake-ups): none of them is work of the program. */
  ownFds?(): readonly number[];
  /**
   * True when the host has nothing that could ever call back into the program: no active handle or
   * request keeps it alive and no timer is set. Undefined (or false) when it cannot tell.
   */
  quiescent?(): boolean;
}

/** Gives the host one full turn: every queued microtask, then one non-blocking libuv iteration. */
export function hostTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
