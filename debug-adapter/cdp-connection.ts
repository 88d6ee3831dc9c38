// The Chrome DevTools Protocol side of the adapter: one WebSocket to the debuggee's V8 inspector on
// 127.0.0.1, requests matched to responses by id, events delivered to typed listeners. It knows
// nothing about DAP (as vscode-js-debug keeps each protocol behind its own connection class).
import WebSocket from 'ws';

const NUDGE = 'Runtime.releaseObjectGroup';

/** A CDP error response, with the method that failed. */
export class CdpError extends Error {
  override name = 'CdpError';
  constructor(
    readonly method: string,
    readonly code: number,
    message: string,
  ) {
    super(`${method}: ${message}`);
  }
}

export type CdpParams = Record<string, unknown>;
type Listener = (params: any) => void;

/**
 * One CDP session over a WebSocket.
 * Invariant: every request in #pending gets exactly one settlement: its response, or a rejection
 * when the socket closes.
 */
export class CdpConnection {
  #ws: WebSocket;
  #nextId = 1;
  #pending = new Map<number, { method: string; nudge?: true; resolve: (v: any) => void; reject: (e: Error) => void }>();
  #listeners = new Map<string, Set<Listener>>();
  #closed = false;
  /** Requests in #pending that are not nudges. */
  #realPending = 0;
  #onClose: (() => void)[] = [];

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    ws.on('message', (data) => this.#receive(String(data)));
    ws.on('close', () => this.#shutdown());
    ws.on('error', () => this.#shutdown());
  }

  /** Connects to a ws:// URL of the inspector (loopback only). */
  static connect(url: string, timeoutMs = 10_000): Promise<CdpConnection> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { perMessageDeflate: false, maxPayload: 256 * 1024 * 1024 });
      const timer = setTimeout(() => {
        ws.terminate();
        reject(new Error(`timed out connecting to the inspector at ${url}`));
      }, timeoutMs);
      ws.once('open', () => {
        clearTimeout(timer);
        resolve(new CdpConnection(ws));
      });
      ws.once('error', (err) => {
        clearTimeout(timer);
        reject(new Error(`cannot connect to the inspector at ${url}: ${err.message}`));
      });
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  send<T = any>(method: string, params: CdpParams = {}): Promise<T> {
    if (this.#closed) return Promise.reject(new CdpError(method, -1, 'the debuggee is gone (inspector connection closed)'));
    const id = this.#nextId++;
    this.#realPending++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { method, resolve, reject });
      this.#ws.send(JSON.stringify({ id, method, params }));
    });
  }

  on(method: string, listener: Listener): void {
    let set = this.#listeners.get(method);
    if (!set) this.#listeners.set(method, (set = new Set()));
    set.add(listener);
  }

  off(method: string, listener: Listener): void {
    this.#listeners.get(method)?.delete(listener);
  }

  onClose(fn: () => void): void {
    if (this.#closed) fn();
    else this.#onClose.push(fn);
  }

  close(): void {
    if (this.#closed) return;
    this.#ws.close();
    this.#shutdown();
  }

  /**
   * Node's inspector writes with Nagle's algorithm on: when it writes twice in a row (an event such
   * as scriptParsed for an evaluated function, then the response), the second write waits for our
   * ACK, which a delayed-ACK client holds ~40 ms. So while a real request is pending, every message
   * we receive is answered at once with a no-op request that carries the ACK (the inspector closes
   * the connection on WebSocket pings and pongs, so it cannot be one of those).
   */
  #nudge(): void {
    if (this.#realPending === 0 || this.#closed) return;
    const id = this.#nextId++;
    this.#pending.set(id, { method: NUDGE, nudge: true, resolve: () => {}, reject: () => {} });
    this.#ws.send(JSON.stringify({ id, method: NUDGE, params: { objectGroup: 'coroscope-nudge' } }));
  }

  #receive(text: string): void {
    this.#receiveOne(text);
    this.#nudge();
  }

  #receiveOne(text: string): void {
    let msg: { id?: number; method?: string; params?: unknown; result?: unknown; error?: { code: number; message: string } };
    try {
      msg = JSON.parse(text);
    } catch {
      return;
    }
    if (typeof msg.id === 'number') {
      const p = this.#pending.get(msg.id);
      if (!p) return;
      this.#pending.delete(msg.id);
      if (!p.nudge) this.#realPending--;
      if (msg.error) p.reject(new CdpError(p.method, msg.error.code, msg.error.message));
      else p.resolve(msg.result ?? {});
      return;
    }
    if (msg.method) {
      for (const l of [...(this.#listeners.get(msg.method) ?? [])]) {
        try {
          l(msg.params ?? {});
        } catch {
          // a listener's failure must not stop the others
        }
      }
    }
  }

  #shutdown(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#realPending = 0;
    for (const [, p] of this.#pending) p.reject(new CdpError(p.method, -1, 'the debuggee is gone (inspector connection closed)'));
    this.#pending.clear();
    for (const fn of this.#onClose.splice(0)) fn();
  }
}
