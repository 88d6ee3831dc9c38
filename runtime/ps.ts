// `coroscope ps PID` and `coroscope pstree PID`: the tasks of a running coroscope program, read from
// outside with no debugger and no flag given when it started. Node opens its inspector on loopback
// when it gets SIGUSR1; ps connects to it, evaluates the probe's snapshot (nothing is paused, no
// hook is installed), hangs up, and the program closes the inspector once ps has gone (see
// host/inspector-close.ts). An inspector that was open before (a debugger attached) is used and left
// open. Every check that can fail is made before the signal, so bad input leaves the target as it was.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { createConnection } from 'node:net';
import { basename } from 'node:path';
import { CdpConnection } from '../debug-adapter/cdp-connection';
import { findInspectorUrl } from '../debug-adapter/launcher';
import { renderPs, renderPstree } from './ps-render';
import type { Snapshot } from './snapshot';

export const PS_USAGE = `usage: coroscope ps PID       one row per task: id, name, state, verdict, await line, await chain
       coroscope pstree PID   the tasks as a tree (who created whom), each with its await chain

Reads a running coroscope program's tasks through Node's inspector, which SIGUSR1 opens on
127.0.0.1 (port 9229, or the program's --inspect-port); ps closes it again when it is done.`;

/** A failure ps reports in one line, exit status 2. */
export class PsError extends Error {}

const DEFAULT_PORT = 9229;
const OPEN_TIMEOUT_MS = 5000;

/** Runs `ps` or `pstree`; resolves to the exit status (0, 1 for a cycle in pstree, 2 for bad input). */
export async function psMain(command: 'ps' | 'pstree', args: readonly string[]): Promise<number> {
  try {
    if (args.length === 1 && (args[0] === '-h' || args[0] === '--help')) {
      process.stdout.write(PS_USAGE + '\n');
      return 0;
    }
    if (args.length !== 1 || !/^\d+$/.test(args[0]!)) throw new PsError(args.length === 0 ? 'missing the PID of the program to read' : `expected one PID, got '${args.join(' ')}'`);
    const snapshot = await readSnapshot(Number(args[0]));
    if (command === 'ps') {
      process.stdout.write(renderPs(snapshot, { cwd: process.cwd() }));
      return 0;
    }
    const { text, cycles } = renderPstree(snapshot, { cwd: process.cwd() });
    process.stdout.write(text);
    return cycles > 0 ? 1 : 0;
  } catch (err) {
    if (!(err instanceof PsError)) throw err;
    process.stderr.write(`coroscope ${command}: ${err.message}\n`);
    return 2;
  }
}

/** The probe's snapshot of process `pid`, read over its inspector. */
export async function readSnapshot(pid: number): Promise<Snapshot> {
  checkProcess(pid);
  const port = debugPort(pid);
  const existing = existingInspector(pid, port);
  let opened = false;
  if (existing === null) {
    const owner = listenerOf(port);
    if (owner !== null) throw new PsError(`port ${port} on 127.0.0.1 is taken${owner.pid ? ` by process ${owner.pid}` : ' by another process'}, so process ${pid} cannot open its inspector there (free the port and try again)`);
    process.kill(pid, 'SIGUSR1');
    opened = true;
  }
  const inspectorPort = existing ?? port;
  let cdp: CdpConnection | null = null;
  /** Set once the inspector is known to be the target's: only then is it closed again. */
  let verified = false;
  try {
    const url = await waitForInspector(pid, inspectorPort, opened);
    const connected = await CdpConnection.connect(url, OPEN_TIMEOUT_MS).catch((err: Error) => Promise.reject(new PsError(err.message)));
    cdp = connected;
    const pidThere = await evaluate<number>(connected, 'process.pid');
    if (pidThere !== pid) throw new PsError(`the inspector on port ${inspectorPort} belongs to process ${pidThere}, not ${pid}`);
    verified = true;
    const text = await evaluate<string | null>(connected, `(() => { const p = globalThis[Symbol.for('coroscope.probe')]; return p ? JSON.stringify(p.snapshot()) : null; })()`);
    if (text === null) throw new PsError(`process ${pid} is a Node.js program but not a coroscope one (no coroscope runtime loaded)`);
    return JSON.parse(text) as Snapshot;
  } finally {
    if (opened && verified) await closeWhenGone(cdp);
    cdp?.close();
  }
}

/** Tells the program to close the inspector ps opened once ps has hung up. */
async function closeWhenGone(cdp: CdpConnection | null): Promise<void> {
  if (!cdp || cdp.closed) return;
  // Without the runtime (not a coroscope program) there is no connection check: a plain delay,
  // far longer than ps needs to hang up on loopback.
  await evaluate(cdp, `(() => { const p = globalThis[Symbol.for('coroscope.probe')]; if (p && p.closeInspectorWhenAlone) return p.closeInspectorWhenAlone(); const t = setTimeout(() => process._debugEnd(), 500); t.unref(); return true; })()`).catch(() => undefined);
}

/** How long the program has to answer one evaluation (it answers even while it runs synchronous code). */
const ANSWER_TIMEOUT_MS = 10_000;

async function evaluate<T>(cdp: CdpConnection, expression: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new PsError(`the program did not answer over its inspector within ${ANSWER_TIMEOUT_MS / 1000} s`)), ANSWER_TIMEOUT_MS);
  });
  try {
    return await Promise.race([evaluateNow<T>(cdp, expression), late]);
  } finally {
    clearTimeout(timer);
  }
}

async function evaluateNow<T>(cdp: CdpConnection, expression: string): Promise<T> {
  const r = await cdp.send<{ result: { value?: unknown }; exceptionDetails?: { text: string; exception?: { description?: string } } }>('Runtime.evaluate', { expression, returnByValue: true, silent: true });
  if (r.exceptionDetails) throw new PsError(`reading the program failed: ${r.exceptionDetails.exception?.description?.split('\n')[0] ?? r.exceptionDetails.text}`);
  return r.result.value as T;
}

/** The process exists, is ours to signal, and is a Node.js program (SIGUSR1 would kill anything else). */
function checkProcess(pid: number): void {
  if (pid === process.pid) throw new PsError(`${pid} is this coroscope ${'ps'} itself`);
  try {
    process.kill(pid, 0);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ESRCH') throw new PsError(`no process ${pid} (it has exited, or the PID is wrong)`);
    if (code === 'EPERM') throw new PsError(`process ${pid} belongs to another user: ps reads only your own programs`);
    throw new PsError(`cannot signal process ${pid}: ${(err as Error).message}`);
  }
  const exe = executableOf(pid);
  if (exe !== null && !/^(node|nodejs|electron|code)(\d[\w.-]*)?(\.exe)?$/i.test(basename(exe)) && exe !== process.execPath) {
    throw new PsError(`process ${pid} is not a Node.js program (it runs ${exe}), so not a coroscope one`);
  }
}

/** The executable of a process: /proc/PID/exe (else its argv[0]) on Linux, `ps -o comm=` elsewhere; null when unknown. */
function executableOf(pid: number): string | null {
  try {
    return readlinkSync(`/proc/${pid}/exe`);
  } catch {
    // Not Linux, or not readable (another user's, or a process ptrace rules hide): its argv[0].
  }
  const argv0 = procStrings(pid, 'cmdline')[0];
  if (argv0) return argv0;
  try {
    return execFileSync('ps', ['-o', 'comm=', '-p', String(pid)], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

/** The port SIGUSR1 opens the inspector on: the program's --inspect-port (or --debug-port), else 9229. */
function debugPort(pid: number): number {
  const args = [...procStrings(pid, 'cmdline'), ...(procEnv(pid, 'NODE_OPTIONS')?.split(/\s+/) ?? [])];
  let port = DEFAULT_PORT;
  for (let i = 0; i < args.length; i++) {
    const m = /^--(?:inspect-port|debug-port)(?:=(.*))?$/.exec(args[i]!);
    if (!m) continue;
    const value = (m[1] ?? args[i + 1] ?? '').split(':').pop()!;
    if (/^\d+$/.test(value)) port = Number(value);
  }
  return port;
}

/**
 * The port of an inspector the program already has open (a debugger attached, or started with
 * --inspect), or null. Linux only (elsewhere null): the inspector listens on a socket of the
 * process; with no --inspect flag given only the SIGUSR1 port is looked at, so ps never sends a
 * request to one of the program's own servers.
 */
function existingInspector(pid: number, port: number): number | null {
  const mine = socketInodes(pid);
  if (mine === null) return null;
  const listening = listeningSockets(pid).filter((s) => mine.has(s.inode));
  if (listening.some((s) => s.port === port)) return port;
  const flagged = [...procStrings(pid, 'cmdline'), procEnv(pid, 'NODE_OPTIONS') ?? ''].some((a) => /--inspect/.test(a));
  if (!flagged) return null;
  // Started with --inspect=HOST:PORT (the debug adapter uses port 0): the inspector is one of its loopback listeners.
  const explicit = [...procStrings(pid, 'cmdline')].map((a) => /^--inspect(?:-brk|-wait)?=(?:.*:)?(\d+)$/.exec(a)?.[1]).find((p) => p !== undefined && p !== '0');
  if (explicit && listening.some((s) => s.port === Number(explicit))) return Number(explicit);
  // Port 0 (the OS chose it): when the program listens on nothing else, that one socket is the inspector.
  const ports = [...new Set(listening.map((s) => s.port))];
  if (ports.length === 1) return ports[0]!;
  throw new PsError(`process ${pid} was started with its inspector open (--inspect${explicit ? `=${explicit}` : ''}) and ps cannot tell which of its ports ${ports.join(', ')} it is: read its tasks in the debugger`);
}

/** Who listens on 127.0.0.1:port (or any address), with its PID when it is one of ours; null when free. */
function listenerOf(port: number): { pid: number | null } | null {
  let sockets: ListeningSocket[];
  try {
    sockets = listeningSockets('self').filter((s) => s.port === port);
  } catch {
    return null;
  }
  if (sockets.length === 0) return null;
  const inodes = new Set(sockets.map((s) => s.inode));
  for (const entry of safeReaddir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fds = socketInodes(Number(entry));
    if (fds && [...inodes].some((i) => fds.has(i))) return { pid: Number(entry) };
  }
  return { pid: null };
}

interface ListeningSocket {
  readonly port: number;
  readonly inode: string;
}

/** TCP sockets in LISTEN state in a process's network namespace (/proc/PID/net/tcp and tcp6). */
function listeningSockets(pid: number | 'self'): ListeningSocket[] {
  const out: ListeningSocket[] = [];
  for (const file of ['tcp', 'tcp6']) {
    let text: string;
    try {
      text = readFileSync(`/proc/${pid}/net/${file}`, 'latin1');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      // sl local_address rem_address st ... inode: state 0A is LISTEN.
      if (cols.length < 10 || cols[3] !== '0A') continue;
      out.push({ port: parseInt(cols[1]!.split(':')[1]!, 16), inode: cols[9]! });
    }
  }
  return out;
}

/** The inodes of a process's sockets (from /proc/PID/fd), or null when they cannot be read. */
function socketInodes(pid: number): Set<string> | null {
  const out = new Set<string>();
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return null;
  }
  for (const fd of fds) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) out.add(m[1]!);
    } catch {
      // closed meanwhile
    }
  }
  return out;
}

function procStrings(pid: number, file: 'cmdline' | 'environ'): string[] {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return [];
  }
}

function procEnv(pid: number, name: string): string | undefined {
  return procStrings(pid, 'environ').find((e) => e.startsWith(`${name}=`))?.slice(name.length + 1);
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** The WebSocket URL of the inspector on 127.0.0.1:port, waiting for it to open after the signal. */
async function waitForInspector(pid: number, port: number, justSignalled: boolean): Promise<string> {
  const deadline = Date.now() + OPEN_TIMEOUT_MS;
  for (;;) {
    if (await portOpen(port)) return findInspectorUrl('127.0.0.1', port, OPEN_TIMEOUT_MS).catch((err: Error) => Promise.reject(new PsError(err.message)));
    if (!justSignalled || Date.now() > deadline) {
      throw new PsError(`process ${pid} did not open its inspector on 127.0.0.1:${port} within ${OPEN_TIMEOUT_MS / 1000} s (it may handle SIGUSR1 itself, or run with --disable-sigusr1)`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
