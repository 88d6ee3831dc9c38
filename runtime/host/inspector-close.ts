// Closing an inspector that `coroscope ps` opened (with SIGUSR1) once ps has hung up. Closing it
// while a client is still connected crashes Node 20 now and then (SIGSEGV), so the close waits
// until no connection is left on the inspector's address, polling with one of Node's timers (this
// is host plumbing, not scheduling: it must run whatever the program's loop does, and it is unref'd
// so it never keeps a finishing program alive).
import { inspectorConnections } from './inspector-socket';

const POLL_MS = 20;
/** After this many polls (5 s) the inspector is closed even with a client still on it (one that never hangs up). */
const GIVE_UP_POLLS = 250;

/** Closes this process's inspector once no client is connected to it; true if one is open. */
export function closeInspectorWhenAlone(): boolean {
  // node:inspector only when asked: a run without a debugger never loads it.
  const inspector = require('node:inspector') as typeof import('node:inspector');
  if (!inspector.url()) return false;
  let polls = 0;
  const timer = setInterval(() => {
    if (inspectorConnections().length > 0 && ++polls < GIVE_UP_POLLS) return;
    clearInterval(timer);
    inspector.close();
  }, POLL_MS);
  timer.unref();
  return true;
}
