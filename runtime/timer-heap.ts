import type { TimerHandle } from './handles';

/**
 * A binary min-heap of timer handles ordered by (when, seq).
 * Invariant: every element is <= its children; cancelled handles stay until popped or compacted.
 */
export class TimerHeap {
  #items: TimerHandle[] = [];

  get size(): number {
    return this.#items.length;
  }

  peek(): TimerHandle | undefined {
    return this.#items[0];
  }

  /** The soonest deadline, or Infinity when empty. */
  peekWhen(): number {
    const top = this.#items[0];
    return top === undefined ? Infinity : top.when;
  }

  push(h: TimerHandle): void {
    const items = this.#items;
    items.push(h);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!less(h, items[parent]!)) break;
      items[i] = items[parent]!;
      i = parent;
    }
    items[i] = h;
  }

  pop(): TimerHandle | undefined {
    const items = this.#items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last !== undefined) {
      items[0] = last;
      this.#siftDown(0);
    }
    return top;
  }

  /** Drops cancelled handles and rebuilds the heap in O(n). */
  compact(isLive: (h: TimerHandle) => boolean): void {
    this.#items = this.#items.filter(isLive);
    for (let i = (this.#items.length >> 1) - 1; i >= 0; i--) this.#siftDown(i);
  }

  /** The handles in heap order (not sorted); for introspection. */
  items(): readonly TimerHandle[] {
    return this.#items;
  }

  #siftDown(i: number): void {
    const items = this.#items;
    const n = items.length;
    const h = items[i]!;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && less(items[child + 1]!, items[child]!)) child++;
      if (!less(items[child]!, h)) break;
      items[i] = items[child]!;
      i = child;
    }
    items[i] = h;
  }
}

function less(a: TimerHandle, b: TimerHandle): boolean {
  return a.when < b.when || (a.when === b.when && a.seq < b.seq);
}
