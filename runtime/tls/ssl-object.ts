// One TLS connection's state machine over two memory BIOs (Python's ssl.SSLObject with MemoryBIO):
// ciphertext from the network goes in with feed(), plaintext comes out of read(); plaintext goes in
// with write(), ciphertext comes out of takeOutgoing(). It never touches a socket, so any byte
// transport can carry it.
import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { RuntimeError, ValueError } from '../errors';
import { SSLCertVerificationError, SSLError, SSLEOFError, takeSslError } from './errors';
import { K, openssl, type OpenSsl, type Ptr } from './openssl';
import type { SSLContext } from './ssl-context';

/** Plaintext out of one SSL_read batch; shared scratch, copied before it is handed out. */
const scratch = Buffer.allocUnsafeSlow(64 * 1024);

/** getpeercert()'s dict, as Python's ssl module shapes it. */
export interface PeerCert {
  subject: [string, string][][];
  issuer: [string, string][][];
  version: number;
  serialNumber: string;
  notBefore: string;
  notAfter: string;
  subjectAltName?: [string, string][];
}

/** What read() found: plaintext chunks, and whether the peer's close_notify came (TLS's EOF). */
export interface ReadResult {
  chunks: Buffer[];
  eof: boolean;
}

/**
 * Invariant: #ssl owns both BIOs until free() (then all three are null and every method but
 * free() raises); #handshakeDone turns true once and the verification result is final from then.
 */
export class SSLObject {
  /** @internal How many SSLObjects hold OpenSSL objects not freed yet (a leak check for tests). */
  static _live = 0;
  readonly #lib: OpenSsl;
  #ssl: Ptr | null;
  #in: Ptr | null;
  #out: Ptr | null;
  readonly context: SSLContext;
  readonly serverSide: boolean;
  readonly serverHostname: string | null;
  /** Where errors say the connection was (`host example.com`, `peer 127.0.0.1:50432`). */
  readonly #where: string;
  #handshakeDone = false;

  constructor(context: SSLContext, serverSide: boolean, serverHostname: string | null, where: string) {
    const lib = openssl();
    this.#lib = lib;
    this.context = context;
    this.serverSide = serverSide;
    this.serverHostname = serverHostname;
    this.#where = where;
    if (serverSide && serverHostname) throw new ValueError('serverHostname is only meaningful for a client');
    if (!serverSide && context.checkHostname && !serverHostname) throw new ValueError('checkHostname requires serverHostname');
    lib.ERR_clear_error();
    const ssl = lib.SSL_new(context._ctx);
    if (!ssl) throw takeSslError(where, lib) ?? new SSLError('SSL_new failed');
    const rbio = lib.BIO_new(lib.BIO_s_mem());
    const wbio = lib.BIO_new(lib.BIO_s_mem());
    // An empty incoming BIO means "wait for more", not EOF (as Python's MemoryBIO).
    lib.BIO_ctrl(rbio, K.BIO_C_SET_BUF_MEM_EOF_RETURN, -1, null);
    lib.SSL_set_bio(ssl, rbio, wbio);
    this.#ssl = ssl;
    SSLObject._live++;
    this.#in = rbio;
    this.#out = wbio;
    if (serverSide) lib.SSL_set_accept_state(ssl);
    else {
      lib.SSL_set_connect_state(ssl);
      if (serverHostname) {
        const ip = isIP(serverHostname) !== 0;
        // SNI carries names only, never addresses (RFC 6066 section 3).
        if (!ip) lib.SSL_ctrl(ssl, K.SSL_CTRL_SET_TLSEXT_HOSTNAME, K.TLSEXT_NAMETYPE_host_name, serverHostname);
        if (context.checkHostname) {
          const ok = ip ? lib.X509_VERIFY_PARAM_set1_ip_asc(lib.SSL_get0_param(ssl), serverHostname) : lib.SSL_set1_host(ssl, serverHostname);
          if (ok !== 1) throw new ValueError(`serverHostname ${JSON.stringify(serverHostname)} cannot be checked: not a host name or an IP address`);
        }
      }
    }
  }

  #live(): Ptr {
    if (this.#ssl === null) throw new RuntimeError('the SSLObject is freed (its connection is closed)');
    return this.#ssl;
  }

  /** Ciphertext that arrived from the peer. */
  feed(data: Uint8Array): void {
    this.#live();
    this.#lib.BIO_write(this.#in!, data, data.length);
  }

  /** Ciphertext to send to the peer, or null when there is none. */
  takeOutgoing(): Buffer | null {
    if (this.#out === null) return null;
    const n = this.#lib.BIO_ctrl_pending(this.#out);
    if (n === 0) return null;
    const buf = Buffer.allocUnsafe(n);
    this.#lib.BIO_read(this.#out, buf, n);
    return buf;
  }

  /** True once the handshake completed; false: it needs more bytes from the peer. Raises what failed it. */
  doHandshake(): boolean {
    const ssl = this.#live();
    const lib = this.#lib;
    lib.ERR_clear_error();
    const r = lib.SSL_do_handshake(ssl);
    if (r === 1) {
      this.#handshakeDone = true;
      return true;
    }
    const err = lib.SSL_get_error(ssl, r);
    if (err === K.SSL_ERROR_WANT_READ || err === K.SSL_ERROR_WANT_WRITE) return false;
    throw this.#failure(err);
  }

  get handshakeDone(): boolean {
    return this.#handshakeDone;
  }

  #failure(err: number): SSLError {
    const lib = this.#lib;
    const verify = this.#ssl ? lib.SSL_get_verify_result(this.#ssl) : K.X509_V_OK;
    if (verify !== K.X509_V_OK && !this.serverSide) {
      lib.ERR_clear_error();
      const host = this.serverHostname ?? '';
      // Python's wording for a name that does not match (OpenSSL only says "hostname mismatch").
      const message =
        verify === K.X509_V_ERR_HOSTNAME_MISMATCH
          ? `Hostname mismatch, certificate is not valid for '${host}'.`
          : verify === K.X509_V_ERR_IP_ADDRESS_MISMATCH
            ? `IP address mismatch, certificate is not valid for '${host}'.`
            : lib.X509_verify_cert_error_string(verify);
      return new SSLCertVerificationError(verify, message, this.#where);
    }
    if (err === K.SSL_ERROR_SYSCALL || err === K.SSL_ERROR_ZERO_RETURN) {
      lib.ERR_clear_error();
      return new SSLEOFError(`[SSL: UNEXPECTED_EOF_WHILE_READING] EOF occurred in violation of protocol (${this.#where})`, 'SSL', 'UNEXPECTED_EOF_WHILE_READING');
    }
    return takeSslError(this.#where, lib) ?? new SSLError(`[SSL] error ${err} (${this.#where})`, 'SSL', null);
  }

  /** Plaintext decrypted so far; eof once the peer's close_notify was read. Raises a protocol error. */
  read(): ReadResult {
    const ssl = this.#live();
    const lib = this.#lib;
    // SSL_get_error reads the thread's error queue, which Node's own crypto shares: empty it first.
    lib.ERR_clear_error();
    const chunks: Buffer[] = [];
    for (;;) {
      const n = lib.SSL_read(ssl, scratch, scratch.length);
      if (n > 0) {
        chunks.push(Buffer.from(scratch.subarray(0, n)));
        continue;
      }
      const err = lib.SSL_get_error(ssl, n);
      if (err === K.SSL_ERROR_WANT_READ || err === K.SSL_ERROR_WANT_WRITE) return { chunks, eof: false };
      if (err === K.SSL_ERROR_ZERO_RETURN) return { chunks, eof: true };
      throw this.#failure(err);
    }
  }

  /** Encrypts plaintext (all of it: a memory BIO never pushes back); takeOutgoing() has the result. */
  write(data: Uint8Array): void {
    const ssl = this.#live();
    if (data.length === 0) return;
    this.#lib.ERR_clear_error();
    const n = this.#lib.SSL_write(ssl, data, data.length);
    if (n <= 0) throw this.#failure(this.#lib.SSL_get_error(ssl, n));
  }

  /** Sends close_notify (once); true when the peer's has been received too. */
  unwrap(): boolean {
    const ssl = this.#live();
    const lib = this.#lib;
    lib.ERR_clear_error();
    const r = lib.SSL_shutdown(ssl);
    lib.ERR_clear_error();
    return r === 1 || (lib.SSL_get_shutdown(ssl) & K.SSL_RECEIVED_SHUTDOWN) !== 0;
  }

  /** 'TLSv1.3', or null before the handshake. */
  version(): string | null {
    return this.#ssl && this.#handshakeDone ? this.#lib.SSL_get_version(this.#ssl) : null;
  }

  /** [name, protocol, secret bits], as Python's cipher(); null before the handshake. */
  cipher(): [string, string, number] | null {
    if (!this.#ssl || !this.#handshakeDone) return null;
    const c = this.#lib.SSL_get_current_cipher(this.#ssl);
    if (!c) return null;
    return [this.#lib.SSL_CIPHER_get_name(c), this.#lib.SSL_CIPHER_get_version(c), this.#lib.SSL_CIPHER_get_bits(c, null)];
  }

  /** The peer's certificate as Node's X509Certificate, or null (none sent, or before the handshake). */
  peerX509(): X509Certificate | null {
    if (!this.#ssl || !this.#handshakeDone) return null;
    const lib = this.#lib;
    const x = lib.SSL_get1_peer_certificate(this.#ssl);
    if (!x) return null;
    const bio = lib.BIO_new(lib.BIO_s_mem());
    lib.PEM_write_bio_X509(bio, x);
    const n = lib.BIO_ctrl_pending(bio);
    const pem = Buffer.allocUnsafe(n);
    lib.BIO_read(bio, pem, n);
    lib.BIO_free(bio);
    lib.X509_free(x);
    return new X509Certificate(pem);
  }

  /**
   * The peer's certificate as Python's getpeercert() has it; {} when it was not verified
   * (CERT_NONE), as Python; binaryForm: its DER bytes.
   */
  getpeercert(binaryForm = false): PeerCert | Buffer | Record<string, never> | null {
    const x = this.peerX509();
    if (x === null) return null;
    if (binaryForm) return x.raw;
    if (this.context.verifyMode === 'CERT_NONE') return {};
    return peerCertDict(x);
  }

  /** Frees the OpenSSL objects; the object is unusable afterwards. */
  free(): void {
    if (this.#ssl === null) return;
    this.#lib.SSL_free(this.#ssl); // frees both BIOs too (SSL_set_bio gave it ownership)
    SSLObject._live--;
    this.#ssl = this.#in = this.#out = null;
  }

  toString(): string {
    return `<SSLObject ${this.serverSide ? 'server' : 'client'}${this.serverHostname ? ` ${this.serverHostname}` : ''}${this.version() ? ` ${this.version()}` : ''}>`;
  }
}

const NAME_KEYS: Record<string, string> = { CN: 'commonName', O: 'organizationName', OU: 'organizationalUnitName', C: 'countryName', ST: 'stateOrProvinceName', L: 'localityName', emailAddress: 'emailAddress' };

function rdns(text: string): [string, string][][] {
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const eq = line.indexOf('=');
      const k = line.slice(0, eq);
      return [[NAME_KEYS[k] ?? k, line.slice(eq + 1)]];
    });
}

function peerCertDict(x: X509Certificate): PeerCert {
  const dict: PeerCert = {
    subject: rdns(x.subject),
    issuer: rdns(x.issuer),
    version: 3,
    serialNumber: x.serialNumber,
    notBefore: x.validFrom,
    notAfter: x.validTo,
  };
  if (x.subjectAltName) {
    dict.subjectAltName = x.subjectAltName.split(', ').map((entry) => {
      const colon = entry.indexOf(':');
      const kind = entry.slice(0, colon);
      return [kind === 'IP Address' ? 'IP Address' : kind, entry.slice(colon + 1)] as [string, string];
    });
  }
  return dict;
}

/** `CN=localhost` of a certificate's subject (what the debugger shows beside the fd). */
export function commonNameOf(x: X509Certificate | null): string | null {
  if (!x) return null;
  const cn = /^CN=(.*)$/m.exec(x.subject);
  return cn ? `CN=${cn[1]}` : x.subject.split('\n')[0] ?? null;
}
