// The worker side of compiler-thread.ts: loads TypeScript once, compiles what it is sent, answers
// on the port and wakes the waiting thread through the shared signal word.
import { workerData, type MessagePort } from 'node:worker_threads';
import type * as TS from 'typescript';
import { transformSource } from './transform';

interface Request {
  readonly source: string;
  readonly filename: string;
  readonly runtimePath: string;
}

const { port, signal } = workerData as { port: MessagePort; signal: Int32Array };
let ts: typeof TS | undefined;

port.on('message', (req: Request) => {
  let reply: { code: string; errors: string[] } | { failure: string };
  try {
    ts ??= require('typescript') as typeof TS;
    reply = transformSource(ts, req.source, req.filename, req.runtimePath);
  } catch (err) {
    reply = { failure: err instanceof Error ? (err.stack ?? err.message) : String(err) };
  }
  port.postMessage(reply);
  Atomics.store(signal, 0, 1);
  Atomics.notify(signal, 0);
});
