// Shared by the I/O tests: a real loop per selector, fd-leak checks against /proc/self/fd, checksums.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readlinkSync } from 'node:fs';
import { test } from 'node:test';
import { EventLoop, NodeHost, createSelector, run } from 'coroscope';
import { uringUnavailable } from 'coroscope/sys/uring';

/** Why the io_uring selector cannot run here (its tests then report one skip saying so), or null. */
export const URING_OFF: string | null = uringUnavailable();

/** The selectors the I/O tests run under (epoll only where the platform has it, uring where the kernel lets us). */
export const SELECTORS: string[] = process.platform === 'linux' ? ['select', 'poll', 'epoll', ...(URING_OFF === null ? ['uring'] : [])] : ['select', 'poll'];

const PROC_FD = '/proc/self/fd';

/**
 * Why the fd-leak checks cannot run here (no readable /proc/self/fd: not Linux, or /proc not
 * mounted), or null when they run. When they are off, every test file that uses these helpers
 * reports one skipped test saying so: a check that switched itself off must not look like a pass.
 */
export const FD_CHECKS_OFF: string | null = (() => {
  try {
    readdirSync(PROC_FD);
    return null;
  } catch (err) {
    return `fd-leak checks are off: ${PROC_FD} cannot be read (${(err as Error).message})`;
  }
})();
if (FD_CHECKS_OFF) test('fd-leak checks', { skip: FD_CHECKS_OFF }, () => undefined);

/** The process's open fds and what they point at (Linux /proc; null where FD_CHECKS_OFF says why). */
export function openFds(): Map<number, string> | null {
  if (FD_CHECKS_OFF) return null;
  const out = new Map<number, string>();
  for (const name of readdirSync(PROC_FD)) {
    try {
      out.set(Number(name), readlinkSync(`${PROC_FD}/${name}`));
    } catch {
      // the fd readdir itself used, closed already
    }
  }
  return out;
}

/** Asserts that every fd opened since `before` is closed again. */
/**
 * Asserts that every fd open now was open before. Checked inside a running loop, the loop's own
 * io_uring (made by its first stream, closed with the loop: runOn checks that) is not a leak.
 */
export function assertNoLeaks(before: Map<number, string> | null, what = 'test', { insideLoop = false } = {}): void {
  const after = openFds();
  if (!before || !after) return; // FD_CHECKS_OFF: announced once per file as a skipped test
  const leaked = [...after].filter(([fd, target]) => before.get(fd) !== target && !(insideLoop && target === 'anon_inode:[io_uring]'));
  assert.deepEqual(leaked, [], `${what} leaked fds: ${leaked.map(([fd, t]) => `${fd} -> ${t}`).join(', ')}`);
}

/**
 * Runs main on a real loop with the named selector and Node as its host, then checks that every fd
 * opened meanwhile was closed. Use it from a NON-async test callback:
 * `it('x', () => runOn('epoll', async () => { ... }))`.
 */
export function runOn<T>(selector: string, main: () => PromiseLike<T>): Promise<T> {
  // Not an async function: in a test file that would be a coroutine, and run() cannot nest.
  const before = openFds();
  return run(main(), { loopFactory: () => new EventLoop({ selector: createSelector(selector), host: new NodeHost() }) }).then((result) => {
    assertNoLeaks(before, `${selector} run`);
    return result;
  });
}

export function sha256(...chunks: Uint8Array[]): string {
  const h = createHash('sha256');
  for (const c of chunks) h.update(c);
  return h.digest('hex');
}
