// Compiles the program once before launching it, so a syntax error is answered at launch with the
// loader's own `file:line:col - error: message` lines instead of a debuggee that dies at once.
import { readFileSync } from 'node:fs';
import { transformSource } from '../runtime/loader/transform';
import { loadTypescript } from './typescript';

/** The compile errors of a program, or null when it compiles (or cannot be checked here). */
export function checkProgram(path: string): string | null {
  const ts = loadTypescript();
  if (!ts) return null;
  try {
    const { errors } = transformSource(ts, readFileSync(path, 'utf8'), path, 'coroscope/loader/helpers');
    return errors.length > 0 ? errors.join('\n') : null;
  } catch {
    return null;
  }
}
