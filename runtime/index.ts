// The public API of the coroscope runtime: what `import ... from 'coroscope'` gives a program.
// Names follow asyncio in camelCase; times are in seconds.
import { setCoroutineBridge } from './coroutine';
import { peekRunningLoop } from './running';
import { run } from './runner';

export { run, KeyboardInterrupt, type RunOptions } from './runner';
export { sleep } from './sleep';
export { Future, isFuture, type FutureState, type WaitReason } from './future';
export { Task, currentTask, allTasks, YIELD, type StackEntry, type AwaitFrame } from './task';
export { Coroutine, coroutine, isCoroutine } from './coroutine';
export { isCoroutineFunction } from './coroutine-function';
export { EventLoop, type EventLoopOptions, type ExceptionHandler, type IterationStats, type WakeupCounts } from './event-loop';
export { getRunningLoop } from './running';
export { Handle, TimerHandle, type ExceptionContext } from './handles';
export { MonotonicClock, FakeClock, type Clock } from './clock';
export { FakeSelector } from './fake-selector';
export { EVENT_READ, EVENT_WRITE, type Selector, type SelectorKey, type SelectorEvent } from './selector';
export {
  CancelledError,
  InvalidStateError,
  TimeoutError,
  RuntimeError,
  ExceptionGroup,
  QueueEmpty,
  QueueFull,
  EOFError,
  IncompleteReadError,
  LimitOverrunError,
} from './errors';
export { formatException } from './traceback';
export { createTask } from './create-task';
/** @internal What code compiled by the loader calls (bound to `__cs` in each compiled module). */
export { loaderHelpers as __cs } from './loader/helpers';

// A coroutine is also a thenable: native code can `await` one. Inside a running loop it becomes a
// task there; with no loop running, it runs to completion on a new loop.
setCoroutineBridge((coro) => {
  const loop = peekRunningLoop();
  if (loop !== null) return loop._futureToPromise(loop.createTask(coro));
  return run(coro);
});

// The asyncio library layer: combinators, timeouts, task groups, synchronization primitives, queues.
export { gather, ensureFuture, GatheringFuture, type Awaitable, type GatherOptions } from './gather';
export {
  wait,
  waitFor,
  asCompleted,
  AsCompleted,
  FIRST_COMPLETED,
  FIRST_EXCEPTION,
  ALL_COMPLETED,
  type ReturnWhen,
  type WaitOptions,
} from './wait';
export { shield } from './shield';
export { timeout, timeoutAt, Timeout } from './timeouts';
export { TaskGroup, taskGroup } from './task-group';
export { Lock, Event, Condition, Semaphore, BoundedSemaphore } from './locks';
export { Queue, PriorityQueue, LifoQueue, pythonCompare, type Compare } from './queues';
export { ValueError } from './errors';
export { type Scoped, type ScopedBody } from './scoped';

// The debugger's probe (globalThis[Symbol.for('coroscope.probe')]); its hooks are off until a debugger attaches.
import './introspection';
import './deadlock';

// ---- real I/O: selectors over system calls, Node's loop as the host, OS errors ----
// Importing the selectors installs them as the default of `new EventLoop()`.
export { SelectSelector, PollSelector, EpollSelector, KqueueSelector, UringSelector, DefaultSelector, createSelector, type SelectorName } from './selectors';
export { NodeHost } from './host/node-host';
export {
  OSError,
  BlockingIOError,
  ChildProcessError,
  ConnectionError,
  BrokenPipeError,
  ConnectionAbortedError,
  ConnectionRefusedError,
  ConnectionResetError,
  FileExistsError,
  FileNotFoundError,
  InterruptedError,
  IsADirectoryError,
  NotADirectoryError,
  PermissionError,
  ProcessLookupError,
  type ErrnoFields,
} from './sys/errors';
export { ERRNO as errno } from './sys/constants';

// ---- sockets: Python's socket module (`import { socket } from 'coroscope'`) ----
export * as socket from './socket';
export type { SockLike } from './sock-ops';

// ---- streams: openConnection / startServer, StreamReader / StreamWriter over a socket transport ----
export {
  openConnection,
  openUnixConnection,
  startServer,
  startUnixServer,
  Server,
  StreamReader,
  StreamWriter,
  StreamReaderProtocol,
  SocketTransport,
  DEFAULT_LIMIT,
  DEFAULT_HIGH_WATER,
  type OpenConnectionOptions,
  type StartServerOptions,
  type StartUnixServerOptions,
  type StreamReaderOptions,
  type ClientConnected,
  type TransportExtra,
} from './streams';

// ---- TLS: ssl on openConnection / startServer, startTls, Python's ssl errors -------------------
export { SSLContext, type TlsOptions, type VerifyMode } from './tls/ssl-context';
export { SSLObject, type PeerCert } from './tls/ssl-object';
export { TlsTransport, type TlsTransportOptions } from './tls/tls-transport';
export { startTls, type StartTlsOptions } from './tls/start-tls';
export { SSLError, SSLCertVerificationError, SSLEOFError } from './tls/errors';
export { type Transport } from './streams/transport';

// ---- protocols: loop.createServer / loop.createConnection with asyncio's Protocol and Transport ----
export { Protocol, type ProtocolFactory, type CreateServerOptions, type CreateConnectionOptions } from './protocols';
