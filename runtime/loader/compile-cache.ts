// The loader's on-disk cache of compiled files. A cache entry is code this user will run, so the
// cache must be as private as the user's own files: it lives in the user's cache directory, which
// must be theirs alone (checked with lstat before use), entries are created exclusively under a
// random name with mode 0600 and renamed into place, nothing is opened through a symbolic link, and
// an entry is run only after its header (versions, source hash, body hash and length) checks out.
// Anything else is a miss: the file is compiled again and the entry rewritten.
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, constants, fstatSync, futimesSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';

/** Entries hold a header line, then the compiled code: `MAGIC stamp source=H body=H length\n`. */
const MAGIC = 'coroscope-cache/1';
/** Past this many bytes of entries, the least recently used are removed (COROSCOPE_CACHE_MAX_MB overrides). */
const DEFAULT_MAX_BYTES = 200 * 1024 * 1024;
/** A prune leaves this fraction of the bound, so the next few writes do not prune again. */
const PRUNE_TO = 0.75;
/** A temporary file this old (ms) was left by a writer that died; pruning removes it. */
const STALE_TMP_MS = 60 * 60 * 1000;
/** O_NOFOLLOW where the platform has it (not on Windows, where the directory check has to do). */
const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;

/** The per-user cache directory for compiled files on this platform (before COROSCOPE_CACHE_DIR). */
export function defaultCacheDir(env: NodeJS.ProcessEnv, platform: NodeJS.Platform, home: string): string {
  if (platform === 'win32') return join(env.LOCALAPPDATA || join(home, 'AppData', 'Local'), 'coroscope', 'Cache');
  if (platform === 'darwin') return join(home, 'Library', 'Caches', 'coroscope');
  // The XDG spec says a relative XDG_CACHE_HOME is invalid and must be ignored.
  const xdg = env.XDG_CACHE_HOME;
  return join(xdg && isAbsolute(xdg) ? xdg : join(home, '.cache'), 'coroscope');
}

/**
 * Creates `dir` (mode 0700, and its missing parents likewise) and checks it is safe to run code
 * from: a real directory, not a symbolic link, owned by this user, with no group or other
 * permission bits. Returns why not (for "not using cache directory X: <reason>"), or null.
 */
export function checkCacheDir(dir: string, uid: number | undefined): string | null {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    // mkdir of an existing symlink or file fails (EEXIST/ENOTDIR); lstat below names it properly.
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST' && (err as NodeJS.ErrnoException).code !== 'ENOTDIR') {
      return `it cannot be created (${(err as NodeJS.ErrnoException).code ?? String(err)})`;
    }
  }
  let st;
  try {
    st = lstatSync(dir);
  } catch (err) {
    return `it cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`;
  }
  if (st.isSymbolicLink()) return 'it is a symbolic link';
  if (!st.isDirectory()) return 'it is not a directory';
  // Windows has no uids or mode bits: the per-user profile directory's ACL is what protects it.
  if (uid === undefined) return null;
  if (st.uid !== uid) return `it is owned by uid ${st.uid}`;
  const mode = `mode ${(st.mode & 0o7777).toString(8).padStart(4, '0')}`;
  if (st.mode & 0o022) return `it is writable by others (${mode})`;
  if (st.mode & 0o077) return `it is readable by others (${mode}): \`chmod 700\` it to use it`;
  return null;
}

/**
 * Invariant: #dir passed checkCacheDir when this cache was opened; every entry under #dir that this
 * object returns was written by this uid, mode 0600, and its header matched #stamp and the source.
 * Entries are code (compiled JavaScript, `.js`) or bytes (V8's code cache, code-cache.ts, `.v8`):
 * one directory, one bound, the same rules.
 */
export class CompileCache {
  readonly #dir: string;
  readonly #stamp: string;
  readonly #uid: number | undefined;
  readonly #maxBytes: number;
  readonly #extension: string;
  #pruneChecked = false;

  /**
   * `stamp`: what the entries depend on besides the source (loader, runtime and compiler versions),
   * no spaces; different stamps in one directory never see each other's entries.
   * `extension`: of the entries' file names.
   */
  constructor(dir: string, stamp: string, uid: number | undefined, maxBytes = DEFAULT_MAX_BYTES, extension = '.js') {
    this.#dir = dir;
    this.#stamp = stamp;
    this.#uid = uid;
    this.#maxBytes = maxBytes;
    this.#extension = extension;
  }

  get maxBytes(): number {
    return this.#maxBytes;
  }

  get dir(): string {
    return this.#dir;
  }

  /** The cached code for this file and source, or null (missing, foreign, stale or damaged). */
  get(filename: string, sourceHash: string): string | null {
    return this.getBytes(filename, sourceHash)?.toString('utf8') ?? null;
  }

  /** Stores the code; a failure (full or read-only disk) only costs the next run a compile. */
  put(filename: string, sourceHash: string, code: string): void {
    this.putBytes(filename, sourceHash, Buffer.from(code, 'utf8'));
  }

  /** The entry's bytes for this file and source, or null (missing, foreign, stale or damaged). */
  getBytes(filename: string, sourceHash: string): Buffer | null {
    let fd: number;
    try {
      fd = openSync(this.#path(filename, sourceHash), constants.O_RDONLY | O_NOFOLLOW);
    } catch {
      return null;
    }
    try {
      const st = fstatSync(fd);
      if (!st.isFile()) return null;
      if (this.#uid !== undefined && (st.uid !== this.#uid || (st.mode & 0o077) !== 0)) return null;
      const data = readFileSync(fd);
      const body = this.#verify(data, sourceHash);
      if (body === null) return null;
      // Recently used: pruning goes by modification time.
      const now = new Date();
      futimesSync(fd, now, now);
      return body;
    } catch {
      return null;
    } finally {
      closeSync(fd);
    }
  }

  /** Stores the bytes as the entry for this file and source; a failure is only a miss next time. */
  putBytes(filename: string, sourceHash: string, body: Uint8Array): void {
    const header = Buffer.from(`${MAGIC} ${this.#stamp} source=${sourceHash} body=${sha256(body)} ${body.length}\n`, 'latin1');
    const target = this.#path(filename, sourceHash);
    // A random name created exclusively (O_CREAT|O_EXCL fails on anything already there, a planted
    // symlink included), then an atomic rename: readers and concurrent writers only ever see whole entries.
    const tmp = `${target}.${randomBytes(8).toString('hex')}.tmp`;
    let fd: number | undefined;
    try {
      fd = openSync(tmp, 'wx', 0o600);
      writeAll(fd, header);
      writeAll(fd, body);
      closeSync(fd);
      fd = undefined;
      renameSync(tmp, target);
    } catch {
      if (fd !== undefined) closeSync(fd);
      unlinkQuietly(tmp); // if it was created at all
      return;
    }
    this.#maybePrune();
  }

  #path(filename: string, sourceHash: string): string {
    const key = createHash('sha256').update(this.#stamp).update('\0').update(filename).update('\0').update(sourceHash).digest('hex');
    return join(this.#dir, `${key}${this.#extension}`);
  }

  /** The body if the header names our stamp and this source, and the body is whole; else null. */
  #verify(data: Buffer, sourceHash: string): Buffer | null {
    const newline = data.indexOf(10);
    if (newline < 0) return null;
    const header = data.toString('latin1', 0, newline);
    const prefix = `${MAGIC} ${this.#stamp} source=${sourceHash} body=`;
    if (!header.startsWith(prefix)) return null;
    const [bodyHash, length] = header.slice(prefix.length).split(' ');
    const body = data.subarray(newline + 1);
    if (Number(length) !== body.length || bodyHash !== sha256(body)) return null;
    return body;
  }

  /**
   * Once per process, after its first write: add up the entries and, past the bound, remove the
   * least recently used. A process that only reads from the cache never lists it.
   */
  #maybePrune(): void {
    if (this.#pruneChecked) return;
    this.#pruneChecked = true;
    try {
      const now = Date.now();
      const entries: { path: string; size: number; mtime: number }[] = [];
      let total = 0;
      for (const name of readdirSync(this.#dir)) {
        const path = join(this.#dir, name);
        const st = statSync(path, { throwIfNoEntry: false });
        if (!st || !st.isFile()) continue;
        if (name.endsWith('.tmp')) {
          if (now - st.mtimeMs > STALE_TMP_MS) unlinkQuietly(path);
          continue;
        }
        entries.push({ path, size: st.size, mtime: st.mtimeMs });
        total += st.size;
      }
      if (total <= this.#maxBytes) return;
      entries.sort((a, b) => a.mtime - b.mtime);
      for (const e of entries) {
        if (total <= this.#maxBytes * PRUNE_TO) break;
        unlinkQuietly(e.path);
        total -= e.size;
      }
    } catch {
      // another process may be pruning too; the next write looks again
    }
  }
}

/** sha256 of the bytes, hex. */
export function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The bound in bytes: COROSCOPE_CACHE_MAX_MB if it is a positive number, else 200 MB. */
export function cacheMaxBytes(env: NodeJS.ProcessEnv): number {
  const mb = Number(env.COROSCOPE_CACHE_MAX_MB);
  return env.COROSCOPE_CACHE_MAX_MB && mb > 0 ? mb * 1024 * 1024 : DEFAULT_MAX_BYTES;
}

function writeAll(fd: number, data: Uint8Array): void {
  for (let off = 0; off < data.length; ) off += writeSync(fd, data, off, data.length - off);
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone (another process pruned it), or never created
  }
}
