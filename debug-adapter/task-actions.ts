// Acting on a task while the program is stopped (shape in extension/ADAPTER-CONVENTIONS.md): cancel
// it with a message, or find the line that created it. From the Tasks view through the custom
// request `coroscope/cancelTask`, and from the Debug Console as `$cancel(task, "message")` and
// `$created(task)`, where task is an id (`3`) or a task's name (`worker`, `"Task-3"`).
import type { ProbeClient } from './probe-client';
import type { TaskAction } from '../runtime/introspection';
import { UserError } from './errors';

export const CANCEL_REQUEST = 'coroscope/cancelTask';

export interface CancelArguments {
  /** The task's id, or its name when no other task has it. */
  task?: number | string;
  message?: string;
}

/** A Debug Console action, parsed: `$cancel(3, "shutting down")`, `$created(worker)`. */
export interface ConsoleAction {
  readonly action: 'cancel' | 'created';
  readonly task: number | string;
  readonly message?: string;
}

const CONSOLE_ACTION = /^\$(cancel|created)\b/;

/** True for text that is meant as a console action (then it must parse, or it is an error). */
export function isConsoleAction(text: string): boolean {
  return CONSOLE_ACTION.test(text);
}

/** Parses a console action; a UserError saying how to write it when it is malformed. */
export function parseConsoleAction(text: string): ConsoleAction {
  const m = /^\$(cancel|created)\(\s*(\d+|"[^"]*"|'[^']*'|[^,()"'\s][^,()]*?)\s*(?:,\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')\s*)?\)\s*$/.exec(text);
  const usage = '$cancel(task, "message") or $created(task), where task is a task id (3) or name ("worker")';
  if (!m) throw new UserError(`cannot read ${JSON.stringify(text)}: write ${usage}`);
  const action = m[1] as 'cancel' | 'created';
  const ref = m[2]!;
  const task = /^\d+$/.test(ref) ? Number(ref) : /^["']/.test(ref) ? ref.slice(1, -1) : ref;
  if (action === 'created' && m[3] !== undefined) throw new UserError(`$created takes only the task: ${usage}`);
  const message = m[3] === undefined ? undefined : (JSON.parse(m[3].startsWith("'") ? `"${m[3].slice(1, -1).replace(/"/g, '\\"').replace(/\\'/g, "'")}"` : m[3]) as string);
  return { action, task, ...(message === undefined ? {} : { message }) };
}

/** Validates the custom request's arguments. */
export function cancelArguments(args: CancelArguments): { task: number | string; message?: string } {
  const task = args.task;
  if (!(typeof task === 'number' && Number.isInteger(task)) && !(typeof task === 'string' && task !== '')) {
    throw new UserError(`${CANCEL_REQUEST}: "task" must be a task id or name (got ${JSON.stringify(task) ?? 'nothing'})`);
  }
  if (args.message !== undefined && typeof args.message !== 'string') throw new UserError(`${CANCEL_REQUEST}: "message" must be a string`);
  return { task, ...(args.message === undefined ? {} : { message: args.message }) };
}

/** Cancels the task; what a person is told (the cancellation happens when the program continues). */
export async function cancelTask(probe: ProbeClient, task: number | string, message: string | undefined): Promise<{ id: number; text: string }> {
  const r = await probe.call<TaskAction>('cancelTask', task, message ?? null);
  if (r.error !== undefined) throw new UserError(`cannot cancel: ${r.error}`);
  const who = `${r.name} (#${r.id})`;
  if (!r.cancelled) return { id: r.id!, text: `${who} is already done: nothing to cancel` };
  const where = r.running ? 'at its next await' : 'at the await it is suspended at';
  return { id: r.id!, text: `cancel requested for ${who}${message ? ` with "${message}"` : ''}: CancelledError is raised ${where} when the program continues` };
}

/** Where the task was created, as the console prints it (a path:line:column the console links). */
export async function createdSite(probe: ProbeClient, task: number | string): Promise<{ text: string; site?: { file: string; line: number; column: number } }> {
  const r = await probe.call<TaskAction>('createdSite', task);
  if (r.error !== undefined) throw new UserError(`$created: ${r.error}`);
  const who = `${r.name} (#${r.id})`;
  if (r.site) return { text: `${who} was created at ${r.site.file}:${r.site.line}:${r.site.column}`, site: r.site };
  // No call the loader marked created it (a callback of the runtime's, or code it did not compile).
  return { text: `${who}: its creating line is not recorded${r.createdAt ? `; its coroutine: ${r.createdAt.split('\n')[0]}` : ''}` };
}
