// The probe's paged reads, which let the debugger list a loop of thousands of tasks a page at a
// time: tasks(offset, count, threadLimit), loopCounters() and loopList(kind, offset, count), and
// threadRows(), the packed form of threads() (fake clock, so times are exact).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventLoop, FakeClock, FakeSelector, run, sleep, createTask } from 'coroscope';
import type { probe as Probe } from 'coroscope/introspection';

const probe = (globalThis as Record<symbol, unknown>)[Symbol.for('coroscope.probe')] as typeof Probe;

function fakeLoop(): EventLoop {
  const clock = new FakeClock();
  return new EventLoop({ clock, selector: new FakeSelector(clock) });
}

async function sleeper(seconds: number): Promise<void> {
  await sleep(seconds);
}

/** Runs `look` while 250 tasks sleep 1..250 s (main is Task-1), and returns what it saw. */
function withSleepers<T>(look: () => T): Promise<T> {
  probe.attach();
  let seen: T | undefined;
  async function main(): Promise<void> {
    const tasks = Array.from({ length: 250 }, (_, i) => createTask(sleeper(i + 1), { name: `s${i + 1}` }));
    await sleep(0);
    seen = look();
    for (const t of tasks) t.cancel();
  }
  return run(main(), { loopFactory: fakeLoop }).then(() => {
    probe.detach();
    return seen!;
  });
}

test('loopCounters counts the lists; loopList gives a page of one, naming the tasks its items wake', () =>
  withSleepers(() => ({ counters: probe.loopCounters(), last: probe.loopList('timers', 240, 100), ready: probe.loopList('ready', 0, 10) })).then(({ counters, last, ready }) => {
    assert.equal(counters?.timerCount, 250);
    assert.equal(counters?.taskCount, 251);
    assert.equal(counters?.readerCount, 0);
    assert.ok(!('timers' in counters!), 'no list is described');
    assert.equal(last?.total, 250);
    assert.equal(last?.items.length, 10, 'the page stops at the end of the list');
    assert.deepEqual(last?.owners.map((t) => t.name), Array.from({ length: 10 }, (_, i) => `s${241 + i}`));
    assert.deepEqual(ready, { total: 0, items: [], owners: [] });
    assert.throws(() => probe.loopList('fds' as 'ready'), /^TypeError: loopList: no list 'fds' \(ready, timers, readers or writers\)$/);
  }));

test('tasks(offset, count, threadLimit) summarises the page alone and says which of it are threads', () =>
  withSleepers(() => ({ page: probe.tasks(200, 100, 150), threads: probe.threads(150), rows: probe.threadRows(150) })).then(({ page, threads, rows }) => {
    assert.equal(page.total, 251);
    assert.deepEqual(page.tasks.map((t) => t.name), Array.from({ length: 51 }, (_, i) => `s${200 + i}`));
    const shown = new Set(threads.threads.map((t) => t.id));
    assert.deepEqual(page.threads, page.tasks.filter((t) => shown.has(t.id)).map((t) => t.id));
    // threadRows is threads() packed: every field a thread's name is made of, definedAt once per function.
    assert.equal(rows.total, threads.total);
    assert.equal(rows.sites.length, 2, rows.sites.join(', '));
    assert.deepEqual(
      rows.rows.map(([id, name, coroutine, state, waitingFor, site]) => ({ id, name, coroutine, state, waitingFor, definedAt: rows.sites[site] })),
      threads.threads.map(({ id, name, coroutine, state, waitingFor, definedAt }) => ({ id, name, coroutine, state, waitingFor, definedAt })),
    );
  }));
