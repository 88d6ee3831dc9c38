// Compiles the program once before launching it, so a syntax error is answered at launch with the
// loader's own `file:line:col - error: message` lines instead of a debuggee that dies at once.
import { readFileSync } from 'node:fs';
import type * as TS from 'typescript';
import { transformSource } from '../runtime/loader/transform';

let ts: typeof TS | null | undefined;

/** The compile errors of a program, or null when it compiles (or cannot be checked here). */
export function checkProgram(path: string): string | null {
  if (ts === undefined) {
    try {
      ts = require('typescript') as typeof TS;
    } catch {
      ts = null;
    }
  }
  if (!ts) return null;
  try {
    const { errors } = transformSource(ts, readFileSync(path, 'utf8'), path, 'coroscope/loader/helpers');
    return errors.length > 0 ? errors.join('\n') : null;
  } catch {
    return null;
  }
}
