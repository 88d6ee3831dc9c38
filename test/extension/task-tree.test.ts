// The Tasks view's tree mode, as a pure function of the adapter's task list: each task under the
// task that created it, a task whose creator is not listed at the top, and with a search the
// matches with their ancestors (marked as shown only for their place).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { taskTree, treeSize, type TaskTreeNode } from '../../extension/task-tree';
import type { TaskInfo } from '../../extension/protocol';

const task = (id: number, name: string, parent?: number): TaskInfo => ({
  id, name, state: 'suspended', wait: { kind: 'timer', text: `sleep ${id} s` }, ...(parent === undefined ? {} : { parent }),
});

const shape = (nodes: readonly TaskTreeNode[]): unknown[] => nodes.map((n) => (n.children.length ? [`${n.task.name}${n.matched ? '' : '?'}`, shape(n.children)] : `${n.task.name}${n.matched ? '' : '?'}`));

test('tree mode: children under their parent in list order; a task whose parent is not listed is a root', () => {
  const tasks = [task(1, 'main'), task(2, 'worker', 1), task(3, 'leaf-a', 2), task(4, 'leaf-b', 2), task(5, 'victim', 1), task(9, 'orphan', 7)];
  assert.deepEqual(shape(taskTree(tasks)), [['main', [['worker', ['leaf-a', 'leaf-b']], 'victim']], 'orphan']);
  assert.equal(treeSize(taskTree(tasks)), 6);
});

test('tree mode with a search: the matches and their ancestors; an ancestor that does not match is marked', () => {
  const tasks = [task(1, 'main'), task(2, 'worker', 1), task(3, 'leaf-a', 2), task(4, 'leaf-b', 2), task(5, 'victim', 1)];
  assert.deepEqual(shape(taskTree(tasks, 'leaf-b')), [['main?', [['worker?', ['leaf-b']]]]]);
  assert.equal(treeSize(taskTree(tasks, 'leaf-b')), 3);
  assert.deepEqual(taskTree(tasks, 'nothing-like-this'), []);
});
