// The TypeScript compiler, loaded on first use (it is large, and only some requests need it).
import type * as TS from 'typescript';

let ts: typeof TS | null | undefined;

/** The compiler, or null where it cannot be loaded (the feature that wanted it does without). */
export function loadTypescript(): typeof TS | null {
  if (ts === undefined) {
    try {
      ts = require('typescript') as typeof TS;
    } catch {
      ts = null;
    }
  }
  return ts;
}
