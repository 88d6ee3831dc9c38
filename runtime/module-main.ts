// Top-level await: the loader compiles a module whose body awaits into a coroutine and calls
// topLevelAwait with it (loader/module-body.ts). The entry module's body is the program's main task,
// as if it were run(main()): named `main`, on a new loop (or the one earlier modules started),
// which is closed when it ends. Any other module's body is one more task on that same loop:
//  - imported before the program's loop runs (a static import): the loop runs until every such
//    body has finished, then stops, and the entry's main task (or run()) takes it over;
//  - imported while a loop runs (a dynamic `import()` in a task): a task on that loop.
// An ES module awaits the returned promise, so its importers see it finished. A CommonJS module
// cannot await, so only the entry may: any other one is a clear error.
import { basename } from 'node:path';
import type { Coroutine } from './coroutine';
import { RuntimeError } from './errors';
import { EventLoop } from './event-loop';
import { runMainTask } from './runner';
import { markModuleBody, peekModuleLoop, peekRunningLoop, setModuleLoop, takeModuleLoop } from './running';
import { formatSite, siteOf } from './sites';
import type { Task } from './task';

let entryFile: string | null = null;
/** Bodies of modules imported before the program's loop ran; the loop stops when all are done. */
const pending = new Set<Task<unknown>>();

/** @internal The CLI names the program's entry module (its real path). */
export function setEntryModule(file: string): void {
  entryFile = file;
}

/** @internal What a compiled module with top-level await calls (as `__cs.tla`). */
export function topLevelAwait(body: Coroutine<unknown>, filename: string, esm: boolean, site: number): Promise<unknown> {
  const entry = filename === entryFile;
  if (!esm && !entry) {
    body.close();
    throw new RuntimeError(`top-level await in ${formatSite(siteOf(site))}: this CommonJS module is not the program's entry, and whoever requires it would get it unfinished`, {
      hint: 'make it an ES module (.mts, or "type": "module" in its package.json), or move the awaits into an async function',
    });
  }
  const running = peekRunningLoop();
  if (running === null && entry) return runMainTask(takeModuleLoop() ?? new EventLoop(), body, 'main', markModuleBody);
  const name = entry ? 'main' : basename(filename);
  if (running !== null && running !== peekModuleLoop()) {
    // A dynamic import from a task: the body is a task of that loop, the import waits for it.
    const task = running.createTask(body, { name });
    markModuleBody(task);
    return running._futureToPromise(task);
  }
  let loop = peekModuleLoop();
  if (loop === null) setModuleLoop((loop = new EventLoop()));
  const task = loop.createTask(body, { name });
  markModuleBody(task);
  pending.add(task);
  task.addDoneCallback(() => {
    pending.delete(task);
    if (pending.size === 0) loop.stop();
  });
  const result = loop._futureToPromise(task);
  // The loop is stopped between imports (it stops when the last pending body ends, before the
  // importer of that module is evaluated): start it again.
  if (!loop.isRunning()) void loop.runForever();
  return result;
}
