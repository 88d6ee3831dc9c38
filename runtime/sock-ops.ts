// The loop's socket operations (loop.sockRecv, sockRecvInto, sockSendall, sockConnect, sockAccept).
//
// Each one tries its system call first and waits for readiness only on EAGAIN, as CPython does.
// Unlike CPython, a wait does not register the fd and unregister it again (measured: that doubles
// the kernel's time per request). An fd stays registered for reading once a task waited on it,
// across waits: the next wait only records its future. The registration is dropped lazily, when the
// fd turns readable with nobody waiting (one wake-up), or at once when the Socket is closed.
// Writes block rarely, so write interest is dropped as soon as the write completes (a writable
// socket with write interest would wake the loop on every iteration).
//
// The system call that completes a wait runs in the readiness callback itself (as CPython 3.12's
// _sock_recv does), so the task wakes up with its result. A future that is already done does not
// suspend the awaiting task: when data is there, `await loop.sockRecv(s, n)` costs one recv.
import { isIP } from 'node:net';
import type { EventLoop } from './event-loop';
import { RuntimeError } from './errors';
import { Future, setWaitReason } from './future';
import { withLabel, type Handle } from './handles';
import { Socket } from './socket';
import * as calls from './sys/calls';
import { C } from './sys/constants';
import { errorFromErrno } from './sys/errors';
import * as libc from './sys/libc';
import { familyOf, type Inet6Address, type SockAddress } from './sys/sockaddr';

/** A socket the loop can use: a Socket (non-blocking) or a raw non-blocking fd. */
export type SockLike = Socket | number;

const AGAIN = Symbol('again');
type Attempt<T> = () => T | typeof AGAIN;

interface Waiter<T> {
  fut: Future<T>;
  attempt: Attempt<T>;
}

/**
 * What the loop knows of one fd used by these operations.
 * Invariant: `readHandle` (`writeHandle`) is the loop's reader (writer) handle for the fd while it is
 * registered by this module, null otherwise; `reader` (`writer`) is the one operation waiting, if any.
 */
class FdWatch {
  reader: Waiter<any> | null = null;
  writer: Waiter<any> | null = null;
  readHandle: Handle | null = null;
  writeHandle: Handle | null = null;
  constructor(
    readonly loop: EventLoop,
    readonly fd: number,
  ) {}
}

/** fds are process-wide, so one watch per fd (on the loop that last used it). */
const watches = new Map<number, FdWatch>();

const E = C.errno;
const MAX_RECV = 64 * 1024;
/** One receive buffer for every sockRecv: results are copied out at their exact size. */
const scratch = Buffer.alloc(MAX_RECV);

function filenoOf(sock: SockLike, method: string): number {
  if (typeof sock === 'number') return sock;
  if (sock instanceof Socket) {
    if (sock.getblocking()) throw new RangeError(`${method}(): the socket must be non-blocking (call setblocking(false) first)`);
    const fd = sock.fileno();
    if (fd < 0) throw errorFromErrno(E.EBADF, method, 'the socket is closed');
    return fd;
  }
  throw new TypeError(`${method}(): a Socket or an fd was expected, got ${String(sock)}`);
}

function done<T>(loop: EventLoop, value: T): Future<T> {
  const fut = loop.createFuture<T>();
  fut.setResult(value);
  return fut;
}

function failed<T>(loop: EventLoop, err: unknown): Future<T> {
  const fut = loop.createFuture<T>();
  fut.setException(err);
  return fut;
}

function watchOf(loop: EventLoop, fd: number): FdWatch {
  let w = watches.get(fd);
  if (w && w.loop !== loop) {
    forgetFd(fd); // the fd was used on another loop before: drop that one's state
    w = undefined;
  }
  if (!w) {
    w = new FdWatch(loop, fd);
    watches.set(fd, w);
  }
  return w;
}

/** Still registered by us? (User code may have replaced or removed the reader meanwhile.) */
function armed(w: FdWatch, write: boolean): boolean {
  const h = write ? w.writeHandle : w.readHandle;
  if (h === null) return false;
  const key = w.loop.selector.getKey(w.fd);
  return key !== undefined && (write ? key.data.writer : key.data.reader) === h;
}

function disarm(w: FdWatch, write: boolean): void {
  if (armed(w, write) && !w.loop.isClosed()) {
    if (write) w.loop.removeWriter(w.fd);
    else w.loop.removeReader(w.fd);
  }
  if (write) w.writeHandle = null;
  else w.readHandle = null;
}

/** What the debugger calls this fd's handle when no task's wait names it (a cancelled waiter's leftover registration). */
withLabel(onReady, 'a loop.sock*() operation (no task waiting)');

function onReady(w: FdWatch, write: boolean): void {
  const waiter = write ? w.writer : w.reader;
  if (waiter === null || waiter.fut.done()) {
    // Ready with nobody waiting (or the waiter was cancelled): stop watching until the next wait.
    if (write) w.writer = null;
    else w.reader = null;
    disarm(w, write);
    return;
  }
  let result: unknown;
  try {
    result = waiter.attempt();
    if (result === AGAIN) return; // a spurious wake-up: keep waiting
  } catch (err) {
    if (write) w.writer = null;
    else w.reader = null;
    if (write) disarm(w, true);
    waiter.fut.setException(err);
    return;
  }
  if (write) {
    w.writer = null;
    disarm(w, true);
  } else w.reader = null;
  waiter.fut.setResult(result);
}

/** A future completed by `attempt` once the fd is readable (writable) and attempt stops saying AGAIN. */
function waitFor<T>(loop: EventLoop, fd: number, write: boolean, attempt: Attempt<T>): Future<T> {
  const w = watchOf(loop, fd);
  const busy = write ? w.writer : w.reader;
  if (busy !== null && !busy.fut.done()) {
    return failed(loop, new RuntimeError(`another task is already waiting to ${write ? 'write to' : 'read from'} fd ${fd}`));
  }
  const fut = loop.createFuture<T>();
  setWaitReason(fut, { kind: 'fd', fd, events: write ? 'write' : 'read' });
  const waiter: Waiter<T> = { fut, attempt };
  try {
    if (write) {
      w.writer = waiter;
      if (!armed(w, true)) w.writeHandle = loop.addWriter(fd, onReady, w, true);
    } else {
      w.reader = waiter;
      if (!armed(w, false)) w.readHandle = loop.addReader(fd, onReady, w, false);
    }
  } catch (err) {
    if (write) w.writer = null;
    else w.reader = null;
    fut.setException(err); // a closed fd (EBADF), an fd select() cannot watch, ...
  }
  return fut;
}

/**
 * Forgets fd before it is closed: removes the loop's registrations made here and fails a task still
 * waiting on it with OSError EBADF. Socket.close() calls it; call it before closing a raw fd.
 */
export function forgetFd(fd: number): void {
  const w = watches.get(fd);
  if (!w) return;
  watches.delete(fd);
  const closed = w.loop.isClosed();
  for (const write of [false, true]) {
    const waiter = write ? w.writer : w.reader;
    if (!closed) disarm(w, write);
    if (waiter && !waiter.fut.done()) waiter.fut.setException(errorFromErrno(E.EBADF, write ? 'send' : 'recv', `fd ${fd} was closed while a task waited on it`));
  }
  w.reader = w.writer = null;
}

// ---- the operations -----------------------------------------------------------------------------

function recvOnce(fd: number, n: number): Buffer | typeof AGAIN {
  for (;;) {
    const r = libc.recv(fd, scratch, Math.min(n, MAX_RECV), 0);
    if (r >= 0) {
      const out = Buffer.allocUnsafe(r); // pooled below 4 KiB
      scratch.copy(out, 0, 0, r);
      return out;
    }
    if (r === -E.EAGAIN) return AGAIN; // EWOULDBLOCK is the same value on every platform here
    if (r !== -E.EINTR) throw errorFromErrno(-r, 'recv', `fd ${fd}`); // EINTR: retry (PEP 475)
  }
}

/** Up to n bytes (at most 64 KiB); an empty Buffer means the peer closed its side. */
export function sockRecv(loop: EventLoop, sock: SockLike, n: number): Future<Buffer> {
  try {
    const fd = filenoOf(sock, 'sockRecv');
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`sockRecv(): n must be a non-negative integer, got ${String(n)}`);
    const r = recvOnce(fd, n);
    if (r !== AGAIN) return done(loop, r);
    return waitFor(loop, fd, false, () => recvOnce(fd, n));
  } catch (err) {
    return failed(loop, err);
  }
}

function recvIntoOnce(fd: number, buf: Uint8Array, n: number): number | typeof AGAIN {
  for (;;) {
    const r = libc.recv(fd, buf, n, 0);
    if (r >= 0) return r;
    if (r === -E.EAGAIN) return AGAIN;
    if (r !== -E.EINTR) throw errorFromErrno(-r, 'recv', `fd ${fd}`);
  }
}

/** Receives into buf (up to nbytes, default its length) without copying; resolves to the count. */
export function sockRecvInto(loop: EventLoop, sock: SockLike, buf: Uint8Array, nbytes?: number): Future<number> {
  try {
    const fd = filenoOf(sock, 'sockRecvInto');
    if (!(buf instanceof Uint8Array)) throw new TypeError('sockRecvInto(): buf must be a Buffer or Uint8Array');
    const n = nbytes === undefined || nbytes <= 0 ? buf.length : Math.min(nbytes, buf.length);
    const r = recvIntoOnce(fd, buf, n);
    if (r !== AGAIN) return done(loop, r);
    return waitFor(loop, fd, false, () => recvIntoOnce(fd, buf, n));
  } catch (err) {
    return failed(loop, err);
  }
}

/** Sends from data[state.off] on until done or EAGAIN; returns true when everything went. */
function sendSome(fd: number, data: Uint8Array, state: { off: number }): boolean {
  const len = data.length;
  while (state.off < len) {
    // A partial send is normal for a non-blocking socket: the rest goes when it is writable again.
    const r = libc.send(fd, state.off === 0 ? data : data.subarray(state.off), len - state.off, 0);
    if (r >= 0) state.off += r;
    else if (r === -E.EAGAIN) return false;
    else if (r !== -E.EINTR) throw errorFromErrno(-r, 'send', `fd ${fd}`); // EPIPE -> BrokenPipeError, never SIGPIPE
  }
  return true;
}

/**
 * Sends all of data, waiting for writability as often as needed; nothing is lost and the bytes go
 * in order. Do not modify data until the future is done. Two concurrent sockSendall on one socket
 * are refused (their bytes would interleave).
 */
export function sockSendall(loop: EventLoop, sock: SockLike, data: Uint8Array): Future<void> {
  try {
    const fd = filenoOf(sock, 'sockSendall');
    if (!(data instanceof Uint8Array)) {
      throw new TypeError(`sockSendall() takes bytes (a Buffer or Uint8Array), got ${typeof data === 'string' ? 'a string: encode it, e.g. Buffer.from(text)' : typeof data}`);
    }
    const w = watches.get(fd);
    if (w && w.writer && !w.writer.fut.done()) throw new RuntimeError(`another task is already sending on fd ${fd}`);
    const state = { off: 0 };
    if (sendSome(fd, data, state)) return done(loop, undefined);
    return waitFor<void>(loop, fd, true, () => (sendSome(fd, data, state) ? undefined : AGAIN));
  } catch (err) {
    return failed(loop, err);
  }
}

/** SO_ERROR after writability: how a non-blocking connect reports its outcome. */
function connectOutcome(fd: number, address: SockAddress): undefined | typeof AGAIN {
  const err = calls.soError(fd);
  if (err === 0) return undefined;
  if (err === E.EINPROGRESS || err === E.EALREADY) return AGAIN;
  throw errorFromErrno(err, 'connect', calls.describeAddress(address));
}

/** A host name to resolve first (not numeric, not one sockaddr.ts knows: 'localhost', ''). */
function needsLookup(address: SockAddress): address is Inet6Address {
  return typeof address !== 'string' && address[0] !== '' && address[0] !== 'localhost' && isIP(address[0].split('%')[0]!) === 0;
}

/**
 * Connects a non-blocking socket: connect(2) returns EINPROGRESS, the socket turns writable when
 * the handshake ends, and SO_ERROR tells how it ended (0, or ECONNREFUSED, ETIMEDOUT, ...).
 * A host name is resolved first (Node's dns.lookup, awaited on Node's loop), as asyncio does.
 */
export function sockConnect(loop: EventLoop, sock: SockLike, address: SockAddress): Future<void> {
  if (needsLookup(address)) {
    const out = loop.createFuture<void>();
    setWaitReason(out, { kind: 'other', what: `resolving ${address[0]}` });
    const family = sock instanceof Socket ? (sock.family === C.AF_INET6 ? 6 : 4) : 0;
    // node:dns is loaded on the first name to resolve: most programs never connect by name.
    const { lookup: dnsLookup } = require('node:dns/promises') as typeof import('node:dns/promises');
    const lookup = loop._wrapThenable(dnsLookup(address[0], { family }));
    lookup.addDoneCallback(() => {
      if (out.done()) return;
      if (lookup.cancelled()) return void out.cancel();
      const err = lookup.exception();
      if (err) return out.setException(err);
      const resolved: Inet6Address = [lookup.result().address, address[1], address[2], address[3]];
      const connecting = sockConnect(loop, sock, typeof address[2] === 'number' ? resolved : [resolved[0], resolved[1]]);
      connecting.addDoneCallback(() => {
        if (out.done()) return;
        const e = connecting.exception();
        if (e) out.setException(e);
        else out.setResult(undefined);
      });
      out.addDoneCallback(() => {
        if (out.cancelled()) connecting.cancel();
      });
    });
    out.addDoneCallback(() => {
      if (out.cancelled()) lookup.cancel();
    });
    return out;
  }
  try {
    const fd = filenoOf(sock, 'sockConnect');
    const family = sock instanceof Socket ? sock.family : familyOf(address);
    let r = calls.tryConnect(fd, family, address);
    if (r === 0) return done(loop, undefined);
    // EINTR: the connection goes on asynchronously (POSIX), so wait for it like EINPROGRESS.
    // EAGAIN: an AF_UNIX listener's backlog is full; try again when writable.
    if (r === -E.EINPROGRESS || r === -E.EINTR) return waitFor<void>(loop, fd, true, () => connectOutcome(fd, address));
    if (r === -E.EAGAIN) {
      return waitFor<void>(loop, fd, true, () => {
        r = calls.tryConnect(fd, family, address);
        if (r === 0) return undefined;
        if (r === -E.EAGAIN || r === -E.EINPROGRESS || r === -E.EALREADY) return r === -E.EAGAIN ? AGAIN : connectOutcome(fd, address);
        throw errorFromErrno(-r, 'connect', calls.describeAddress(address));
      });
    }
    throw errorFromErrno(-r, 'connect', calls.describeAddress(address));
  } catch (err) {
    return failed(loop, err);
  }
}

function acceptOnce(fd: number, listener: SockLike): [Socket, SockAddress] | typeof AGAIN {
  for (;;) {
    const r = calls.tryAccept(fd, true);
    if (r >= 0) {
      const family = listener instanceof Socket ? listener.family : familyOf(calls.lastAcceptedAddress());
      const type = listener instanceof Socket ? listener.type : C.SOCK_STREAM;
      const proto = listener instanceof Socket ? listener.proto : 0;
      // accept4 made it non-blocking and close-on-exec already.
      return [new Socket(r, family, type, proto, false, true), calls.lastAcceptedAddress()];
    }
    if (r === -E.EAGAIN) return AGAIN;
    if (r !== -E.EINTR) throw errorFromErrno(-r, 'accept', `fd ${fd}`);
  }
}

/** Accepts a connection: [a non-blocking Socket, the peer's address]. */
export function sockAccept(loop: EventLoop, sock: SockLike): Future<[Socket, SockAddress]> {
  try {
    const fd = filenoOf(sock, 'sockAccept');
    const r = acceptOnce(fd, sock);
    if (r !== AGAIN) return done(loop, r);
    return waitFor(loop, fd, false, () => acceptOnce(fd, sock));
  } catch (err) {
    return failed(loop, err);
  }
}

/** For the debugger: the fds these operations watch on a loop, and who waits on each. */
export function watchedFds(loop: EventLoop): { fd: number; reading: boolean; writing: boolean; readWaiter: Future<unknown> | null; writeWaiter: Future<unknown> | null }[] {
  const out = [];
  for (const w of watches.values()) {
    if (w.loop !== loop) continue;
    out.push({
      fd: w.fd,
      reading: armed(w, false),
      writing: armed(w, true),
      readWaiter: w.reader && !w.reader.fut.done() ? w.reader.fut : null,
      writeWaiter: w.writer && !w.writer.fut.done() ? w.writer.fut : null,
    });
  }
  return out;
}
