// Operating-system errors with Python's names (PEP 3151): a failed system call becomes an OSError
// subclass chosen by errno, keeping errno, the system call's name and the symbolic code.
// TimeoutError lives here too: Python's builtin TimeoutError (which asyncio raises for deadlines)
// is an OSError subclass; runtime/errors.ts re-exports it.
import { C, type ErrnoTable } from './constants';

export type ErrnoName = keyof ErrnoTable;

/** glibc's messages: the same words on every platform, so tests and docs can rely on them. */
const MESSAGES: Partial<Record<ErrnoName, string>> = {
  EPERM: 'Operation not permitted', ENOENT: 'No such file or directory', ESRCH: 'No such process',
  EINTR: 'Interrupted system call', EIO: 'Input/output error', EBADF: 'Bad file descriptor',
  ECHILD: 'No child processes', EAGAIN: 'Resource temporarily unavailable', ENOMEM: 'Cannot allocate memory',
  EACCES: 'Permission denied', EFAULT: 'Bad address', EEXIST: 'File exists', ENOTDIR: 'Not a directory',
  EISDIR: 'Is a directory', EINVAL: 'Invalid argument', ENFILE: 'Too many open files in system',
  EMFILE: 'Too many open files', ENOSPC: 'No space left on device', EPIPE: 'Broken pipe',
  ENAMETOOLONG: 'File name too long', ENOTSOCK: 'Socket operation on non-socket',
  EDESTADDRREQ: 'Destination address required', EMSGSIZE: 'Message too long',
  EPROTOTYPE: 'Protocol wrong type for socket', ENOPROTOOPT: 'Protocol not available',
  EPROTONOSUPPORT: 'Protocol not supported', EOPNOTSUPP: 'Operation not supported',
  EAFNOSUPPORT: 'Address family not supported by protocol', EADDRINUSE: 'Address already in use',
  EADDRNOTAVAIL: 'Cannot assign requested address', ENETDOWN: 'Network is down', ENETUNREACH: 'Network is unreachable',
  ECONNABORTED: 'Software caused connection abort', ECONNRESET: 'Connection reset by peer',
  ENOBUFS: 'No buffer space available', EISCONN: 'Transport endpoint is already connected',
  ENOTCONN: 'Transport endpoint is not connected', ESHUTDOWN: 'Cannot send after transport endpoint shutdown',
  ETIMEDOUT: 'Connection timed out', ECONNREFUSED: 'Connection refused', EHOSTUNREACH: 'No route to host',
  EALREADY: 'Operation already in progress', EINPROGRESS: 'Operation now in progress',
};

const NAMES = new Map<number, ErrnoName>();
for (const [name, value] of Object.entries(C.errno) as [ErrnoName, number][]) if (!NAMES.has(value)) NAMES.set(value, name);

/** 'ECONNREFUSED' for the platform's errno value (or 'E<n>' for one the table does not name). */
export function errnoName(errno: number): string {
  return NAMES.get(errno) ?? `E${errno}`;
}

export function strerror(errno: number): string {
  const name = NAMES.get(errno);
  return (name && MESSAGES[name]) ?? `Unknown error ${errno}`;
}

export interface OSErrorOptions {
  /** The system call that failed ('connect', 'epoll_ctl', ...). */
  syscall?: string;
  /** What it was called on, for the message: an address, a path, an fd. */
  detail?: string;
  cause?: unknown;
}

/**
 * The fields every OS error carries. errno, code and strerror are null for one made without an
 * errno, as Python's None: a TimeoutError raised for a deadline, `new TimeoutError('...')`.
 */
export interface ErrnoFields {
  readonly errno: number | null;
  readonly code: string | null;
  readonly syscall: string | undefined;
  readonly strerror: string | null;
}

function messageOf(errno: number, options: OSErrorOptions): string {
  const where = [options.syscall, options.detail].filter(Boolean).join(' ');
  return `[Errno ${errno}] ${strerror(errno)}${where ? ` (${where})` : ''}`;
}

/** Python's OSError: `errno` is the number, `code` its name, `syscall` the failing call. */
export class OSError extends Error implements ErrnoFields {
  override name = 'OSError';
  readonly errno: number | null;
  readonly code: string | null;
  readonly syscall: string | undefined;
  readonly strerror: string | null;

  /** errno null: an OS-level error with no errno (Python's `OSError('message')`). */
  constructor(errno: number | null, message?: string, options: OSErrorOptions = {}) {
    super(message ?? (errno === null ? '' : messageOf(errno, options)), options.cause === undefined ? undefined : { cause: options.cause });
    this.errno = errno;
    this.code = errno === null ? null : errnoName(errno);
    this.syscall = options.syscall;
    this.strerror = errno === null ? null : strerror(errno);
  }

  /** The error for errno with its class chosen as Python chooses it (OSError(errno, ...) in Python). */
  static fromErrno(errno: number, syscall: string, detail?: string): OSError {
    return errorFromErrno(errno, syscall, detail);
  }
}

export class BlockingIOError extends OSError { override name = 'BlockingIOError'; }
export class ChildProcessError extends OSError { override name = 'ChildProcessError'; }
export class ConnectionError extends OSError { override name = 'ConnectionError'; }
export class BrokenPipeError extends ConnectionError { override name = 'BrokenPipeError'; }
export class ConnectionAbortedError extends ConnectionError { override name = 'ConnectionAbortedError'; }
export class ConnectionRefusedError extends ConnectionError { override name = 'ConnectionRefusedError'; }
export class ConnectionResetError extends ConnectionError { override name = 'ConnectionResetError'; }
export class FileExistsError extends OSError { override name = 'FileExistsError'; }
export class FileNotFoundError extends OSError { override name = 'FileNotFoundError'; }
export class InterruptedError extends OSError { override name = 'InterruptedError'; }
export class IsADirectoryError extends OSError { override name = 'IsADirectoryError'; }
export class NotADirectoryError extends OSError { override name = 'NotADirectoryError'; }
export class PermissionError extends OSError { override name = 'PermissionError'; }
export class ProcessLookupError extends OSError { override name = 'ProcessLookupError'; }

/**
 * Python's builtin TimeoutError, which asyncio raises when a deadline passes: an OSError subclass,
 * with null errno fields for a deadline and the OS error's fields for ETIMEDOUT.
 */
export class TimeoutError extends OSError {
  override name = 'TimeoutError';
  /** A deadline passed: `new TimeoutError()`, `new TimeoutError('', { cause })`. */
  constructor(message?: string, options?: ErrorOptions);
  /** The system call failed with ETIMEDOUT (as OSError's constructor). */
  constructor(errno: number, message?: string, options?: OSErrorOptions);
  constructor(first?: string | number, second?: string | ErrorOptions, third?: OSErrorOptions) {
    if (typeof first === 'number') super(first, second as string | undefined, third);
    else super(null, first ?? '', { cause: (second as ErrorOptions | undefined)?.cause });
  }
}

type OSErrorClass = new (errno: number, message?: string, options?: OSErrorOptions) => OSError;
const CLASSES = new Map<number, OSErrorClass>();
const E = C.errno;
for (const [errno, cls] of [
  [E.EAGAIN, BlockingIOError], [E.EALREADY, BlockingIOError], [E.EINPROGRESS, BlockingIOError],
  [E.ECHILD, ChildProcessError], [E.EPIPE, BrokenPipeError], [E.ESHUTDOWN, BrokenPipeError],
  [E.ECONNABORTED, ConnectionAbortedError], [E.ECONNREFUSED, ConnectionRefusedError],
  [E.ECONNRESET, ConnectionResetError], [E.EEXIST, FileExistsError], [E.ENOENT, FileNotFoundError],
  [E.EINTR, InterruptedError], [E.EISDIR, IsADirectoryError], [E.ENOTDIR, NotADirectoryError],
  [E.EACCES, PermissionError], [E.EPERM, PermissionError], [E.ESRCH, ProcessLookupError],
  [E.ETIMEDOUT, TimeoutError],
] as const) CLASSES.set(errno, cls);

/** The error a failed system call raises, its class chosen by errno as Python chooses it. */
export function errorFromErrno(errno: number, syscall: string, detail?: string): OSError {
  const cls = CLASSES.get(errno) ?? OSError;
  return new cls(errno, undefined, { syscall, detail });
}

/**
 * Returns r when it is a result (>= 0); raises the OS error for -errno otherwise. The raw calls in
 * this layer return -errno instead of raising so hot paths can test for EAGAIN without an exception.
 */
export function check(r: number, syscall: string, detail?: string): number {
  if (r < 0) throw errorFromErrno(-r, syscall, detail);
  return r;
}
