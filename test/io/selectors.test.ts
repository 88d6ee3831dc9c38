// One suite, run against every selector over real socketpairs and pipes.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { EVENT_READ, EVENT_WRITE, EpollSelector, OSError, PollSelector, SelectSelector, UringSelector, type Selector, type SelectorKey } from 'coroscope';
import * as calls from 'coroscope/sys/calls';
import * as libc from 'coroscope/sys/libc';
import { C } from 'coroscope/sys/constants';
import { timeoutMs } from 'coroscope/selectors/base';
import * as koffi from 'koffi';
import { Worker } from 'node:worker_threads';
import { URING_OFF, assertNoLeaks, openFds } from './helpers';

/** Makes a signal interrupt this thread's next blocking call after `ms`: a worker pthread_kills us. */
function interruptAfter(ms: number): Promise<Worker> {
  const self = (koffi.load('libc.so.6').func('unsigned long pthread_self()') as unknown as () => bigint)();
  const worker = new Worker(
    `const { workerData: d } = require('node:worker_threads');
     const kill = require(d.koffi).load('libc.so.6').func('int pthread_kill(unsigned long t, int sig)');
     setTimeout(() => kill(BigInt(d.thread), 12 /* SIGUSR2 */), d.ms);`,
    { eval: true, workerData: { koffi: require.resolve('koffi'), thread: self.toString(), ms } },
  );
  return new Promise((resolve) => worker.once('online', () => resolve(worker)));
}

const kinds: [string, () => Selector<string>][] = [
  ['SelectSelector', () => new SelectSelector<string>()],
  ['PollSelector', () => new PollSelector<string>()],
];
if (libc.has.epoll) kinds.push(['EpollSelector', () => new EpollSelector<string>()]);
// Fds nobody asked it to receive for are epoll's, level-triggered: the same suite holds.
if (URING_OFF === null) kinds.push(['UringSelector', () => new UringSelector<string>()]);

const byte = Buffer.from('x');
const sink = Buffer.alloc(4096);

function ready(sel: Selector<string>, timeout: number | null = 0): [number, number, string][] {
  return sel
    .select(timeout)
    .map(([key, events]) => [key.fd, events, key.data] as [number, number, string])
    .sort((a, b) => a[0] - b[0]);
}

describe('timeouts in milliseconds (poll, epoll_wait)', () => {
  it('round up, so the loop never wakes before its deadline and spins', () => {
    assert.equal(timeoutMs(null), -1);
    assert.equal(timeoutMs(0), 0);
    assert.equal(timeoutMs(-3), 0);
    assert.equal(timeoutMs(1e-7), 1);
    assert.equal(timeoutMs(0.005), 5, '0.005 * 1000 is 5.000000000000001 in floating point');
    assert.equal(timeoutMs(0.0051), 6);
    assert.equal(timeoutMs(1e12), 0x7fffffff);
  });
});

for (const [name, make] of kinds) {
  describe(name, () => {
    let sel: Selector<string>;
    let fds: number[];
    let before: ReturnType<typeof openFds>;

    beforeEach(() => {
      before = openFds();
      sel = make();
      fds = [];
    });
    afterEach(() => {
      sel.close();
      for (const fd of fds) libc.close(fd);
      assertNoLeaks(before, name);
    });

    function pair(): [number, number] {
      const p = calls.socketpair();
      fds.push(...p);
      return p;
    }

    it('reports a socket readable once its peer writes, and not before', () => {
      const [a, b] = pair();
      sel.register(a, EVENT_READ, 'a');
      assert.deepEqual(ready(sel), []);
      libc.send(b, byte, 1, 0);
      assert.deepEqual(ready(sel), [[a, EVENT_READ, 'a']]);
      libc.recv(a, sink, sink.length, 0);
      assert.deepEqual(ready(sel), []);
    });

    it('reports a connected socket writable at once', () => {
      const [a] = pair();
      sel.register(a, EVENT_WRITE, 'w');
      assert.deepEqual(ready(sel), [[a, EVENT_WRITE, 'w']]);
    });

    it('reports both events of one key together', () => {
      const [a, b] = pair();
      sel.register(a, EVENT_READ | EVENT_WRITE, 'rw');
      assert.deepEqual(ready(sel), [[a, EVENT_WRITE, 'rw']]);
      libc.send(b, byte, 1, 0);
      assert.deepEqual(ready(sel), [[a, EVENT_READ | EVENT_WRITE, 'rw']]);
    });

    it('modify() changes the events and the data; getKey() and getMap() follow', () => {
      const [a, b] = pair();
      sel.register(a, EVENT_READ, 'first');
      libc.send(b, byte, 1, 0);
      const key = sel.modify(a, EVENT_WRITE, 'second');
      assert.deepEqual([key.fd, key.events, key.data], [a, EVENT_WRITE, 'second']);
      assert.equal(sel.getKey(a), key);
      assert.deepEqual([...sel.getMap().keys()], [a]);
      assert.deepEqual(ready(sel), [[a, EVENT_WRITE, 'second']]);
      sel.modify(a, EVENT_READ, 'third');
      assert.deepEqual(ready(sel), [[a, EVENT_READ, 'third']]);
    });

    it('unregister() stops reporting and returns the key', () => {
      const [a, b] = pair();
      sel.register(a, EVENT_READ, 'a');
      libc.send(b, byte, 1, 0);
      assert.equal(sel.unregister(a).data, 'a');
      assert.deepEqual(ready(sel), []);
      assert.equal(sel.getKey(a), undefined);
      // and it can be registered again
      sel.register(a, EVENT_READ, 'again');
      assert.deepEqual(ready(sel), [[a, EVENT_READ, 'again']]);
    });

    it('reports a pipe: the read end on data and on EOF, the write end writable', () => {
      const [r, w] = calls.pipe();
      fds.push(r);
      sel.register(r, EVENT_READ, 'r');
      sel.register(w, EVENT_WRITE, 'w');
      assert.deepEqual(ready(sel), [[w, EVENT_WRITE, 'w']]);
      libc.write(w, byte, 1);
      assert.deepEqual(ready(sel), [[r, EVENT_READ, 'r'], [w, EVENT_WRITE, 'w']]);
      assert.equal(libc.read(r, sink, sink.length), 1);
      sel.unregister(w);
      libc.close(w);
      assert.deepEqual(ready(sel), [[r, EVENT_READ, 'r']]); // EOF is readable
      assert.equal(libc.read(r, sink, sink.length), 0);
    });

    it("wakes a writer and a reader when the peer closes", () => {
      const [a, b] = pair();
      sel.register(a, EVENT_READ, 'a');
      libc.close(b);
      fds.splice(fds.indexOf(b), 1);
      assert.deepEqual(ready(sel), [[a, EVENT_READ, 'a']]);
    });

    it('waits the whole timeout when nothing is ready, never less', () => {
      const [a] = pair();
      sel.register(a, EVENT_READ, 'a');
      // How much longer than the timeout is the scheduler's business (and a figure for benchmarks):
      // only "never less" is the selector's.
      for (const timeout of [0.0001, 0.0015, 0.03]) {
        const t0 = performance.now();
        assert.deepEqual(ready(sel, timeout), []);
        const waited = (performance.now() - t0) / 1000;
        assert.ok(waited >= timeout, `select(${timeout}) returned after ${waited}s`);
      }
    });

    it('returns an empty list when a signal interrupts the wait (EINTR), for the loop to retry', { skip: process.platform !== 'linux' }, async () => {
      const [a] = pair();
      sel.register(a, EVENT_READ, 'a');
      const onSignal = () => {};
      process.on('SIGUSR2', onSignal); // without a handler SIGUSR2 would end the process
      const worker = await interruptAfter(100);
      try {
        // The signal comes after 100 ms; returning before the 30 s timeout (never early, as the test
        // above shows) means it ended the wait. Not a speed bound: anything short of 30 s passes.
        const t0 = performance.now();
        assert.deepEqual(ready(sel, 30), []);
        const waited = performance.now() - t0;
        assert.ok(waited < 30_000, `select(30) returned after ${waited} ms: the signal did not interrupt it`);
      } finally {
        await worker.terminate();
        process.removeListener('SIGUSR2', onSignal);
      }
    });

    it('returns at once when an fd is ready, whatever the timeout', () => {
      const [a, b] = pair();
      sel.register(a, EVENT_READ, 'a');
      libc.send(b, byte, 1, 0);
      // Before its 30 s timeout: it did not wait for it (how soon is not this test's business).
      const t0 = performance.now();
      assert.equal(ready(sel, 30).length, 1);
      const waited = performance.now() - t0;
      assert.ok(waited < 30_000, `returned after ${waited} ms, with an fd ready from the start`);
    });

    it('selectInto fills the caller\'s reused arrays with what select() returns, and gives 0 when a signal interrupts the wait', { skip: process.platform !== 'linux' }, async () => {
      const pairs = Array.from({ length: 20 }, () => pair());
      pairs.forEach(([a], i) => sel.register(a, EVENT_READ, `p${i}`));
      const keys: SelectorKey<string>[] = [];
      const events: number[] = [];
      const into = () => {
        const n = sel.selectInto!(0, keys, events);
        return keys.slice(0, n).map((k, i) => [k.fd, events[i], k.data] as [number, number, string]).sort((x, y) => x[0] - y[0]);
      };
      for (const i of [2, 5, 11, 19]) libc.send(pairs[i]![1], byte, 1, 0);
      assert.deepEqual(into(), ready(sel));
      assert.equal(into().length, 4);
      // Fewer ready the next time: the count says how many entries are this call's.
      libc.recv(pairs[5]![0], sink, sink.length, 0);
      libc.recv(pairs[11]![0], sink, sink.length, 0);
      assert.deepEqual(into(), ready(sel));
      assert.deepEqual(into().map(([, , d]) => d), ['p2', 'p19']);
      for (const i of [2, 19]) libc.recv(pairs[i]![0], sink, sink.length, 0);
      const onSignal = () => {};
      process.on('SIGUSR2', onSignal);
      const worker = await interruptAfter(100);
      try {
        const t0 = performance.now();
        assert.equal(sel.selectInto!(30, keys, events), 0);
        assert.ok(performance.now() - t0 < 30_000, 'the signal ended the wait');
      } finally {
        await worker.terminate();
        process.removeListener('SIGUSR2', onSignal);
      }
    });

    it('picks the ready fds out of many', () => {
      const pairs = Array.from({ length: 200 }, () => pair());
      pairs.forEach(([a], i) => sel.register(a, EVENT_READ, `p${i}`));
      for (const i of [3, 77, 199]) libc.send(pairs[i]![1], byte, 1, 0);
      assert.deepEqual(
        ready(sel).map(([, , data]) => data),
        ['p3', 'p77', 'p199'].sort((x, y) => pairs[Number(x.slice(1))]![0] - pairs[Number(y.slice(1))]![0]),
      );
    });

    it('refuses the same fd twice, naming modify()', () => {
      const [a] = pair();
      sel.register(a, EVENT_READ, 'a');
      assert.throws(() => sel.register(a, EVENT_WRITE, 'again'), (err: Error) => {
        assert.equal(err.name, 'RuntimeError');
        assert.match(err.message, new RegExp(`fd ${a} is already registered.*modify\\(\\)`));
        return true;
      });
      assert.equal(sel.getKey(a)!.data, 'a'); // the first registration is untouched
    });

    it('refuses a closed fd with EBADF', () => {
      const [a] = pair();
      const closed = libc.dup(a);
      libc.close(closed);
      assert.throws(() => sel.register(closed, EVENT_READ, 'gone'), (err: OSError) => {
        assert.ok(err instanceof OSError);
        assert.equal(err.errno, C.errno.EBADF);
        assert.equal(err.code, 'EBADF');
        assert.match(err.message, new RegExp(`Bad file descriptor.*fd ${closed}`));
        return true;
      });
      assert.equal(sel.getKey(closed), undefined);
    });

    it('refuses bad arguments and unknown fds', () => {
      const [a] = pair();
      assert.throws(() => sel.register(-1, EVENT_READ, 'x'), RangeError);
      assert.throws(() => sel.register(a, 0, 'x'), RangeError);
      assert.throws(() => sel.register(a, 4, 'x'), RangeError);
      assert.throws(() => sel.unregister(a), /not registered/);
      assert.throws(() => sel.modify(a, EVENT_READ, 'x'), /not registered/);
    });

    it('raises after close(), and close() twice is fine', () => {
      const [a] = pair();
      sel.register(a, EVENT_READ, 'a');
      sel.close();
      sel.close();
      assert.throws(() => sel.select(0), /closed/);
      assert.throws(() => sel.register(a, EVENT_READ, 'a'), /closed/);
      assert.equal(sel.getMap().size, 0);
    });

    it(`${name === 'SelectSelector' ? 'refuses' : 'watches'} an fd above FD_SETSIZE`, () => {
      const [a, b] = pair();
      const high = 1500;
      assert.ok(libc.getNofileLimit().soft > high || libc.setNofileLimit(high + 100) === 0, 'could not raise RLIMIT_NOFILE');
      assert.equal(libc.dup2(a, high), high);
      fds.push(high);
      if (name === 'SelectSelector') {
        assert.throws(() => sel.register(high, EVENT_READ, 'high'), (err: Error) => {
          assert.ok(err instanceof RangeError);
          assert.match(err.message, /fd 1500.*FD_SETSIZE \(1024\).*PollSelector or EpollSelector/);
          return true;
        });
        assert.equal(sel.getMap().size, 0);
        assert.deepEqual(ready(sel), []);
      } else {
        sel.register(high, EVENT_READ, 'high');
        libc.send(b, byte, 1, 0);
        assert.deepEqual(ready(sel), [[high, EVENT_READ, 'high']]);
      }
    });
  });
}
