// Stop ends the debuggee as Ctrl-C does, so that its `finally` blocks run: the debugger first lets
// go of it (a paused program could not run them), then SIGINT cancels its main task; only a
// program still there after a grace period (one that spins, or ignores SIGINT) is killed.
import type { CdpConnection } from './cdp-connection';
import type { ProbeClient } from './probe-client';

/** How long a stopped program gets to run its cleanup before it is killed. */
export const STOP_GRACE_MS = 2000;
/** How long the debugger's own requests may take while letting go: Stop must never hang. */
const RELEASE_MS = 1000;
/** How long to wait for the exit of a process sent SIGKILL. */
const KILLED_MS = 3000;

/** Resolves true when p settles within ms, false otherwise. */
export function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const settled = p.then(
    () => true,
    () => true,
  );
  return Promise.race([settled, late]).finally(() => clearTimeout(timer));
}

/**
 * Lets the debuggee run on its own and end: the probe's hooks off (no break when a task resumes), no
 * breakpoint or exception pause, resumed if it was paused, and the connection closed when the
 * program ends. Each request is bounded: a debuggee that is gone or does not answer is not waited for.
 */
export async function releaseDebuggee(cdp: CdpConnection | null, probe: ProbeClient | null): Promise<void> {
  if (!cdp || cdp.closed) return;
  const steps = async () => {
    const ignore = () => undefined;
    // A program that ends while a debugger is connected waits for it to disconnect: go, then.
    cdp.on('NodeRuntime.waitingForDisconnect', () => cdp.close());
    await cdp.send('NodeRuntime.notifyWhenWaitingForDisconnect', { enabled: true }).catch(ignore);
    await probe?.call('detach').catch(ignore);
    await cdp.send('Debugger.setBreakpointsActive', { active: false }).catch(ignore);
    await cdp.send('Debugger.setPauseOnExceptions', { state: 'none' }).catch(ignore);
    await cdp.send('Debugger.resume').catch(ignore);
    // Disabling also removes every breakpoint, `debugger;` statements included.
    await cdp.send('Debugger.disable').catch(ignore);
  };
  await within(steps(), RELEASE_MS);
}

/**
 * SIGINT, then SIGKILL if the process has not ended within graceMs (after `beforeKill`, bounded).
 * `signal` sends a signal and says whether it could; `gone` resolves when the process has ended. Returns how it ended, or
 * 'unreachable' when it could not be signalled at all.
 */
export async function interruptThenKill(
  signal: (sig: NodeJS.Signals) => boolean,
  gone: Promise<void>,
  beforeKill: () => Promise<void> = async () => {},
  graceMs = STOP_GRACE_MS,
): Promise<'interrupted' | 'killed' | 'unreachable'> {
  if (!signal('SIGINT')) return 'unreachable';
  if (await within(gone, graceMs)) return 'interrupted';
  await within(beforeKill(), RELEASE_MS);
  signal('SIGKILL');
  await within(gone, KILLED_MS);
  return 'killed';
}

/**
 * Resolves when no process has this pid any more (for a debuggee that is not our child). Polls for
 * at most giveUpMs, and never keeps the adapter alive.
 */
export function pidGone(pid: number, giveUpMs = STOP_GRACE_MS + KILLED_MS, pollMs = 50): Promise<void> {
  return new Promise((resolve) => {
    const deadline = Date.now() + giveUpMs;
    const timer = setInterval(() => {
      try {
        process.kill(pid, 0);
        if (Date.now() > deadline) clearInterval(timer);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ESRCH') return;
        clearInterval(timer);
        resolve();
      }
    }, pollMs);
    timer.unref();
  });
}

/**
 * An expression evaluated in the debuggee before it is killed: the task that was running and the
 * program's innermost frame outside the runtime (whose frames source-map into runtimeDir). The
 * inspector runs it even while JavaScript spins (V8 services the request at the loop's interrupt
 * check), on top of the spinning frame, so the stack shows where it spins.
 */
export function whatRunsExpression(runtimeDir: string): string {
  return `(() => {
  const probe = globalThis[Symbol.for('coroscope.probe')];
  const id = probe ? probe.current() : null;
  const task = id === null ? null : probe.task(id);
  const runtime = ${JSON.stringify(runtimeDir)};
  const frames = String(new Error().stack).split('\\n').slice(1).map((l) => l.trim().replace(/^at /, ''));
  const at = frames.find((f) => /:\\d+:\\d+\\)?$/.test(f) && !f.includes(runtime) && !/<anonymous>|node:|[\\\\/]dist[\\\\/]|[\\\\/]node_modules[\\\\/]/.test(f));
  return { task: task ? task.name + ' (' + task.coroutine + ')' : null, at: at || null };
})()`;
}
