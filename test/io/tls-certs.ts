// Certificates made at test time with the openssl command (Node 20's crypto cannot sign X.509):
// a test CA, a server certificate it signed for localhost and 127.0.0.1, one that expired in 2020,
// and a second CA nobody trusts. .ci/run installs Debian's openssl where it is missing.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Pair {
  cert: string;
  key: string;
}

export interface TestCerts {
  /** The test CA's certificate (what a client trusts). */
  ca: string;
  /** Signed by the CA for CN=localhost, DNS:localhost, IP:127.0.0.1. */
  server: Pair;
  /** Signed by the CA, valid January 2020 only. */
  expired: Pair;
  /** Self-signed by an unrelated CA, for localhost and 127.0.0.1. */
  stranger: Pair;
}

/** Why the TLS tests cannot run here (no openssl command), or null. */
export const NO_OPENSSL: string | null = spawnSync('openssl', ['version']).status === 0 ? null : 'the openssl command is not installed (Debian: apt-get install openssl)';

let made: TestCerts | null = null;

export function testCerts(): TestCerts {
  if (made) return made;
  const dir = mkdtempSync(join(tmpdir(), 'coroscope-tls-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  ssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Coroscope Test CA');
  ssl('req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost');
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  ssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'san.ext');
  // An expired certificate needs dates in the past: `openssl ca` takes them (x509 -req cannot before 3.4).
  ssl('req', ...ec, '-keyout', 'expired.key', '-out', 'expired.csr', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1');
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'serial'), '1000\n');
  writeFileSync(join(dir, 'ca.cnf'), '[ca]\ndefault_ca=c\n[c]\ndatabase=index.txt\nnew_certs_dir=.\nserial=serial\ndefault_md=sha256\npolicy=p\ncopy_extensions=copy\n[p]\ncommonName=supplied\n');
  ssl('ca', '-batch', '-config', 'ca.cnf', '-cert', 'ca.pem', '-keyfile', 'ca.key', '-in', 'expired.csr', '-out', 'expired.pem', '-startdate', '20200101000000Z', '-enddate', '20200201000000Z', '-notext');
  ssl('req', '-x509', ...ec, '-keyout', 'stranger.key', '-out', 'stranger.pem', '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1');
  const read = (name: string) => readFileSync(join(dir, name), 'utf8');
  made = {
    ca: read('ca.pem'),
    server: { cert: read('server.pem'), key: read('server.key') },
    expired: { cert: read('expired.pem'), key: read('expired.key') },
    stranger: { cert: read('stranger.pem'), key: read('stranger.key') },
  };
  return made;
}
