// The task tree and creation sites: each task knows the task that created it (a TaskGroup member:
// the group's task, whichever task adds it) and the line that created it, recorded as a site id by
// the loader (no stack capture) for createTask, gather and tg.createTask. Tasks awaiting each other
// in a circle have a repr that ends the circle with `...` (as CPython's recursive_repr), and
// cancelling one of them breaks the circle instead of overflowing the stack.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventLoop, FakeClock, FakeSelector, run, sleep, createTask, gather, taskGroup, type Task } from 'coroscope';
import type { probe as Probe } from 'coroscope/introspection';

const probe = (globalThis as Record<symbol, unknown>)[Symbol.for('coroscope.probe')] as typeof Probe;

function fakeLoop(): EventLoop {
  const clock = new FakeClock();
  return new EventLoop({ clock, selector: new FakeSelector(clock) });
}

test('parent, children and creation lines: createTask, gather children, TaskGroup members (added by a sibling too)', () => {
  let seen: ReturnType<typeof probe.snapshot> | undefined;
  async function leaf(s: number): Promise<void> {
    await sleep(s);
  }
  async function fan(): Promise<void> {
    await gather(leaf(10), leaf(11));
  }
  async function adder(tg: { createTask(c: unknown, o?: { name?: string }): unknown }): Promise<void> {
    tg.createTask(leaf(12), { name: 'sibling' });
    await sleep(10);
  }
  async function grouped(): Promise<void> {
    await taskGroup(async (tg) => {
      tg.createTask(adder(tg), { name: 'adder' });
    });
  }
  async function main(): Promise<void> {
    createTask(fan(), { name: 'fan' });
    createTask(grouped(), { name: 'grouped' });
    await sleep(1);
    seen = probe.snapshot();
  }
  return run(main(), { loopFactory: fakeLoop }).then(() => {
    const tasks = seen!.tasks;
    const byName = new Map(tasks.map((t) => [t.name, t]));
    const name = (id: number | null) => tasks.find((t) => t.id === id)?.name ?? null;
    const line = (n: string) => Number(/:(\d+):\d+$/.exec(byName.get(n)!.createdAt ?? '')?.[1]);
    assert.equal(byName.get('fan')!.parent, byName.get('Task-1')?.id ?? tasks.find((t) => t.coroutine === 'main')!.id);
    const fanChildren = byName.get('fan')!.children.map(name);
    assert.equal(fanChildren.length, 2);
    for (const child of fanChildren) assert.equal(line(child!), 24, `${child} was created by the gather on line 24`);
    // The sibling was added by `adder`, a member: its parent is still the group's task.
    assert.equal(name(byName.get('sibling')!.parent), 'grouped');
    assert.equal(name(byName.get('adder')!.parent), 'grouped');
    assert.deepEqual(byName.get('grouped')!.children.map(name).sort(), ['adder', 'sibling']);
    assert.equal(line('sibling'), 27);
    assert.equal(line('adder'), 32);
    assert.equal(line('fan'), 36);
    assert.equal(line('grouped'), 37);
  });
});

test('summaries carry parent and the creation site as a position', () => {
  let summaries: ReturnType<typeof probe.summaries> = [];
  async function child(): Promise<void> {
    await sleep(1);
  }
  async function main(): Promise<void> {
    const t = createTask(child(), { name: 'child' });
    await sleep(0);
    summaries = probe.summaries([t.id]);
    t.cancel();
  }
  return run(main(), { loopFactory: fakeLoop }).then(() => {
    const [s] = summaries;
    assert.equal(typeof s!.parent, 'number');
    assert.deepEqual(s!.createdSite, { file: __filename, line: 67, column: 15 });
  });
});

test('tasks awaiting each other: the repr closes the circle with ..., and cancel() breaks the circle', () => {
  let repr = '';
  const ended: string[] = [];
  async function main(): Promise<void> {
    let second: Task<void> | null = null;
    async function first(): Promise<void> {
      await sleep(0);
      await second!;
    }
    async function other(peer: Task<void>): Promise<void> {
      await peer;
    }
    const c1 = createTask(first(), { name: 'c1' });
    second = createTask(other(c1), { name: 'c2' });
    await sleep(1);
    repr = c1.toString();
    assert.equal(c1.cancel('stop'), true);
    await sleep(0);
    await sleep(0);
    ended.push(`c1 ${c1.cancelled()}`, `c2 ${second.cancelled()}`);
  }
  return run(main(), { loopFactory: fakeLoop }).then(() => {
    assert.deepEqual(ended, ['c1 true', 'c2 true']);
    // CPython's order: name, coro, wait_for, then the callbacks.
    assert.match(repr, /^<Task pending name='c1' coro=<first\(\) running at \S+:\d+> wait_for=<Task pending name='c2' coro=<other\(\) running at \S+:\d+> wait_for=\.\.\. cb=\[Task\.wakeup\]> cb=\[Task\.wakeup\]>$/);
  });
});

test('a task-creating call that fails leaves no creation line behind for the next task', () => {
  let created: ReturnType<typeof probe.summaries> = [];
  async function child(): Promise<void> {
    await sleep(1);
  }
  async function main(): Promise<void> {
    assert.throws(() => createTask(5 as never), /a coroutine was expected/);
    // Created through an alias: no call the loader marks, so no creating line (not the failed call's).
    const spawn = createTask;
    const t = spawn(child(), { name: 'aliased' });
    created = probe.summaries([t.id]);
    t.cancel();
  }
  return run(main(), { loopFactory: fakeLoop }).then(() => {
    assert.equal(created[0]!.name, 'aliased');
    assert.equal(created[0]!.createdSite, undefined);
  });
});
