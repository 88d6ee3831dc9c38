// Compiles the program once before launching it, so a syntax error is answered at launch with the
// loader's own `file:line:col - error: message` lines instead of a debuggee that dies at once.
import { readFileSync, statSync } from 'node:fs';
import { moduleFormat } from '../runtime/loader/module-format';
import { configFor } from '../runtime/loader/project-config';
import { transformSource } from '../runtime/loader/transform';
import { loadTypescript } from './typescript';

/** The compile errors of a program, or null when it compiles (or cannot be checked here). */
export function checkProgram(path: string): string | null {
  const ts = loadTypescript();
  if (!ts) return null;
  try {
    // As the loader will compile it: its module system and its project's emit options.
    const options = { ...configFor(path).emit, module: moduleFormat(path) === 'module' ? ('esm' as const) : ('commonjs' as const) };
    const { errors } = transformSource(ts, readFileSync(path, 'utf8'), path, 'coroscope/loader/helpers', options);
    return errors.length > 0 ? errors.join('\n') : null;
  } catch {
    return null;
  }
}

/**
 * Why `program` (as given, resolved to `path`) cannot be run, or null when it is a file: missing,
 * a directory (VS Code's `${fileDirname}` or a workspace folder picked by mistake), or something else.
 */
export function programProblem(given: string, path: string): string | null {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return `program '${given}' does not exist (looked at ${path})`;
  }
  if (stat.isDirectory()) return `program '${given}' is a directory (${path}), not a file: give the .ts file to run`;
  if (!stat.isFile()) return `program '${given}' is not a regular file (${path})`;
  return null;
}
