// Compiling off the program's thread. `require` is synchronous, so the loader blocks on a worker
// (Atomics.wait on a shared word, the answer taken with receiveMessageOnPort) instead of loading
// the TypeScript compiler into the program: its 30–40 MB of heap never join the program's, and the
// garbage collector's marking of them no longer wakes the loop hundreds of times after a cold start.
// The worker goes away once compiling stops for a moment (the next cache miss starts another).
// Anything unusual (no worker script, a worker that fails, a compile requested while one is under
// way, e.g. from a debugger's console during the wait) compiles on the program's thread instead.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import type { CompileOptions, TransformResult } from './transform';

/** The shared word's states. */
export const SIGNAL = Object.freeze({ WAITING: 0, ANSWERED: 1, FAILED: 2, READY: 3 });

/** How long an idle worker is kept for more files (ms): a program's imports come in one burst. */
const IDLE_MS = 1000;
/** Longest wait for a new worker to load its script (ms). */
const START_TIMEOUT_MS = 10_000;
/** Longest wait for one file (ms) before compiling in this thread instead. */
const COMPILE_TIMEOUT_MS = 120_000;

/**
 * A file this large (characters) leaves the worker's heap hundreds of megabytes bigger (a 5 MB
 * file: about 1 GB): the worker is ended at once rather than kept for more files, so that memory
 * is not still held while the program loads and runs the compiled code.
 */
const LARGE_SOURCE = 1_000_000;

const WORKER_SCRIPT = join(__dirname, 'compile-worker.js');

// Loads the worker script; a script that cannot load, or an error nobody catches later, is reported
// at once through the signal word (an 'error' event would reach a thread blocked in Atomics.wait
// only after its timeout).
const BOOT = `
const { workerData } = require('node:worker_threads');
const failed = () => { Atomics.store(workerData.signal, 0, ${SIGNAL.FAILED}); Atomics.notify(workerData.signal, 0); };
process.on('uncaughtException', failed);
try { require(workerData.script); } catch { failed(); }
`;

/**
 * Invariant: #worker, #port and #signal exist together or not at all, and then the worker has said
 * it is ready; #busy is true exactly while a request is out (a re-entrant compile runs in-thread).
 */
export class CompilerThread {
  #worker: Worker | null = null;
  #port: MessagePort | null = null;
  #signal: Int32Array | null = null;
  #idle: NodeJS.Timeout | null = null;
  #busy = false;
  #nextId = 1;

  /** `script`: the worker's code (tests give others). */
  constructor(readonly script: string = WORKER_SCRIPT) {}

  /** The compiled file, or null when the worker could not answer (the caller compiles in-thread). */
  compile(source: string, filename: string, runtimePath: string, options: CompileOptions = {}): TransformResult | null {
    if (this.#busy) return null;
    this.#busy = true;
    try {
      const started = this.#start();
      if (!started) return null;
      const { port, signal } = started;
      const id = this.#nextId++;
      Atomics.store(signal, 0, SIGNAL.WAITING);
      port.postMessage({ id, source, filename, runtimePath, options });
      Atomics.wait(signal, 0, SIGNAL.WAITING, COMPILE_TIMEOUT_MS);
      // Take our answer; an older one (a request that timed out) is dropped.
      for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) {
        const reply = m.message as (TransformResult | { failure: string }) & { id: number };
        if (reply.id !== id) continue;
        if (source.length >= LARGE_SOURCE) this.close();
        else this.#scheduleClose();
        return 'failure' in reply ? null : { code: reply.code, errors: reply.errors };
      }
      this.close(); // no answer: timed out, or the worker failed
      return null;
    } catch {
      this.close();
      return null;
    } finally {
      this.#busy = false;
    }
  }

  close(): void {
    if (this.#idle) clearTimeout(this.#idle);
    this.#idle = null;
    void this.#worker?.terminate();
    this.#port?.close();
    this.#worker = null;
    this.#port = null;
    this.#signal = null;
  }

  #start(): { port: MessagePort; signal: Int32Array } | null {
    if (this.#worker && this.#port && this.#signal) return { port: this.#port, signal: this.#signal };
    if (!existsSync(this.script)) return null;
    const { port1, port2 } = new MessageChannel();
    const signal = new Int32Array(new SharedArrayBuffer(4));
    // Not the program's flags: execArgv [] and no NODE_OPTIONS (a --require or --inspect there
    // would run in the worker too).
    const env = { ...process.env };
    delete env.NODE_OPTIONS;
    const worker = new Worker(BOOT, { eval: true, workerData: { port: port2, signal, script: this.script }, transferList: [port2], execArgv: [], env, stdout: false, stderr: false });
    worker.unref();
    port1.unref();
    worker.on('error', () => {
      if (this.#worker === worker) this.close();
    });
    Atomics.wait(signal, 0, SIGNAL.WAITING, START_TIMEOUT_MS);
    if (Atomics.load(signal, 0) !== SIGNAL.READY) {
      void worker.terminate();
      port1.close();
      return null;
    }
    this.#worker = worker;
    this.#port = port1;
    this.#signal = signal;
    return { port: port1, signal };
  }

  #scheduleClose(): void {
    if (this.#idle) clearTimeout(this.#idle);
    this.#idle = setTimeout(() => this.close(), IDLE_MS);
    this.#idle.unref();
  }
}
