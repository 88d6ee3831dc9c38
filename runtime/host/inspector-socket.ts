// The debugger's connection to this process: V8's inspector sends each message with a small write,
// and its socket keeps Nagle's algorithm on, so a message written while the previous one is not yet
// acknowledged waits for the debugger's delayed ACK (40 ms on Linux). That is every pause right
// after a resume: a step, a logpoint, an exception the debugger lets pass. TCP_NODELAY on the
// inspector's connected sockets sends each message at once.
import { readdirSync } from 'node:fs';
import { getSockOptInt, getpeername, getsockname, setSockOptInt } from '../sys/calls';
import { C } from '../sys/constants';

/** This process's connected sockets on its inspector's address (the debuggers attached), with TCP_NODELAY. */
export function inspectorConnections(): { fd: number; noDelay: boolean }[] {
  let host: string;
  let port: number;
  try {
    // node:inspector only when asked: a run without a debugger never loads it.
    const url = (require('node:inspector') as typeof import('node:inspector')).url();
    if (!url) return [];
    const parsed = new URL(url);
    host = parsed.hostname.replace(/^\[|\]$/g, '');
    port = Number(parsed.port);
  } catch {
    return [];
  }
  const out: { fd: number; noDelay: boolean }[] = [];
  for (const fd of openFds()) {
    try {
      const local = getsockname(fd);
      if (!Array.isArray(local) || local[0] !== host || local[1] !== port) continue;
      getpeername(fd); // connected (the listening socket has no peer: it throws)
      out.push({ fd, noDelay: getSockOptInt(fd, C.IPPROTO_TCP, C.TCP_NODELAY) !== 0 });
    } catch {
      // not a socket, not connected, or already closed
    }
  }
  return out;
}

/** Sets TCP_NODELAY on this process's inspector connections; returns how many. */
export function noDelayOnInspectorConnections(): number {
  let set = 0;
  for (const { fd } of inspectorConnections()) {
    try {
      // The inspector's thread may close this fd meanwhile, and the number be reused: then the
      // option lands on another TCP socket of ours, which is harmless.
      setSockOptInt(fd, C.IPPROTO_TCP, C.TCP_NODELAY, 1);
      set += 1;
    } catch {
      // closed meanwhile
    }
  }
  return set;
}

/** The process's open fds: /proc/self/fd (Linux), /dev/fd (macOS, BSD), else the first 1024 numbers. */
function openFds(): number[] {
  for (const dir of ['/proc/self/fd', '/dev/fd']) {
    try {
      return readdirSync(dir).map(Number);
    } catch {
      // not there
    }
  }
  return Array.from({ length: 1024 }, (_, i) => i);
}
