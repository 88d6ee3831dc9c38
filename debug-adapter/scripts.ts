// The scripts V8 has parsed and their source maps: turns inspector locations (0-based, in the
// compiled JavaScript) into the user's TypeScript locations (1-based) and back. Maps are parsed
// lazily, the first time a location in that script is needed.
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, isAbsolute, resolve } from 'node:path';
import { TraceMap, originalPositionFor, generatedPositionFor, LEAST_UPPER_BOUND, GREATEST_LOWER_BOUND } from '@jridgewell/trace-mapping';

export interface ScriptParsed {
  scriptId: string;
  url: string;
  sourceMapURL?: string;
}

/** A location in the user's source: absolute path, 1-based line and column. */
export interface SourceLocation {
  path: string;
  line: number;
  column: number;
}

/** A location in a parsed script, as CDP gives it (0-based). */
export interface ScriptLocation {
  scriptId: string;
  lineNumber: number;
  columnNumber: number;
}

/** The runtime's own compiled code (the bundle, the CLI, the loader, bin/coroscope.js): hidden from the user's stacks. */
const RUNTIME_PATH = /[\\/]dist[\\/]runtime[\\/]|[\\/]bin[\\/]coroscope\.js$/;

class Script {
  readonly path: string | null;
  #map: TraceMap | null | undefined;
  /** Absolute source path -> the map's own spelling of it. */
  #sources = new Map<string, string>();

  constructor(
    readonly id: string,
    readonly url: string,
    readonly sourceMapURL: string | undefined,
  ) {
    this.path = urlToPath(url);
  }

  get isRuntime(): boolean {
    return this.path !== null && RUNTIME_PATH.test(this.path);
  }

  /** Node's own modules and anything without a file behind it. */
  get isInternal(): boolean {
    return this.path === null || this.path.includes(`${'/'}node_modules${'/'}`);
  }

  get isUser(): boolean {
    return !this.isRuntime && !this.isInternal;
  }

  map(): TraceMap | null {
    if (this.#map !== undefined) return this.#map;
    this.#map = null;
    const text = decodeDataUrl(this.sourceMapURL);
    if (text === null || this.path === null) return null;
    try {
      const map = new TraceMap(text);
      const base = dirname(this.path);
      const root = (map as unknown as { sourceRoot?: string }).sourceRoot ?? '';
      for (const s of map.sources) {
        if (s === null) continue;
        const p = s.startsWith('file://') ? fileURLToPath(s) : isAbsolute(s) ? s : resolve(base, root, s);
        this.#sources.set(p, s);
      }
      this.#map = map;
    } catch {
      this.#map = null;
    }
    return this.#map;
  }

  /** The absolute source paths this script was compiled from (itself when it has no map). */
  sources(): string[] {
    if (this.map()) return [...this.#sources.keys()];
    return this.path ? [this.path] : [];
  }

  toOriginal(lineNumber: number, columnNumber: number): SourceLocation | null {
    const map = this.map();
    if (!map) return this.path ? { path: this.path, line: lineNumber + 1, column: columnNumber + 1 } : null;
    // The nearest mapping at or before the position, else after it; the compiler's own preamble
    // (the first lines of a module) maps to nothing, so look a few lines further for the first statement.
    for (let line = lineNumber + 1; line <= lineNumber + 20; line++) {
      const biases = line === lineNumber + 1 ? ([GREATEST_LOWER_BOUND, LEAST_UPPER_BOUND] as const) : ([LEAST_UPPER_BOUND] as const);
      for (const bias of biases) {
        const pos = originalPositionFor(map, { line, column: line === lineNumber + 1 ? columnNumber : 0, bias });
        if (pos.source !== null && pos.line !== null) {
          const path = [...this.#sources].find(([, s]) => s === pos.source)?.[0] ?? pos.source;
          return { path, line: pos.line, column: (pos.column ?? 0) + 1 };
        }
      }
    }
    return null;
  }

  /** The first compiled position of a source line (1-based), looking a few lines further if the line has no code. */
  toGenerated(path: string, line: number, column?: number): { lineNumber: number; columnNumber: number; line: number } | null {
    const map = this.map();
    if (!map) return this.path === path ? { lineNumber: line - 1, columnNumber: column ? column - 1 : 0, line } : null;
    const source = this.#sources.get(path);
    if (source === undefined) return null;
    for (let l = line; l < line + 20; l++) {
      const pos = generatedPositionFor(map, { source, line: l, column: l === line && column ? column - 1 : 0, bias: LEAST_UPPER_BOUND });
      if (pos.line !== null) return { lineNumber: pos.line - 1, columnNumber: pos.column ?? 0, line: l };
    }
    return null;
  }
}

export type { Script };

/** Every script of the debuggee, by id and by the source files they map to. */
export class ScriptRegistry {
  #byId = new Map<string, Script>();
  #bySource = new Map<string, Set<Script>>();

  add(params: ScriptParsed): Script {
    const script = new Script(params.scriptId, params.url, params.sourceMapURL || undefined);
    // Every evaluation the adapter makes is a script without a URL: not kept, or the registry would grow forever.
    if (!params.url) return script;
    this.#byId.set(script.id, script);
    if (script.isUser) {
      for (const p of script.sources()) {
        let set = this.#bySource.get(p);
        if (!set) this.#bySource.set(p, (set = new Set()));
        set.add(script);
      }
    }
    return script;
  }

  get(scriptId: string): Script | undefined {
    return this.#byId.get(scriptId);
  }

  /** The user scripts compiled from a source file. */
  forSource(path: string): Script[] {
    return [...(this.#bySource.get(resolve(path)) ?? [])];
  }

  toOriginal(loc: ScriptLocation): SourceLocation | null {
    return this.#byId.get(loc.scriptId)?.toOriginal(loc.lineNumber, loc.columnNumber) ?? null;
  }

  /**
   * Where a stack (top first) leaves the code a task runs: `boundary` is the first frame of the
   * runtime (the Task's step, or the loop), `lastUser` the last user frame above it (-1: none).
   * Node's own frames may sit between user frames (a listener called by an EventEmitter's emit).
   */
  taskCode(frames: readonly { location: ScriptLocation }[]): { boundary: number; lastUser: number } {
    let lastUser = -1;
    let boundary = 0;
    for (; boundary < frames.length; boundary++) {
      const script = this.get(frames[boundary]!.location.scriptId);
      if (script?.isRuntime) break;
      if (script?.isUser) lastUser = boundary;
    }
    return { boundary, lastUser };
  }

  clear(): void {
    this.#byId.clear();
    this.#bySource.clear();
  }
}

export function urlToPath(url: string): string | null {
  if (url.startsWith('file://')) {
    try {
      return fileURLToPath(url);
    } catch {
      return null;
    }
  }
  return isAbsolute(url) ? url : null;
}

export function pathToUrl(path: string): string {
  return pathToFileURL(path).href;
}

function decodeDataUrl(url: string | undefined): string | null {
  if (!url) return null;
  const m = /^data:application\/json(?:;charset=[\w-]+)?(;base64)?,(.*)$/s.exec(url);
  if (!m) return null;
  try {
    return m[1] ? Buffer.from(m[2]!, 'base64').toString('utf8') : decodeURIComponent(m[2]!);
  } catch {
    return null;
  }
}
