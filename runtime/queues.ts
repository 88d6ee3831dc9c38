// Queues for producer and consumer tasks: Queue (FIFO), PriorityQueue, LifoQueue
// (asyncio's queues.py, CPython 3.12 semantics: maxsize backpressure, taskDone/join).
import { Coroutine } from './coroutine';
import { QueueEmpty, QueueFull, ValueError } from './errors';
import type { Future } from './future';
import { Event, LoopBound } from './locks';
import { peekRunningLoop } from './running';
import type { Task } from './task';
import { noteRecent, type WaitFacts } from './wait-facts';

/**
 * A FIFO queue (asyncio.Queue); maxsize <= 0 means unbounded.
 * Invariant: #getters (#putters) hold the waiting get() (put()) calls in arrival order; an item
 * put wakes the first getter, an item taken wakes the first putter; #unfinished counts items put
 * and not yet acknowledged with taskDone(), and #finished is set exactly when it is zero.
 */
export class Queue<T = unknown> extends LoopBound {
  readonly #maxsize: number;
  #getters = new Set<Future<void>>();
  #putters = new Set<Future<void>>();
  #unfinished = 0;
  readonly #finished = new Event();
  /** FIFO storage: items from #head on (the consumed prefix is dropped now and then). */
  #items: T[] = [];
  #head = 0;
  /** The last few tasks that put (took) items, for the verdicts: who could wake a getter (putter). */
  #producers: Task<unknown>[] = [];
  #consumers: Task<unknown>[] = [];

  constructor(maxsize = 0) {
    super();
    this.#maxsize = maxsize;
    this.#finished.set();
  }

  // ---- storage: what the subclasses change -----------------------------------------------

  protected size(): number {
    return this.#items.length - this.#head;
  }

  protected putItem(item: T): void {
    this.#items.push(item);
  }

  protected getItem(): T {
    const item = this.#items[this.#head]!;
    this.#items[this.#head] = undefined as T; // do not keep the item alive
    this.#head += 1;
    if (this.#head > 32 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }

  /** The items, in the order get() would return them (for repr and the debugger). */
  protected snapshot(): T[] {
    return this.#items.slice(this.#head);
  }

  // ---- the asyncio surface ---------------------------------------------------------------

  /** Number of items in the queue. */
  qsize(): number {
    return this.size();
  }

  get maxsize(): number {
    return this.#maxsize;
  }

  empty(): boolean {
    return this.size() === 0;
  }

  /** True if the queue holds maxsize items (never for an unbounded queue). */
  full(): boolean {
    return this.#maxsize > 0 && this.size() >= this.#maxsize;
  }

  /** Puts an item, waiting while the queue is full. */
  put(item: T): Coroutine<void> {
    return new Coroutine(this.#put(item), -1, `${this.constructor.name}.put`);
  }

  /** Puts an item now; QueueFull if there is no free slot. */
  putNowait(item: T): void {
    if (this.full()) throw new QueueFull();
    this.putItem(item);
    const task = peekRunningLoop()?._currentTask;
    if (task && this.#producers[this.#producers.length - 1] !== task) noteRecent(this.#producers, task);
    this.#unfinished += 1;
    this.#finished.clear();
    wakeupNext(this.#getters);
  }

  /** Removes and returns an item, waiting while the queue is empty. */
  get(): Coroutine<T> {
    return new Coroutine(this.#get(), -1, `${this.constructor.name}.get`);
  }

  /** Removes and returns an item now; QueueEmpty if there is none. */
  getNowait(): T {
    if (this.empty()) throw new QueueEmpty();
    const item = this.getItem();
    const task = peekRunningLoop()?._currentTask;
    if (task && this.#consumers[this.#consumers.length - 1] !== task) noteRecent(this.#consumers, task);
    wakeupNext(this.#putters);
    return item;
  }

  /** Tells the queue that one item taken by get() is processed; ValueError if called too often. */
  taskDone(): void {
    if (this.#unfinished <= 0) throw new ValueError('task_done() called too many times');
    this.#unfinished -= 1;
    if (this.#unfinished === 0) this.#finished.set();
  }

  /** Waits until every item put has been acknowledged with taskDone(). */
  join(): Coroutine<void> {
    return new Coroutine(this.#join(), -1, `${this.constructor.name}.join`);
  }

  *#put(item: T): Generator<unknown, void, unknown> {
    while (this.full()) {
      const putter = this.waiterFuture<void>('Queue.put');
      this.#putters.add(putter);
      try {
        yield putter;
      } catch (err) {
        putter.cancel(); // in case it is not done yet
        this.#putters.delete(putter);
        // A slot freed for us goes to the next putter instead.
        if (!this.full() && !putter.cancelled()) wakeupNext(this.#putters);
        throw err;
      }
    }
    this.putNowait(item);
  }

  *#get(): Generator<unknown, T, unknown> {
    while (this.empty()) {
      const getter = this.waiterFuture<void>('Queue.get');
      this.#getters.add(getter);
      try {
        yield getter;
      } catch (err) {
        getter.cancel(); // in case it is not done yet
        this.#getters.delete(getter);
        // An item meant for us goes to the next getter instead.
        if (!this.empty() && !getter.cancelled()) wakeupNext(this.#getters);
        throw err;
      }
    }
    return this.getNowait();
  }

  *#join(): Generator<unknown, void, unknown> {
    if (this.#unfinished > 0) yield this.#finished.waitAs('Queue.join', 'Event.wait');
  }

  /** @internal */
  _waitFacts(): WaitFacts {
    return { kind: 'queue', name: this.constructor.name, size: this.size(), maxsize: this.#maxsize, producers: [...this.#producers], consumers: [...this.#consumers], unfinished: this.#unfinished };
  }

  /** `<Queue maxsize=0 _queue=[1, 2] _getters[1] tasks=2>`, as asyncio's str(). */
  override toString(): string {
    let result = `maxsize=${this.#maxsize}`;
    if (this.size() > 0) result += ` _queue=[${this.snapshot().map(String).join(', ')}]`;
    if (this.#getters.size) result += ` _getters[${this.#getters.size}]`;
    if (this.#putters.size) result += ` _putters[${this.#putters.size}]`;
    if (this.#unfinished) result += ` tasks=${this.#unfinished}`;
    return `<${this.constructor.name} ${result}>`;
  }
}

/** Wakes the first waiter that is not done, removing the ones it passes (asyncio's _wakeup_next). */
function wakeupNext(waiters: Set<Future<void>>): void {
  for (const waiter of waiters) {
    waiters.delete(waiter);
    if (!waiter.done()) {
      waiter.setResult(undefined);
      break;
    }
  }
}

/** How PriorityQueue orders entries: negative when a comes first. */
export type Compare<T> = (a: T, b: T) => number;

/**
 * Python's `<` for the usual entries: numbers, strings, bigints, booleans, and arrays (tuples)
 * compared element by element, so `[priority, data]` entries work as in asyncio.
 */
export function pythonCompare(a: unknown, b: unknown): number {
  if (Array.isArray(a) && Array.isArray(b)) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      if (a[i] === b[i]) continue;
      const c = pythonCompare(a[i], b[i]);
      if (c !== 0) return c;
    }
    return a.length - b.length;
  }
  const na = isNumeric(a);
  if ((na && isNumeric(b)) || (typeof a === 'string' && typeof b === 'string')) {
    return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
  }
  throw new TypeError(`'<' not supported between ${describe(a)} and ${describe(b)}: give PriorityQueue a compare function`);
}

/**
 * A queue that returns the smallest entry first (asyncio.PriorityQueue), with the same binary
 * heap as Python's heapq, so equal priorities come out in the same order as in asyncio.
 * Invariant: #heap satisfies the heap property under #compare.
 */
export class PriorityQueue<T = unknown> extends Queue<T> {
  #heap: T[] = [];
  readonly #compare: Compare<T>;

  constructor(maxsize = 0, options: { compare?: Compare<T> } = {}) {
    super(maxsize);
    this.#compare = options.compare ?? pythonCompare;
  }

  protected override size(): number {
    return this.#heap.length;
  }

  protected override putItem(item: T): void {
    // heapq.heappush
    this.#heap.push(item);
    this.#siftDown(0, this.#heap.length - 1);
  }

  protected override getItem(): T {
    // heapq.heappop
    const heap = this.#heap;
    const last = heap.pop()!;
    if (heap.length === 0) return last;
    const top = heap[0]!;
    heap[0] = last;
    this.#siftUp(0);
    return top;
  }

  protected override snapshot(): T[] {
    return [...this.#heap];
  }

  #lt(a: T, b: T): boolean {
    return this.#compare(a, b) < 0;
  }

  // heapq._siftdown: move the item at pos up towards startpos.
  #siftDown(startpos: number, pos: number): void {
    const heap = this.#heap;
    const newitem = heap[pos]!;
    while (pos > startpos) {
      const parentpos = (pos - 1) >> 1;
      const parent = heap[parentpos]!;
      if (this.#lt(newitem, parent)) {
        heap[pos] = parent;
        pos = parentpos;
        continue;
      }
      break;
    }
    heap[pos] = newitem;
  }

  // heapq._siftup: move the smaller child up until a leaf, then sift the item down.
  #siftUp(pos: number): void {
    const heap = this.#heap;
    const endpos = heap.length;
    const startpos = pos;
    const newitem = heap[pos]!;
    let childpos = 2 * pos + 1;
    while (childpos < endpos) {
      const rightpos = childpos + 1;
      if (rightpos < endpos && !this.#lt(heap[childpos]!, heap[rightpos]!)) childpos = rightpos;
      heap[pos] = heap[childpos]!;
      pos = childpos;
      childpos = 2 * pos + 1;
    }
    heap[pos] = newitem;
    this.#siftDown(startpos, pos);
  }
}

/** A queue that returns the most recently added entry first (asyncio.LifoQueue). */
export class LifoQueue<T = unknown> extends Queue<T> {
  #stack: T[] = [];

  protected override size(): number {
    return this.#stack.length;
  }

  protected override putItem(item: T): void {
    this.#stack.push(item);
  }

  protected override getItem(): T {
    return this.#stack.pop()!;
  }

  protected override snapshot(): T[] {
    return [...this.#stack];
  }
}

function isNumeric(value: unknown): boolean {
  const t = typeof value;
  return t === 'number' || t === 'bigint' || t === 'boolean';
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return `'${value.constructor?.name ?? 'object'}'`;
  return `'${typeof value}'`;
}
