// Node's own loop (libuv) as one more fd in our selector. libuv keeps its I/O in an epoll/kqueue
// instance whose fd (uv_backend_fd) is readable whenever libuv has an event to handle, and tells
// how long it may sleep (uv_backend_timeout, for its timers). So: register that fd as a reader that
// asks for a host turn, and never sleep past libuv's next timer. Then timers, fs and dns promises,
// signal handlers and the inspector's messages all wake our select(), and an idle program sleeps.
import type { MessagePort } from 'node:worker_threads';
import type { EventLoop } from '../event-loop';
import type { Host } from '../host';
import { processLibrary } from '../sys/libc';
import { koffi } from '../sys/libc';
import { withLabel } from '../handles';
import { Wakeup } from './wakeup';

type UvFn = (...args: unknown[]) => number;

interface Uv {
  loop: bigint;
  backendFd: number;
  backendTimeout: () => number;
  updateTime: () => void;
  alive: () => boolean;
  /** True when libuv has watchers started since its last poll (not yet in its epoll set). */
  watchersPending: () => boolean;
}

let uvCache: Uv | null | undefined;

/** libuv's functions from the node process itself; null where they are not exported. */
function bindUv(): Uv | null {
  if (uvCache !== undefined) return uvCache;
  try {
    const lib = processLibrary();
    const fn = (decl: string) => lib.func(decl) as unknown as UvFn;
    const defaultLoop = fn('void *uv_default_loop()');
    const backendFd = fn('int uv_backend_fd(void *loop)');
    const backendTimeout = fn('int uv_backend_timeout(void *loop)');
    const updateTime = fn('void uv_update_time(void *loop)');
    const alive = fn('int uv_loop_alive(void *loop)');
    const loop = defaultLoop() as unknown as bigint;
    const fd = backendFd(loop);
    uvCache = {
      loop,
      backendFd: fd,
      backendTimeout: () => backendTimeout(loop),
      updateTime: () => void updateTime(loop),
      alive: () => alive(loop) !== 0,
      watchersPending: watcherQueueProbe(loop, fd),
    };
  } catch {
    uvCache = null;
  }
  return uvCache;
}

/**
 * uv_loop_t is public ABI (libuv 1.x, uv.h): on 64-bit Unix, backend_fd sits at offset 64 and
 * the watcher queue (a circular list head: next, prev) at 88. A watcher started by JavaScript (a
 * server's listen, a new socket) is only added to libuv's epoll set by libuv's next poll, so while
 * the queue is not empty the loop must give libuv a turn before it may block. The layout is checked
 * against uv_backend_fd() first; where it does not match, the probe says "nothing pending".
 */
function watcherQueueProbe(loop: bigint, backendFd: number): () => boolean {
  try {
    if (process.arch !== 'x64' && process.arch !== 'arm64') return () => false;
    const view = new DataView(koffi.view(loop, 104));
    if (view.getInt32(64, true) !== backendFd) return () => false;
    const head = loop + 88n;
    const lo = Number(head & 0xffffffffn);
    const hi = Number(head >> 32n);
    return () => view.getUint32(88, true) !== lo || view.getUint32(92, true) !== hi;
  } catch {
    return () => false;
  }
}

/**
 * One full libuv iteration, after which our loop resumes in libuv's poll phase. An immediate posts a
 * message to a MessagePort: the immediate runs in this iteration's check phase, then libuv runs its
 * timers and closing handles, and the message arrives in the next iteration's poll phase.
 * Why not setImmediate alone: our loop would then run inside Node's check phase, where the
 * immediate's idle handle makes uv_backend_timeout() 0, so the loop could never sleep. Why not a
 * message alone: a message posted while a port's messages are being delivered is delivered in the
 * same batch, without a libuv iteration in between. Cost: ~3 µs per turn (setImmediate alone: ~1.3 µs).
 */
class PortTurn {
  readonly #port1: MessagePort;
  readonly #port2: MessagePort;
  #resolve: (() => void) | null = null;
  readonly #post = (): void => this.#port1.postMessage(0);

  constructor() {
    // The global one: importing it from node:worker_threads also loads Node's whole worker module.
    const { port1, port2 } = new MessageChannel();
    this.#port1 = port1;
    this.#port2 = port2;
    port2.on('message', () => {
      port2.unref(); // only a pending turn keeps Node alive
      const resolve = this.#resolve;
      this.#resolve = null;
      resolve?.();
    });
    port2.unref();
    port1.unref();
  }

  turn(): Promise<void> {
    return new Promise((resolve) => {
      this.#resolve = resolve;
      this.#port2.ref();
      setImmediate(this.#post);
    });
  }
}

let portTurn: PortTurn | null = null;

/** How long (seconds) the loop sleeps at most when libuv's functions are not available. */
const FALLBACK_TICK = 0.01;

/**
 * The Host for Node: libuv's backend fd is a reader on the loop, its timer deadline clamps the
 * loop's timeout, and the loop's self-pipe (callSoonThreadsafe) lives here too.
 * Invariant: between attach(loop) and detach(loop) the backend fd and the wakeup fd are registered
 * readers of that loop and the loop's wakeup function writes to the wakeup fd; otherwise neither is.
 */
export class NodeHost implements Host {
  readonly #uv = bindUv();
  #loop: EventLoop | null = null;
  #wakeup: Wakeup | null = null;
  /** The fds attach() registered (asked at every wait the loop finds with no timeout: made once). */
  #ownFds: readonly number[] = [];

  /** 'libuv backend fd N', or the fallback: shown by the debugger. */
  describe(): string {
    return this.#uv ? `libuv backend fd ${this.#uv.backendFd}` : `polling every ${FALLBACK_TICK * 1000} ms (libuv symbols not found)`;
  }

  attach(loop: EventLoop): void {
    this.#loop = loop;
    if (this.#uv) {
      loop.addReader(this.#uv.backendFd, withLabel(() => loop._requestHostTurn(), "Node's event loop (libuv backend fd)"));
    }
    const wakeup = (this.#wakeup ??= new Wakeup());
    loop.addReader(wakeup.readFd, withLabel(() => wakeup.drain(), `wake-up (${wakeup.kind} for callSoonThreadsafe)`));
    loop._setWakeup(() => wakeup.signal());
    this.#ownFds = this.#uv ? [this.#uv.backendFd, wakeup.readFd] : [wakeup.readFd];
    // Signal handlers and watchers set up before the loop started are in libuv's epoll set only
    // after libuv has polled once: give it that turn before the first wait.
    loop._requestHostTurn();
  }

  detach(loop: EventLoop): void {
    if (this.#loop !== loop) return;
    if (!loop.isClosed()) {
      if (this.#uv) loop.removeReader(this.#uv.backendFd);
      if (this.#wakeup) loop.removeReader(this.#wakeup.readFd);
    }
    loop._setWakeup(null);
    this.#ownFds = [];
    this.#wakeup?.close();
    this.#wakeup = null;
    this.#loop = null;
  }

  clampTimeout(timeout: number | null): number | null {
    const uv = this.#uv;
    const loop = this.#loop;
    if (!uv) {
      loop?._requestHostTurn();
      return timeout === null ? FALLBACK_TICK : Math.min(timeout, FALLBACK_TICK);
    }
    if (uv.watchersPending()) {
      loop?._requestHostTurn();
      return 0;
    }
    // libuv's clock is cached per iteration of its own loop, and ours may have run for a while.
    uv.updateTime();
    const ms = uv.backendTimeout();
    if (ms < 0) return timeout; // libuv has no timer: no limit from it
    if (ms === 0) {
      // Either libuv has nothing alive (no limit from it) or it has work due now (a timer,
      // pending callbacks, an immediate): then it needs a turn, and we must not block.
      if (!uv.alive()) return timeout;
      loop?._requestHostTurn();
      return 0;
    }
    const s = ms / 1000;
    return timeout === null ? s : Math.min(timeout, s);
  }

  ownFds(): readonly number[] {
    return this.#ownFds;
  }

  /**
   * libuv has no active (referenced) handle or request and no timer: nothing of Node's can call
   * back (a socket, a child process, an fs request, setTimeout, a referenced MessagePort all keep it
   * alive; signal listeners and stdio do not, as they do not keep Node itself running).
   * Without libuv's functions it cannot tell: never quiescent.
   */
  quiescent(): boolean {
    const uv = this.#uv;
    if (!uv || uv.watchersPending()) return false;
    // (A timer keeps libuv alive, unless unreferenced: then Node would not wait for it either.)
    return !uv.alive();
  }

  /** One host turn (see PortTurn). */
  turn(): Promise<void> {
    return (portTurn ??= new PortTurn()).turn();
  }
}
