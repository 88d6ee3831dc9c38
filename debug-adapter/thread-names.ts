// What a task is called where a person reads it: thread names (`alice ⏸ sleep 0.25 s ·
// kvClient(who, port)`), and labels in the loop's sets and the Tasks view (`alice kvClient(who, port)`).
import { parameterNames } from './signatures';

/** `Task-3 handle(conn)`: the task's name and its coroutine with its parameters (just one of them when they are the same). */
export function taskLabel(t: { name: string; coroutine: string; definedAt?: string }): string {
  const coroutine = coroutineLabel(t);
  if (t.name === t.coroutine) return coroutine;
  return namesItsCoroutine(t) ? t.name : `${t.name} ${coroutine}`;
}

/** The task's name already says its coroutine: a task named after it, or `serveConnection 127.0.0.1:50772`. */
function namesItsCoroutine(t: { name: string; coroutine: string }): boolean {
  return t.name === t.coroutine || t.name.startsWith(`${t.coroutine} `);
}

/** `handle(conn)`: the coroutine with its parameter names, when the loader recorded its definition. */
export function coroutineLabel(t: { coroutine: string; definedAt?: string }): string {
  // A module body that awaits (the loader names it `<module>`) has no parameter list.
  const params = t.definedAt && t.coroutine !== '<module>' ? parameterNames(t.definedAt) : null;
  return params === null ? t.coroutine : `${t.coroutine}(${params})`;
}

/**
 * `alice ⏸ sleep 0.25 s · kvClient(who, port)`, `Task-1 ▶ running · main()`: the task's name, then
 * what it waits on, then its coroutine. The wait comes before the parameter list because a side bar
 * cuts a thread name at its end, and the wait is what a person looks for. The coroutine is left out
 * where the name already says it (`ticker ⏸ sleep 0.25 s`, `serveConnection 127.0.0.1:50772 ⏸ …`);
 * the Task scope has its parameters.
 */
export function threadName(t: { name: string; coroutine: string; state: string; waitingFor: string; definedAt?: string; verdict?: string }): string {
  const tail = namesItsCoroutine(t) ? '' : ` · ${coroutineLabel(t)}`;
  if (t.state === 'waiting') return `${t.name} ⏸ ${waitText(t)}${tail}`;
  if (t.state === 'running') return `${t.name} ▶ running${tail}`;
  if (t.state === 'ready') return `${t.name} ▶ ready${tail}`;
  return `${t.name} (${t.waitingFor})${tail}`;
}

/**
 * What a waiting task's name says it waits on: the wait (`sleep 0.25 s`, `recv fd 9`), except on a
 * Lock, Event, Queue, ... (`Lock`, `Queue.get`), where the verdict's first clause says more and stays
 * short: `Lock a held by c2 (pipeline.ts:35)`, `Queue jobs empty · no producer left`. The rest of the
 * verdict (the chain) is in the Task scope.
 */
function waitText(t: { waitingFor: string; verdict?: string }): string {
  if (!t.verdict || !/^[A-Z]\w*(\.\w+)?$/.test(t.waitingFor)) return t.waitingFor;
  const first = t.verdict.split(', which ')[0]!;
  return first.length <= 60 ? first : t.waitingFor;
}
