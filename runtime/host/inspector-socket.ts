// The debugger's connection to this process: V8's inspector sends each message with a small write,
// and its socket keeps Nagle's algorithm on, so a message written while the previous one is not yet
// acknowledged waits for the debugger's delayed ACK (40 ms on Linux). That is every pause right
// after a resume: a step, a logpoint, an exception the debugger lets pass. TCP_NODELAY on the
// inspector's connected sockets sends each message at once.
import { readdirSync } from 'node:fs';
import { url as inspectorUrl } from 'node:inspector';
import { getpeername, getsockname, setSockOptInt } from '../sys/calls';
import { C } from '../sys/constants';

/** Sets TCP_NODELAY on this process's connections to its inspector port; returns how many. */
export function noDelayOnInspectorConnections(): number {
  let port: number;
  try {
    const url = inspectorUrl();
    if (!url) return 0;
    port = Number(new URL(url).port);
  } catch {
    return 0;
  }
  let set = 0;
  for (const fd of openFds()) {
    try {
      const local = getsockname(fd);
      if (!Array.isArray(local) || local[1] !== port) continue;
      getpeername(fd); // connected (the listening socket has no peer: it throws)
      setSockOptInt(fd, C.IPPROTO_TCP, C.TCP_NODELAY, 1);
      set += 1;
    } catch {
      // not a socket, not connected, or already closed
    }
  }
  return set;
}

/** The process's open fds: /proc/self/fd where there is one, else the first 1024 numbers. */
function openFds(): number[] {
  try {
    return readdirSync('/proc/self/fd').map(Number);
  } catch {
    return Array.from({ length: 1024 }, (_, i) => i);
  }
}
