// The adapter's side of the runtime's probe (globalThis[Symbol.for('coroscope.probe')]): calls its
// methods through Runtime.callFunctionOn, by value for the JSON snapshot and by handle for objects
// the inspector must read itself (generators, futures).
import type { CdpConnection } from './cdp-connection';
import type { FutureInfo, LoopInfo, TaskInfo, TaskSummary, ThreadList } from '../runtime/introspection';

export type { FutureInfo, LoopInfo, TaskInfo, ThreadList, TaskSummary, FrameInfo, HandleInfo, WaitKind, SuspendedAt } from '../runtime/introspection';

/** What the inspector gives for a JavaScript value (the part of Runtime.RemoteObject we use). */
export interface RemoteObject {
  type: string;
  subtype?: string;
  className?: string;
  value?: unknown;
  unserializableValue?: string;
  description?: string;
  objectId?: string;
}

/** Thrown when the program has not loaded the coroscope runtime (yet). */
export class NoProbeError extends Error {
  override name = 'NoProbeError';
}

/**
 * Calls into the debuggee's probe.
 * Invariant: #probeId is the probe object's handle in the current pause (handles die when the
 * debuggee resumes with objectGroup release), or null until looked up again.
 */
export class ProbeClient {
  #probeId: string | null = null;

  constructor(
    readonly cdp: CdpConnection,
    readonly objectGroup: string,
  ) {}

  /** Forgets handles (they are released at every resume). */
  reset(): void {
    this.#probeId = null;
  }

  async available(): Promise<boolean> {
    try {
      await this.#probe();
      return true;
    } catch {
      return false;
    }
  }

  /** Calls probe[method](...args) and returns the JSON result. */
  async call<T>(method: string, ...args: unknown[]): Promise<T> {
    const r = await this.#callOn(method, args, true);
    return r.value as T;
  }

  /** Calls probe[method](...args) and returns a handle to the result. */
  async handle(method: string, ...args: unknown[]): Promise<RemoteObject> {
    return this.#callOn(method, args, false);
  }

  /** Calls a function with the probe as `this` (any JS value can be passed as an argument there). */
  async callFunction(functionDeclaration: string, args: { value?: unknown; objectId?: string; unserializableValue?: string }[]): Promise<{ result: RemoteObject; exceptionDetails?: { exception?: RemoteObject; text: string } }> {
    const objectId = await this.#probe();
    return this.cdp.send('Runtime.callFunctionOn', { objectId, functionDeclaration, arguments: args, silent: true, objectGroup: this.objectGroup });
  }

  threads(limit: number): Promise<ThreadList> {
    return this.call<ThreadList>('threads', limit);
  }

  /** A page of every task's summary, in creation order (count may be Infinity). */
  tasks(offset = 0, count = 100): Promise<{ total: number; tasks: TaskSummary[] }> {
    return this.call<{ total: number; tasks: TaskSummary[] }>('tasks', offset, count);
  }

  task(id: number): Promise<TaskInfo | null> {
    return this.call<TaskInfo | null>('task', id);
  }

  future(id: number): Promise<FutureInfo | null> {
    return this.call<FutureInfo | null>('future', id);
  }

  loop(offset = 0, count = 100): Promise<LoopInfo | null> {
    return this.call<LoopInfo | null>('loop', offset, count);
  }

  current(): Promise<number | null> {
    return this.call<number | null>('current');
  }

  async #callOn(method: string, args: unknown[], byValue: boolean): Promise<RemoteObject> {
    const objectId = await this.#probe();
    const r = await this.cdp.send<{ result: RemoteObject; exceptionDetails?: { exception?: RemoteObject; text: string } }>('Runtime.callFunctionOn', {
      objectId,
      functionDeclaration: `function (...a) { return this[${JSON.stringify(method)}](...a); }`,
      arguments: args.map((value) => (value === Infinity ? { unserializableValue: 'Infinity' } : { value })),
      returnByValue: byValue,
      silent: true,
      objectGroup: this.objectGroup,
    });
    if (r.exceptionDetails) {
      throw new Error(`probe.${method} failed: ${r.exceptionDetails.exception?.description?.split('\n')[0] ?? r.exceptionDetails.text}`);
    }
    return r.result;
  }

  async #probe(): Promise<string> {
    if (this.#probeId) return this.#probeId;
    const r = await this.cdp.send<{ result: RemoteObject }>('Runtime.evaluate', {
      expression: "globalThis[Symbol.for('coroscope.probe')]",
      silent: true,
      objectGroup: this.objectGroup,
    });
    if (!r.result.objectId) throw new NoProbeError('the program has not loaded the coroscope runtime');
    this.#probeId = r.result.objectId;
    return this.#probeId;
  }
}
