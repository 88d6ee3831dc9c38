// `coroscope run --dump-on=SIGUSR2 prog.ts`: when the signal arrives, the program's tasks are printed
// to stderr as `coroscope ps` prints them, and the program goes on.
import { constants } from 'node:os';
import { renderPs } from './ps-render';
import type { Snapshot } from './snapshot';

/** Signals a program cannot take for a dump: Node's inspector's, and those no handler can catch. */
const RESERVED: Record<string, string> = {
  SIGUSR1: 'Node opens its inspector on SIGUSR1 (coroscope ps uses it)',
  SIGKILL: 'SIGKILL cannot be caught',
  SIGSTOP: 'SIGSTOP cannot be caught',
};

/** Checks a --dump-on value: the signal's name, or an error message. */
export function dumpSignal(value: string | undefined): { signal: NodeJS.Signals } | { error: string } {
  if (value === undefined || value === '') return { error: '--dump-on needs a signal, e.g. --dump-on=SIGUSR2' };
  const name = (value.startsWith('SIG') ? value : `SIG${value}`).toUpperCase();
  if (!(name in constants.signals)) return { error: `--dump-on: '${value}' is not a signal (e.g. SIGUSR2, SIGQUIT, SIGWINCH)` };
  if (RESERVED[name]) return { error: `--dump-on: not ${name}: ${RESERVED[name]}` };
  return { signal: name as NodeJS.Signals };
}

/** On `signal`, prints the task table of the program's loop to stderr. */
export function installDumpOn(signal: NodeJS.Signals): void {
  process.on(signal, () => {
    const probe = (globalThis as Record<symbol, { snapshot(): Snapshot } | undefined>)[Symbol.for('coroscope.probe')];
    if (!probe) return;
    process.stderr.write(`coroscope: ${signal}: the tasks of process ${process.pid}\n${renderPs(probe.snapshot(), { cwd: process.cwd() })}`);
  });
}
