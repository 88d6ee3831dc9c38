// The seam between a protocol and whatever carries its bytes (asyncio's Transport): a socket
// (SocketTransport), or TLS over another transport (TlsTransport). Streams and protocols are
// written against this, so TLS can sit under any of them.
import type { Protocol } from './protocol';

/** What a protocol may call on its transport; every method is asyncio's, camelCased. */
export interface Transport {
  /** The socket's fd underneath (what reads and drains wait on, in the debugger). */
  readonly fd: number;
  readonly protocol: Protocol;
  getProtocol(): Protocol;
  setProtocol(protocol: Protocol): void;
  getExtraInfo<T = unknown>(name: string, fallback?: T): T | undefined;
  write(data: Uint8Array | string): void;
  writelines(list: Iterable<Uint8Array | string>): void;
  canWriteEof(): boolean;
  writeEof(): void;
  close(): void;
  abort(): void;
  isClosing(): boolean;
  isReading(): boolean;
  pauseReading(): void;
  resumeReading(): void;
  getWriteBufferSize(): number;
  getWriteBufferLimits(): [low: number, high: number];
  setWriteBufferLimits(high?: number, low?: number): void;
}
