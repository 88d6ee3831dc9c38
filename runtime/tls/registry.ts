// Which fds carry TLS, for the debugger's fd entries (`TLS 1.3 · peer CN=localhost`). Kept apart
// from the TLS code so the snapshot can ask without loading OpenSSL.

/** What a TLS transport tells the debugger about its fd. */
export interface TlsDescribed {
  describeTls(): string;
}

/** Invariant: holds a transport from its TLS handshake's start until its connection is lost. */
const byFd = new Map<number, TlsDescribed>();

export function registerTls(fd: number, transport: TlsDescribed): void {
  byFd.set(fd, transport);
}

export function unregisterTls(fd: number, transport: TlsDescribed): void {
  if (byFd.get(fd) === transport) byFd.delete(fd);
}

/** `TLS handshake`, `TLS 1.3 · peer CN=localhost`, or null when fd carries no TLS. */
export function describeTls(fd: number): string | null {
  return byFd.get(fd)?.describeTls() ?? null;
}
