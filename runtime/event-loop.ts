import { MonotonicClock, type Clock } from './clock';
import { Coroutine, coroutineCreationTracking, setCoroutineCreationTracking } from './coroutine';
import { RuntimeError } from './errors';
import { Future, setFutureCreationTracking, setWaitReason } from './future';
import { Handle, TimerHandle, type ExceptionContext } from './handles';
import { hostTurn, type Host } from './host';
import { log } from './log';
import { peekRunningLoop, setRunningLoop } from './running';
import { EVENT_READ, EVENT_WRITE, selectIntoBySelect, type Selector, type SelectorKey } from './selector';
import { Task, allTasks } from './task';
import { TimerHeap } from './timer-heap';
import * as sockOps from './sock-ops';
import * as protocols from './protocols';
import type { Server } from './streams/server';
import type { Protocol as TransportProtocol } from './streams/protocol';
import type { SockLike } from './sock-ops';
import type { Socket } from './socket';
import type { SockAddress } from './sys/sockaddr';
import { formatExceptionContext } from './traceback';
import { UnretrievedTracker, type Failure } from './unretrieved';
import { ensureFuture } from './gather';
import type { Transport } from './streams/transport';
import type { SSLContext, TlsOptions } from './tls/ssl-context';
import { startTls, type StartTlsOptions } from './tls/start-tls';
import { formatHandle, type Journal } from './journal';

/** The handles waiting on one fd, kept as the selector key's data (as asyncio does). */
export interface FdHandles {
  reader: Handle | null;
  writer: Handle | null;
}

export type ExceptionHandler = (loop: EventLoop, context: ExceptionContext) => void;

export interface EventLoopOptions {
  clock?: Clock;
  selector?: Selector<FdHandles>;
  /** The host integration; defaults to Node's when the default selector is used, none otherwise. */
  host?: Host | null;
  debug?: boolean;
}

/** What one iteration of run-once did (the debugger shows the last one). */
export interface IterationStats {
  iteration: number;
  fdsReady: number;
  timersFired: number;
  callbacksRun: number;
  selectTimeout: number | null;
}

/**
 * Why the loop's iterations ended their wait, counted since the loop was made: the question "is my
 * loop spinning, and what wakes it?" (the debugger shows it under Event loop).
 */
export interface WakeupCounts {
  /** Iterations that did not wait at all: callbacks were ready, or the host had work due. */
  noWait: number;
  /** Waits ended by a ready fd (a socket, libuv's backend fd, the self-pipe). */
  byFd: number;
  /** Waits that ended without a ready fd: their timeout (a timer of ours or the host's came due), or a signal. */
  byTimeout: number;
  /** Turns given to the host (Node's loop) between iterations. */
  hostTurns: number;
}

/**
 * Told when every task is asleep: the loop would wait for ever and nothing can wake it (see
 * runOnce). Installed by runtime/deadlock.ts, which reports it; the loop only decides.
 */
export type AsleepHandler = (loop: EventLoop) => void;
let asleepHandler: AsleepHandler | null = null;

/** @internal The reporter of "all tasks are asleep" (runtime/deadlock.ts). */
export function setAsleepHandler(handler: AsleepHandler | null): void {
  asleepHandler = handler;
}

type SelectorFactory = () => { selector: Selector<FdHandles>; host: Host | null };
let defaultSelectorFactory: SelectorFactory | null = null;

/** @internal The I/O layer installs how a loop gets its real selector and host. */
export function setDefaultSelectorFactory(factory: SelectorFactory): void {
  defaultSelectorFactory = factory;
}

const MIN_SCHEDULED_TIMER_HANDLES = 100;
const MIN_CANCELLED_TIMER_HANDLES_FRACTION = 0.5;
/** Longest stretch (seconds) the loop runs without giving the host a turn. */
const HOST_FAIRNESS = 0.02;
/**
 * While callbacks are ready (a wait of timeout 0), the selector is polled once this many callbacks
 * have run since the last poll, not every iteration: a poll is a system call through the FFI
 * (~0.6 µs), more than a task switch costs, and a loop that goes round with one or two ready
 * callbacks (a future completed by a callSoon) would spend most of its time there. Ready fds wait
 * at most this many callbacks (README: io-poll-batching). A loop with nothing ready polls at once.
 */
const POLL_EVERY = 64;
/** A ready queue that held more handles than this gives its room back after running them. */
const KEEP_READY_ROOM = 4096;

/**
 * An asyncio-shaped event loop: a FIFO ready queue, a timer heap and a selector.
 *
 * Invariant: callbacks run only inside runOnce(), which runs exactly the handles that were ready
 * when it started; the timer heap holds every scheduled TimerHandle ordered by (when, seq), with
 * cancelled ones removed lazily; #ready never holds a handle twice for one scheduling.
 * The ready queue is #ready[0..#readyCount); slots past it are empty. It keeps its array's room
 * from iteration to iteration (`length = 0` would free it, and the next pushes regrow it).
 */
export class EventLoop {
  readonly clock: Clock;
  readonly selector: Selector<FdHandles>;
  readonly #host: Host | null;
  #ready: (Handle | undefined)[] = [];
  #readyCount = 0;
  #spare: (Handle | undefined)[] = [];
  #timers = new TimerHeap();
  #cancelledTimers = 0;
  #stopping = false;
  #running = false;
  #closed = false;
  #debug = false;
  #iteration = 0;
  /** Updated in place each iteration (lastIteration hands out copies). */
  readonly #lastStats: IterationStats = { iteration: 0, fdsReady: 0, timersFired: 0, callbacksRun: 0, selectTimeout: 0 };
  /** Where the selector reports the ready fds: keys and their events, reused by every iteration. */
  readonly #readyKeys: SelectorKey<FdHandles>[] = [];
  readonly #readyEvents: number[] = [];
  /** Callbacks run since the selector was last polled (see POLL_EVERY). */
  #sincePoll = POLL_EVERY;
  readonly #wakeups: WakeupCounts = { noWait: 0, byFd: 0, byTimeout: 0, hostTurns: 0 };
  #exceptionHandler: ExceptionHandler | null = null;
  #pendingBridges = 0;
  #turnRequested = false;
  #lastTurn = 0;
  readonly #unretrieved = new UnretrievedTracker(this);
  /** The iteration that found every task asleep, waiting for one host turn to confirm it (-1: none). */
  #asleepAt = -1;
  /** "All asleep" was reported and nothing has run since: do not report it again. */
  #asleepReported = false;
  /** Callbacks slower than this (seconds) are reported in debug mode (asyncio's slow_callback_duration). */
  slowCallbackDuration = 0.1;
  /** The journal (runtime/journal.ts) while a debugger or `--journal` asked for one; else null. */
  _journal: Journal | null = null;
  /** Set by the task module while a task steps, for currentTask(). */
  _currentTask: Task<unknown> | null = null;

  constructor(options: EventLoopOptions = {}) {
    this.clock = options.clock ?? new MonotonicClock();
    if (options.selector) {
      this.selector = options.selector;
      this.#host = options.host ?? null;
    } else {
      if (!defaultSelectorFactory) throw new RuntimeError('no default selector: the I/O layer (runtime/selectors) is not loaded');
      const { selector, host } = defaultSelectorFactory();
      this.selector = selector;
      this.#host = options.host === undefined ? host : options.host;
    }
    if (options.debug ?? process.env.COROSCOPE_DEBUG === '1') this.setDebug(true);
  }

  // ---- scheduling -------------------------------------------------------------------------

  /** Queues callback(...args) to run on the next iteration; FIFO among callSoon calls. */
  callSoon(callback: (...args: any[]) => unknown, ...args: unknown[]): Handle {
    if (this.#closed) this.#raiseClosed('callSoon');
    const h = new Handle(callback, args, this);
    this.#ready[this.#readyCount++] = h;
    return h;
  }

  /** @internal Queues an existing handle (a task's reusable step handle). */
  _scheduleHandle(h: Handle): void {
    if (this.#closed) this.#raiseClosed('callSoon');
    this.#ready[this.#readyCount++] = h;
  }

  /**
   * callSoon for code outside the loop's own turn (a Node callback, another thread's message):
   * the same queue; the loop, if blocked in its selector, is woken by the host turn that runs this.
   */
  callSoonThreadsafe(callback: (...args: any[]) => unknown, ...args: unknown[]): Handle {
    const h = this.callSoon(callback, ...args);
    this.#wakeup?.();
    return h;
  }

  /** Set by the I/O layer: wakes the selector from outside (asyncio's self-pipe). */
  #wakeup: (() => void) | null = null;
  /** @internal */
  _setWakeup(fn: (() => void) | null): void {
    this.#wakeup = fn;
  }

  callLater(delay: number, callback: (...args: any[]) => unknown, ...args: unknown[]): TimerHandle {
    if (typeof delay !== 'number' || Number.isNaN(delay)) throw new TypeError(`callLater: delay must be a number of seconds, got ${String(delay)}`);
    if (this.#closed) this.#raiseClosed('callLater');
    return this.#schedule(this.time() + delay, callback, args);
  }

  callAt(when: number, callback: (...args: any[]) => unknown, ...args: unknown[]): TimerHandle {
    if (typeof when !== 'number' || Number.isNaN(when)) throw new TypeError(`callAt: when must be a loop time in seconds, got ${String(when)}`);
    if (this.#closed) this.#raiseClosed('callAt');
    return this.#schedule(when, callback, args);
  }

  /** Puts a timer in the heap (callLater's arguments go straight here, not spread again through callAt). */
  #schedule(when: number, callback: (...args: any[]) => unknown, args: unknown[]): TimerHandle {
    const h = new TimerHandle(when, callback, args, this);
    h.scheduled = true;
    this.#timers.push(h);
    return h;
  }

  /** @internal Called by TimerHandle.cancel() while the handle is in the heap. */
  timerCancelled(_h: TimerHandle): void {
    this.#cancelledTimers += 1;
  }

  /** The loop's clock, in seconds. */
  time(): number {
    return this.clock.now();
  }

  createFuture<T = unknown>(): Future<T> {
    if (this.#closed) this.#raiseClosed('createFuture');
    return new Future<T>({ loop: this });
  }

  createTask<T>(coro: Coroutine<T> | PromiseLike<T> | Generator<unknown, T, unknown>, options: { name?: string; /** @internal */ parent?: Task<unknown> | null } = {}): Task<T> {
    if (this.#closed) {
      if (coro instanceof Coroutine) coro.close();
      this.#raiseClosed('createTask');
    }
    return new Task(coro as Coroutine<T>, { loop: this, name: options.name, parent: options.parent });
  }

  // ---- running ----------------------------------------------------------------------------

  /**
   * One iteration: wait in the selector (no longer than the next timer, not at all if callbacks
   * are ready), queue the handles of ready fds and due timers, then run exactly the callbacks that
   * were queued when the iteration began. The only place where callbacks are called.
   */
  runOnce(): void {
    const timers = this.#timers;
    // Drop cancelled timers: all at once when they are many, else those at the top.
    if (timers.size > MIN_SCHEDULED_TIMER_HANDLES && this.#cancelledTimers / timers.size > MIN_CANCELLED_TIMER_HANDLES_FRACTION) {
      timers.compact((h) => {
        if (h.cancelled()) h.scheduled = false;
        return !h.cancelled();
      });
      this.#cancelledTimers = 0;
    } else {
      for (let top = timers.peek(); top && top.cancelled(); top = timers.peek()) {
        timers.pop();
        top.scheduled = false;
        this.#cancelledTimers -= 1;
      }
    }

    let timeout: number | null = null;
    if (this.#readyCount > 0 || this.#stopping) timeout = 0;
    else if (timers.size > 0) timeout = Math.min(Math.max(0, timers.peekWhen() - this.time()), 24 * 3600);
    if (this.#pendingBridges > 0 && this.#host === null) timeout = 0; // nothing else would wake us
    // When the host's deadline (a Node timer) is the nearer one, a wait that runs out means the
    // host has work due: it gets its turn right after this iteration, not one iteration later.
    let hostDeadline = false;
    if (this.#host && timeout !== 0) {
      const clamped = this.#host.clampTimeout(timeout);
      hostDeadline = clamped !== null && clamped > 0 && (timeout === null || clamped < timeout);
      timeout = clamped;
    }

    // Nothing can end this wait (rare: an idle server has its listening fd): are all tasks asleep?
    if (timeout === null && asleepHandler !== null && !this.#asleepReported) timeout = this.#checkAsleep();

    const journal = this._journal;
    const waitStart = hostDeadline ? this.time() : journal !== null ? journal.waitStart() : 0;
    // The ready fds' keys and events, in arrays the loop reuses (no pair per ready fd).
    const readyKeys = this.#readyKeys;
    const readyEvents = this.#readyEvents;
    let nready = 0;
    if (timeout !== 0 || this.#sincePoll >= POLL_EVERY) {
      const selector = this.selector;
      nready = selector.selectInto !== undefined ? selector.selectInto(timeout, readyKeys, readyEvents) : selectIntoBySelect(selector, timeout, readyKeys, readyEvents);
      this.#sincePoll = 0;
    }
    if (timeout === 0) this.#wakeups.noWait += 1;
    else if (nready > 0) this.#wakeups.byFd += 1;
    else {
      this.#wakeups.byTimeout += 1;
      // (A wait cut short by a signal is no reason for a turn.)
      if (hostDeadline && this.time() - waitStart >= timeout! - 5e-4) this.#turnRequested = true;
    }
    const ready = this.#ready;
    const soon = this.#readyCount;
    for (let i = 0; i < nready; i++) {
      const key = readyKeys[i]!;
      const mask = readyEvents[i]!;
      readyKeys[i] = undefined!; // no key (and its handles) kept past this iteration
      const handles = key.data;
      if (mask & EVENT_READ && handles.reader) {
        if (handles.reader.cancelled()) this.removeReader(key.fd);
        else {
          ready[this.#readyCount++] = handles.reader;
          if (journal !== null) journal.fdReady(key.fd);
        }
      }
      if (mask & EVENT_WRITE && handles.writer) {
        if (handles.writer.cancelled()) this.removeWriter(key.fd);
        else {
          ready[this.#readyCount++] = handles.writer;
          if (journal !== null) journal.fdReady(key.fd);
        }
      }
    }

    const endTime = timers.size > 0 ? this.time() + 1e-9 : 0;
    let fired = 0;
    while (timers.peekWhen() < endTime) {
      const top = timers.pop()!;
      top.scheduled = false;
      if (top.cancelled()) {
        this.#cancelledTimers -= 1;
        continue;
      }
      ready[this.#readyCount++] = top;
      fired += 1;
    }

    // Callbacks scheduled while these run wait for the next iteration.
    const todo = ready;
    const count = this.#readyCount;
    this.#ready = this.#spare;
    this.#readyCount = 0;
    let ran = 0;
    /** The next handle to run (the journal runs them itself: there, the whole batch counts as run). */
    let next = 0;
    try {
      if (journal !== null) {
        next = count;
        ran = journal.run(todo as readonly Handle[], count, soon, waitStart, timeout, nready);
      } else if (this.#debug) {
        while (next < count) {
          const h = todo[next++]!;
          if (h.cancelled()) continue;
          const t0 = this.time();
          h.run();
          ran += 1;
          const dt = this.time() - t0;
          if (dt >= this.slowCallbackDuration) log(`Executing ${formatHandle(h)} took ${dt.toFixed(3)} seconds`);
        }
      } else {
        while (next < count) {
          const h = todo[next++]!;
          if (h.cancelled()) continue;
          h.run();
          ran += 1;
        }
      }
      next = count;
    } finally {
      // An error escaped a callback (Handle.run catches them; this is for what it cannot): the
      // handles that did not run go first in the next iteration, as asyncio keeps them in _ready.
      if (next < count) this.#requeueFront(todo, next, count);
      // Emptied for the next swap, its room kept, unless a burst made it large. (In a finally: an
      // error escaping a callback must not leave #spare and #ready the same array.)
      if (count > KEEP_READY_ROOM) todo.length = 0;
      else for (let i = 0; i < count; i++) todo[i] = undefined;
      this.#spare = todo;
    }
    this.#sincePoll += ran;
    if (ran > 0) this.#asleepReported = false;
    this.#unretrieved.endIteration();
    this.#iteration += 1;
    const stats = this.#lastStats;
    stats.iteration = this.#iteration;
    stats.fdsReady = nready;
    stats.timersFired = fired;
    stats.callbacksRun = ran;
    stats.selectTimeout = timeout;
  }

  /**
   * Runs iterations until stop(). Returns a promise because the host (Node) gets turns between
   * iterations when it has work; with a fake selector and no promises it completes synchronously.
   */
  async runForever(): Promise<void> {
    this.#checkRunnable();
    this.#running = true;
    setRunningLoop(this);
    this.#host?.attach(this);
    this.#lastTurn = this.time();
    try {
      for (;;) {
        this.runOnce();
        if (this.#stopping) break;
        if (this.#turnRequested || (this.#pendingBridges > 0 && this.#readyCount === 0) || this.time() - this.#lastTurn > HOST_FAIRNESS) {
          this.#turnRequested = false;
          this.#wakeups.hostTurns += 1;
          // The loop stays "running" during the turn: Node callbacks may use getRunningLoop().
          const turnStart = this._journal !== null ? this.time() : 0;
          await (this.#host?.turn ? this.#host.turn() : hostTurn());
          this.#lastTurn = this.time();
          this._journal?.hostTurn(turnStart);
        }
      }
    } finally {
      this._journal?.stopped();
      this.#stopping = false;
      this.#running = false;
      this.#host?.detach(this);
      setRunningLoop(null);
    }
  }

  /** Runs until the future (or coroutine, wrapped in a task) is done; returns its result. */
  async runUntilComplete<T>(future: Future<T> | Coroutine<T> | PromiseLike<T>): Promise<T> {
    this.#checkRunnable();
    const fut = ensureFuture(future, this);
    const stop = () => this.stop();
    fut.addDoneCallback(stop);
    try {
      await this.runForever();
    } catch (err) {
      if (fut.done() && !fut.cancelled()) fut.exception(); // the original error is the interesting one
      throw err;
    } finally {
      fut.removeDoneCallback(stop);
    }
    if (!fut.done()) throw new RuntimeError('Event loop stopped before Future completed.');
    return fut.result();
  }

  /** Stops after the current iteration (callbacks already queued still run once). */
  stop(): void {
    this.#stopping = true;
  }

  isRunning(): boolean {
    return this.#running;
  }

  isClosed(): boolean {
    return this.#closed;
  }

  /** Closes the loop: drops queued callbacks and timers, closes the selector. Idempotent. */
  close(): void {
    if (this.#running) throw new RuntimeError('Cannot close a running event loop');
    if (this.#closed) return;
    this.#unretrieved.close();
    this.#closed = true;
    this.#ready.length = 0;
    this.#readyCount = 0;
    for (const h of this.#timers.items()) h.cancel();
    this.#timers = new TimerHeap();
    this.selector.close();
  }

  // ---- I/O readiness ------------------------------------------------------------------------

  /** Calls callback(...args) whenever fd is readable, until removeReader(fd). */
  addReader(fd: number, callback: (...args: any[]) => unknown, ...args: unknown[]): Handle {
    if (this.#closed) this.#raiseClosed('addReader');
    const h = new Handle(callback, args, this);
    const key = this.selector.getKey(fd);
    if (!key) this.selector.register(fd, EVENT_READ, { reader: h, writer: null });
    else {
      const old = key.data.reader;
      this.selector.modify(fd, key.events | EVENT_READ, { reader: h, writer: key.data.writer });
      old?.cancel();
    }
    return h;
  }

  removeReader(fd: number): boolean {
    if (this.#closed) return false;
    const key = this.selector.getKey(fd);
    if (!key) return false;
    const { reader, writer } = key.data;
    const events = key.events & ~EVENT_READ;
    if (events === 0) this.selector.unregister(fd);
    else this.selector.modify(fd, events, { reader: null, writer });
    if (!reader) return false;
    reader.cancel();
    return true;
  }

  addWriter(fd: number, callback: (...args: any[]) => unknown, ...args: unknown[]): Handle {
    if (this.#closed) this.#raiseClosed('addWriter');
    const h = new Handle(callback, args, this);
    const key = this.selector.getKey(fd);
    if (!key) this.selector.register(fd, EVENT_WRITE, { reader: null, writer: h });
    else {
      const old = key.data.writer;
      this.selector.modify(fd, key.events | EVENT_WRITE, { reader: key.data.reader, writer: h });
      old?.cancel();
    }
    return h;
  }

  removeWriter(fd: number): boolean {
    if (this.#closed) return false;
    const key = this.selector.getKey(fd);
    if (!key) return false;
    const { reader, writer } = key.data;
    const events = key.events & ~EVENT_WRITE;
    if (events === 0) this.selector.unregister(fd);
    else this.selector.modify(fd, events, { reader, writer: null });
    if (!writer) return false;
    writer.cancel();
    return true;
  }

  // ---- socket operations (runtime/sock-ops.ts: the design and the system calls live there) ------

  /** Up to n bytes from a non-blocking socket; an empty Buffer at EOF (loop.sock_recv). */
  sockRecv(sock: SockLike, n: number): Future<Buffer> {
    return sockOps.sockRecv(this, sock, n);
  }

  /** Receives into buf; resolves to the number of bytes (loop.sock_recv_into). */
  sockRecvInto(sock: SockLike, buf: Uint8Array, nbytes?: number): Future<number> {
    return sockOps.sockRecvInto(this, sock, buf, nbytes);
  }

  /** Sends all of data, across partial sends (loop.sock_sendall). */
  sockSendall(sock: SockLike, data: Uint8Array): Future<void> {
    return sockOps.sockSendall(this, sock, data);
  }

  /** Connects a non-blocking socket (loop.sock_connect). */
  sockConnect(sock: SockLike, address: SockAddress): Future<void> {
    return sockOps.sockConnect(this, sock, address);
  }

  /** Accepts a connection: [non-blocking Socket, peer address] (loop.sock_accept). */
  sockAccept(sock: SockLike): Future<[Socket, SockAddress]> {
    return sockOps.sockAccept(this, sock);
  }

  /**
   * Upgrades a connected transport to TLS (loop.start_tls): resolves to the TLS transport once the
   * handshake completed; `protocol` goes on with it (no second connectionMade).
   */
  startTls(transport: Transport, protocol: TransportProtocol, ssl: true | TlsOptions | SSLContext, options: StartTlsOptions = {}): Coroutine<Transport> {
    return startTls(this, transport, protocol, ssl, options);
  }

  // ---- protocols (runtime/protocols.ts) -----------------------------------------------------

  /** Listens on host:port; each connection gets protocolFactory()'s protocol (loop.create_server). */
  createServer<P extends TransportProtocol>(protocolFactory: () => P, host?: string | null, port = 0, options: protocols.CreateServerOptions = {}): Coroutine<Server> {
    return protocols.createServer(this, protocolFactory, host, port, options);
  }

  /** Connects to host:port; resolves to [transport, protocol] after connectionMade (loop.create_connection). */
  createConnection<P extends TransportProtocol>(protocolFactory: () => P, host: string, port: number, options: protocols.CreateConnectionOptions = {}): Coroutine<[protocols.Transport, P]> {
    return protocols.createConnection(this, protocolFactory, host, port, options);
  }

  // ---- errors and debug ---------------------------------------------------------------------

  setExceptionHandler(handler: ExceptionHandler | null): void {
    if (handler !== null && typeof handler !== 'function') throw new TypeError(`A callable object or null is expected, got ${String(handler)}`);
    this.#exceptionHandler = handler;
  }

  getExceptionHandler(): ExceptionHandler | null {
    return this.#exceptionHandler;
  }

  /** Logs the context: message, the future or task, and the exception's traceback. */
  defaultExceptionHandler(context: ExceptionContext): void {
    log(formatExceptionContext(context));
  }

  /** Reports an error that has no caller to raise to (a failing callback, an unretrieved exception). */
  callExceptionHandler(context: ExceptionContext): void {
    if (this.#exceptionHandler === null) {
      try {
        this.defaultExceptionHandler(context);
      } catch (err) {
        log(`Exception in default exception handler: ${String(err)}`);
      }
      return;
    }
    try {
      this.#exceptionHandler(this, context);
    } catch (err) {
      try {
        this.defaultExceptionHandler({ message: 'Unhandled error in exception handler', exception: err, context });
      } catch {
        log(`Exception in default exception handler: ${String(err)}`);
      }
    }
  }

  /** Debug mode: slow-callback warnings, creation sites of tasks and coroutines, never-awaited reports. */
  setDebug(enabled: boolean): void {
    this.#debug = Boolean(enabled);
    if (enabled) setCoroutineCreationTracking(true);
    else if (coroutineCreationTracking()) setCoroutineCreationTracking(false);
    setFutureCreationTracking(Boolean(enabled));
  }

  getDebug(): boolean {
    return this.#debug;
  }

  // ---- introspection accessors (read by runtime/introspection) ------------------------------

  get iteration(): number {
    return this.#iteration;
  }

  get lastIteration(): IterationStats {
    return { ...this.#lastStats };
  }

  /** What ended each iteration's wait, since the loop was made (a copy). */
  get wakeups(): WakeupCounts {
    return { ...this.#wakeups };
  }

  /** Handles queued for the next iteration (a copy). */
  readyHandles(): readonly Handle[] {
    return this.#ready.slice(0, this.#readyCount) as Handle[];
  }

  /** How many handles are queued for the next iteration. */
  get readyCount(): number {
    return this.#readyCount;
  }

  /** Puts todo[from..to) in front of the handles queued since (see runOnce). */
  #requeueFront(todo: readonly (Handle | undefined)[], from: number, to: number): void {
    const queued = this.#ready.slice(0, this.#readyCount);
    const front = todo.slice(from, to);
    const all = [...front, ...queued];
    for (let i = 0; i < all.length; i++) this.#ready[i] = all[i];
    this.#readyCount = all.length;
  }

  /** Scheduled timers, cancelled ones excluded, soonest first. */
  scheduledTimers(): TimerHandle[] {
    return this.#timers
      .items()
      .filter((h) => !h.cancelled())
      .sort((a, b) => a.when - b.when || a.seq - b.seq);
  }

  /** Native promises awaited by tasks that have not settled yet. */
  get pendingPromises(): number {
    return this.#pendingBridges;
  }

  // ---- all tasks asleep ------------------------------------------------------------------------

  /**
   * @internal True when something besides the tasks themselves can still run: a queued callback, a
   * timer, an fd of the program registered in the selector (a listening or connected socket), a
   * native promise a task awaits, or Node's own work (a handle or request keeping it alive). An
   * unknown host counts as able to wake the loop.
   */
  _canWake(): boolean {
    if (this.#readyCount > 0 || this.#pendingBridges > 0 || this.#stopping) return true;
    // fds first: an idle server reaches this at each wait with no timer, and has its listening fd.
    const host = this.#host;
    const own = host?.ownFds?.() ?? [];
    const fds = this.selector.getMap();
    if (fds.size > own.length) return true;
    if ((this.selector.inFlight?.() ?? 0) > 0) return true;
    for (const fd of fds.keys()) if (!own.includes(fd)) return true;
    if (this.#timers.size > 0 && this.#timers.items().some((h) => !h.cancelled())) return true;
    return host !== null && !(host.quiescent?.() ?? false);
  }

  /**
   * The selector would block with no timeout. If nothing can wake the loop while tasks are pending,
   * give the host one turn first (a microtask or a watcher not yet polled may still call back), and
   * when the next iteration finds the same, hand the verdict to the asleep handler. Returns the
   * timeout to use: null (wait), or 0 while confirming.
   */
  #checkAsleep(): number | null {
    if (this.#host === null || this._canWake() || allTasks(this).size === 0) {
      this.#asleepAt = -1;
      return null;
    }
    if (this.#asleepAt !== this.#iteration - 1) {
      this.#asleepAt = this.#iteration;
      this.#turnRequested = true;
      return 0;
    }
    this.#asleepAt = -1;
    this.#asleepReported = true;
    asleepHandler?.(this);
    return this.#readyCount > 0 ? 0 : null;
  }

  // ---- host integration (internal) ----------------------------------------------------------

  /** @internal Asks runForever to give the host a turn after this iteration. */
  _requestHostTurn(): void {
    this.#turnRequested = true;
  }

  /** @internal A future that completes when the thenable settles (on Node's loop). */
  _wrapThenable<T>(thenable: PromiseLike<T>): Future<T> {
    const fut = new Future<T>({ loop: this });
    setWaitReason(fut, { kind: 'promise' });
    this.#pendingBridges += 1;
    let settled = false;
    const settle = () => {
      if (settled) return false;
      settled = true;
      this.#pendingBridges -= 1;
      this.#turnRequested = true;
      return !fut.done() && !this.#closed;
    };
    try {
      thenable.then(
        (value) => {
          if (settle()) fut.setResult(value);
        },
        (err) => {
          if (settle()) fut.setException(err);
        },
      );
    } catch (err) {
      if (settle()) fut.setException(err);
    }
    return fut;
  }

  /** @internal A native promise that settles with the future (for native `await` of our futures). */
  _futureToPromise<T>(fut: Future<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      fut.addDoneCallback((f) => {
        // The promise's reactions are microtasks, which run only when the host gets a turn: ask
        // for one after this iteration, or they would wait until the loop next sleeps.
        this.#turnRequested = true;
        try {
          resolve(f.result());
        } catch (err) {
          reject(err);
        }
      });
    });
  }

  /** @internal Remembers a failed future until its exception is retrieved, or reports it (runtime/unretrieved.ts). */
  _trackUnretrieved(fut: Future<unknown>, exception: unknown): Failure {
    return this.#unretrieved.track(fut, exception);
  }

  #checkRunnable(): void {
    if (this.#closed) this.#raiseClosed('runForever');
    if (this.#running) throw new RuntimeError('This event loop is already running');
    if (peekRunningLoop() !== null) throw new RuntimeError('Cannot run the event loop while another loop is running');
  }

  #raiseClosed(method: string): never {
    throw new RuntimeError('Event loop is closed', { hint: `loop.${method}() called after loop.close()` });
  }
}
