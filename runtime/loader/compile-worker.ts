// The worker side of compiler-thread.ts: loads TypeScript once, compiles what it is sent, answers
// on the port (with the request's id) and wakes the waiting thread through the shared signal word.
import { workerData, type MessagePort } from 'node:worker_threads';
import type * as TS from 'typescript';
import { SIGNAL } from './compiler-thread';
import { transformSource, type CompileOptions } from './transform';

interface Request {
  readonly id: number;
  readonly source: string;
  readonly filename: string;
  readonly runtimePath: string;
  readonly options?: CompileOptions;
}

const { port, signal } = workerData as { port: MessagePort; signal: Int32Array };
let ts: typeof TS | undefined;

function wake(state: number): void {
  Atomics.store(signal, 0, state);
  Atomics.notify(signal, 0);
}

port.on('message', (req: Request) => {
  let reply: { id: number; code: string; errors: string[] } | { id: number; failure: string };
  try {
    ts ??= require('typescript') as typeof TS;
    reply = { id: req.id, ...transformSource(ts, req.source, req.filename, req.runtimePath, req.options) };
  } catch (err) {
    reply = { id: req.id, failure: err instanceof Error ? (err.stack ?? err.message) : String(err) };
  }
  port.postMessage(reply);
  wake(SIGNAL.ANSWERED);
});

wake(SIGNAL.READY);
