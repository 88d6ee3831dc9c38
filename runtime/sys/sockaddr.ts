// Socket addresses as Python writes them, encoded to and decoded from C's sockaddr structs:
// AF_INET ['127.0.0.1', 8080], AF_INET6 ['::1', 8080, flowinfo, scopeId], AF_UNIX '/path'
// (a leading '\0' is Linux's abstract namespace). Hosts must be numeric, plus 'localhost', '' (any)
// and '<broadcast>': name resolution blocks, so it belongs to the loop (getaddrinfo), not here.
import { C } from './constants';

export type InetAddress = readonly [host: string, port: number];
export type Inet6Address = readonly [host: string, port: number, flowinfo?: number, scopeId?: number];
export type SockAddress = InetAddress | Inet6Address | string;

/** Big enough for any sockaddr (sizeof(struct sockaddr_storage)). */
export const SOCKADDR_MAX = 128;

function putFamily(buf: Buffer, family: number, len: number): void {
  // BSD: one byte of length, one of family; Linux: a host-order 16-bit family.
  if (C.sockaddrHasLen) {
    buf[0] = len;
    buf[1] = family;
  } else buf.writeUInt16LE(family, 0);
}

function getFamily(buf: Buffer): number {
  return C.sockaddrHasLen ? buf[1]! : buf.readUInt16LE(0);
}

function checkPort(port: unknown): number {
  if (!Number.isInteger(port) || (port as number) < 0 || (port as number) > 65535) {
    throw new RangeError(`port must be 0-65535, got ${String(port)}`);
  }
  return port as number;
}

/** Parses dotted-quad IPv4 into out[at..at+4]; false when it is not one. */
function parseIPv4(host: string, out: Buffer, at: number): boolean {
  const parts = host.split('.');
  if (parts.length !== 4) return false;
  for (let i = 0; i < 4; i++) {
    const p = parts[i]!;
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return false;
    out[at + i] = Number(p);
  }
  return true;
}

/** Parses an IPv6 literal (with '::' and an embedded IPv4 tail) into out[at..at+16]. */
function parseIPv6(host: string, out: Buffer, at: number): boolean {
  const words: number[] = [];
  const halves = host.split('::');
  if (halves.length > 2) return false;
  const parse = (s: string): number[] | null => {
    if (s === '') return [];
    const res: number[] = [];
    const groups = s.split(':');
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i]!;
      if (i === groups.length - 1 && g.includes('.')) {
        const v4 = Buffer.alloc(4);
        if (!parseIPv4(g, v4, 0)) return null;
        res.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
        res.push(parseInt(g, 16));
      }
    }
    return res;
  };
  const head = parse(halves[0]!);
  const tail = halves.length === 2 ? parse(halves[1]!) : [];
  if (!head || !tail) return false;
  if (halves.length === 2) {
    if (head.length + tail.length > 7) return false;
    words.push(...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail);
  } else {
    if (head.length !== 8) return false;
    words.push(...head);
  }
  for (let i = 0; i < 8; i++) out.writeUInt16BE(words[i]!, at + 2 * i);
  return true;
}

/** RFC 5952 text: lowercase, the longest run of two or more zero groups as '::'. */
export function formatIPv6(buf: Buffer, at: number): string {
  const w: number[] = [];
  for (let i = 0; i < 8; i++) w.push(buf.readUInt16BE(at + 2 * i));
  if (w[0] === 0 && w[1] === 0 && w[2] === 0 && w[3] === 0 && w[4] === 0 && w[5] === 0xffff) {
    return `::ffff:${buf[at + 12]}.${buf[at + 13]}.${buf[at + 14]}.${buf[at + 15]}`;
  }
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (w[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && w[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = w.map((x) => x.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

function invalid(family: string, address: unknown, why: string): TypeError {
  return new TypeError(`${family} address must be ${why}, got ${JSON.stringify(address) ?? String(address)}`);
}

/** Encodes `address` for `family` into buf; returns the sockaddr's length. */
export function encodeSockaddr(family: number, address: SockAddress, buf: Buffer): number {
  buf.fill(0, 0, SOCKADDR_MAX);
  if (family === C.AF_INET) {
    if (!Array.isArray(address) || typeof address[0] !== 'string') throw invalid('AF_INET', address, "a [host, port] pair, e.g. ['127.0.0.1', 8080]");
    let host = address[0] as string;
    if (host === 'localhost') host = '127.0.0.1';
    else if (host === '') host = '0.0.0.0';
    else if (host === '<broadcast>') host = '255.255.255.255';
    if (!parseIPv4(host, buf, 4)) throw invalid('AF_INET', address, 'a numeric IPv4 host (names are resolved with loop.getaddrinfo)');
    putFamily(buf, family, C.sizeofSockaddrIn);
    buf.writeUInt16BE(checkPort(address[1]), 2);
    return C.sizeofSockaddrIn;
  }
  if (family === C.AF_INET6) {
    if (!Array.isArray(address) || typeof address[0] !== 'string') throw invalid('AF_INET6', address, "a [host, port, flowinfo?, scopeId?] tuple, e.g. ['::1', 8080]");
    let host = address[0] as string;
    if (host === 'localhost') host = '::1';
    else if (host === '') host = '::';
    const pct = host.indexOf('%'); // a scope suffix ('fe80::1%2') is given as scopeId instead
    if (pct >= 0) host = host.slice(0, pct);
    if (!parseIPv6(host, buf, 8)) throw invalid('AF_INET6', address, 'a numeric IPv6 host');
    putFamily(buf, family, C.sizeofSockaddrIn6);
    buf.writeUInt16BE(checkPort(address[1]), 2);
    buf.writeUInt32BE((address[2] as number | undefined) ?? 0, 4);
    buf.writeUInt32LE((address[3] as number | undefined) ?? 0, 24);
    return C.sizeofSockaddrIn6;
  }
  if (family === C.AF_UNIX) {
    if (typeof address !== 'string') throw invalid('AF_UNIX', address, 'a path string');
    const path = Buffer.from(address, 'utf8');
    const abstract = path[0] === 0;
    if (path.length + (abstract ? 0 : 1) > C.sizeofSunPath) throw new RangeError(`AF_UNIX path too long (${path.length} bytes, at most ${C.sizeofSunPath - 1})`);
    path.copy(buf, 2);
    // Abstract names are exactly their bytes; paths count their terminating NUL.
    const len = 2 + path.length + (abstract ? 0 : 1);
    putFamily(buf, family, len);
    return len;
  }
  throw new RangeError(`unsupported address family ${family} (AF_INET, AF_INET6 or AF_UNIX)`);
}

/** Decodes a sockaddr of `len` bytes (as getsockname/accept filled it) into Python's form. */
export function decodeSockaddr(buf: Buffer, len: number): SockAddress {
  if (len < 2) return '';
  const family = getFamily(buf);
  if (family === C.AF_INET) {
    return [`${buf[4]}.${buf[5]}.${buf[6]}.${buf[7]}`, buf.readUInt16BE(2)];
  }
  if (family === C.AF_INET6) {
    return [formatIPv6(buf, 8), buf.readUInt16BE(2), buf.readUInt32BE(4), buf.readUInt32LE(24)];
  }
  if (family === C.AF_UNIX) {
    if (len <= 2) return ''; // an unnamed socket (socketpair, an unbound client)
    if (buf[2] === 0) return buf.toString('utf8', 2, len); // abstract: leading NUL kept, as Python does
    const end = buf.indexOf(0, 2);
    return buf.toString('utf8', 2, end < 0 || end > len ? len : end);
  }
  throw new RangeError(`unsupported address family ${family} in a sockaddr`);
}

/** The family an address's shape implies (for helpers that take only an address). */
export function familyOf(address: SockAddress): number {
  if (typeof address === 'string') return C.AF_UNIX;
  return address[0].includes(':') ? C.AF_INET6 : C.AF_INET;
}
