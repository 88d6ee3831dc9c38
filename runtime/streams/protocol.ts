// The seam between a transport (bytes on a socket) and what consumes them (asyncio's Protocol).
import type { Transport } from './transport';

/**
 * What a transport (SocketTransport, TlsTransport) calls. Every method is called from the loop's run-once step (a reader or
 * writer callback, or a callSoon), never from inside a user's call to the transport.
 */
export interface Protocol {
  connectionMade(transport: Transport): void;
  /**
   * `data` arrived. Its bytes are never written again: the protocol may keep it (or hand it to a
   * reader) without copying. A large read is a view into a shared receive slab, a small one a
   * view into an 8 KiB pool or a buffer of its own (receive-memory.ts), so keeping a small part of
   * a large one pins the slab: copy that part.
   */
  dataReceived(data: Buffer): void;
  /** The peer shut down its writing side. Return true to keep the transport open for writing (half-close). */
  eofReceived(): boolean;
  /** The connection is gone: null after a clean close, else the error that ended it. Called once. */
  connectionLost(exc: Error | null): void;
  /** The transport's write buffer rose above the high-water mark. */
  pauseWriting(): void;
  /** The transport's write buffer fell to the low-water mark. */
  resumeWriting(): void;
}
