// The "Event loop" scope: the loop as a user reads it, counters first (iteration, time, what woke
// it), then the ready queue, timers, readers and writers, and every task, each naming its task.
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { FdInfo } from '../runtime/snapshot';
import type { HandleInfo, LoopInfo, ProbeClient } from './probe-client';
import { taskLabel, threadName } from './stop-view';
import type { VariableStore } from './variables';

export async function loopScope(probe: ProbeClient, variables: VariableStore): Promise<DebugProtocol.Variable[]> {
  const loop = await probe.loop(0, 1000);
  if (!loop) return [{ name: 'loop', value: 'no event loop is running', variablesReference: 0 }];
  const page = await probe.tasks(0, 1000);
  const names = new Map(page.tasks.map((t) => [t.id, taskLabel(t)]));
  const owner = (h: HandleInfo | null): string => (h?.task !== undefined ? ` → ${names.get(h.task) ?? `task #${h.task}`}` : '');
  const v = variables;
  const vars: DebugProtocol.Variable[] = [
    v.jsonVariable('iteration', loop.iteration),
    v.jsonVariable('time', loop.time, `${loop.time.toFixed(3)} s`),
    v.jsonVariable('running', loop.running),
    v.jsonVariable('selector', loop.selector),
    v.jsonVariable('lastIteration', loop.lastIteration, `${loop.lastIteration.fdsReady} fds ready, ${loop.lastIteration.timersFired} timers fired, ${loop.lastIteration.callbacksRun} callbacks run`),
    v.jsonVariable('wakeups', loop.wakeups, wakeupSummary(loop.wakeups)),
    v.jsonVariable('pendingPromises', loop.pendingPromises),
  ];
  const list = (name: string, total: number, items: [string, string, unknown][]): DebugProtocol.Variable => {
    const ref = items.length === 0 ? 0 : v.lazy(async () => items.map(([n, value, detail]) => ({ ...v.jsonVariable(n, detail), value })));
    return { name, value: `${total}`, variablesReference: ref, ...(items.length > 100 ? { indexedVariables: items.length } : {}) };
  };
  vars.push(list('ready', loop.readyCount, loop.ready.map((h, i) => [`[${i}]`, `${h.label}${owner(h)}`, h])));
  vars.push(list('timers', loop.timerCount, loop.timers.map((h, i) => [`[${i}]`, `due in ${(h.dueIn ?? 0).toFixed(3)} s: ${h.label}${owner(h)}`, h])));
  // A socket's addresses lead the value: `127.0.0.1:8080 ↔ 127.0.0.1:51234 · recv fd 9 → Task-2 ...`; the
  // runtime's repr of each handle (`Handle SocketTransport.readReady(fd 9)`) is in its expansion.
  const sock = (f: FdInfo) => (f.peername ? `${f.sockname ?? '?'} ↔ ${f.peername} · ` : f.sockname ? `${f.sockname} · ` : '');
  vars.push(list('readers', loop.fds.filter((f) => f.reader).length, loop.fds.filter((f) => f.reader).map((f) => [`fd ${f.fd}`, `${sock(f)}${f.reader!.label}${owner(f.reader)}`, f])));
  vars.push(list('writers', loop.fds.filter((f) => f.writer).length, loop.fds.filter((f) => f.writer).map((f) => [`fd ${f.fd}`, `${sock(f)}${f.writer!.label}${owner(f.writer)}`, f])));
  vars.push(list('tasks', page.total, page.tasks.map((t) => [`${t.name}`, threadName(t), t])));
  return vars;
}

/** `412 waits: 380 ended by fds, 30 by timeouts · 2 iterations did not wait · 395 host turns`. */
function wakeupSummary(w: LoopInfo['wakeups']): string {
  const waits = w.byFd + w.byTimeout;
  return `${waits} waits: ${w.byFd} ended by fds, ${w.byTimeout} by timeouts · ${w.noWait} iterations did not wait · ${w.hostTurns} host turns`;
}
