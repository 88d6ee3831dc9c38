// Source sites registered by the loader: where each coroutine function is defined and where each
// `await` is. Tasks record the site of the await each coroutine is suspended at, which gives
// tracebacks and the debugger the whole await chain in the user's TypeScript lines, at no cost
// beyond one store per await.

/** A place in a user's source file (1-based line and column, in the original TypeScript). */
export interface Site {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** The coroutine function the site is in (or defines). */
  readonly functionName: string;
}

const table: Site[] = [];

/** Registers a module's sites, given as [line, column, functionName] triples; returns the first id. */
export function registerSites(file: string, entries: ReadonlyArray<readonly [number, number, string]>): number {
  const base = table.length;
  for (const [line, column, functionName] of entries) table.push(Object.freeze({ file, line, column, functionName }));
  return base;
}

export function siteOf(id: number): Site | undefined {
  return id >= 0 ? table[id] : undefined;
}

/** The await site most recently passed (set just before a coroutine yields to its task). */
export let lastAwaitSite = -1;

/** Marks `value` as awaited at site `id`; the loader wraps every `await` operand in this. */
export function awaitAt<T>(value: T, id: number): T {
  lastAwaitSite = id;
  return value;
}

/** Reads and clears the last await site. */
export function takeAwaitSite(): number {
  const id = lastAwaitSite;
  lastAwaitSite = -1;
  return id;
}

export function formatSite(site: Site | undefined): string {
  return site ? `${site.file}:${site.line}:${site.column}` : '<unknown>';
}

/**
 * The site of the task-creating call being made (`createTask(...)`, `gather(...)`, `tg.createTask(...)`):
 * compiled code sets it once the call's arguments are evaluated and clears it when the call returns,
 * so a task knows the line that created it without a stack capture. -1 outside such a call.
 */
export let creationSite = -1;

/** Marks the call whose last argument is `value` as a task-creating call at site `id` (see creationSite). */
export function creatingAt<T>(value: T, id: number): T {
  creationSite = id;
  return value;
}

/** Ends a task-creating call: returns its result and forgets the site. */
export function createdBy<T>(result: T): T {
  creationSite = -1;
  return result;
}

/** Reads and clears the creation site (each task of a call takes it; gather sets it again per child). */
export function takeCreationSite(): number {
  const id = creationSite;
  creationSite = -1;
  return id;
}

/** Sets the creation site again (gather: every child it wraps in a task was created by its call). */
export function setCreationSite(id: number): void {
  creationSite = id;
}
