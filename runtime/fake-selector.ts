import type { FakeClock } from './clock';
import { RuntimeError } from './errors';
import { checkRegistration, type Selector, type SelectorEvent, type SelectorKey } from './selector';

/**
 * A selector for unit tests: fds are numbers, readiness is set by the test, and waiting advances
 * the FakeClock straight to the deadline. Waiting forever with nothing ready is a deadlock in a
 * test, so it raises instead of hanging.
 */
export class FakeSelector<D = unknown> implements Selector<D> {
  readonly kind = 'fake';
  #keys = new Map<number, SelectorKey<D>>();
  #ready = new Map<number, number>();
  /** How many times select() was called, and the timeouts it got (for assertions). */
  readonly timeouts: (number | null)[] = [];

  constructor(readonly clock: FakeClock) {}

  register(fd: number, events: number, data: D): SelectorKey<D> {
    checkRegistration(fd, events);
    if (this.#keys.has(fd)) throw new RuntimeError(`fd ${fd} is already registered`);
    const key = Object.freeze({ fd, events, data });
    this.#keys.set(fd, key);
    return key;
  }

  unregister(fd: number): SelectorKey<D> {
    const key = this.#keys.get(fd);
    if (!key) throw new RuntimeError(`fd ${fd} is not registered`);
    this.#keys.delete(fd);
    this.#ready.delete(fd);
    return key;
  }

  modify(fd: number, events: number, data: D): SelectorKey<D> {
    checkRegistration(fd, events);
    if (!this.#keys.has(fd)) throw new RuntimeError(`fd ${fd} is not registered`);
    const key = Object.freeze({ fd, events, data });
    this.#keys.set(fd, key);
    return key;
  }

  /** Marks fd ready for the given events from the next select() on. */
  setReady(fd: number, events: number): void {
    if (events === 0) this.#ready.delete(fd);
    else this.#ready.set(fd, events);
  }

  select(timeout: number | null): SelectorEvent<D>[] {
    this.timeouts.push(timeout);
    const out: SelectorEvent<D>[] = [];
    for (const [fd, ready] of this.#ready) {
      const key = this.#keys.get(fd);
      if (key && (key.events & ready) !== 0) out.push([key, key.events & ready]);
    }
    if (out.length > 0) return out;
    if (timeout === null) throw new RuntimeError('FakeSelector: select() would block forever (nothing ready and no timer): the program is deadlocked');
    this.clock.advance(timeout);
    return out;
  }

  getKey(fd: number): SelectorKey<D> | undefined {
    return this.#keys.get(fd);
  }

  getMap(): ReadonlyMap<number, SelectorKey<D>> {
    return this.#keys;
  }

  close(): void {
    this.#keys.clear();
    this.#ready.clear();
  }
}
