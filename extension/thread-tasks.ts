// The Tasks view's fallback for an adapter that does not answer `coroscope/tasks`: tasks rebuilt
// from DAP threads, whose names say what each task waits on, then its coroutine
// ("Task-3 ⏸ recv fd 9 · handle(conn)", "Task-1 ▶ running · main()"). Only the threads under the adapter's cap are there. Pure, unit-tested.
import type { TaskInfo, WaitKind } from './protocol';

/** The wait kind a thread name's reason reads as. */
export function waitKindOf(reason: string): { kind: WaitKind; events?: 'read' | 'write' } {
  const r = reason.toLowerCase();
  if (/^(sleep|timer)\b/.test(r)) return { kind: 'timer' };
  if (/\b(recv|read|accept|readable)\b/.test(r)) return { kind: 'fd', events: 'read' };
  if (/\b(send|write|connect|drain|writable)\b/.test(r)) return { kind: 'fd', events: 'write' };
  if (/^gather\b/.test(r)) return { kind: 'gather' };
  if (/^(wait|waitfor|wait_for)\b/.test(r)) return { kind: 'wait' };
  if (/\b(queue|lock|event|semaphore|condition|barrier)\b/.test(r)) return { kind: 'primitive' };
  if (/\bpromise\b/.test(r)) return { kind: 'promise' };
  if (/\b(nobody|never|nothing)\b/.test(r)) return { kind: 'nothing' };
  if (/\btask\b|^task-\d+/.test(r)) return { kind: 'task' };
  return { kind: 'other' };
}

/** A task from a thread, or undefined for a thread that is not a task (the "event loop" thread). */
export function taskFromThread(thread: { id: number; name: string }, location?: TaskInfo['location']): TaskInfo | undefined {
  const waiting = /^(.*?)\s*⏸\s*(.*?)(?: · ([\w$.]+\(.*\)|[\w$.]+))?$/.exec(thread.name);
  if (waiting) {
    const [, name, reason, coroutine] = waiting as unknown as [string, string, string, string | undefined];
    return { id: thread.id, name, ...(coroutine ? { coroutine } : {}), state: 'suspended', wait: { ...waitKindOf(reason), text: reason }, threadId: thread.id, ...(location ? { location } : {}) };
  }
  const active = /^(.*?)\s*▶\s*(running|ready)\b(?: · (.*))?$/.exec(thread.name);
  if (active) {
    const [, name, state, coroutine] = active as unknown as [string, string, 'running' | 'ready', string | undefined];
    return { id: thread.id, name, ...(coroutine ? { coroutine } : {}), state, wait: { kind: 'none', text: state }, threadId: thread.id, ...(location ? { location } : {}) };
  }
  return undefined;
}
