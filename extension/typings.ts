// Where `import ... from 'coroscope'` points in the editor: the runtime's typings that ship inside
// the extension (dist/types, emitted by `tsc --emitDeclarationOnly` at packaging time). Shared by
// the TypeScript server plugin and the language server; no VS Code or TypeScript import here.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface ResolvedTypings {
  readonly resolvedFileName: string;
  readonly extension: '.d.ts' | '.ts';
  readonly isExternalLibraryImport: boolean;
}

/**
 * Resolves 'coroscope' or 'coroscope/<module>' against `entry` (the typings' index.d.ts, or
 * runtime/index.ts in a source checkout); undefined for any other specifier or a missing file.
 */
export function resolveCoroscope(specifier: string, entry: string): ResolvedTypings | undefined {
  if (specifier !== 'coroscope' && !specifier.startsWith('coroscope/')) return undefined;
  const extension = entry.endsWith('.d.ts') ? '.d.ts' : '.ts';
  const file = specifier === 'coroscope' ? entry : join(dirname(entry), specifier.slice('coroscope/'.length) + extension);
  if (!existsSync(file)) return undefined;
  return { resolvedFileName: file, extension, isExternalLibraryImport: extension === '.d.ts' };
}
