// The `await` hover on a line where other tasks (not the focused one) are suspended: their futures,
// each by task name (`alice: sleep 30 s · due in 29.7 s; bob: …`), up to a few, then `and N more`.
import type { DebugProtocol } from '@vscode/debugprotocol';
import { UserError } from './errors';
import type { FutureInfo, ProbeClient } from './probe-client';
import type { VariableStore } from './variables';

/** How many other tasks' futures an `await` hover names before `and N more`. */
const AWAIT_HOVER_TASKS = 3;

/** The futures of the tasks (other than `except`) whose innermost await is at `path:line`: `alice: sleep 30 s · due in 29.7 s; bob: …`. */
export async function othersAwaitingAt(probe: ProbeClient, variables: VariableStore, path: string, line: number, except: number | null): Promise<{ result: string; variablesReference: number; type: string }> {
  const { tasks } = await probe.tasks(0, Infinity);
  const there = tasks.filter((t) => t.id !== except && t.state === 'waiting' && t.awaitSite?.line === line && t.awaitSite.file === path);
  if (there.length === 0) throw new UserError(`not suspended at line ${line}`);
  const shown = await Promise.all(there.slice(0, AWAIT_HOVER_TASKS).map(async (t) => ({ t, fut: await probe.call<FutureInfo | null>('awaitedFuture', t.id) })));
  const phrases = shown.map(({ t, fut }) => `${t.name}: ${fut?.summary ?? t.waitingFor}`);
  if (there.length > shown.length) phrases.push(`and ${there.length - shown.length} more`);
  const children = async (): Promise<DebugProtocol.Variable[]> =>
    shown.map(({ t, fut }) => ({ ...variables.jsonVariable(t.name, fut), value: fut?.summary ?? t.waitingFor, type: 'Future' }));
  return { result: phrases.join('; '), type: 'Future', variablesReference: variables.lazy(children) };
}
