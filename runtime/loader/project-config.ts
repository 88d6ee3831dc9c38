// The project's own tsconfig.json, found as `tsc` finds it (the nearest one up from a file, `extends`
// followed), read for what changes the code the loader emits or the files imports resolve to:
// `paths`/`baseUrl`, `target`, `experimentalDecorators`, `emitDecoratorMetadata`,
// `useDefineForClassFields`. Nothing else is read (type-checking options cost the run nothing), and
// the TypeScript compiler is not loaded for it: the file is JSON with comments and trailing commas.
import { readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';

/** The compiler options that change emitted code; part of the compile cache's key. */
export interface EmitOptions {
  readonly target?: string;
  readonly experimentalDecorators?: boolean;
  readonly emitDecoratorMetadata?: boolean;
  readonly useDefineForClassFields?: boolean;
}

/**
 * `paths` with the folder its substitutions are relative to (baseUrl, else the declaring tsconfig's
 * folder), and `baseUrl` itself: a bare import is also looked up from there, as tsc does.
 */
export interface PathAliases {
  readonly base: string;
  readonly patterns: readonly (readonly [pattern: string, substitutions: readonly string[]])[];
  readonly baseUrl: string | null;
}

export interface ProjectConfig {
  /** The tsconfig.json that applies, or null (none up to the root: the defaults apply). */
  readonly file: string | null;
  readonly emit: EmitOptions;
  readonly paths: PathAliases | null;
}

const NONE: ProjectConfig = Object.freeze({ file: null, emit: Object.freeze({}), paths: null });
const byDir = new Map<string, ProjectConfig>();

/**
 * Forgets every config read: the next lookup reads the tsconfig.json files again. A run reads them
 * once; the editor's language server calls this when one is created, changed or deleted.
 */
export function forgetProjectConfigs(): void {
  byDir.clear();
}

/** The config for a source file (cached per folder: a program's files share a few folders). */
export function configFor(filename: string): ProjectConfig {
  return configForDir(dirname(filename));
}

function configForDir(dir: string): ProjectConfig {
  const known = byDir.get(dir);
  if (known) return known;
  let config: ProjectConfig;
  const candidate = join(dir, 'tsconfig.json');
  if (isFile(candidate)) config = readProjectConfig(candidate);
  else {
    const parent = dirname(dir);
    config = parent === dir ? NONE : configForDir(parent);
  }
  byDir.set(dir, config);
  return config;
}

/** Thrown for a tsconfig.json the loader cannot read: the message names the file and what is wrong. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads one tsconfig.json with its `extends` chain (each later file overrides the earlier ones). */
export function readProjectConfig(file: string, seen: ReadonlySet<string> = new Set()): ProjectConfig {
  if (seen.has(file)) throw new ConfigError(`${file}: 'extends' loops back to this file`);
  const json = parseJsonc(readFileSync(file, 'utf8'), file);
  const options = (json.compilerOptions ?? {}) as Record<string, unknown>;
  let emit: EmitOptions = {};
  let patterns: PathAliases['patterns'] | null = null;
  let patternsDir = dirname(file);
  let baseUrl: string | null = null;
  const bases = json.extends === undefined ? [] : Array.isArray(json.extends) ? json.extends : [json.extends];
  for (const spec of bases) {
    if (typeof spec !== 'string') throw new ConfigError(`${file}: 'extends' must be a string or an array of strings`);
    const base = readProjectConfig(resolveExtends(spec, file), new Set([...seen, file]));
    emit = { ...emit, ...base.emit };
    if (base.paths?.baseUrl) baseUrl = base.paths.baseUrl;
    if (base.paths && base.paths.patterns.length > 0) {
      patterns = base.paths.patterns;
      patternsDir = base.paths.base;
    }
  }
  const dir = dirname(file);
  if (typeof options.baseUrl === 'string') baseUrl = resolve(dir, options.baseUrl);
  if (options.paths !== undefined) {
    if (typeof options.paths !== 'object' || options.paths === null) throw new ConfigError(`${file}: compilerOptions.paths must be an object`);
    patterns = Object.entries(options.paths as Record<string, unknown>).map(([pattern, subs]): [string, string[]] => {
      if (!Array.isArray(subs) || subs.some((s) => typeof s !== 'string')) throw new ConfigError(`${file}: compilerOptions.paths['${pattern}'] must be an array of strings`);
      return [pattern, subs as string[]];
    });
    patternsDir = dir;
  }
  const paths: PathAliases | null = patterns || baseUrl ? Object.freeze({ base: baseUrl ?? patternsDir, patterns: patterns ?? [], baseUrl }) : null;
  for (const key of ['experimentalDecorators', 'emitDecoratorMetadata', 'useDefineForClassFields'] as const) {
    if (typeof options[key] === 'boolean') emit = { ...emit, [key]: options[key] };
  }
  if (typeof options.target === 'string') emit = { ...emit, target: options.target.toLowerCase() };
  return Object.freeze({ file, emit: Object.freeze(emit), paths });
}

/** `extends`: a path relative to the config, or a package's tsconfig (`@tsconfig/node20/tsconfig.json`). */
function resolveExtends(spec: string, from: string): string {
  const dir = dirname(from);
  const tried: string[] = [];
  const attempt = (p: string): string | null => {
    tried.push(p);
    return isFile(p) ? p : null;
  };
  if (spec.startsWith('.') || isAbsolute(spec)) {
    const p = resolve(dir, spec);
    const found = attempt(p) ?? (p.endsWith('.json') ? null : attempt(`${p}.json`));
    if (found) return found;
  } else {
    // Looked up by hand: require.resolve would come back through the loader's own resolve hook,
    // which reads this very config.
    for (let d = dir; ; d = dirname(d)) {
      const p = join(d, 'node_modules', spec);
      const found = attempt(p) ?? (p.endsWith('.json') ? null : attempt(`${p}.json`) ?? attempt(join(p, 'tsconfig.json')));
      if (found) return found;
      if (dirname(d) === d) break;
    }
  }
  throw new ConfigError(`${from}: cannot find the config it extends, '${spec}' (tried ${tried.join(', ')})`);
}

/** JSON with `//` and `/* *\/` comments and trailing commas, as tsconfig.json is written. */
export function parseJsonc(text: string, file: string): Record<string, unknown> {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      const start = i++;
      while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      out += text.slice(start, ++i);
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      // Keep line breaks, so JSON.parse's positions still count lines.
      out += text.slice(i, end < 0 ? text.length : end + 2).replace(/[^\n]/g, ' ');
      i = end < 0 ? text.length : end + 2;
    } else if (c === ',') {
      let j = i + 1;
      while (j < text.length && /\s/.test(text[j]!)) j++;
      if (text[j] !== '}' && text[j] !== ']') out += c;
      i++;
    } else {
      out += c;
      i++;
    }
  }
  try {
    const value = out.trim() === '' ? {} : (JSON.parse(out) as unknown);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('the top level must be an object');
    return value as Record<string, unknown>;
  } catch (err) {
    // JSON.parse counts characters; a person looks for a line.
    const message = (err as Error).message.replace(/ in JSON at position (\d+)/, (_, at: string) => {
      const before = out.slice(0, Number(at)).split('\n');
      return ` at line ${before.length}, column ${before[before.length - 1]!.length + 1}`;
    });
    throw new ConfigError(`${file}: not valid JSON: ${message}`);
  }
}

/** Whether `path` is a file (resolvers try candidates with it). */
export function isFile(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
}

/** The candidate files for a bare import: a `paths` alias's (the longest prefix wins), else under baseUrl; null when neither applies. */
export function aliasCandidates(aliases: PathAliases, specifier: string): string[] | null {
  let best: { prefixLength: number; star: string; subs: readonly string[] } | null = null;
  for (const [pattern, subs] of aliases.patterns) {
    const star = pattern.indexOf('*');
    if (star < 0) {
      if (pattern === specifier) return subs.map((s) => resolve(aliases.base, s));
      continue;
    }
    const prefix = pattern.slice(0, star);
    const suffix = pattern.slice(star + 1);
    if (specifier.length >= prefix.length + suffix.length && specifier.startsWith(prefix) && specifier.endsWith(suffix) && (!best || prefix.length > best.prefixLength)) {
      best = { prefixLength: prefix.length, star: specifier.slice(prefix.length, specifier.length - suffix.length), subs };
    }
  }
  if (!best) return aliases.baseUrl === null ? null : [resolve(aliases.baseUrl, specifier)];
  const { star, subs } = best;
  return subs.map((s) => resolve(aliases.base, s.replace('*', star)));
}
