// Host names to socket addresses, as getaddrinfo gives them to asyncio. Numeric hosts are answered
// at once; names go to Node's resolver (dns.promises.lookup, which runs getaddrinfo on libuv's
// thread pool), whose promise a coroutine awaits like any other: the task resumes on our loop.
import { isIP } from 'node:net';
import { C } from '../sys/constants';
import type { SockAddress } from '../sys/sockaddr';

export interface AddrInfo {
  readonly family: number;
  readonly address: SockAddress;
}

function numeric(host: string, port: number): AddrInfo | null {
  const v = isIP(host);
  if (v === 4) return { family: C.AF_INET, address: [host, port] };
  if (v === 6) return { family: C.AF_INET6, address: [host, port, 0, 0] };
  return null;
}

/** The addresses a server listens on when given no host: every IPv4 and every IPv6 interface. */
export function wildcardAddresses(port: number): AddrInfo[] {
  return [
    { family: C.AF_INET, address: ['0.0.0.0', port] },
    { family: C.AF_INET6, address: ['::', port, 0, 0] },
  ];
}

/**
 * The addresses of host (in the resolver's order), or a promise of them for a name. Yield the
 * result from a coroutine: a plain array is returned as it is, a promise is awaited.
 */
export function resolveHost(host: string, port: number): AddrInfo[] | Promise<AddrInfo[]> {
  const n = numeric(host, port);
  if (n !== null) return [n];
  // node:dns is loaded on the first name to resolve: most programs never look one up.
  const dns = (require('node:dns') as typeof import('node:dns')).promises;
  return dns.lookup(host, { all: true }).then((found) => {
    const seen = new Set<string>();
    const out: AddrInfo[] = [];
    for (const a of found) {
      if (seen.has(a.address)) continue;
      seen.add(a.address);
      out.push(a.family === 6 ? { family: C.AF_INET6, address: [a.address, port, 0, 0] } : { family: C.AF_INET, address: [a.address, port] });
    }
    return out;
  });
}
