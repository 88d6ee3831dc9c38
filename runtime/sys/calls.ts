// System calls with the argument marshalling done: addresses in Python's form, options as numbers,
// results checked (raising OSError subclasses) unless the name says `try`. Buffers for sockaddrs and
// option values are module-level scratch: nothing is allocated on these paths but the results.
import { C } from './constants';
import { check } from './errors';
import * as libc from './libc';
import { decodeSockaddr, encodeSockaddr, SOCKADDR_MAX, type SockAddress } from './sockaddr';

const addrBuf = Buffer.alloc(SOCKADDR_MAX);
const addrLen = new Uint32Array(1);
const intBuf = new Int32Array(2);
const intLen = new Uint32Array(1);
const pairBuf = new Int32Array(2);

/** Closes fd; an fd that is already closed raises EBADF. */
export function close(fd: number): void {
  check(libc.close(fd), 'close', `fd ${fd}`);
}

/** Where send() cannot take MSG_NOSIGNAL (macOS), the socket itself refuses SIGPIPE. */
function noSigpipe(fd: number): void {
  if (C.MSG_NOSIGNAL === 0 && C.SO_NOSIGPIPE !== 0) setSockOptInt(fd, C.SOL_SOCKET, C.SO_NOSIGPIPE, 1);
}

/** A new non-blocking, close-on-exec socket. */
export function socket(family: number, type: number, proto = 0): number {
  const fd = check(libc.socket(family, type | C.SOCK_NONBLOCK | C.SOCK_CLOEXEC, proto), 'socket');
  if (C.SOCK_NONBLOCK === 0) libc.setFlags(fd);
  noSigpipe(fd);
  return fd;
}

/** A connected pair of non-blocking sockets (AF_UNIX by default). */
export function socketpair(family: number = C.AF_UNIX, type: number = C.SOCK_STREAM, proto = 0): [number, number] {
  check(libc.socketpair(family, type | C.SOCK_NONBLOCK | C.SOCK_CLOEXEC, proto, pairBuf), 'socketpair');
  const a = pairBuf[0]!;
  const b = pairBuf[1]!;
  if (C.SOCK_NONBLOCK === 0) {
    libc.setFlags(a);
    libc.setFlags(b);
  }
  noSigpipe(a);
  noSigpipe(b);
  return [a, b];
}

/** A non-blocking, close-on-exec pipe: [readEnd, writeEnd]. */
export function pipe(): [number, number] {
  check(libc.pipe(pairBuf), 'pipe2');
  return [pairBuf[0]!, pairBuf[1]!];
}

function describe(address: SockAddress): string {
  return typeof address === 'string' ? JSON.stringify(address) : address[0].includes(':') ? `[${address[0]}]:${address[1]}` : `${address[0]}:${address[1]}`;
}

export function bind(fd: number, family: number, address: SockAddress): void {
  const len = encodeSockaddr(family, address, addrBuf);
  check(libc.bindAddr(fd, addrBuf, len), 'bind', describe(address));
}

export function listen(fd: number, backlog: number): void {
  check(libc.listen(fd, backlog), 'listen');
}

/** connect(2) as is: 0, or -errno (-EINPROGRESS for a non-blocking socket still connecting). */
export function tryConnect(fd: number, family: number, address: SockAddress): number {
  const len = encodeSockaddr(family, address, addrBuf);
  return libc.connect(fd, addrBuf, len);
}

/** The text naming an address in error messages ('127.0.0.1:80', '[::1]:80', '"/tmp/s"'). */
export { describe as describeAddress };

/**
 * accept4(2): the new non-blocking fd, or -errno (-EAGAIN when no connection is waiting).
 * With `withAddress`, the peer's address is left for lastAcceptedAddress().
 */
export function tryAccept(fd: number, withAddress: boolean): number {
  if (!withAddress) return libc.accept(fd, null, null);
  addrLen[0] = SOCKADDR_MAX;
  const r = libc.accept(fd, addrBuf, addrLen);
  if (r >= 0) noSigpipe(r);
  return r;
}

/** The peer address of the last tryAccept(fd, true) that succeeded. */
export function lastAcceptedAddress(): SockAddress {
  return decodeSockaddr(addrBuf, addrLen[0]!);
}

export function getsockname(fd: number): SockAddress {
  addrLen[0] = SOCKADDR_MAX;
  check(libc.getsockname(fd, addrBuf, addrLen), 'getsockname');
  return decodeSockaddr(addrBuf, addrLen[0]!);
}

export function getpeername(fd: number): SockAddress {
  addrLen[0] = SOCKADDR_MAX;
  check(libc.getpeername(fd, addrBuf, addrLen), 'getpeername');
  return decodeSockaddr(addrBuf, addrLen[0]!);
}

export function getSockOptInt(fd: number, level: number, name: number): number {
  intLen[0] = 4;
  check(libc.getsockopt(fd, level, name, intBuf, intLen), 'getsockopt');
  return intBuf[0]!;
}

export function setSockOptInt(fd: number, level: number, name: number, value: number): void {
  intBuf[0] = value;
  check(libc.setsockopt(fd, level, name, intBuf, 4), 'setsockopt');
}

/** SO_LINGER: {onoff, seconds}. onoff=1, seconds=0 makes close() send RST instead of FIN. */
export function setLinger(fd: number, onoff: boolean, seconds: number): void {
  intBuf[0] = onoff ? 1 : 0;
  intBuf[1] = seconds;
  check(libc.setsockopt(fd, C.SOL_SOCKET, C.SO_LINGER, intBuf, 8), 'setsockopt');
}

/** Sets an option from raw bytes (Python's setsockopt(level, name, bytes)). */
export function setSockOptBytes(fd: number, level: number, name: number, value: Uint8Array): void {
  check(libc.setsockopt(fd, level, name, value, value.length), 'setsockopt');
}

/**
 * The pending error of a socket (SO_ERROR), cleared by reading it: how a non-blocking connect
 * reports its outcome once the socket turns writable. 0 means connected.
 */
export function soError(fd: number): number {
  return getSockOptInt(fd, C.SOL_SOCKET, C.SO_ERROR);
}

export function shutdown(fd: number, how: number): void {
  check(libc.shutdown(fd, how), 'shutdown');
}

export function setBlocking(fd: number, blocking: boolean): void {
  const flags = check(libc.fcntl(fd, C.F_GETFL), 'fcntl');
  const next = blocking ? flags & ~C.O_NONBLOCK : flags | C.O_NONBLOCK;
  if (next !== flags) check(libc.fcntl(fd, C.F_SETFL, next), 'fcntl');
}

export function isBlocking(fd: number): boolean {
  return (check(libc.fcntl(fd, C.F_GETFL), 'fcntl') & C.O_NONBLOCK) === 0;
}

/** True when fd is an open descriptor (F_GETFD does not fail with EBADF). */
export function isOpen(fd: number): boolean {
  return libc.fcntl(fd, C.F_GETFD) >= 0;
}
