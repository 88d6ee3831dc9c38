// A `socket` module shaped like Python's, so Python socket code reads almost word for word:
//
//   import { socket } from 'coroscope';
//   const s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
//   s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
//   s.bind(['127.0.0.1', 8080]); s.listen(); s.setblocking(false);
//   const [conn, addr] = await loop.sockAccept(s);
//
// Sockets start in blocking mode, as in Python: their calls block the whole process (and so the
// event loop). Call setblocking(false) before handing one to the loop's sock* methods.
import { C } from './sys/constants';
import * as calls from './sys/calls';
import { check, errorFromErrno } from './sys/errors';
import * as libc from './sys/libc';
import type { SockAddress } from './sys/sockaddr';
import { forgetFd } from './sock-ops';

export type { SockAddress, InetAddress, Inet6Address } from './sys/sockaddr';
export {
  OSError as error,
  OSError,
  BlockingIOError,
  ConnectionError,
  BrokenPipeError,
  ConnectionAbortedError,
  ConnectionRefusedError,
  ConnectionResetError,
  TimeoutError as timeout,
} from './sys/errors';

export const AF_UNIX = C.AF_UNIX;
export const AF_INET = C.AF_INET;
export const AF_INET6 = C.AF_INET6;
export const SOCK_STREAM = C.SOCK_STREAM;
export const SOCK_DGRAM = C.SOCK_DGRAM;
export const SOL_SOCKET = C.SOL_SOCKET;
export const SO_REUSEADDR = C.SO_REUSEADDR;
export const SO_REUSEPORT = C.SO_REUSEPORT;
export const SO_KEEPALIVE = C.SO_KEEPALIVE;
export const SO_BROADCAST = C.SO_BROADCAST;
export const SO_LINGER = C.SO_LINGER;
export const SO_SNDBUF = C.SO_SNDBUF;
export const SO_RCVBUF = C.SO_RCVBUF;
export const SO_ERROR = C.SO_ERROR;
export const SO_TYPE = C.SO_TYPE;
export const IPPROTO_TCP = C.IPPROTO_TCP;
export const IPPROTO_IPV6 = C.IPPROTO_IPV6;
export const IPV6_V6ONLY = C.IPV6_V6ONLY;
export const TCP_NODELAY = C.TCP_NODELAY;
export const MSG_PEEK = C.MSG_PEEK;
export const MSG_WAITALL = C.MSG_WAITALL;
export const MSG_DONTWAIT = C.MSG_DONTWAIT;
export const SHUT_RD = C.SHUT_RD;
export const SHUT_WR = C.SHUT_WR;
export const SHUT_RDWR = C.SHUT_RDWR;
export const SOMAXCONN = 4096;

/** Largest single recv: a bigger receive buffer per read would cross glibc's mmap threshold (128 KiB). */
const MAX_RECV = 64 * 1024;
const scratch = Buffer.alloc(MAX_RECV);

/** An address as Python prints it: ('127.0.0.1', 8080) or '/path'. */
function pyRepr(address: SockAddress): string {
  const q = (x: string | number) => (typeof x === 'string' ? `'${x}'` : String(x));
  return typeof address === 'string' ? q(address) : `(${address.map((x) => q(x as string | number)).join(', ')})`;
}

function bytesOf(data: unknown, method: string): Uint8Array {
  if (data instanceof Uint8Array) return data;
  throw new TypeError(`${method}() takes bytes (a Buffer or Uint8Array), got ${typeof data === 'string' ? 'a string: encode it, e.g. Buffer.from(text)' : typeof data}`);
}

/**
 * A socket over one fd (Python's socket.socket).
 * Invariant: `#fd` is the open descriptor this object owns, or -1 once closed or detached; the fd's
 * O_NONBLOCK flag matches `#blocking`.
 */
export class Socket implements Disposable {
  #fd: number;
  #blocking: boolean;

  /** Wraps an open fd (a new socket, an accepted one, or one from `fileno`), as socket.socket(fileno=fd). */
  constructor(
    fd: number,
    readonly family: number,
    readonly type: number,
    readonly proto: number = 0,
    blocking = true,
    /** @internal The fd's O_NONBLOCK already matches `blocking` (saves two fcntl calls). */
    flagsSet = false,
  ) {
    this.#fd = fd;
    this.#blocking = blocking;
    if (!flagsSet) calls.setBlocking(fd, blocking);
  }

  fileno(): number {
    return this.#fd;
  }

  #live(method: string): number {
    if (this.#fd < 0) throw errorFromErrno(C.errno.EBADF, method, 'the socket is closed');
    return this.#fd;
  }

  setblocking(flag: boolean): void {
    calls.setBlocking(this.#live('setblocking'), flag);
    this.#blocking = Boolean(flag);
  }

  getblocking(): boolean {
    return this.#blocking;
  }

  /** Python's gettimeout(): null in blocking mode, 0 in non-blocking mode (timeouts are not supported). */
  gettimeout(): number | null {
    return this.#blocking ? null : 0;
  }

  bind(address: SockAddress): void {
    calls.bind(this.#live('bind'), this.family, address);
  }

  listen(backlog: number = SOMAXCONN): void {
    calls.listen(this.#live('listen'), backlog);
  }

  /**
   * Accepts a connection: [new socket, peer address]. Blocks in blocking mode; raises
   * BlockingIOError when none is waiting in non-blocking mode. The new socket is blocking, as Python's.
   */
  accept(): [Socket, SockAddress] {
    const fd = this.#live('accept');
    const conn = check(calls.tryAccept(fd, true), 'accept');
    // Made outside the class body: a reference to the class inside it makes the bundler rename the
    // class `_Socket`, the name the debugger shows for every socket.
    return [socketOn(conn, this.family, this.type, this.proto), calls.lastAcceptedAddress()];
  }

  /** Connects; in non-blocking mode raises BlockingIOError (EINPROGRESS) while it proceeds. */
  connect(address: SockAddress): void {
    const r = calls.tryConnect(this.#live('connect'), this.family, address);
    if (r < 0) throw errorFromErrno(-r, 'connect', calls.describeAddress(address));
  }

  /** connect() that returns the errno instead of raising (0 on success). */
  connectEx(address: SockAddress): number {
    const r = calls.tryConnect(this.#live('connect'), this.family, address);
    return r < 0 ? -r : 0;
  }

  /** Python's spelling of connectEx. */
  connect_ex(address: SockAddress): number {
    return this.connectEx(address);
  }

  /** Up to `bufsize` bytes (at most 64 KiB per call); an empty Buffer means the peer closed. */
  recv(bufsize: number, flags = 0): Buffer {
    const fd = this.#live('recv');
    const n = check(libc.recv(fd, scratch, Math.min(bufsize, MAX_RECV), flags), 'recv');
    const out = Buffer.allocUnsafe(n);
    scratch.copy(out, 0, 0, n);
    return out;
  }

  /** Receives into `buffer` (up to nbytes); returns how many bytes arrived. */
  recvInto(buffer: Uint8Array, nbytes = 0, flags = 0): number {
    const n = nbytes > 0 ? Math.min(nbytes, buffer.length) : buffer.length;
    return check(libc.recv(this.#live('recv_into'), buffer, n, flags), 'recv_into');
  }

  /** Python's spelling of recvInto. */
  recv_into(buffer: Uint8Array, nbytes = 0, flags = 0): number {
    return this.recvInto(buffer, nbytes, flags);
  }

  /** Sends what the kernel takes now; returns how many bytes that was. MSG_NOSIGNAL always. */
  send(data: Uint8Array, flags = 0): number {
    const bytes = bytesOf(data, 'send');
    return check(libc.send(this.#live('send'), bytes, bytes.length, flags), 'send');
  }

  /** Sends everything (blocking mode; in non-blocking mode raises BlockingIOError when the buffer fills). */
  sendall(data: Uint8Array, flags = 0): void {
    const bytes = bytesOf(data, 'sendall');
    const fd = this.#live('sendall');
    for (let off = 0; off < bytes.length; ) {
      const r = libc.send(fd, off === 0 ? bytes : bytes.subarray(off), bytes.length - off, flags);
      if (r === -C.errno.EINTR) continue; // PEP 475: retry
      off += check(r, 'sendall');
    }
  }

  getsockname(): SockAddress {
    return calls.getsockname(this.#live('getsockname'));
  }

  getpeername(): SockAddress {
    return calls.getpeername(this.#live('getpeername'));
  }

  /** An integer option, or raw bytes (struct-packed values such as SO_LINGER's). */
  setsockopt(level: number, optname: number, value: number | boolean | Uint8Array): void {
    const fd = this.#live('setsockopt');
    if (value instanceof Uint8Array) calls.setSockOptBytes(fd, level, optname, value);
    else calls.setSockOptInt(fd, level, optname, Number(value));
  }

  /** An integer option's value. */
  getsockopt(level: number, optname: number): number {
    return calls.getSockOptInt(this.#live('getsockopt'), level, optname);
  }

  shutdown(how: number): void {
    calls.shutdown(this.#live('shutdown'), how);
  }

  /**
   * Closes the fd. The event loop first forgets the fd (its registrations are removed, a task
   * still waiting on it gets OSError EBADF), since a selector must never watch a closed fd.
   */
  close(): void {
    const fd = this.#fd;
    if (fd < 0) return;
    this.#fd = -1;
    forgetFd(fd);
    calls.close(fd);
  }

  /** Gives up ownership: returns the fd, which this object will no longer close. */
  detach(): number {
    const fd = this.#fd;
    this.#fd = -1;
    if (fd >= 0) forgetFd(fd);
    return fd;
  }

  [Symbol.dispose](): void {
    this.close();
  }

  toString(): string {
    if (this.#fd < 0) return `<socket.socket [closed] fd=-1, family=${this.family}, type=${this.type}, proto=${this.proto}>`;
    let extra = '';
    try {
      extra += `, laddr=${pyRepr(calls.getsockname(this.#fd))}`;
      extra += `, raddr=${pyRepr(calls.getpeername(this.#fd))}`;
    } catch {
      // not bound or not connected: Python leaves the field out too
    }
    return `<socket.socket fd=${this.#fd}, family=${this.family}, type=${this.type}, proto=${this.proto}${extra}>`;
  }
}

function socketOn(fd: number, family: number, type: number, proto: number): Socket {
  return new Socket(fd, family, type, proto, true);
}

/** A new socket (Python's socket.socket(family, type, proto)); blocking until setblocking(false). */
export function socket(family: number = AF_INET, type: number = SOCK_STREAM, proto = 0): Socket {
  return new Socket(calls.socket(family, type, proto), family, type, proto, true);
}

/** A connected pair of sockets (AF_UNIX by default), both blocking. */
export function socketpair(family: number = AF_UNIX, type: number = SOCK_STREAM, proto = 0): [Socket, Socket] {
  const [a, b] = calls.socketpair(family, type, proto);
  return [new Socket(a, family, type, proto, true), new Socket(b, family, type, proto, true)];
}

/** A listening TCP socket (Python's socket.create_server): SO_REUSEADDR set, blocking. */
export function createServer(address: SockAddress, options: { family?: number; backlog?: number; reuse_port?: boolean } = {}): Socket {
  const family = options.family ?? (typeof address !== 'string' && address[0].includes(':') ? AF_INET6 : AF_INET);
  const s = socket(family, SOCK_STREAM);
  try {
    s.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1);
    if (options.reuse_port) s.setsockopt(SOL_SOCKET, SO_REUSEPORT, 1);
    s.bind(address);
    s.listen(options.backlog ?? SOMAXCONN);
    return s;
  } catch (err) {
    s.close();
    throw err;
  }
}

/** Python's spelling of createServer. */
export const create_server = createServer;
