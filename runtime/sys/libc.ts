// The C library's system calls, bound through koffi (an FFI with prebuilt binaries for every
// platform). Every function here returns the call's result, or -errno when it failed: hot paths
// test for -EAGAIN without building an exception; `check()` (errors.ts) raises where that is wanted.
//
// Cost: one koffi call is ~0.15 µs of overhead on top of the system call. Buffers and typed arrays
// are passed as `void *` (koffi hands their memory to C without copying), so callers keep reusable
// buffers and nothing is allocated per call. errno is read with koffi.errno() right after the call,
// before any other C call can overwrite it.
import type * as Koffi from 'koffi';
import { loadKoffi } from './load-koffi';
import { C } from './constants';

type Fn = (...args: any[]) => number;
/** Memory C reads or writes in place: a Buffer, a typed array, or null for a NULL pointer. */
export type Mem = Uint8Array | Int32Array | Uint32Array | BigInt64Array | null;

const koffi = loadKoffi();

function openLibc(): Koffi.LibraryHandle {
  const candidates = process.platform === 'darwin' ? ['/usr/lib/libSystem.B.dylib'] : process.platform === 'freebsd' ? ['libc.so.7'] : ['libc.so.6'];
  for (const name of candidates) {
    try {
      return koffi.load(name);
    } catch {
      // try the next name; the process's own symbols (which include libc) come last
    }
  }
  return koffi.load(null);
}

const lib = openLibc();

function bind(decl: string): Fn {
  return lib.func(decl) as unknown as Fn;
}

/** Binds a function the platform may not have (accept4, pipe2, epoll, eventfd, kqueue). */
function optional(decl: string): Fn | null {
  try {
    return bind(decl);
  } catch {
    return null;
  }
}

const errno = koffi.errno as () => number;

const _socket = bind('int socket(int domain, int type, int protocol)');
const _bind = bind('int bind(int fd, void *addr, uint32_t len)');
const _listen = bind('int listen(int fd, int backlog)');
const _accept4 = optional('int accept4(int fd, void *addr, void *lenp, int flags)');
const _accept = bind('int accept(int fd, void *addr, void *lenp)');
const _connect = bind('int connect(int fd, void *addr, uint32_t len)');
const _recv = bind('long recv(int fd, void *buf, size_t n, int flags)');
const _send = bind('long send(int fd, void *buf, size_t n, int flags)');
// read(2) with the buffer as a plain address (a Number): koffi then converts no Buffer, and the
// caller needs no view object for an offset into its memory (~30 ns less per call than recv with
// a Buffer, ~13 of them for the flags argument read() does not take).
const _readAt = bind('long read(int fd, intptr_t buf, size_t n)');
const _sendAt = bind('long send(int fd, intptr_t buf, size_t n, int flags)');
const _shutdown = bind('int shutdown(int fd, int how)');
const _close = bind('int close(int fd)');
const _getsockopt = bind('int getsockopt(int fd, int level, int name, void *val, void *lenp)');
const _setsockopt = bind('int setsockopt(int fd, int level, int name, void *val, uint32_t len)');
const _getsockname = bind('int getsockname(int fd, void *addr, void *lenp)');
const _getpeername = bind('int getpeername(int fd, void *addr, void *lenp)');
const _socketpair = bind('int socketpair(int domain, int type, int protocol, void *sv)');
const _pipe2 = optional('int pipe2(void *fds, int flags)');
const _pipe = bind('int pipe(void *fds)');
// fcntl is variadic: declared so, because arm64 macOS passes variadic arguments on the stack.
const _fcntl = bind('int fcntl(int fd, int cmd, ...)');
const _read = bind('long read(int fd, void *buf, size_t n)');
const _write = bind('long write(int fd, void *buf, size_t n)');
const _dup = bind('int dup(int fd)');
const _dup2 = bind('int dup2(int fd, int fd2)');
const _select = bind('int select(int nfds, void *r, void *w, void *e, void *timeout)');
const _poll = bind('int poll(void *fds, unsigned long nfds, int timeout)');
const _epollCreate1 = optional('int epoll_create1(int flags)');
const _epollCtl = optional('int epoll_ctl(int epfd, int op, int fd, void *event)');
const _epollWait = optional('int epoll_wait(int epfd, void *events, int max, int timeout)');
const _eventfd = optional('int eventfd(unsigned int initval, int flags)');
const _kqueue = optional('int kqueue()');
const _kevent = optional('int kevent(int kq, void *changes, int nchanges, void *events, int nevents, void *timeout)');
const _getrlimit = bind('int getrlimit(int resource, void *rlim)');
const _setrlimit = bind('int setrlimit(int resource, void *rlim)');

function ret(r: number): number {
  return r < 0 ? -errno() : r;
}

export const has = {
  accept4: _accept4 !== null,
  pipe2: _pipe2 !== null,
  epoll: _epollCreate1 !== null && _epollCtl !== null && _epollWait !== null,
  eventfd: _eventfd !== null,
  kqueue: _kqueue !== null && _kevent !== null,
};

export const socket = (domain: number, type: number, protocol: number): number => ret(_socket(domain, type, protocol));
export const bindAddr = (fd: number, addr: Mem, len: number): number => ret(_bind(fd, addr, len));
export const listen = (fd: number, backlog: number): number => ret(_listen(fd, backlog));
export const connect = (fd: number, addr: Mem, len: number): number => ret(_connect(fd, addr, len));
export const shutdown = (fd: number, how: number): number => ret(_shutdown(fd, how));
export const close = (fd: number): number => ret(_close(fd));
export const getsockopt = (fd: number, level: number, name: number, val: Mem, lenp: Uint32Array): number => ret(_getsockopt(fd, level, name, val, lenp));
export const setsockopt = (fd: number, level: number, name: number, val: Mem, len: number): number => ret(_setsockopt(fd, level, name, val, len));
export const getsockname = (fd: number, addr: Mem, lenp: Uint32Array): number => ret(_getsockname(fd, addr, lenp));
export const getpeername = (fd: number, addr: Mem, lenp: Uint32Array): number => ret(_getpeername(fd, addr, lenp));
export const socketpair = (domain: number, type: number, protocol: number, sv: Int32Array): number => ret(_socketpair(domain, type, protocol, sv));
export const read = (fd: number, buf: Mem, n: number): number => ret(_read(fd, buf, n));
export const write = (fd: number, buf: Mem, n: number): number => ret(_write(fd, buf, n));
export const dup = (fd: number): number => ret(_dup(fd));
export const dup2 = (fd: number, fd2: number): number => ret(_dup2(fd, fd2));
export const fcntl = (fd: number, cmd: number, arg = 0): number => ret(_fcntl(fd, cmd, 'int', arg));

/** recv(2); EAGAIN comes back as -EAGAIN. */
export const recv = (fd: number, buf: Mem, n: number, flags: number): number => ret(_recv(fd, buf, n, flags));
/**
 * recv(2) without flags (read(2): the same on a socket) into memory given by address (see
 * addressOf). The caller keeps the memory alive (holds the Buffer) across the call; EAGAIN comes
 * back as -EAGAIN.
 */
export const recvAt = (fd: number, addr: number, n: number): number => ret(_readAt(fd, addr, n));
/** send(2) with MSG_NOSIGNAL from memory given by address (see recvAt). */
export const sendAt = (fd: number, addr: number, n: number): number => ret(_sendAt(fd, addr, n, C.MSG_NOSIGNAL));
/**
 * The address of a buffer's first byte, as a Number (exact: user-space addresses are below 2^53).
 * Valid while the buffer lives: Node never moves the memory of an ArrayBuffer made by
 * Buffer.allocUnsafeSlow (it is outside V8's heap).
 */
export const addressOf = (buf: Uint8Array): number => Number(koffi.address(buf));
/** send(2) with MSG_NOSIGNAL always: a peer that went away gives -EPIPE, never SIGPIPE. */
export const send = (fd: number, buf: Mem, n: number, flags: number): number => ret(_send(fd, buf, n, flags | C.MSG_NOSIGNAL));

/** accept4 with SOCK_NONBLOCK|SOCK_CLOEXEC, or accept + fcntl where there is no accept4 (macOS). */
export function accept(fd: number, addr: Mem, lenp: Uint32Array | null): number {
  if (_accept4) return ret(_accept4(fd, addr, lenp, C.SOCK_NONBLOCK | C.SOCK_CLOEXEC));
  const r = ret(_accept(fd, addr, lenp));
  if (r >= 0) setFlags(r);
  return r;
}

/** pipe2(O_NONBLOCK|O_CLOEXEC) into fds, or pipe + fcntl where there is no pipe2. */
export function pipe(fds: Int32Array): number {
  if (_pipe2) return ret(_pipe2(fds, C.O_NONBLOCK | C.O_CLOEXEC));
  const r = ret(_pipe(fds));
  if (r === 0) {
    setFlags(fds[0]!);
    setFlags(fds[1]!);
  }
  return r;
}

/** Non-blocking and close-on-exec, for platforms whose calls take no such flags. */
export function setFlags(fd: number): void {
  fcntl(fd, C.F_SETFL, fcntl(fd, C.F_GETFL) | C.O_NONBLOCK);
  fcntl(fd, C.F_SETFD, C.FD_CLOEXEC);
}

export const select = (nfds: number, r: Mem, w: Mem, e: Mem, timeout: Mem): number => ret(_select(nfds, r, w, e, timeout));
export const poll = (fds: Mem, nfds: number, timeoutMs: number): number => ret(_poll(fds, nfds, timeoutMs));

function need(f: Fn | null, name: string): Fn {
  if (!f) throw new Error(`${name} is not available on ${process.platform}`);
  return f;
}
export const epollCreate1 = (flags: number): number => ret(need(_epollCreate1, 'epoll_create1')(flags));
export const epollCtl = (epfd: number, op: number, fd: number, ev: Mem): number => ret(need(_epollCtl, 'epoll_ctl')(epfd, op, fd, ev));
export const epollWait = (epfd: number, events: Mem, max: number, timeoutMs: number): number => ret(need(_epollWait, 'epoll_wait')(epfd, events, max, timeoutMs));
export const eventfd = (init: number, flags: number): number => ret(need(_eventfd, 'eventfd')(init, flags));
export const kqueue = (): number => ret(need(_kqueue, 'kqueue')());
export const kevent = (kq: number, changes: Mem, nchanges: number, events: Mem, nevents: number, timeout: Mem): number =>
  ret(need(_kevent, 'kevent')(kq, changes, nchanges, events, nevents, timeout));

const rlim = new BigInt64Array(2);
/** The soft and hard limits on open fds. */
export function getNofileLimit(): { soft: number; hard: number } {
  if (ret(_getrlimit(C.RLIMIT_NOFILE, rlim)) < 0) return { soft: -1, hard: -1 };
  return { soft: Number(rlim[0]), hard: Number(rlim[1]) };
}
/** Raises (or lowers) the soft limit on open fds; returns 0 or -errno. */
export function setNofileLimit(soft: number): number {
  if (ret(_getrlimit(C.RLIMIT_NOFILE, rlim)) < 0) return -errno();
  rlim[0] = BigInt(soft);
  return ret(_setrlimit(C.RLIMIT_NOFILE, rlim));
}

/** The process's own symbols (libuv's, for the host integration). */
export function processLibrary(): Koffi.LibraryHandle {
  return koffi.load(null);
}

export { koffi };
