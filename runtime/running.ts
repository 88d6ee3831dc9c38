// The running loop, one per process at a time (asyncio keeps one per thread; Node has one thread).
import { RuntimeError } from './errors';
import type { EventLoop } from './event-loop';

let running: EventLoop | null = null;

/** The loop that is running now; a RuntimeError outside one, as asyncio.get_running_loop(). */
export function getRunningLoop(): EventLoop {
  if (running === null) {
    throw new RuntimeError('no running event loop', {
      hint: 'call this from a coroutine or callback run by run() or loop.runForever()',
    });
  }
  return running;
}

/** The running loop or null, without raising. */
export function peekRunningLoop(): EventLoop | null {
  return running;
}

/** @internal Called by EventLoop when it starts and stops running. */
export function setRunningLoop(loop: EventLoop | null): void {
  running = loop;
}

/**
 * The loop modules' top-level awaits ran on before the program's main task started (module-main.ts);
 * run() or the entry module's body takes it over, so a program has one loop whichever starts it.
 */
let moduleLoop: EventLoop | null = null;

/** @internal */
export function takeModuleLoop(): EventLoop | null {
  const loop = moduleLoop;
  moduleLoop = null;
  return loop;
}

/** @internal */
export function peekModuleLoop(): EventLoop | null {
  return moduleLoop;
}

/** @internal */
export function setModuleLoop(loop: EventLoop | null): void {
  moduleLoop = loop;
}

/** Tasks that run a module's body (module-main.ts): run() called in one joins its loop (runner.ts). */
const moduleBodies = new WeakSet<object>();

/** @internal */
export function markModuleBody(task: object): void {
  moduleBodies.add(task);
}

/** @internal */
export function isModuleBody(task: object | null): boolean {
  return task !== null && moduleBodies.has(task);
}
