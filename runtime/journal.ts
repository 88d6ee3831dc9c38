// The journal: the recent past of each task and of the loop, for "who woke me" and the loop
// timeline. Off unless a debugger is attached or `coroscope run --journal` asked for it: the probe
// installs it through hooks that are null otherwise. Facts are recorded as small numbers and
// references where they happen; nothing is formatted until someone reads the journal.
import type { CallerSite } from './caller-site';
import { callerSite } from './caller-site';
import type { EventLoop } from './event-loop';
import type { Future, WaitReason } from './future';
import type { Handle } from './handles';
import { log } from './log';
import { BUSY, SEQ } from './loop-watchdog';
import { setResultUnlessCancelled } from './sleep';
import { Task } from './task';

/** Events kept per task (the oldest are overwritten). */
export const TASK_EVENTS = 64;
/** Loop iterations kept. */
export const ITERATIONS = 10_000;
/** Callbacks kept (across the kept iterations; a busy iteration may have many). */
export const CALLBACKS = 20_000;
/** Spawn sites remembered (one per line of the program that creates tasks, in practice). */
const SPAWN_SITES = 4096;

export type JournalKind = 'spawned' | 'parked' | 'woken' | 'resumed' | 'cancel' | 'done';

/** How a callback came to run: queued by callSoon (or a wake-up), an fd became ready, a timer came due. */
export type Origin = 'soon' | 'fd' | 'timer';
const ORIGINS: readonly Origin[] = ['soon', 'fd', 'timer'];

/** What completed a future (recorded when a task's awaited future completes). */
export interface Waking {
  /** The task whose code completed it (-1: none was running). */
  readonly task: number;
  readonly taskName: string | null;
  /** The callback running when no task was: what it was queued by, its fd, the function. */
  readonly origin: Origin | null;
  readonly fd: number;
  readonly callback: ((...args: any[]) => unknown) | null;
  /** The program's line that completed it, when the program's code did. */
  readonly where: CallerSite | null;
  /** The running task's await site when its own frame was not on the stack (a runtime coroutine it awaits did it). */
  readonly site: number;
  /** The future is the running task itself: it woke its waiters by finishing. */
  readonly finished: boolean;
  /** The future's wait reason (what the task was parked on). */
  readonly reason: WaitReason | undefined;
  readonly futureKind: string;
}

/** One event of a task's journal. */
export interface TaskEvent {
  readonly kind: JournalKind;
  /** Loop time (seconds) and iteration when it happened. */
  readonly time: number;
  readonly iteration: number;
  /** parked / resumed: the await site id of the innermost coroutine of the program (-1: none). */
  readonly site: number;
  /** spawned: the parent task id; cancel: the task that asked (-1: none). */
  readonly by: number;
  /** spawned / cancel: the program's line that did it. */
  readonly where: CallerSite | null;
  /** parked: the wait reason (null: a turn of the loop, sleep(0)); woken: the Waking; done: the task itself. */
  readonly what: WaitReason | Waking | Task<unknown> | null | undefined;
}

// Event kinds as stored (small integers): a woken-by-fd or by-a-sleep-timer event keeps its fd
// and wait reason in columns, the common wake-ups of a server allocate nothing.
const K_SPAWNED = 0;
const K_PARKED = 1;
const K_WOKEN = 2;
const K_WOKEN_FD = 3;
const K_WOKEN_TIMER = 4;
const K_RESUMED = 5;
const K_CANCEL = 6;
const K_DONE = 7;
const KIND_NAMES: readonly JournalKind[] = ['spawned', 'parked', 'woken', 'woken', 'woken', 'resumed', 'cancel', 'done'];

/**
 * A bounded ring of one task's events, in columns: small integers (kind, iteration, site, by: four
 * per event), times (unboxed doubles) and references. An event is a few slots, not an object, so
 * records that live until 64 newer ones overwrite them do not pile up in the old generation.
 * Invariant: event n is at index (n mod TASK_EVENTS), for the last min(count, TASK_EVENTS) events.
 */
export class TaskRing {
  /** [kind, iteration, site, by] per event. site: parked / resumed: await site id. by: spawned: parent id; cancel / woken: the task that did it; woken by an fd: the fd. */
  readonly ints: number[] = [];
  readonly times: number[] = [];
  /** spawned / cancel: CallerSite; parked / woken by fd or timer: wait reason; woken: Waking; done: the task. */
  readonly refs: unknown[] = [];
  count = 0;
  /** The latest wake-up (kept even after 64 newer events): its kind, by and ref as in the columns. */
  wakeKind = -1;
  wakeBy = -1;
  wakeRef: unknown = null;
  /** How a task parked on this one names it (see Journal.#unexplained). */
  asAwaited: (WaitReason & { kind: 'other' }) | null = null;

  /** Records an event; returns its slot (for a time known only later, see Journal.#endRing). */
  push(kind: number, time: number, iteration: number, site: number, by: number, ref: unknown): number {
    const i = this.count % TASK_EVENTS;
    const j = i * 4;
    const ints = this.ints;
    ints[j] = kind;
    ints[j + 1] = iteration;
    ints[j + 2] = site;
    ints[j + 3] = by;
    this.times[i] = time;
    this.refs[i] = ref;
    this.count++;
    return i;
  }
}

/** A stored wake-up as the view reads it. */
function wakingOf(kind: number, by: number, ref: unknown): Waking {
  if (kind === K_WOKEN) return ref as Waking;
  const reason = ref as WaitReason | undefined;
  return { task: -1, taskName: null, origin: kind === K_WOKEN_FD ? 'fd' : 'timer', fd: kind === K_WOKEN_FD ? by : -1, callback: null, where: null, site: -1, finished: false, reason, futureKind: 'Future' };
}

/**
 * The journal of one loop and its tasks.
 * Invariant: iteration records i (mod ITERATIONS) and callback records c (mod CALLBACKS) are the
 * newest ITERATIONS and CALLBACKS; an iteration's callbacks are [cbFirst, cbFirst + cbCount).
 * While `beat` is set, slot BUSY is 1 exactly while a callback runs and slot SEQ counts callbacks.
 */
export class Journal {
  readonly #spawnSites = new Map<number, CallerSite | null>();
  /** `a Future`, `a ReadFuture`: the reason of a reason-less future, per class. */
  readonly #byClass = new Map<unknown, WaitReason & { kind: 'other' }>();
  readonly #loop: EventLoop;
  // Iterations, struct-of-arrays (no object per iteration).
  #iterations = 0;
  readonly #itNumber = new Float64Array(ITERATIONS);
  readonly #itStart = new Float64Array(ITERATIONS);
  readonly #itTimeout = new Float64Array(ITERATIONS);
  readonly #itWaited = new Float64Array(ITERATIONS);
  readonly #itEnded = new Uint8Array(ITERATIONS);
  readonly #itFds = new Int32Array(ITERATIONS);
  readonly #itCbFirst = new Float64Array(ITERATIONS);
  readonly #itCbCount = new Int32Array(ITERATIONS);
  // Callbacks.
  #callbacks = 0;
  readonly #cbStart = new Float64Array(CALLBACKS);
  readonly #cbDur = new Float64Array(CALLBACKS);
  readonly #cbTask = new Int32Array(CALLBACKS);
  readonly #cbOrigin = new Uint8Array(CALLBACKS);
  readonly #cbFd = new Int32Array(CALLBACKS);
  readonly #cbSite = new Int32Array(CALLBACKS);
  /** A plain callback's function, or the name of the task a step belongs to. */
  readonly #cbFn: (((...args: any[]) => unknown) | string | null)[] = new Array(CALLBACKS).fill(null);
  /** The fd of each handle queued from a ready fd in this iteration, in queue order. */
  readonly #fds: number[] = [];
  /** How many of #fds this iteration queued (the array is reused, not truncated). */
  #fdCount = 0;
  // What runs now (read by the completion hook and the loop-block report).
  #origin = 0;
  #fd = -1;
  #handle: Handle | null = null;
  #handleStart = 0;
  /** The task whose step the running callback is (null: a plain callback, or none runs). */
  #stepping: Task<unknown> | null = null;
  /**
   * The event that ended the running step (parked or done): its time is the callback's end, read
   * once in run() for the callback's duration anyway, instead of one more clock read per step.
   * Until then the slot holds the callback's start.
   */
  #endRing: TaskRing | null = null;
  #endSlot = 0;
  /** The journal's latest clock read while the loop runs (a callback's end, a wait's end, a turn's end); -1: none. */
  #lastRead = -1;
  /**
   * Loop time when a task's step last ended (parked or done); NaN: none has yet. A double-only
   * field: V8 keeps its value unboxed, where a `number | null` field boxes each store (once per step).
   */
  #lastStepEnd = NaN;
  /** Report callbacks slower than the loop's slowCallbackDuration (the debugger's Debug Console line). */
  reportSlow = false;
  /** Counts the debugger's stops: a callback during which the program stopped is not reported as slow. */
  stops = 0;
  /** The loop-block watchdog's shared heartbeat (see loop-watchdog.ts), or null. */
  beat: Int32Array | null = null;

  constructor(loop: EventLoop) {
    this.#loop = loop;
  }

  // ---- tasks ---------------------------------------------------------------------------------

  /** The task's ring, kept on the task itself (a WeakMap of every task would cost the GC ephemeron work). */
  #ring(task: Task<unknown>): TaskRing {
    return (task._journal ??= new TaskRing()) as TaskRing;
  }

  #event(task: Task<unknown>, kind: number, site: number, by: number, ref: unknown): void {
    this.#ring(task).push(kind, this.#loop.time(), this.#loop.iteration, site, by, ref);
  }

  /** A step ended (parked or done): at the end of the running callback when it is this task's step, else now. */
  #stepEnded(task: Task<unknown>, kind: number, site: number, ref: unknown): void {
    const ring = this.#ring(task);
    if (task === this.#stepping) {
      this.#endRing = ring;
      this.#endSlot = ring.push(kind, this.#handleStart, this.#loop.iteration, site, -1, ref);
    } else {
      const time = this.#loop.time();
      ring.push(kind, time, this.#loop.iteration, site, -1, ref);
      this.#lastStepEnd = time;
    }
  }

  /** Loop time when a task's step last ended (parked or done); null: none has yet. The probe's "idle for". */
  get lastStepEnd(): number | null {
    const t = this.#lastStepEnd;
    return Number.isNaN(t) ? null : t;
  }

  spawned(task: Task<unknown>): void {
    this.#event(task, K_SPAWNED, -1, task.parentId ?? -1, this.#spawnSite(task));
  }

  /**
   * Where a task was created. A stack capture costs microseconds, and a server spawns its
   * handlers from one line again and again: the line is remembered per (the parent's await it
   * resumed from, the coroutine function created), which one line of the program determines.
   */
  #spawnSite(task: Task<unknown>): CallerSite | null {
    const parent = this.#loop._currentTask;
    if (parent === null) return callerSite();
    const key = parent._innermostSite() * 0x100000 + (task.coro.defSite + 1);
    let site = this.#spawnSites.get(key);
    if (site === undefined) {
      site = callerSite();
      if (this.#spawnSites.size < SPAWN_SITES) this.#spawnSites.set(key, site);
    }
    return site;
  }

  parked(task: Task<unknown>): void {
    const waiting = task.waitingOn;
    const what = waiting === null ? null : (waiting.waitReason ?? this.#unexplained(waiting));
    this.#stepEnded(task, K_PARKED, task._innermostSite(), what);
  }

  /**
   * A future awaited without a wait reason, as the journal names it: one object per task awaited
   * (while its name stays) or per future class, not one per park. A task awaited is named, not
   * referenced: the journal must not keep done tasks alive.
   */
  #unexplained(fut: Future<unknown>): WaitReason {
    if (fut instanceof Task) {
      const ring = this.#ring(fut);
      const name = fut.getName();
      if (ring.asAwaited?.what !== name) ring.asAwaited = { kind: 'other', what: name };
      return ring.asAwaited;
    }
    const ctor = fut.constructor;
    let reason = this.#byClass.get(ctor);
    if (reason === undefined) this.#byClass.set(ctor, (reason = { kind: 'other', what: `a ${ctor.name}` }));
    return reason;
  }

  resumed(task: Task<unknown>): void {
    // A step starts its callback: the callback's start time, no clock read.
    const time = task === this.#stepping ? this.#handleStart : this.#loop.time();
    this.#ring(task).push(K_RESUMED, time, this.#loop.iteration, task._innermostSite(), -1, undefined);
  }

  cancelRequested(task: Task<unknown>): void {
    if (task.done()) return;
    this.#event(task, K_CANCEL, -1, this.#loop._currentTask?.id ?? -1, callerSite());
  }

  done(task: Task<unknown>): void {
    this.#stepEnded(task, K_DONE, -1, task);
  }

  /** A future with waiters completed: each waiting task records who woke it. */
  completed(fut: Future<unknown>, callbacks: readonly unknown[]): void {
    // A future's callbacks are functions and waiting tasks (a Task is the only Waker). Most
    // futures completed have only function callbacks (a transport's, a gather's): nothing to record.
    let i = 0;
    while (i < callbacks.length && typeof callbacks[i] === 'function') i++;
    if (i === callbacks.length) return;
    // By a ready fd, or a sleep's timer: nothing of the program's to find, two numbers and the reason.
    const quiet = this.#loop._currentTask === null && (this.#origin === 1 || (this.#origin === 2 && this.#handle?.callback === setResultUnlessCancelled));
    const kind = quiet ? (this.#origin === 1 ? K_WOKEN_FD : K_WOKEN_TIMER) : K_WOKEN;
    let by = this.#fd;
    let ref: unknown = fut.waitReason;
    // A ready fd's or a sleep timer's callback is the runtime's own and brief: its start is
    // when it completed the future. The program's code may run long before it does: now.
    const time = kind !== K_WOKEN && this.#handle !== null ? this.#handleStart : this.#loop.time();
    if (kind === K_WOKEN) {
      const waking = this.#waking(fut);
      by = waking.task;
      ref = waking;
    }
    const iteration = this.#loop.iteration;
    for (; i < callbacks.length; i++) {
      const cb = callbacks[i];
      if (typeof cb === 'function') continue;
      const ring = this.#ring(cb as Task<unknown>);
      ring.wakeKind = kind;
      ring.wakeBy = by;
      ring.wakeRef = ref;
      ring.push(kind, time, iteration, -1, by, ref);
    }
  }

  #waking(fut: Future<unknown>): Waking {
    const running = this.#loop._currentTask;
    const origin = running ? null : ORIGINS[this.#origin]!;
    const finished = fut === running;
    // A ready fd's callback is the runtime's own (a socket's recv), and a task that finished woke
    // its waiters by returning: no program line to look for.
    const where = (running && !finished) || (!running && origin !== 'fd') ? callerSite() : null;
    return {
      task: running?.id ?? -1,
      taskName: running?.getName() ?? null,
      origin,
      fd: origin === 'fd' ? this.#fd : -1,
      callback: running ? null : (this.#handle?.callback ?? null),
      where,
      site: running && !where?.file ? running._innermostSite() : -1,
      finished,
      reason: fut.waitReason,
      futureKind: fut.constructor.name,
    };
  }

  /** The task's kept events, newest first, and its latest wake-up. */
  history(task: Task<unknown>): { events: TaskEvent[]; total: number; lastWaking: Waking | null } {
    const ring = task._journal instanceof TaskRing ? task._journal : null;
    if (!ring) return { events: [], total: 0, lastWaking: null };
    const events: TaskEvent[] = [];
    for (let n = ring.count - 1; n >= 0 && n >= ring.count - TASK_EVENTS; n--) {
      const i = n % TASK_EVENTS;
      const [kind, iteration, site, by] = ring.ints.slice(i * 4, i * 4 + 4) as [number, number, number, number];
      const ref = ring.refs[i];
      const woken = kind === K_WOKEN || kind === K_WOKEN_FD || kind === K_WOKEN_TIMER;
      events.push({
        kind: KIND_NAMES[kind]!,
        time: ring.times[i]!,
        iteration,
        site,
        by: woken ? (kind === K_WOKEN ? (ref as Waking).task : -1) : by,
        where: kind === K_SPAWNED || kind === K_CANCEL ? (ref as CallerSite | null) : null,
        what: woken ? wakingOf(kind, by, ref) : kind === K_PARKED ? (ref as WaitReason | null) : kind === K_DONE ? (ref as Task<unknown>) : undefined,
      });
    }
    return { events, total: ring.count, lastWaking: ring.wakeKind < 0 ? null : wakingOf(ring.wakeKind, ring.wakeBy, ring.wakeRef) };
  }

  // ---- the loop ------------------------------------------------------------------------------

  /** A handle queued from a ready fd (in queue order, after the callSoon ones). */
  fdReady(fd: number): void {
    this.#fds[this.#fdCount++] = fd;
  }

  /**
   * When the loop's wait begins: the end of what the journal timed last, without a clock read of
   * its own (the loop's bookkeeping in between, timers and the timeout, takes microseconds).
   */
  waitStart(): number {
    return this.#lastRead >= 0 ? this.#lastRead : this.#loop.time();
  }

  /** The loop stopped running: its next wait begins whenever it runs again. */
  stopped(): void {
    this.#lastRead = -1;
  }

  /**
   * Runs an iteration's callbacks, timing each: `todo[0, soon)` were queued by callSoon, then
   * come the ready fds' handles (as many as fdReady() calls), then the due timers'.
   */
  run(todo: readonly Handle[], count: number, soon: number, waitStart: number, timeout: number | null, fdsReady: number): number {
    const loop = this.#loop;
    const clock = loop.clock;
    const waitEnd = clock.now();
    const ended = timeout === 0 ? ENDED_NO_WAIT : fdsReady > 0 ? ENDED_FD : ENDED_TIMEOUT;
    const slot = this.#iteration(loop.iteration + 1, waitStart, timeout === null ? -1 : timeout, waitEnd - waitStart, ended, fdsReady);
    const fds = this.#fds;
    const fdEnd = soon + this.#fdCount;
    const beat = this.beat;
    const cbStart = this.#cbStart;
    const cbDur = this.#cbDur;
    const cbTask = this.#cbTask;
    const cbOrigin = this.#cbOrigin;
    const cbFd = this.#cbFd;
    const cbSite = this.#cbSite;
    const cbFn = this.#cbFn;
    const itCbCount = this.#itCbCount;
    let ran = 0;
    // The next callback record's slot, counted along (a division per callback costs more).
    let c = this.#callbacks % CALLBACKS;
    // One clock read per callback: each starts when the one before it ended (the bookkeeping
    // between them is part of it).
    let t0 = waitEnd;
    for (let i = 0; i < count; i++) {
      const h = todo[i]!;
      if (h.cancelled()) continue;
      const origin = i < soon ? 0 : i < fdEnd ? 1 : 2;
      const fd = origin === 1 ? fds[i - soon]! : -1;
      this.#origin = origin;
      this.#fd = fd;
      this.#handle = h;
      const task = stepTask(h);
      this.#stepping = task;
      const stops = this.stops;
      this.#handleStart = t0;
      if (beat !== null) {
        Atomics.add(beat, SEQ, 1);
        Atomics.store(beat, BUSY, 1);
      }
      h.run();
      if (beat !== null) Atomics.store(beat, BUSY, 0);
      const t1 = clock.now();
      const dt = t1 - t0;
      ran += 1;
      // The step's end (parked or done) knows its await site; a step that did not run (its
      // handle was cancelled) is where the task still waits.
      let site = -1;
      const ended = this.#endRing;
      if (ended !== null) {
        ended.times[this.#endSlot] = t1;
        site = ended.ints[this.#endSlot * 4 + 2]!;
        this.#endRing = null;
        this.#lastStepEnd = t1;
      } else if (task !== null) site = task._innermostSite();
      cbStart[c] = t0;
      cbDur[c] = dt;
      cbTask[c] = task !== null ? task.id : -1;
      cbOrigin[c] = origin;
      cbFd[c] = fd;
      cbSite[c] = task !== null ? site : -1;
      cbFn[c] = task !== null ? task.getName() : h.callback;
      this.#callbacks++;
      if (++c === CALLBACKS) c = 0;
      itCbCount[slot]!++;
      if (dt >= loop.slowCallbackDuration && (this.reportSlow || loop.getDebug()) && stops === this.stops) log(`Executing ${formatHandle(h)} took ${dt.toFixed(3)} seconds`);
      t0 = t1;
    }
    this.#handle = null;
    this.#stepping = null;
    this.#origin = 0;
    this.#fd = -1;
    this.#lastRead = t0;
    this.#fdCount = 0;
    return ran;
  }

  /** The loop gave Node's loop a turn between iterations (from `start` to now). */
  hostTurn(start: number): void {
    const end = this.#loop.clock.now();
    this.#iteration(this.#loop.iteration, start, -1, end - start, ENDED_TURN, 0);
    this.#lastRead = end;
  }

  /** Records an iteration (or a turn for Node) with no callbacks yet; returns its slot. */
  #iteration(number: number, start: number, timeout: number, waited: number, ended: number, fds: number): number {
    const slot = this.#iterations % ITERATIONS;
    this.#itNumber[slot] = number;
    this.#itStart[slot] = start;
    this.#itTimeout[slot] = timeout;
    this.#itWaited[slot] = waited;
    this.#itEnded[slot] = ended;
    this.#itFds[slot] = fds;
    this.#itCbFirst[slot] = this.#callbacks;
    this.#itCbCount[slot] = 0;
    this.#iterations++;
    return slot;
  }

  /** What runs now, when a callback does (for a Loop blocked stop): its handle, task and start time. */
  running(): { handle: Handle; task: Task<unknown> | null; start: number } | null {
    const h = this.#handle;
    return h ? { handle: h, task: stepTask(h) ?? this.#loop._currentTask, start: this.#handleStart } : null;
  }

  /** The kept iterations, oldest first, the last `count` of them (turns of Node's loop included). */
  iterations(count: number): IterationRecord[] {
    const kept = Math.min(this.#iterations, ITERATIONS);
    const n = Math.max(0, Math.min(count, kept));
    const oldestCallback = this.#callbacks - Math.min(this.#callbacks, CALLBACKS);
    const out: IterationRecord[] = [];
    for (let k = this.#iterations - n; k < this.#iterations; k++) {
      const s = k % ITERATIONS;
      const callbacks: CallbackRecord[] = [];
      const first = this.#itCbFirst[s]!;
      for (let c = Math.max(first, oldestCallback); c < first + this.#itCbCount[s]!; c++) {
        const j = c % CALLBACKS;
        callbacks.push({
          start: this.#cbStart[j]!,
          duration: this.#cbDur[j]!,
          task: this.#cbTask[j]!,
          origin: ORIGINS[this.#cbOrigin[j]!]!,
          fd: this.#cbFd[j]!,
          site: this.#cbSite[j]!,
          callback: typeof this.#cbFn[j] === 'function' ? (this.#cbFn[j] as CallbackRecord['callback']) : null,
          taskName: typeof this.#cbFn[j] === 'string' ? (this.#cbFn[j] as string) : null,
          running: false,
        });
      }
      // The newest iteration's callback that runs now (the program stopped inside it).
      const h = this.#handle;
      if (h !== null && k === this.#iterations - 1) {
        const task = stepTask(h);
        callbacks.push({
          start: this.#handleStart,
          duration: this.#loop.clock.now() - this.#handleStart,
          task: task?.id ?? -1,
          origin: ORIGINS[this.#origin]!,
          fd: this.#fd,
          site: task ? task._innermostSite() : -1,
          callback: task ? null : h.callback,
          taskName: task?.getName() ?? null,
          running: true,
        });
      }
      out.push({
        iteration: this.#itNumber[s]!,
        start: this.#itStart[s]!,
        timeout: this.#itTimeout[s]! < 0 ? null : this.#itTimeout[s]!,
        waited: this.#itWaited[s]!,
        endedBy: ENDED[this.#itEnded[s]!]!,
        fdsReady: this.#itFds[s]!,
        callbacks,
      });
    }
    return out;
  }

  /** How many iterations and callbacks are kept now (bounded by ITERATIONS and CALLBACKS). */
  get kept(): { iterations: number; callbacks: number; recorded: number } {
    return { iterations: Math.min(this.#iterations, ITERATIONS), callbacks: Math.min(this.#callbacks, CALLBACKS), recorded: this.#iterations };
  }
}

const ENDED_NO_WAIT = 0;
const ENDED_FD = 1;
const ENDED_TIMEOUT = 2;
const ENDED_TURN = 3;

/** What ended an iteration's wait: none (callbacks were ready), an fd, its timeout (a timer), or it was a turn for Node's loop. */
export type EndedBy = 'no wait' | 'fd' | 'timeout' | 'node turn';
const ENDED: readonly EndedBy[] = ['no wait', 'fd', 'timeout', 'node turn'];

export interface CallbackRecord {
  readonly start: number;
  readonly duration: number;
  /** The task whose step it was (-1: a plain callback). */
  readonly task: number;
  readonly origin: Origin;
  readonly fd: number;
  /** For a task's step: the await site it parked at after the step (-1: none). */
  readonly site: number;
  readonly callback: ((...args: any[]) => unknown) | null;
  readonly taskName: string | null;
  /** It runs now: the program is stopped inside it, and its duration is so far. */
  readonly running: boolean;
}

export interface IterationRecord {
  readonly iteration: number;
  /** Loop time when its wait began. */
  readonly start: number;
  /** The timeout it asked the selector for (null: none, wait until an fd is ready). */
  readonly timeout: number | null;
  /** How long it waited. */
  readonly waited: number;
  readonly endedBy: EndedBy;
  readonly fdsReady: number;
  readonly callbacks: readonly CallbackRecord[];
}

/** The task a handle steps, when it is a task's step handle. */
export function stepTask(h: Handle): Task<unknown> | null {
  // A task's StepHandle is the only handle with a `task` (a field test: this runs per callback).
  const task = (h as { task?: Task<unknown> }).task;
  return task !== undefined ? task : null;
}

/** A handle as asyncio's slow-callback report names it: a task's step by the task's repr. */
export function formatHandle(h: Handle): string {
  return stepTask(h)?.toString() ?? h.toString();
}
