// Native code awaiting our awaitables: a `.then` callback on a Task, a coroutine or a Future runs
// on the turn after it completes, as a native promise's would, not when the loop next sleeps.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Coroutine, createTask, getRunningLoop, sleep } from 'coroscope';
import { SELECTORS, runOn } from './helpers';

for (const selector of SELECTORS) {
  describe(`.then on our awaitables (${selector})`, () => {
    it('runs right after the task, coroutine or future is done, while main still sleeps', () =>
      runOn(selector, async () => {
        const log: string[] = [];
        async function quick(name: string): Promise<string> {
          await sleep(0.01);
          log.push(`${name} done`);
          return name;
        }
        const loop = getRunningLoop();
        const task = createTask(quick('task'));
        task.then((v) => log.push(`then ${v}`));
        const coro = quick('coroutine') as unknown as Coroutine<string>;
        coro.then((v) => log.push(`then ${v}`));
        const fut = loop.createFuture<string>();
        fut.then((v) => log.push(`then ${v}`));
        loop.callLater(0.02, () => {
          fut.setResult('future');
          log.push('future done');
        });
        // A timer's callback runs in the iteration it fires in, before any host turn that follows.
        loop.callLater(0.2, () => log.push('timer at 0.2'));
        await sleep(1);
        log.push('main done');
        // Each callback comes after its awaitable is done and before the timer at 0.2 fires.
        const at = (line: string) => log.indexOf(line);
        for (const name of ['task', 'coroutine', 'future']) {
          assert.ok(at(`${name} done`) >= 0 && at(`${name} done`) < at(`then ${name}`), log.join(', '));
          assert.ok(at(`then ${name}`) < at('timer at 0.2'), log.join(', '));
        }
        assert.deepEqual(log.slice(-2), ['timer at 0.2', 'main done']);
      }));
  });
}
