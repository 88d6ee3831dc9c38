// How an import written for TypeScript finds its file when Node's own resolution does not: the
// NodeNext spelling (`./lib.js` for lib.ts, `./x.mjs` for x.mts, `./y.cjs` for y.cts), and the
// project's `paths` aliases. Shared by the CommonJS hook (register.ts) and the ES module hooks
// (esm-hooks.ts); both keep Node's resolution first, so a file that exists as written wins.
import { readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { isAbsolute } from 'node:path';
import { aliasCandidates, configFor, isFile } from './project-config';

/** The TypeScript sources a written path stands for, in the order they are tried. */
export function sourceCandidates(path: string): string[] {
  const m = /\.(m|c)?jsx?$/.exec(path);
  if (m) {
    const stem = path.slice(0, m.index);
    if (m[1] === 'm') return [`${stem}.mts`];
    if (m[1] === 'c') return [`${stem}.cts`];
    return path.endsWith('x') ? [`${stem}.tsx`] : [`${stem}.ts`, `${stem}.tsx`];
  }
  if (/\.[cm]?tsx?$/.test(path) || path.endsWith('.json')) return [path];
  return [`${path}.ts`, `${path}.tsx`, `${path}/index.ts`, `${path}/index.tsx`];
}

export interface Found {
  readonly file: string | null;
  /** Every file looked at, for the error message when none is there. */
  readonly tried: readonly string[];
}

/** The first existing candidate for a path (the path itself first). */
export function findSource(path: string): Found {
  const tried = [path];
  if (isFile(path)) return { file: path, tried };
  for (const c of sourceCandidates(path)) {
    if (c === path) continue;
    tried.push(c);
    if (isFile(c)) return { file: c, tried };
  }
  return { file: null, tried };
}

/** A bare specifier the importing file's tsconfig `paths` maps; null when no alias applies. */
export function resolveAlias(specifier: string, parentFile: string): Found | null {
  if (isRelativeOrAbsolute(specifier) || isBuiltin(specifier)) return null;
  const aliases = configFor(parentFile).paths;
  if (!aliases) return null;
  const candidates = aliasCandidates(aliases, specifier);
  if (!candidates) return null;
  const tried: string[] = [];
  for (const c of candidates) {
    const found = findSource(c);
    tried.push(...found.tried);
    if (found.file) return { file: found.file, tried };
  }
  return { file: null, tried };
}

export function isRelativeOrAbsolute(specifier: string): boolean {
  return specifier.startsWith('./') || specifier.startsWith('../') || specifier === '.' || specifier === '..' || isAbsolute(specifier) || specifier.startsWith('file:');
}

/** `prog.ts:3`: where the importing file names the specifier (its first mention), or just the file. */
export function importSite(parentFile: string, specifier: string): string {
  try {
    const text = readFileSync(parentFile, 'utf8');
    for (const quote of ["'", '"', '`']) {
      const at = text.indexOf(quote + specifier + quote);
      if (at >= 0) return `${parentFile}:${text.slice(0, at).split('\n').length}`;
    }
  } catch {
    // the parent is not a file we can read (a REPL, an eval): name it as it is
  }
  return parentFile;
}

/** "Cannot find module './x.js' imported from prog.ts:3 (tried …)": the import, where, and what was tried. */
export function notFoundMessage(specifier: string, parentFile: string | undefined, tried: readonly string[], what = 'module'): string {
  const from = parentFile ? ` imported from ${importSite(parentFile, specifier)}` : '';
  const list = tried.length > 0 ? `\n  tried: ${[...new Set(tried)].join('\n         ')}` : '';
  return `Cannot find ${what} '${specifier}'${from}${list}`;
}
