// Per-platform values of the C constants and struct layouts the system-call layer needs.
// Linux (x86_64, arm64) is tested. The macOS and FreeBSD tables are written from their headers
// (<sys/socket.h>, <sys/errno.h>, <sys/event.h>, <netinet/in.h>, <fcntl.h>, <poll.h>) and are
// UNTESTED here: treat them as a starting point, not as verified.

/** The errno values the runtime names (Python's errno module spells them the same way). */
export interface ErrnoTable {
  EPERM: number; ENOENT: number; ESRCH: number; EINTR: number; EIO: number; EBADF: number; ECHILD: number;
  EAGAIN: number; ENOMEM: number; EACCES: number; EFAULT: number; EEXIST: number; ENOTDIR: number; EISDIR: number;
  EINVAL: number; ENFILE: number; EMFILE: number; ENOSPC: number; EPIPE: number; ENAMETOOLONG: number;
  ENOTSOCK: number; EDESTADDRREQ: number; EMSGSIZE: number; EPROTOTYPE: number; ENOPROTOOPT: number;
  EPROTONOSUPPORT: number; EOPNOTSUPP: number; EAFNOSUPPORT: number; EADDRINUSE: number; EADDRNOTAVAIL: number;
  ENETDOWN: number; ENETUNREACH: number; ECONNABORTED: number; ECONNRESET: number; ENOBUFS: number; EISCONN: number;
  ENOTCONN: number; ESHUTDOWN: number; ETIMEDOUT: number; ECONNREFUSED: number; EHOSTUNREACH: number;
  EALREADY: number; EINPROGRESS: number;
}

export interface PlatformConstants {
  readonly platform: 'linux' | 'darwin' | 'freebsd';
  /** False for the tables written from headers and never run. */
  readonly tested: boolean;
  readonly AF_UNIX: number; readonly AF_INET: number; readonly AF_INET6: number;
  readonly SOCK_STREAM: number; readonly SOCK_DGRAM: number;
  /** 0 where socket()/accept4() take no such flag (macOS): the layer sets it with fcntl instead. */
  readonly SOCK_NONBLOCK: number; readonly SOCK_CLOEXEC: number;
  readonly SOL_SOCKET: number; readonly SO_REUSEADDR: number; readonly SO_REUSEPORT: number; readonly SO_KEEPALIVE: number;
  readonly SO_BROADCAST: number; readonly SO_LINGER: number; readonly SO_SNDBUF: number; readonly SO_RCVBUF: number;
  readonly SO_ERROR: number; readonly SO_TYPE: number;
  /** Where send() has no MSG_NOSIGNAL (macOS), this socket option keeps SIGPIPE away instead (0: none). */
  readonly SO_NOSIGPIPE: number;
  readonly IPPROTO_TCP: number; readonly IPPROTO_IPV6: number; readonly IPV6_V6ONLY: number; readonly TCP_NODELAY: number;
  readonly MSG_PEEK: number; readonly MSG_WAITALL: number; readonly MSG_DONTWAIT: number; readonly MSG_NOSIGNAL: number;
  readonly SHUT_RD: number; readonly SHUT_WR: number; readonly SHUT_RDWR: number;
  readonly F_GETFD: number; readonly F_SETFD: number; readonly F_GETFL: number; readonly F_SETFL: number; readonly FD_CLOEXEC: number;
  readonly O_NONBLOCK: number; readonly O_CLOEXEC: number;
  readonly POLLIN: number; readonly POLLPRI: number; readonly POLLOUT: number; readonly POLLERR: number; readonly POLLHUP: number; readonly POLLNVAL: number;
  /** select(2)'s limit: fds at or above it cannot be put in an fd_set. */
  readonly FD_SETSIZE: number;
  readonly RLIMIT_NOFILE: number;
  readonly errno: Readonly<ErrnoTable>;
  /** BSD sockaddrs start with a length byte (sin_len) before a one-byte family. */
  readonly sockaddrHasLen: boolean;
  readonly sizeofSockaddrIn: number; readonly sizeofSockaddrIn6: number; readonly sizeofSunPath: number;
}

const linuxErrno: ErrnoTable = {
  EPERM: 1, ENOENT: 2, ESRCH: 3, EINTR: 4, EIO: 5, EBADF: 9, ECHILD: 10, EAGAIN: 11, ENOMEM: 12, EACCES: 13,
  EFAULT: 14, EEXIST: 17, ENOTDIR: 20, EISDIR: 21, EINVAL: 22, ENFILE: 23, EMFILE: 24, ENOSPC: 28, EPIPE: 32,
  ENAMETOOLONG: 36, ENOTSOCK: 88, EDESTADDRREQ: 89, EMSGSIZE: 90, EPROTOTYPE: 91, ENOPROTOOPT: 92,
  EPROTONOSUPPORT: 93, EOPNOTSUPP: 95, EAFNOSUPPORT: 97, EADDRINUSE: 98, EADDRNOTAVAIL: 99, ENETDOWN: 100,
  ENETUNREACH: 101, ECONNABORTED: 103, ECONNRESET: 104, ENOBUFS: 105, EISCONN: 106, ENOTCONN: 107, ESHUTDOWN: 108,
  ETIMEDOUT: 110, ECONNREFUSED: 111, EHOSTUNREACH: 113, EALREADY: 114, EINPROGRESS: 115,
};

/** 4.4BSD numbering, shared by macOS and FreeBSD for these names (EOPNOTSUPP differs). UNTESTED. */
const bsdErrno: ErrnoTable = {
  EPERM: 1, ENOENT: 2, ESRCH: 3, EINTR: 4, EIO: 5, EBADF: 9, ECHILD: 10, EAGAIN: 35, ENOMEM: 12, EACCES: 13,
  EFAULT: 14, EEXIST: 17, ENOTDIR: 20, EISDIR: 21, EINVAL: 22, ENFILE: 23, EMFILE: 24, ENOSPC: 28, EPIPE: 32,
  ENAMETOOLONG: 63, ENOTSOCK: 38, EDESTADDRREQ: 39, EMSGSIZE: 40, EPROTOTYPE: 41, ENOPROTOOPT: 42,
  EPROTONOSUPPORT: 43, EOPNOTSUPP: 45, EAFNOSUPPORT: 47, EADDRINUSE: 48, EADDRNOTAVAIL: 49, ENETDOWN: 50,
  ENETUNREACH: 51, ECONNABORTED: 53, ECONNRESET: 54, ENOBUFS: 55, EISCONN: 56, ENOTCONN: 57, ESHUTDOWN: 58,
  ETIMEDOUT: 60, ECONNREFUSED: 61, EHOSTUNREACH: 65, EALREADY: 37, EINPROGRESS: 36,
};

const common = {
  SOCK_STREAM: 1, SOCK_DGRAM: 2, AF_UNIX: 1, AF_INET: 2, IPPROTO_TCP: 6, IPPROTO_IPV6: 41, TCP_NODELAY: 1,
  MSG_PEEK: 2, SHUT_RD: 0, SHUT_WR: 1, SHUT_RDWR: 2, F_GETFD: 1, F_SETFD: 2, F_GETFL: 3, F_SETFL: 4, FD_CLOEXEC: 1,
  POLLIN: 0x1, POLLPRI: 0x2, POLLOUT: 0x4, POLLERR: 0x8, POLLHUP: 0x10, POLLNVAL: 0x20, FD_SETSIZE: 1024,
} as const;

export const LINUX: PlatformConstants = Object.freeze({
  ...common, platform: 'linux', tested: true,
  AF_INET6: 10, SOCK_NONBLOCK: 0o4000, SOCK_CLOEXEC: 0o2000000,
  SOL_SOCKET: 1, SO_REUSEADDR: 2, SO_TYPE: 3, SO_ERROR: 4, SO_BROADCAST: 6, SO_SNDBUF: 7, SO_RCVBUF: 8, SO_KEEPALIVE: 9,
  SO_LINGER: 13, SO_REUSEPORT: 15, SO_NOSIGPIPE: 0, IPV6_V6ONLY: 26,
  MSG_WAITALL: 0x100, MSG_DONTWAIT: 0x40, MSG_NOSIGNAL: 0x4000,
  O_NONBLOCK: 0o4000, O_CLOEXEC: 0o2000000, RLIMIT_NOFILE: 7, errno: Object.freeze(linuxErrno),
  sockaddrHasLen: false, sizeofSockaddrIn: 16, sizeofSockaddrIn6: 28, sizeofSunPath: 108,
} as const);

/** macOS, from the XNU headers. UNTESTED. No SOCK_NONBLOCK, accept4, pipe2 or MSG_NOSIGNAL for send. */
export const DARWIN: PlatformConstants = Object.freeze({
  ...common, platform: 'darwin', tested: false,
  AF_INET6: 30, SOCK_NONBLOCK: 0, SOCK_CLOEXEC: 0,
  SOL_SOCKET: 0xffff, SO_REUSEADDR: 0x4, SO_KEEPALIVE: 0x8, SO_BROADCAST: 0x20, SO_LINGER: 0x80, SO_REUSEPORT: 0x200,
  SO_SNDBUF: 0x1001, SO_RCVBUF: 0x1002, SO_ERROR: 0x1007, SO_TYPE: 0x1008, SO_NOSIGPIPE: 0x1022, IPV6_V6ONLY: 27,
  MSG_WAITALL: 0x40, MSG_DONTWAIT: 0x80, MSG_NOSIGNAL: 0,
  O_NONBLOCK: 0x4, O_CLOEXEC: 0x1000000, RLIMIT_NOFILE: 8, errno: Object.freeze({ ...bsdErrno, EOPNOTSUPP: 102 }),
  sockaddrHasLen: true, sizeofSockaddrIn: 16, sizeofSockaddrIn6: 28, sizeofSunPath: 104,
} as const);

/** FreeBSD 12+, from its headers. UNTESTED. */
export const FREEBSD: PlatformConstants = Object.freeze({
  ...common, platform: 'freebsd', tested: false,
  AF_INET6: 28, SOCK_NONBLOCK: 0x20000000, SOCK_CLOEXEC: 0x10000000,
  SOL_SOCKET: 0xffff, SO_REUSEADDR: 0x4, SO_KEEPALIVE: 0x8, SO_BROADCAST: 0x20, SO_LINGER: 0x80, SO_REUSEPORT: 0x200,
  SO_NOSIGPIPE: 0x800, SO_SNDBUF: 0x1001, SO_RCVBUF: 0x1002, SO_ERROR: 0x1007, SO_TYPE: 0x1008, IPV6_V6ONLY: 27,
  MSG_WAITALL: 0x40, MSG_DONTWAIT: 0x80, MSG_NOSIGNAL: 0x20000,
  O_NONBLOCK: 0x4, O_CLOEXEC: 0x100000, RLIMIT_NOFILE: 8, errno: Object.freeze(bsdErrno),
  sockaddrHasLen: true, sizeofSockaddrIn: 16, sizeofSockaddrIn6: 28, sizeofSunPath: 104,
} as const);

/** Linux-only: epoll(7) and eventfd(2). */
export const EPOLL = Object.freeze({
  EPOLLIN: 0x1, EPOLLPRI: 0x2, EPOLLOUT: 0x4, EPOLLERR: 0x8, EPOLLHUP: 0x10, EPOLLRDHUP: 0x2000,
  EPOLL_CTL_ADD: 1, EPOLL_CTL_DEL: 2, EPOLL_CTL_MOD: 3, EPOLL_CLOEXEC: 0o2000000,
  /** struct epoll_event is packed (12 bytes) on x86_64 only; elsewhere the u64 is 8-aligned (16 bytes). */
  SIZEOF_EVENT: process.arch === 'x64' ? 12 : 16,
  DATA_OFFSET: process.arch === 'x64' ? 4 : 8,
  EFD_NONBLOCK: 0o4000, EFD_CLOEXEC: 0o2000000,
});

/** BSD kqueue(2), from <sys/event.h>. UNTESTED. struct kevent is 32 bytes on macOS, 64 on FreeBSD 12+ (ext[4]). */
export const KQUEUE = Object.freeze({
  EVFILT_READ: -1, EVFILT_WRITE: -2, EV_ADD: 0x1, EV_DELETE: 0x2, EV_ENABLE: 0x4, EV_DISABLE: 0x8,
  EV_ERROR: 0x4000, EV_EOF: 0x8000,
  SIZEOF_KEVENT: process.platform === 'freebsd' ? 64 : 32,
});

function pick(): PlatformConstants {
  switch (process.platform) {
    case 'linux': return LINUX;
    case 'darwin': return DARWIN;
    case 'freebsd': return FREEBSD;
    default: return LINUX; // the layer refuses to load on other platforms (see libc.ts)
  }
}

/** The table for the platform this process runs on. */
export const C: PlatformConstants = pick();

/** The platform's errno values by name (Python's errno module). */
export const ERRNO: Readonly<ErrnoTable> = C.errno;
