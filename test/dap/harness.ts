// Drives the real debug adapter (dist/debug-adapter/main.js over stdio) with DebugClient against the
// example programs, and records sessions as transcripts with volatile ids and paths normalised.
//
// The scenarios are generator functions run by drive(), which resumes them with native promises:
// test files are compiled by coroscope's loader, where an `async function` would be a coroutine
// on coroscope's own loop, and these tests are about the adapter, not about that loop.
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..', '..');
export const ADAPTER = join(ROOT, 'dist', 'debug-adapter', 'main.js');
export const example = (name: string): string => join(ROOT, 'examples', name);

/** Runs a generator that yields promises (or values), sending each settled value back in. */
export function drive<T>(body: () => Generator<unknown, T, any>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const gen = body();
    const step = (advance: () => IteratorResult<unknown, T>): void => {
      let r: IteratorResult<unknown, T>;
      try {
        r = advance();
      } catch (err) {
        reject(err);
        return;
      }
      if (r.done) resolve(r.value);
      else Promise.resolve(r.value).then((v) => step(() => gen.next(v)), (e) => step(() => gen.throw(e)));
    };
    step(() => gen.next());
  });
}

/** Resolves after ms milliseconds (Node's timer: the scenario runs on Node's loop). */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The message of the error response a request got; rejects if it succeeded. */
export function failure(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => {
      throw new Error('the request succeeded; an error response was expected');
    },
    (err: Error) => err.message,
  );
}

/** A stop as a test reads it: the thread, the reason, and the thread's frames. */
export interface Stop {
  threadId: number;
  reason: string;
  description: string | undefined;
  frames: DebugProtocol.StackFrame[];
}

/**
 * A DebugClient plus what a test needs to read a stop: output text and a transcript.
 *
 * Once record() is called the transcript holds every message of the session in the order the test
 * sent or received it: requests when sent, responses and events as they arrive from the adapter
 * (so an event nobody waited for is in the golden file too). Output events are the exception: the
 * debuggee's stdout and the adapter's own messages reach the client interleaved by timing, so their
 * text is gathered per category and added at the end (see `transcript`).
 */
export class Session {
  readonly dc = new DebugClient('node', ADAPTER, 'coroscope');
  output = '';
  #entries: unknown[] = [];
  #outputByCategory: Record<string, string> = {};
  #recording = false;
  #events = new Map<string, DebugProtocol.Event[]>();
  #waiters = new Map<string, ((e: DebugProtocol.Event) => void)[]>();

  constructor() {
    this.dc.defaultTimeout = 15_000;
    for (const name of ['stopped', 'continued', 'exited', 'terminated', 'breakpoint', 'thread']) {
      this.dc.on(name, (e: DebugProtocol.Event) => {
        const waiter = this.#waiters.get(name)?.shift();
        if (waiter) waiter(e);
        else this.#events.set(name, [...(this.#events.get(name) ?? []), e]);
      });
    }
    this.dc.on('output', (e: DebugProtocol.OutputEvent) => {
      if (e.body.category !== 'telemetry') this.output += e.body.output;
    });
    const send = this.dc.send.bind(this.dc);
    (this.dc as { send: (c: string, a?: unknown) => Promise<DebugProtocol.Response> }).send = (command: string, args?: unknown) => {
      this.#record({ request: command, arguments: args ?? {} });
      return send(command, args);
    };
    // Every message from the adapter passes through dispatch() in arrival order, before any promise
    // callback of the test runs: recording here keeps that order.
    const client = this.dc as unknown as { dispatch: (body: string) => void };
    const dispatch = client.dispatch.bind(this.dc);
    client.dispatch = (body: string) => {
      this.#arrived(JSON.parse(body) as DebugProtocol.ProtocolMessage);
      dispatch(body);
    };
  }

  #arrived(message: DebugProtocol.ProtocolMessage): void {
    if (message.type === 'event') {
      const e = message as DebugProtocol.Event;
      if (e.event === 'output') {
        const { category = 'console', output } = (e as DebugProtocol.OutputEvent).body;
        if (this.#recording && category !== 'telemetry') this.#outputByCategory[category] = (this.#outputByCategory[category] ?? '') + output;
      } else this.#record({ event: e.event, body: e.body ?? {} });
    } else if (message.type === 'response') {
      const r = message as DebugProtocol.Response;
      this.#record(r.success ? { response: r.command ?? null, success: true, body: r.body ?? {} } : { response: r.command ?? null, success: false, message: r.message ?? null });
    }
  }

  /** The recorded session; the output text of each category comes last, categories sorted. */
  get transcript(): unknown[] {
    const categories = Object.keys(this.#outputByCategory).sort();
    const output = Object.fromEntries(categories.map((c) => [c, this.#outputByCategory[c]]));
    return [...this.#entries, { output }];
  }

  start(): Promise<void> {
    return this.dc.start();
  }

  /** Records every request, response and event from now on. */
  record(): void {
    this.#recording = true;
  }

  #record(entry: unknown): void {
    if (this.#recording) this.#entries.push(entry);
  }

  /**
   * The next event of this type not yet taken by a test, in arrival order. Events are buffered from
   * the start: one can arrive in the same chunk as the response the test awaited before asking.
   */
  waitFor(event: string, timeoutMs = 15_000): Promise<DebugProtocol.Event> {
    const queued = this.#events.get(event);
    if (queued && queued.length > 0) return Promise.resolve(queued.shift()!);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no '${event}' event within ${timeoutMs} ms`)), timeoutMs);
      const waiters = this.#waiters.get(event) ?? [];
      waiters.push((e) => {
        clearTimeout(timer);
        resolve(e);
      });
      this.#waiters.set(event, waiters);
    });
  }

  /** How many events of this type arrived that no test has taken yet. */
  queued(event: string): number {
    return this.#events.get(event)?.length ?? 0;
  }

  /**
   * Launches a program with breakpoints (and exception filters, when given) set before it runs;
   * resolves when launch is answered.
   */
  launch(program: string, breakpoints: Record<string, DebugProtocol.SourceBreakpoint[]> = {}, extra: Record<string, unknown> = {}, exceptionFilters?: string[]): Promise<unknown> {
    const dc = this.dc;
    return Promise.all([
      dc.waitForEvent('initialized').then(() =>
        drive(function* () {
          for (const [path, bps] of Object.entries(breakpoints)) yield dc.setBreakpointsRequest({ source: { path }, breakpoints: bps });
          if (exceptionFilters) yield dc.setExceptionBreakpointsRequest({ filters: exceptionFilters });
          yield dc.configurationDoneRequest();
        }),
      ),
      dc.launch({ program, ...extra }),
    ]);
  }

  stopped(): Promise<Stop> {
    const self = this;
    return drive(function* () {
      const e: DebugProtocol.StoppedEvent = yield self.waitFor('stopped');
      const threadId = e.body.threadId!;
      const st: DebugProtocol.StackTraceResponse = yield self.dc.stackTraceRequest({ threadId });
      return { threadId, reason: e.body.reason, description: e.body.description, frames: st.body.stackFrames };
    });
  }

  threads(): Promise<DebugProtocol.Thread[]> {
    return this.dc.threadsRequest().then((r) => r.body.threads);
  }

  frames(threadId: number): Promise<DebugProtocol.StackFrame[]> {
    return this.dc.stackTraceRequest({ threadId }).then((r) => r.body.stackFrames);
  }

  /** The variables of a frame's scope, as `name=value` pairs. */
  scope(frameId: number, name: string): Promise<Record<string, string>> {
    return this.dc.scopesRequest({ frameId }).then((r) => {
      const scope = r.body.scopes.find((s) => s.name === name);
      if (!scope) throw new Error(`no scope '${name}' (there are ${r.body.scopes.map((s) => s.name).join(', ')})`);
      return this.variables(scope.variablesReference);
    });
  }

  variables(variablesReference: number): Promise<Record<string, string>> {
    return this.dc.variablesRequest({ variablesReference }).then((r) => Object.fromEntries(r.body.variables.map((v) => [v.name, v.value])));
  }

  /** Sends a raw DAP message (for malformed requests) and resolves with the response to `seq`, if any. */
  raw(message: unknown, seq?: number): Promise<DebugProtocol.Response> {
    const client = this.dc as unknown as { outputStream: NodeJS.WritableStream; pendingRequests: Map<number, (r: DebugProtocol.Response) => void> };
    const json = typeof message === 'string' ? message : JSON.stringify(message);
    this.#record({ raw: json });
    return new Promise((resolve) => {
      if (seq !== undefined) client.pendingRequests.set(seq, resolve);
      client.outputStream.write(`Content-Length: ${Buffer.byteLength(json, 'utf8')}\r\n\r\n${json}`, 'utf8');
      if (seq === undefined) resolve({ type: 'response', seq: 0, request_seq: 0, success: true, command: '' });
    });
  }

  /** Ends the session: the debuggee is killed, the adapter stopped. */
  stop(): Promise<void> {
    return this.dc
      .disconnectRequest({ terminateDebuggee: true })
      .catch(() => undefined)
      .then(() => this.dc.stop());
  }
}

/**
 * Replaces volatile values with stable tokens: ids become `<kind:N>` numbered by first appearance,
 * the project root becomes `<root>`, loop times and durations become `<time>`.
 */
export function normalise(transcript: unknown[]): unknown[] {
  const tables = new Map<string, Map<number, string>>();
  const token = (kind: string, value: number): string => {
    let t = tables.get(kind);
    if (!t) tables.set(kind, (t = new Map()));
    if (!t.has(value)) t.set(value, `<${kind}:${t.size + 1}>`);
    return t.get(value)!;
  };
  const idKind: Record<string, string> = {
    threadId: 'thread',
    frameId: 'frame',
    variablesReference: 'ref',
  };
  const walk = (value: unknown, key: string, parentKey: string): unknown => {
    if (typeof value === 'string') {
      return value
        .split(ROOT)
        .join('<root>')
        .replace(new RegExp(`${tmpdir().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/coroscope-dap-\\w+`, 'g'), '<tmp>')
        .replace(/Future #\d+/g, 'Future #<id>')
        .replace(/\b\d+\.\d{3,}\b/g, '<time>');
    }
    if (typeof value === 'number') {
      if (idKind[key] && value > 0) return token(idKind[key]!, value);
      if (key === 'id' && parentKey === 'threads') return token('thread', value);
      if (key === 'id' && parentKey === 'stackFrames') return token('frame', value);
      if (key === 'id' && (parentKey === 'breakpoints' || parentKey === 'breakpoint')) return token('breakpoint', value);
      if (key === 'hitBreakpointIds') return token('breakpoint', value);
      if (key === 'seq' || key === 'request_seq') return '<seq>';
      return value;
    }
    if (Array.isArray(value)) return value.map((v) => walk(v, key, key));
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, k, key)]));
    }
    return value;
  };
  return transcript.map((entry) => walk(entry, '', ''));
}

/**
 * Compares a session with test/dap/golden/<name>.json (normalised). UPDATE_GOLDEN=1 writes the file
 * from this session; without it a missing file is an error (a golden made from whatever the code
 * does today would pin a regression as correct). A mismatch leaves the actual session beside it as
 * <name>.actual.json for a diff.
 */
export function matchGolden(name: string, transcript: unknown[]): { actual: string; expected: string } {
  const file = join(__dirname, 'golden', `${name}.json`);
  const actual = JSON.stringify(normalise(transcript), null, 1) + '\n';
  if (process.env.UPDATE_GOLDEN) writeFileSync(file, actual);
  else if (!existsSync(file)) {
    const shown = relative(ROOT, file);
    throw new Error(`the golden transcript ${shown} is missing: create it with \`UPDATE_GOLDEN=1 node scripts/test.mjs <this test file>\`, then review it before committing`);
  }
  const expected = readFileSync(file, 'utf8');
  if (actual !== expected) writeFileSync(join(__dirname, 'golden', `${name}.actual.json`), actual);
  return { actual, expected };
}
