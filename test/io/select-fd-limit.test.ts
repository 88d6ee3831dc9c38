// select(2) cannot watch an fd at or above FD_SETSIZE (1024): a server on SelectSelector that
// accepts a connection at such an fd closes it at once (the client sees the connection end, it
// does not hang), reports why, and goes on serving. A real server process holding ~1030 fds.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const cli = join(__dirname, '..', '..', 'bin', 'coroscope.js');
const program = join(__dirname, 'fixtures', 'high-fd-server.ts');

/** The server runs under `ulimit -n 2048` (raising the soft limit, which needs a hard limit of at least that). */
const hardLimit = Number(spawnSync('sh', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).stdout.trim());
const skip = process.platform !== 'linux' ? 'needs Linux (/dev/null fds, sh ulimit)' : !(hardLimit >= 2048 || Number.isNaN(hardLimit)) ? `the hard fd limit (${hardLimit}) is below 2048` : false;

describe('SelectSelector and fds at or above FD_SETSIZE', { skip, timeout: 60_000 }, () => {
  it('a connection accepted at fd >= 1024 is closed at once and reported; the server keeps serving', () => {
    const r = spawnSync('sh', ['-c', 'ulimit -n 2048 && exec "$0" "$@"', process.execPath, cli, 'run', '--selector', 'select', program], { encoding: 'utf8', timeout: 40_000 });
    assert.equal(r.status, 0, `exit ${r.status} ${r.signal ?? ''}\n${r.stdout}\n${r.stderr}`);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as {
      before: { saw: string; got: string };
      high: { saw: string; got: string; ms: number }[];
      after: { saw: string; got: string };
      highestHeld: number;
    };
    assert.ok(out.highestHeld >= 1024, `the server held fds only up to ${out.highestHeld}`);
    assert.deepEqual(out.before, { ...out.before, saw: 'close', got: 'hello\n' });
    for (const high of out.high) {
      // The connection ends (EOF, or a reset since its line was never read), well before the hang timeout.
      assert.ok(high.saw === 'close' || high.saw === 'error ECONNRESET', `the client saw ${high.saw} after ${high.ms} ms`);
      assert.equal(high.got, '');
    }
    assert.deepEqual(out.after, { ...out.after, saw: 'close', got: 'hello\n' });
    const refusals = r.stderr.match(/^Connection from 127\.0\.0\.1:\d+ refused and closed: this loop's selector cannot watch its fd (\d+)$/gm) ?? [];
    assert.equal(refusals.length, 2, r.stderr);
    assert.match(r.stderr, /RangeError: SelectSelector cannot watch fd \d+: select\(2\) only handles fds below FD_SETSIZE \(1024\)\. Use PollSelector or EpollSelector/);
    assert.doesNotMatch(r.stderr, /Exception in callback/);
  });
});
