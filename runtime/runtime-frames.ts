// Which stack lines belong to the runtime itself. With source maps on (the CLI turns them on), a
// runtime frame names runtime/*.ts rather than dist/runtime/*.js, so both must be recognised:
// a creation site or a traceback shows the program's lines, not the runtime's.
import { join, resolve } from 'node:path';

const escape = (p: string) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const projectRoot = resolve(__dirname).split(/[\\/]dist[\\/]/)[0]!;
const RUNTIME_FILE = new RegExp(`${escape(join(projectRoot, 'dist'))}[\\\\/]|${escape(join(projectRoot, 'runtime'))}[\\\\/]`);

/** True for a stack line (or `file:line:col`) in the runtime's compiled or original sources. */
export function isRuntimeFrame(line: string): boolean {
  return RUNTIME_FILE.test(line);
}
