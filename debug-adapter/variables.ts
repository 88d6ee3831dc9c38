// Variables as DAP shows them, from two kinds of sources: inspector handles (locals, values) and
// JSON from the probe (tasks, futures, the loop). Every expandable value gets a reference that is
// valid until the debuggee resumes; a reference from an earlier stop is answered with a clear error.
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { CdpConnection } from './cdp-connection';
import { StaleReferenceError, UserError } from './errors';
import type { RemoteObject } from './probe-client';

/** Arrays and JSON lists longer than this are paged (indexedVariables). */
const PAGE_THRESHOLD = 100;

/** Names the loader introduces; never shown to the user. */
export const HIDDEN_NAME = /^__cs/;

/** A live frame's scopes: Debugger.setVariableValue writes them by scope number. */
interface LiveScopes {
  readonly callFrameId: string;
  /** The scope-chain index of each object of the container, in the same order. */
  readonly scopeNumbers: readonly number[];
}

type Container =
  | { kind: 'object'; objectId: string; length?: number }
  | { kind: 'scopes'; objectIds: string[]; live?: LiveScopes }
  | { kind: 'json'; value: unknown }
  | { kind: 'lazy'; load: () => Promise<DebugProtocol.Variable[]> }
  | { kind: 'paged'; total: number; load: PageLoader };

/** Loads items [start, start + count) of a paged list (count >= 1, start + count <= its total). */
export type PageLoader = (start: number, count: number) => Promise<DebugProtocol.Variable[]>;

interface PropertyDescriptor {
  name: string;
  value?: RemoteObject;
  get?: RemoteObject;
  isOwn?: boolean;
}


/** Counters that outlive a stop, so an id from an earlier stop is never reused. */
export interface IdCounters {
  reference: number;
  frame: number;
}

/**
 * The references handed out during one stop.
 * Invariant: references grow monotonically over the session, so one from an earlier stop never
 * names a new container by accident; clear() forgets all of them at resume.
 */
export class VariableStore {
  #containers = new Map<number, Container>();

  constructor(
    readonly cdp: CdpConnection,
    readonly objectGroup: string,
    /** Shared with the session so references keep growing across stops. */
    readonly counters: IdCounters,
  ) {}

  clear(): void {
    this.#containers.clear();
  }

  add(container: Container): number {
    const ref = this.counters.reference++;
    this.#containers.set(ref, container);
    return ref;
  }

  /** Scope objects shown as one list (the first scope that has a name wins); `live` when they can be written. */
  scopes(objectIds: string[], live?: LiveScopes): number {
    return this.add({ kind: 'scopes', objectIds, live });
  }

  /** The live frame whose scopes a reference shows, if it shows one (values for it are evaluated there). */
  frameOf(variablesReference: number): string | undefined {
    const c = this.#containers.get(variablesReference);
    return c?.kind === 'scopes' ? c.live?.callFrameId : undefined;
  }

  /**
   * Sets a variable of a container to a value the caller evaluated (in the stopped frame): a local
   * of a live frame, or a property of an object. Locals of suspended coroutines and the runtime's
   * state cannot be written, and say so.
   */
  async setVariable(args: DebugProtocol.SetVariableArguments, value: RemoteObject): Promise<DebugProtocol.SetVariableResponse['body']> {
    const c = this.#containers.get(args.variablesReference);
    if (!c) throw new StaleReferenceError(`variablesReference ${args.variablesReference} is not valid now (it is from an earlier stop, or was never given out)`);
    const arg = callArgument(value);
    switch (c.kind) {
      case 'object': {
        const r = await this.cdp.send<{ result: RemoteObject; exceptionDetails?: { exception?: RemoteObject; text: string } }>('Runtime.callFunctionOn', {
          objectId: c.objectId,
          functionDeclaration: 'function (name, value) { this[name] = value; return this[name]; }',
          arguments: [{ value: args.name }, arg],
          silent: true,
          objectGroup: this.objectGroup,
        });
        if (r.exceptionDetails) throw new UserError(`cannot set ${args.name}: ${r.exceptionDetails.exception?.description?.split('\n')[0] ?? r.exceptionDetails.text}`);
        return this.#setResult(this.remote(args.name, r.result));
      }
      case 'scopes': {
        if (!c.live) throw new UserError(`cannot set ${args.name}: it is a local of a suspended coroutine, and V8 cannot write into a suspended generator (set it when its task runs)`);
        for (let i = 0; i < c.objectIds.length; i++) {
          const props = await this.#properties(c.objectIds[i]!);
          if (!props.result.some((p) => p.name === args.name)) continue;
          await this.cdp.send('Debugger.setVariableValue', { scopeNumber: c.live.scopeNumbers[i], variableName: args.name, newValue: arg, callFrameId: c.live.callFrameId });
          // The scope object is V8's copy of the scope made at the pause: keep it in step for later reads.
          await this.cdp.send('Runtime.callFunctionOn', { objectId: c.objectIds[i], functionDeclaration: 'function (name, value) { this[name] = value; }', arguments: [{ value: args.name }, arg], silent: true }).catch(() => undefined);
          return this.#setResult(this.remote(args.name, value));
        }
        throw new UserError(`cannot set ${args.name}: no such variable in this scope`);
      }
      default:
        throw new UserError(`cannot set ${args.name}: the runtime's state is shown read-only`);
    }
  }

  #setResult(v: DebugProtocol.Variable): DebugProtocol.SetVariableResponse['body'] {
    return { value: v.value, type: v.type, variablesReference: v.variablesReference, ...(v.indexedVariables ? { indexedVariables: v.indexedVariables } : {}) };
  }

  json(value: unknown): number {
    return this.add({ kind: 'json', value });
  }

  lazy(load: () => Promise<DebugProtocol.Variable[]>): number {
    return this.add({ kind: 'lazy', load });
  }

  /**
   * The parent of a list of `total` items that are loaded a page at a time: a client pages it by
   * indexedVariables (VS Code does above 100) and asks for each page with `variables` start/count.
   */
  pagedVariable(name: string, value: string, total: number, load: PageLoader): DebugProtocol.Variable {
    if (total === 0) return { name, value, variablesReference: 0 };
    const ref = this.add({ kind: 'paged', total, load });
    return { name, value, variablesReference: ref, ...(total > PAGE_THRESHOLD ? { indexedVariables: total } : {}) };
  }

  async variables(args: DebugProtocol.VariablesArguments): Promise<DebugProtocol.Variable[]> {
    const c = this.#containers.get(args.variablesReference);
    if (!c) {
      throw new StaleReferenceError(
        `variablesReference ${args.variablesReference} is not valid now (it is from an earlier stop, or was never given out)`,
      );
    }
    switch (c.kind) {
      case 'object':
        return this.#objectVariables(c.objectId, c.length, args);
      case 'scopes': {
        const out: DebugProtocol.Variable[] = [];
        const seen = new Set<string>();
        for (const id of c.objectIds) {
          for (const v of await this.#objectVariables(id, undefined, { variablesReference: 0 })) {
            if (seen.has(v.name) || HIDDEN_NAME.test(v.name)) continue;
            seen.add(v.name);
            out.push(v);
          }
        }
        return out;
      }
      case 'json':
        return this.#jsonVariables(c.value, args);
      case 'lazy':
        return c.load();
      case 'paged': {
        if (args.filter === 'named') return [];
        const start = pageArgument(args, 'start') ?? 0;
        // DAP: a missing or zero count means all the rest.
        const count = Math.min(pageArgument(args, 'count') || Infinity, c.total - start);
        return count > 0 ? c.load(start, count) : [];
      }
    }
  }

  /** A DAP variable for an inspector value. */
  remote(name: string, obj: RemoteObject): DebugProtocol.Variable {
    const v: DebugProtocol.Variable = { name, value: renderRemote(obj), type: obj.subtype ?? obj.type, variablesReference: 0 };
    if (obj.objectId && (obj.type === 'object' || obj.type === 'function') && obj.subtype !== 'null') {
      const length = obj.subtype === 'array' || obj.subtype === 'typedarray' ? arrayLength(obj.description) : undefined;
      v.variablesReference = this.add({ kind: 'object', objectId: obj.objectId, length });
      if (length !== undefined && length > PAGE_THRESHOLD) v.indexedVariables = length;
    }
    return v;
  }

  /** A DAP variable for a JSON value from the probe. */
  jsonVariable(name: string, value: unknown, display?: string): DebugProtocol.Variable {
    const v: DebugProtocol.Variable = { name, value: display ?? renderJson(value), variablesReference: 0 };
    if (value !== null && typeof value === 'object' && Object.keys(value).length > 0) {
      v.variablesReference = this.json(value);
      if (Array.isArray(value) && value.length > PAGE_THRESHOLD) v.indexedVariables = value.length;
    }
    return v;
  }

  async #objectVariables(objectId: string, length: number | undefined, args: DebugProtocol.VariablesArguments): Promise<DebugProtocol.Variable[]> {
    if (length !== undefined && length > PAGE_THRESHOLD && args.filter !== 'named') {
      const start = args.start ?? 0;
      const count = args.count ?? Math.min(PAGE_THRESHOLD, length - start);
      const slice = await this.cdp.send<{ result: RemoteObject }>('Runtime.callFunctionOn', {
        objectId,
        functionDeclaration: 'function (s, c) { const o = {}; for (let i = s; i < Math.min(this.length, s + c); i++) o[i] = this[i]; return o; }',
        arguments: [{ value: start }, { value: count }],
        silent: true,
        objectGroup: this.objectGroup,
      });
      if (!slice.result.objectId) return [];
      const props = await this.#properties(slice.result.objectId);
      return props.result.filter((p) => p.value).map((p) => this.remote(p.name, p.value!));
    }
    const props = await this.#properties(objectId);
    const out: DebugProtocol.Variable[] = [];
    for (const p of props.result) {
      if (length !== undefined && length > PAGE_THRESHOLD && /^\d+$/.test(p.name)) continue;
      if (p.value) out.push(this.remote(p.name, p.value));
      else if (p.get) out.push({ name: p.name, value: '(getter)', variablesReference: 0 });
    }
    for (const p of props.internalProperties ?? []) {
      if (!p.value || p.name === '[[Prototype]]' || p.name === '[[Scopes]]' || p.name === '[[FunctionLocation]]' || p.name === '[[GeneratorLocation]]') continue;
      out.push(this.remote(p.name, p.value));
    }
    return out;
  }

  #properties(objectId: string): Promise<{ result: PropertyDescriptor[]; internalProperties?: PropertyDescriptor[] }> {
    return this.cdp.send('Runtime.getProperties', { objectId, ownProperties: true, accessorPropertiesOnly: false, generatePreview: false });
  }

  #jsonVariables(value: unknown, args: DebugProtocol.VariablesArguments): DebugProtocol.Variable[] {
    if (Array.isArray(value)) {
      const start = args.start ?? 0;
      const count = args.count ?? (value.length > PAGE_THRESHOLD ? PAGE_THRESHOLD : value.length);
      return value.slice(start, start + count).map((item, i) => this.jsonVariable(`[${start + i}]`, item));
    }
    if (value !== null && typeof value === 'object') {
      return Object.entries(value as Record<string, unknown>).map(([k, v]) => this.jsonVariable(k, v));
    }
    return [];
  }
}

/** `start` or `count` of a variables request: a non-negative integer, or undefined when not given. */
function pageArgument(args: DebugProtocol.VariablesArguments, name: 'start' | 'count'): number | undefined {
  const v = args[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new UserError(`variables: "${name}" must be a non-negative integer (got ${JSON.stringify(v)})`);
  return v;
}

/** A value the inspector holds, as an argument to pass back to it. */
function callArgument(obj: RemoteObject): { objectId?: string; value?: unknown; unserializableValue?: string } {
  if (obj.objectId) return { objectId: obj.objectId };
  if (obj.unserializableValue !== undefined) return { unserializableValue: obj.unserializableValue };
  if (obj.type === 'undefined') return {};
  return { value: obj.value };
}

export function renderRemote(obj: RemoteObject): string {
  switch (obj.type) {
    case 'undefined':
      return 'undefined';
    case 'string':
      return JSON.stringify(obj.value);
    case 'number':
    case 'bigint':
    case 'symbol':
      return obj.description ?? obj.unserializableValue ?? String(obj.value);
    case 'boolean':
      return String(obj.value);
    case 'function': {
      const m = /^(?:async\s+)?(?:function\s*\*?\s*|class\s+)?([\w$]*)/.exec(obj.description ?? '');
      return `ƒ ${m?.[1] || 'anonymous'}`;
    }
    default:
      if (obj.subtype === 'null') return 'null';
      return (obj.description ?? obj.className ?? 'Object').split('\n')[0]!;
  }
}

export function renderJson(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return value;
  if (typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return `Array(${value.length})`;
  return '{…}';
}

function arrayLength(description: string | undefined): number | undefined {
  const m = /\((\d+)\)$/.exec(description ?? '');
  return m ? Number(m[1]) : undefined;
}
