// The "Event loop" scope: the loop as a user reads it, counters first (iteration, time, what woke
// it), then the ready queue, timers, readers and writers, and every task, each naming its task.
// The first level carries counts only; each list is paged (indexedVariables, then `variables`
// with start/count), and a page is one probe call for just that slice, so a loop with 10,000
// tasks lists as fast as one with ten, and every item is reachable.
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { FdInfo } from '../runtime/snapshot';
import type { HandleInfo, LoopCounters, LoopListKind, ProbeClient } from './probe-client';
import { taskLabel, threadName } from './stop-view';
import type { VariableStore } from './variables';

export async function loopScope(probe: ProbeClient, variables: VariableStore): Promise<DebugProtocol.Variable[]> {
  const loop = await probe.loopCounters();
  if (!loop) return [{ name: 'loop', value: 'no event loop is running', variablesReference: 0 }];
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
  const list = (kind: LoopListKind, total: number) => v.pagedVariable(kind, `${total}`, total, (start, count) => loopItems(probe, v, kind, start, count));
  vars.push(list('ready', loop.readyCount), list('timers', loop.timerCount), list('readers', loop.readerCount), list('writers', loop.writerCount));
  vars.push(
    v.pagedVariable('tasks', `${loop.taskCount}`, loop.taskCount, async (start, count) => {
      const page = await probe.tasks(start, count);
      return page.tasks.map((t) => ({ ...v.jsonVariable(t.name, t), value: threadName(t) }));
    }),
  );
  return vars;
}

/** One page of a loop list, each item named by the task it wakes (`→ Task-3 handle(conn)`). */
async function loopItems(probe: ProbeClient, v: VariableStore, kind: LoopListKind, start: number, count: number): Promise<DebugProtocol.Variable[]> {
  const page = await probe.loopList(kind, start, count);
  if (!page) return [];
  const names = new Map(page.owners.map((t) => [t.id, taskLabel(t)]));
  const owner = (h: HandleInfo | null): string => (h?.task !== undefined ? ` → ${names.get(h.task) ?? `task #${h.task}`}` : '');
  // A socket's addresses lead the value: `127.0.0.1:8080 ↔ 127.0.0.1:51234 · recv fd 9 → Task-2 ...`; the
  // runtime's repr of each handle (`Handle SocketTransport.readReady(fd 9)`) is in its expansion.
  // A TLS connection says so after its addresses: `… ↔ 127.0.0.1:8443 · TLS 1.3 · peer CN=localhost · recv fd 9 …`.
  // (Not when the handler's label says it already: `TLS handshake fd 9 → Task-2 ...`.)
  const sock = (f: FdInfo, label: string) => (f.peername ? `${f.sockname ?? '?'} ↔ ${f.peername} · ` : f.sockname ? `${f.sockname} · ` : '') + (f.tls && !label.startsWith(f.tls) ? `${f.tls} · ` : '');
  return page.items.map((item, i) => {
    if ('fd' in item) {
      const h = (kind === 'readers' ? item.reader : item.writer)!;
      return { ...v.jsonVariable(`fd ${item.fd}`, item), value: `${sock(item, h.label)}${h.label}${owner(h)}` };
    }
    const due = kind === 'timers' ? `due in ${(item.dueIn ?? 0).toFixed(3)} s: ` : '';
    return { ...v.jsonVariable(`[${start + i}]`, item), value: `${due}${item.label}${owner(item)}` };
  });
}

/** `412 waits: 380 ended by fds, 30 by timeouts · 2 iterations did not wait · 395 host turns`. */
function wakeupSummary(w: LoopCounters['wakeups']): string {
  const waits = w.byFd + w.byTimeout;
  return `${waits} waits: ${w.byFd} ended by fds, ${w.byTimeout} by timeouts · ${w.noWait} iterations did not wait · ${w.hostTurns} host turns`;
}
