// The second Ctrl-C must end a program whose JavaScript never comes back to the event loop (a task
// spinning in `for (;;) {}`). Node runs process.on('SIGINT') listeners from its loop only: libuv's C
// handler merely queues the signal, so no JavaScript handler can see a Ctrl-C while JavaScript spins.
//
// The kernel can count for us, at no cost per loop iteration and with no thread: the C handler
// libuv installed is re-installed with SA_RESETHAND. The first SIGINT runs it (queued for the
// JavaScript listener, as before) and resets SIGINT to its default action; the next SIGINT then
// ends the process the Unix way, killed by SIGINT (a shell shows status 130; CPython does the same
// on an uncaught KeyboardInterrupt since 3.8), whether or not JavaScript ever runs again.
// That second Ctrl-C prints nothing: saying which task was running would need code that runs while
// JavaScript spins, which means a thread in every program (signals reach any thread: libuv's and
// V8's helper threads leave SIGINT unblocked, and worker threads get no signal listeners), or
// native code. The debugger can, through the inspector: its Stop says which task kept running.
//
// Linux on x86_64 and aarch64 only: that is where the layout of struct sigaction below is known
// (glibc and musl agree). Elsewhere armSigintOneShot() returns null and only the JavaScript
// listener sees Ctrl-C, as before: a program spinning in synchronous code ignores it.
import { processLibrary } from '../sys/libc';

const SIGINT = 2;
/** Linux's SA_RESETHAND: the kernel resets the disposition to SIG_DFL when it runs the handler. */
const SA_RESETHAND = 0x80000000;
/** struct sigaction: the handler (8 bytes), sa_mask (a 1024-bit sigset_t), then int sa_flags. */
const FLAGS_OFFSET = 8 + 128;
/** Larger than the struct (152 bytes), so a libc with a longer one never writes past the buffer. */
const STRUCT_BYTES = 256;
/** SIG_DFL and SIG_IGN: no handler is installed, there is nothing to make one-shot. */
const NO_HANDLER = new Set([0n, 1n]);

type SigactionFn = (sig: number, act: Uint8Array | null, old: Uint8Array | null) => number;
let bound: SigactionFn | null | undefined;

function sigaction(): SigactionFn | null {
  if (bound !== undefined) return bound;
  bound = null;
  if (process.platform === 'linux' && (process.arch === 'x64' || process.arch === 'arm64')) {
    try {
      bound = processLibrary().func('int sigaction(int sig, void *act, void *oact)') as unknown as SigactionFn;
    } catch {
      // no sigaction among the process's symbols: keep the JavaScript-only behaviour
    }
  }
  return bound;
}

/** Undoes armSigintOneShot(). */
export interface SigintOneShot {
  /**
   * Call after removing the listener that armed it. If other SIGINT listeners remain, libuv's
   * handler goes back as it was (without SA_RESETHAND, re-installed if a Ctrl-C had reset it), so
   * they keep hearing every Ctrl-C; with none left, libuv has already restored the default.
   */
  restore(): void;
}

/**
 * Makes the SIGINT handler installed now (libuv's, put there by process.on('SIGINT')) one-shot.
 * Returns null where that is not available, or when no handler is installed.
 */
export function armSigintOneShot(): SigintOneShot | null {
  const call = sigaction();
  if (call === null) return null;
  const saved = new Uint8Array(STRUCT_BYTES);
  if (call(SIGINT, null, saved) !== 0) return null;
  const view = new DataView(saved.buffer);
  if (NO_HANDLER.has(view.getBigUint64(0, true))) return null;
  const flags = view.getUint32(FLAGS_OFFSET, true);
  // What restore() puts back never has SA_RESETHAND, even if another run() armed the handler already.
  view.setUint32(FLAGS_OFFSET, (flags & ~SA_RESETHAND) >>> 0, true);
  const armed = saved.slice();
  new DataView(armed.buffer).setUint32(FLAGS_OFFSET, (flags | SA_RESETHAND) >>> 0, true);
  if (call(SIGINT, armed, null) !== 0) return null;
  return {
    restore(): void {
      if (process.listenerCount('SIGINT') > 0) call(SIGINT, saved, null);
    },
  };
}
