// The `coroscope` command: `coroscope run prog.ts [args...]` runs a program on the embedded runtime.
// The exit code is the program's; an uncaught error prints a traceback through the await chain in
// the program's TypeScript lines; a syntax error prints file:line:col and the message, nothing else.
import { existsSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { moduleFormat } from './loader/module-format';

const USAGE = `usage: coroscope run [options] <program.ts|.js> [args...]
       coroscope ps PID | coroscope pstree PID   (the tasks of a running program: coroscope ps --help)

Runs a coroutine program on coroscope's event loop.

options:
  --selector select|poll|epoll|uring
                                 the readiness multiplexer (default: the best for the platform);
                                 uring: epoll waiting in io_uring, which receives for streams
                                 itself (Linux 6.12+)
  --debug                        debug mode: slow-callback warnings, creation sites of tasks and
                                 coroutines, coroutines garbage-collected without being awaited
  --deadlock=report|error         a cycle of tasks waiting on each other (locks, awaited tasks) is
                                 reported on stderr once (report, the default), or ends the program
                                 with status 1 (error); a program whose tasks are all asleep always does
  --journal                      keep each task's recent history (spawned, parked, woken by whom
                                 and where, resumed, cancelled, done); a task that fails prints it
                                 after its traceback
  --inspect[=[host:]port]        open the V8 inspector (a debugger can attach; default 127.0.0.1:9229)
  --inspect-brk[=[host:]port]    the same, and wait for a debugger before running the program
  --dump-on=SIGNAL               print the tasks (as coroscope ps does) to stderr on SIGNAL (e.g. SIGUSR2)
  -h, --help                     this text
  --version                      the version`;

export function main(argv: string[]): void {
  const args = [...argv];
  const command = args.shift();
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    process.stdout.write(USAGE + '\n');
    process.exitCode = command === undefined ? 2 : 0;
    return;
  }
  if (command === '--version') {
    process.stdout.write(require('../../package.json').version + '\n');
    return;
  }
  if (command === 'ps' || command === 'pstree') {
    // Out of process: its own module (runtime/ps.ts), loaded only for these commands.
    const { psMain } = require('./ps') as typeof import('./ps');
    psMain(command, args).then(
      (status) => (process.exitCode = status),
      (err: Error) => {
        process.stderr.write(`coroscope ${command}: ${err.stack ?? err}\n`);
        process.exitCode = 1;
      },
    );
    return;
  }
  if (command !== 'run') return fail(`unknown command '${command}' (did you mean 'coroscope run ${command}'?)`);

  let inspect: { host: string; port: number; wait: boolean } | null = null;
  let dumpOn: NodeJS.Signals | null = null;
  while (args.length > 0 && args[0]!.startsWith('-')) {
    const opt = args.shift()!;
    const [name, inlineValue] = opt.includes('=') ? [opt.slice(0, opt.indexOf('=')), opt.slice(opt.indexOf('=') + 1)] : [opt, undefined];
    if (name === '--selector') {
      const value = inlineValue ?? args.shift();
      if (value !== 'select' && value !== 'poll' && value !== 'epoll' && value !== 'uring') return fail(`--selector must be select, poll, epoll or uring (got ${value === undefined ? 'nothing' : `'${value}'`})`);
      process.env.COROSCOPE_SELECTOR = value;
    } else if (name === '--deadlock') {
      const value = inlineValue ?? args.shift();
      if (value !== 'report' && value !== 'error') return fail(`--deadlock must be report or error (got ${value === undefined ? 'nothing' : `'${value}'`})`);
      process.env.COROSCOPE_DEADLOCK = value;
    } else if (name === '--debug') {
      process.env.COROSCOPE_DEBUG = '1';
    } else if (name === '--journal') {
      process.env.COROSCOPE_JOURNAL = '1';
    } else if (name === '--inspect' || name === '--inspect-brk') {
      const parsed = parseHostPort(inlineValue);
      if (!parsed) return fail(`${name}: expected [host:]port, got '${inlineValue}'`);
      inspect = { ...parsed, wait: name === '--inspect-brk' };
    } else if (name === '--dump-on') {
      // dump-on.ts (and the ps renderer it brings) is loaded only for this option.
      const checked = dumpOn_().dumpSignal(inlineValue ?? args.shift());
      if ('error' in checked) return fail(checked.error);
      dumpOn = checked.signal;
    } else if (name === '--') {
      break;
    } else {
      return fail(`unknown option '${opt}'`);
    }
  }
  const program = args.shift();
  if (program === undefined) return fail('missing the program to run');
  const path = resolve(program);
  if (!existsSync(path)) return fail(`cannot find program '${program}' (looked at ${path})`);

  process.argv = [process.argv[0]!, path, ...args];
  installErrorReporting();
  require('./loader/register');
  // The bundle user programs load; the CLI must use its classes (instanceof, WeakMaps).
  const runtime = require('./coroscope.js') as typeof import('./index');
  // Source maps from here on: the program's files map to its TypeScript lines. The runtime's own
  // (loaded above) would cost every start ~20 ms of parsing its inline maps, for frames that
  // tracebacks hide (runtime-frames.ts knows them by their dist/ paths too).
  process.setSourceMapsEnabled(true);
  if (dumpOn) dumpOn_().installDumpOn(dumpOn);
  // Its top-level awaits run as the program's main task (module-main.ts); Node loads it by its real path.
  runtime.__cs.entry(realpathSync(path));
  if (inspect) {
    const inspector = require('node:inspector') as typeof import('node:inspector');
    inspector.open(inspect.port, inspect.host, false);
    if (inspect.wait) inspector.waitForDebugger();
  }
  if (moduleFormat(path) === 'module') {
    (require('./loader/esm-entry') as typeof import('./loader/esm-entry')).importEntry(path, reportUncaught);
    return;
  }
  try {
    require(path);
  } catch (err) {
    if (isCompileError(err)) {
      process.stderr.write(err.message + '\n');
      process.exitCode = 1;
      return;
    }
    reportUncaught(err);
  }
}

/** compile-error.ts is loaded only when something failed. */
function isCompileError(err: unknown): err is Error {
  return (require('./loader/compile-error') as typeof import('./loader/compile-error')).isCompileError(err);
}

function dumpOn_(): typeof import('./dump-on') {
  return require('./dump-on') as typeof import('./dump-on');
}

function parseHostPort(value: string | undefined): { host: string; port: number } | null {
  if (value === undefined || value === '') return { host: '127.0.0.1', port: 9229 };
  const m = /^(?:(\[[^\]]+\]|[^:]+):)?(\d+)$/.exec(value);
  if (!m) return null;
  const port = Number(m[2]);
  if (port > 65535) return null;
  return { host: m[1] ? m[1].replace(/^\[|\]$/g, '') : '127.0.0.1', port };
}

function installErrorReporting(): void {
  process.on('unhandledRejection', (reason) => reportUncaught(reason));
  process.on('uncaughtException', (err) => reportUncaught(err));
}

function reportUncaught(err: unknown): void {
  const { formatException, KeyboardInterrupt } = require('./coroscope.js') as typeof import('./index');
  if (err instanceof KeyboardInterrupt) {
    process.stderr.write('KeyboardInterrupt\n');
    process.exit(130);
  }
  if (isCompileError(err)) process.stderr.write(err.message + '\n');
  else process.stderr.write(formatException(err) + '\n');
  if (process.env.COROSCOPE_JOURNAL === '1') {
    const probe = (globalThis as Record<symbol, { journalOfError?: (e: unknown) => string | null } | undefined>)[Symbol.for('coroscope.probe')];
    const text = probe?.journalOfError?.(err);
    if (text) process.stderr.write(text + '\n');
  }
  process.exit(1);
}

function fail(message: string): void {
  process.stderr.write(`coroscope: ${message}\n\n${USAGE}\n`);
  process.exitCode = 2;
}
