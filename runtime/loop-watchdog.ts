// The loop-block detector's stop: a worker thread watches a heartbeat the loop writes into shared
// memory around each callback (journal.ts) and, once one callback has run longer than the
// threshold, asks the inspector to pause the main thread. The pause lands in the busy code itself,
// while it still runs; the debugger's own session receives it as any pause and asks the probe
// (blockedNow) whether this was the watchdog. The worker also hears the main thread's pauses and
// resumes, so a breakpoint stop is not counted as blocking. Off unless the debugger asks for it.
import type { Worker } from 'node:worker_threads';

/** Heartbeat slots: callbacks started, 1 while one runs, the callback number the watchdog paused in, the one already reported. */
export const SEQ = 0;
export const BUSY = 1;
export const FIRED = 2;
export const REPORTED = 3;
const SLOTS = 4;

// Plain JavaScript, run with `eval` in the worker: no file to find next to the bundle.
const WORKER_SOURCE = `
const { Session } = require('node:inspector');
const { workerData } = require('node:worker_threads');
const beat = new Int32Array(workerData.buffer);
const ms = workerData.thresholdMs;
const session = new Session();
session.connectToMainThread();
let paused = false;
let seen = -1;
let since = 0;
session.on('Debugger.paused', () => { paused = true; });
session.on('Debugger.resumed', () => { paused = false; seen = -1; });
session.post('Debugger.enable', () => {});
function tick() {
  const seq = Atomics.load(beat, ${SEQ});
  const now = performance.now();
  if (paused || Atomics.load(beat, ${BUSY}) !== 1) seen = -1;
  else if (seq !== seen) { seen = seq; since = now; }
  else if (now - since >= ms && Atomics.load(beat, ${FIRED}) !== seq) {
    Atomics.store(beat, ${FIRED}, seq);
    session.post('Debugger.pause', () => {});
  }
  setTimeout(tick, Math.max(2, Math.min(20, ms / 10)));
}
tick();
`;

/**
 * A running watchdog.
 * Invariant: `beat` is shared with exactly one worker while the watchdog is not stopped.
 */
export class LoopWatchdog {
  readonly beat = new Int32Array(new SharedArrayBuffer(SLOTS * 4));
  readonly #worker: Worker;

  constructor(readonly thresholdMs: number) {
    // No execArgv: the program's --inspect-brk would make the worker wait for a debugger of its own.
    // node:worker_threads only when the debugger asks for a watchdog.
    const { Worker } = require('node:worker_threads') as typeof import('node:worker_threads');
    this.#worker = new Worker(WORKER_SOURCE, { eval: true, execArgv: [], workerData: { buffer: this.beat.buffer, thresholdMs } });
    // The watchdog never keeps the program alive.
    this.#worker.unref();
    this.#worker.on('error', () => undefined);
  }

  /** True once per callback the watchdog paused in, while that callback still runs. */
  takeFired(): boolean {
    const fired = Atomics.load(this.beat, FIRED);
    if (fired === 0 || fired !== Atomics.load(this.beat, SEQ) || Atomics.load(this.beat, BUSY) !== 1) return false;
    if (Atomics.load(this.beat, REPORTED) === fired) return false;
    Atomics.store(this.beat, REPORTED, fired);
    return true;
  }

  stop(): void {
    void this.#worker.terminate();
  }
}
