// Compiling off the program's thread. `require` is synchronous, so the loader blocks on a worker
// (Atomics.wait on a shared word, the answer taken with receiveMessageOnPort) instead of loading
// the TypeScript compiler into the program: its 30–40 MB of heap never join the program's, and the
// garbage collector's marking of them no longer wakes the loop hundreds of times after a cold start.
// The worker goes away once compiling stops for a moment (the next cache miss starts another).
import { join } from 'node:path';
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import type { TransformResult } from './transform';

/** How long an idle worker is kept for more files (ms): a program's imports come in one burst. */
const IDLE_MS = 1000;
/** Longest wait for one file (ms) before compiling in this thread instead. */
const COMPILE_TIMEOUT_MS = 120_000;

/**
 * Invariant: #worker, #port and #signal exist together or not at all; the signal word is 0 while
 * a request is out and set to 1 by the worker when its answer is on the port.
 */
export class CompilerThread {
  #worker: Worker | null = null;
  #port: MessagePort | null = null;
  #signal: Int32Array | null = null;
  #idle: NodeJS.Timeout | null = null;

  /** The compiled file, or null when the worker could not answer (the caller compiles in-thread). */
  compile(source: string, filename: string, runtimePath: string): TransformResult | null {
    try {
      const { port, signal } = this.#start();
      Atomics.store(signal, 0, 0);
      port.postMessage({ source, filename, runtimePath });
      if (Atomics.wait(signal, 0, 0, COMPILE_TIMEOUT_MS) === 'timed-out') {
        this.close();
        return null;
      }
      const reply = receiveMessageOnPort(port)?.message as TransformResult | { failure: string } | undefined;
      this.#scheduleClose();
      if (!reply || 'failure' in reply) return null;
      return reply;
    } catch {
      this.close();
      return null;
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

  #start(): { port: MessagePort; signal: Int32Array } {
    if (this.#worker && this.#port && this.#signal) return { port: this.#port, signal: this.#signal };
    const { port1, port2 } = new MessageChannel();
    const signal = new Int32Array(new SharedArrayBuffer(4));
    // execArgv [] : not the program's --inspect or --require flags.
    const worker = new Worker(join(__dirname, 'compile-worker.js'), { workerData: { port: port2, signal }, transferList: [port2], execArgv: [], stdout: false, stderr: false });
    worker.unref();
    worker.on('error', () => this.close());
    port1.unref();
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
