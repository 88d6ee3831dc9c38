// Which module system a program file belongs to, by Node's rules: `.mts`/`.mjs` are ES modules,
// `.cts`/`.cjs` CommonJS, and `.ts`/`.tsx`/`.js`/`.jsx` follow the nearest package.json's "type".
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export type ModuleFormat = 'module' | 'commonjs';

const typeByDir = new Map<string, ModuleFormat>();

export function moduleFormat(file: string): ModuleFormat {
  if (/\.m[jt]s$/.test(file)) return 'module';
  if (/\.c[jt]s$/.test(file)) return 'commonjs';
  return packageType(dirname(file));
}

/** The "type" of the package a folder belongs to (the nearest package.json up from it; none: CommonJS). */
function packageType(dir: string): ModuleFormat {
  const known = typeByDir.get(dir);
  if (known) return known;
  let type: ModuleFormat;
  let text: string | null = null;
  try {
    text = readFileSync(join(dir, 'package.json'), 'utf8');
  } catch {
    // no package.json here: look further up
  }
  if (text !== null) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = null; // Node reports an unparsable package.json itself when it loads from it
    }
    type = (json as { type?: unknown } | null)?.type === 'module' ? 'module' : 'commonjs';
  } else {
    const parent = dirname(dir);
    type = parent === dir ? 'commonjs' : packageType(parent);
  }
  typeByDir.set(dir, type);
  return type;
}
