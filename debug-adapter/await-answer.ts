// The `await` hover on a line where other tasks (not the focused one) are suspended: what each
// awaits there, by task name (`alice: sleep 30 s · due in 29.7 s; bob: …`), up to a few, then
// `and N more`. The probe finds them (suspendedAt), so the hover does not list every task.
import type { DebugProtocol } from '@vscode/debugprotocol';
import { UserError } from './errors';
import type { ProbeClient, SuspendedAt } from './probe-client';
import type { VariableStore } from './variables';

/** How many other tasks an `await` hover names before `and N more`. */
const AWAIT_HOVER_TASKS = 3;

/** The answer for the tasks (but `except`) suspended at `path:line`; an error response when there are none. */
export async function othersAwaitingAt(probe: ProbeClient, variables: VariableStore, path: string, line: number, except: number | null): Promise<{ result: string; variablesReference: number; type: string }> {
  const { total, tasks } = await probe.call<{ total: number; tasks: SuspendedAt[] }>('suspendedAt', path, line, except, AWAIT_HOVER_TASKS);
  if (total === 0) throw new UserError(`not suspended at line ${line}`);
  const phrases = tasks.map((t) => `${t.name}: ${t.awaits}`);
  if (total > tasks.length) phrases.push(`and ${total - tasks.length} more`);
  const children = async (): Promise<DebugProtocol.Variable[]> =>
    tasks.map((t) => ({ ...variables.jsonVariable(t.name, t.future ?? { awaits: t.awaits }), value: t.awaits, type: 'Future' }));
  return { result: phrases.join('; '), type: 'Future', variablesReference: variables.lazy(children) };
}
