// What `coroscope ps` and `pstree` print, from hand-made snapshots: the rows, the tree (a task whose
// creator is done hangs from the top), the await cycles reported instead of a tree, and the
// verdict preferred to the wait when the snapshot has one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { awaitCycles, renderPs, renderPstree } from 'coroscope/ps-render';
import type { FutureInfo, Snapshot, TaskInfo } from 'coroscope/snapshot';

function task(id: number, name: string, parent: number | null, extra: Partial<TaskInfo> = {}): TaskInfo {
  return {
    id,
    name,
    coroutine: name,
    state: 'waiting',
    waitingFor: 'sleep 1 s',
    verdict: '',
    waitKind: 'timer',
    futureState: 'PENDING',
    cancelling: 0,
    stack: [{ depth: 0, name: `${name}Fn`, state: 'SUSPENDED', file: '/app/src/prog.ts', line: id * 10 }],
    awaiting: null,
    awaitedBy: [],
    parent,
    children: [],
    createdAt: null,
    repr: '',
    awaitSite: { file: '/app/src/prog.ts', line: id * 10, column: 3 },
    ...extra,
  };
}

function snapshot(tasks: TaskInfo[], futures: Partial<FutureInfo>[] = []): Snapshot {
  return { version: 1, currentTask: null, loop: null, tasks, futures: futures as FutureInfo[] };
}

test('ps: a header and one row per task, paths relative to the working directory, the verdict when there is one', () => {
  const s = snapshot([task(1, 'main', null), task(2, 'worker', 1, { verdict: 'wakes in 0.5 s' })]);
  assert.equal(
    renderPs(s, { cwd: '/app' }),
    [
      'id  name    state    at              verdict         await chain',
      '1   main    waiting  src/prog.ts:10  sleep 1 s       mainFn src/prog.ts:10',
      '2   worker  waiting  src/prog.ts:20  wakes in 0.5 s  workerFn src/prog.ts:20',
      '',
    ].join('\n'),
  );
  assert.equal(renderPs(snapshot([])), 'no tasks\n');
  const many = { ...s, loop: { taskCount: 1500 } as Snapshot['loop'] };
  assert.match(renderPs(many), /\n… and 1498 more tasks \(the snapshot carries the first 2\)\n$/);
});

test('pstree: children under their parent, each with its chain; an orphan hangs from the top', () => {
  const s = snapshot([task(1, 'main', null), task(2, 'a', 1), task(3, 'b', 1), task(4, 'a1', 2), task(9, 'orphan', 7)]);
  const { text, cycles } = renderPstree(s, { cwd: '/app' });
  assert.equal(cycles, 0);
  assert.equal(
    text,
    [
      'main #1 (waiting) · sleep 1 s',
      '│     mainFn src/prog.ts:10',
      '├── a #2 (waiting) · sleep 1 s',
      '│   │     aFn src/prog.ts:20',
      '│   └── a1 #4 (waiting) · sleep 1 s',
      '│             a1Fn src/prog.ts:40',
      '└── b #3 (waiting) · sleep 1 s',
      '          bFn src/prog.ts:30',
      'orphan #9 (waiting) · sleep 1 s',
      '      orphanFn src/prog.ts:90',
      '',
    ].join('\n'),
  );
});

test('pstree: await cycles (through a task, and through a gather) instead of a tree, each once', () => {
  const s = snapshot(
    [task(1, 'main', null), task(2, 'c1', 1, { awaiting: 3 }), task(3, 'c2', 1, { awaiting: 10 }), task(4, 'x', 1, { awaiting: 5 }), task(5, 'y', 1, { awaiting: 4 })],
    [{ id: 10, waitReason: { kind: 'gather', children: [2, 11] } }],
  );
  assert.deepEqual(awaitCycles(s), [[2, 3], [4, 5]]);
  const { text, cycles } = renderPstree(s);
  assert.equal(cycles, 2);
  assert.equal(text, 'the tasks await each other in a cycle, so there is no tree:\ncycle: c1 → c2 → c1\ncycle: x → y → x\n');
  // No cycle: a chain of awaits is a tree.
  assert.deepEqual(awaitCycles(snapshot([task(1, 'a', null, { awaiting: 2 }), task(2, 'b', 1)])), []);
});
