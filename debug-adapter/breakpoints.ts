// Source breakpoints in the user's TypeScript, bound to V8 breakpoints in the compiled scripts
// through their source maps: at once for scripts already loaded, otherwise when the script is
// parsed (the adapter pauses before each source-mapped script runs, so none is missed).
// Conditions go to V8; logpoints are conditions that log and return false; hit counts are kept here.
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { CdpConnection } from './cdp-connection';
import type { Script, ScriptRegistry } from './scripts';
import { resolve } from 'node:path';

interface Spec {
  readonly id: number;
  readonly path: string;
  readonly line: number;
  readonly column?: number;
  readonly condition?: string;
  readonly hitCondition?: string;
  readonly logMessage?: string;
  readonly hitTest: ((hits: number) => boolean) | null;
  /** V8 breakpoint ids, one per script this source was compiled into. */
  readonly cdpIds: Set<string>;
  verified: boolean;
  actualLine: number;
  hits: number;
  message?: string;
}

/**
 * The breakpoints of every source file.
 * Invariant: each V8 breakpoint id in #byCdpId belongs to exactly one Spec of #bySource, and is
 * removed from V8 when that Spec is replaced.
 */
export class BreakpointManager {
  #nextId = 1;
  #bySource = new Map<string, Spec[]>();
  #byCdpId = new Map<string, Spec>();

  constructor(
    readonly cdp: () => CdpConnection | null,
    readonly scripts: ScriptRegistry,
    readonly changed: (bp: DebugProtocol.Breakpoint) => void,
  ) {}

  /** Replaces the breakpoints of one source; returns them in the client's order. */
  async set(path: string, requested: readonly DebugProtocol.SourceBreakpoint[]): Promise<DebugProtocol.Breakpoint[]> {
    path = resolve(path);
    const cdp = this.cdp();
    for (const old of this.#bySource.get(path) ?? []) {
      for (const id of old.cdpIds) {
        this.#byCdpId.delete(id);
        if (cdp) await cdp.send('Debugger.removeBreakpoint', { breakpointId: id }).catch(() => undefined);
      }
    }
    const specs: Spec[] = requested.map((b) => {
      if (typeof b?.line !== 'number' || !Number.isInteger(b.line) || b.line < 1) {
        throw new Error(`a breakpoint needs a line number >= 1 (got ${JSON.stringify(b?.line)})`);
      }
      const hitTest = b.hitCondition ? parseHitCondition(b.hitCondition) : null;
      return {
        id: this.#nextId++,
        path,
        line: b.line,
        column: b.column,
        condition: b.condition || undefined,
        hitCondition: b.hitCondition || undefined,
        logMessage: b.logMessage || undefined,
        hitTest,
        cdpIds: new Set<string>(),
        verified: false,
        actualLine: b.line,
        hits: 0,
        message: b.hitCondition && !hitTest ? `invalid hit count '${b.hitCondition}' (use N, >=N, ==N, >N or %N)` : undefined,
      };
    });
    this.#bySource.set(path, specs);
    if (cdp) for (const script of this.scripts.forSource(path)) await this.#bindAll(cdp, script, specs);
    return specs.map((s) => this.#toDap(s));
  }

  /** Binds the breakpoints of every source compiled into a newly parsed script. */
  async scriptLoaded(script: Script): Promise<void> {
    const cdp = this.cdp();
    if (!cdp || !script.isUser) return;
    for (const source of script.sources()) {
      const specs = this.#bySource.get(source);
      if (!specs) continue;
      const before = specs.map((s) => s.verified);
      await this.#bindAll(cdp, script, specs);
      specs.forEach((s, i) => {
        if (s.verified && !before[i]) this.changed(this.#toDap(s));
      });
    }
  }

  /** Rebinds everything after (re)connecting to a debuggee. */
  async rebindAll(): Promise<void> {
    this.#byCdpId.clear();
    for (const specs of this.#bySource.values()) for (const s of specs) s.cdpIds.clear();
  }

  isUserBreakpoint(cdpId: string): boolean {
    return this.#byCdpId.has(cdpId);
  }

  /** Counts a hit of these V8 breakpoints; true if one of them should stop (its hit count is met). */
  hit(cdpIds: readonly string[]): { stop: boolean; ids: number[] } {
    let stop = false;
    const ids: number[] = [];
    for (const cdpId of cdpIds) {
      const s = this.#byCdpId.get(cdpId);
      if (!s || s.logMessage) continue;
      s.hits += 1;
      if (s.hitCondition && (!s.hitTest || !s.hitTest(s.hits))) continue;
      stop = true;
      ids.push(s.id);
    }
    return { stop, ids };
  }

  async #bindAll(cdp: CdpConnection, script: Script, specs: Spec[]): Promise<void> {
    for (const s of specs) {
      if (s.message && !s.hitTest) continue;
      const pos = script.toGenerated(s.path, s.line, s.column);
      if (!pos) continue;
      try {
        const r = await cdp.send<{ breakpointId: string; actualLocation: { scriptId: string; lineNumber: number; columnNumber: number } }>('Debugger.setBreakpoint', {
          location: { scriptId: script.id, lineNumber: pos.lineNumber, columnNumber: pos.columnNumber },
          condition: v8Condition(s),
        });
        s.cdpIds.add(r.breakpointId);
        this.#byCdpId.set(r.breakpointId, s);
        const actual = script.toOriginal(r.actualLocation.lineNumber, r.actualLocation.columnNumber);
        s.actualLine = actual && actual.path === s.path ? actual.line : pos.line;
        s.verified = true;
        s.message = undefined;
      } catch (err) {
        s.message = (err as Error).message;
      }
    }
  }

  #toDap(s: Spec): DebugProtocol.Breakpoint {
    return {
      id: s.id,
      verified: s.verified,
      line: s.verified ? s.actualLine : s.line,
      source: { path: s.path },
      ...(s.message ? { message: s.message } : s.verified ? {} : { message: 'not bound yet: the file has not been loaded' }),
    };
  }
}

/** `N` or `>=N` (stop from the Nth hit on), `==N`/`=N`, `>N`, `<N`, `<=N`, `%N` (every Nth hit). */
export function parseHitCondition(text: string): ((hits: number) => boolean) | null {
  const m = /^\s*(>=|==|=|>|<=|<|%)?\s*(\d+)\s*$/.exec(text);
  if (!m) return null;
  const n = Number(m[2]);
  switch (m[1]) {
    case undefined:
    case '>=':
      return (h) => h >= n;
    case '==':
    case '=':
      return (h) => h === n;
    case '>':
      return (h) => h > n;
    case '<':
      return (h) => h < n;
    case '<=':
      return (h) => h <= n;
    case '%':
      return (h) => n > 0 && h % n === 0;
  }
  return null;
}

/** The condition V8 evaluates: a logpoint logs its message and never stops. */
function v8Condition(s: Spec): string | undefined {
  if (s.logMessage) {
    const log = `(console.log(${logTemplate(s.logMessage)}), false)`;
    return s.condition ? `(${s.condition}) && ${log}` : log;
  }
  return s.condition;
}

/** `x is {x}` -> a template literal `x is ${x}`. */
export function logTemplate(message: string): string {
  let out = '`';
  let i = 0;
  while (i < message.length) {
    const open = message.indexOf('{', i);
    if (open < 0) {
      out += escapeLiteral(message.slice(i));
      break;
    }
    const close = message.indexOf('}', open + 1);
    if (close < 0) {
      out += escapeLiteral(message.slice(i));
      break;
    }
    out += escapeLiteral(message.slice(i, open)) + '${' + message.slice(open + 1, close) + '}';
    i = close + 1;
  }
  return out + '`';
}

function escapeLiteral(s: string): string {
  return s.replace(/[`\\]/g, (c) => '\\' + c).replace(/\$\{/g, '\\${');
}
