// SSLContext: certificates, keys and verification settings shared by many connections (an SSL_CTX),
// with the defaults of Python's ssl.create_default_context(): a client verifies the server's
// certificate against the system's CAs and checks its host name; a server asks for no certificate.
import { existsSync, readFileSync } from 'node:fs';
import { ValueError } from '../errors';
import { takeSslError, SSLError } from './errors';
import { K, openssl, type OpenSsl, type Ptr } from './openssl';

export type Pem = string | Uint8Array;
export type VerifyMode = 'CERT_NONE' | 'CERT_OPTIONAL' | 'CERT_REQUIRED';

/** What `ssl: { ... }` accepts (Python's create_default_context + load_cert_chain, camelCased). */
export interface TlsOptions {
  /** PEM certificates to trust instead of the system's CAs (Python's cadata). */
  ca?: Pem | readonly Pem[];
  /** A PEM file of certificates to trust instead of the system's CAs (Python's cafile). */
  caFile?: string;
  /** This side's PEM certificate chain, leaf first (a server's; or a client certificate). */
  cert?: Pem;
  certFile?: string;
  /** The PEM private key of `cert`. */
  key?: Pem;
  keyFile?: string;
  /** Whether the peer's certificate is checked: a client's default is CERT_REQUIRED, a server's CERT_NONE. */
  verifyMode?: VerifyMode;
  /** Whether a client matches the server's certificate to serverHostname (default: true when verifying). */
  checkHostname?: boolean;
  /** The lowest protocol version accepted (default TLSv1.2, as Python's). */
  minimumVersion?: 'TLSv1.2' | 'TLSv1.3';
}

/** The system's CA bundle, in the places Linux distributions and macOS keep one. */
const SYSTEM_CA_FILES = ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt', '/etc/ssl/ca-bundle.pem', '/etc/ssl/cert.pem'];

const freeContext = new FinalizationRegistry<Ptr>((ctx) => openssl().SSL_CTX_free(ctx));

/**
 * Invariant: #ctx is a live SSL_CTX for as long as this object is reachable (the finalization
 * registry's held value is the pointer alone, never this object); its settings do not change after
 * construction, so every connection made from it behaves alike.
 */
export class SSLContext {
  readonly #ctx: Ptr;
  readonly verifyMode: VerifyMode;
  readonly checkHostname: boolean;
  readonly serverSide: boolean;

  /** `serverSide` picks the defaults: Python's Purpose.CLIENT_AUTH (a server's) or SERVER_AUTH. */
  constructor(options: TlsOptions = {}, serverSide = false) {
    if (options === null || typeof options !== 'object') throw new TypeError(`ssl options must be an object, got ${options === null ? 'null' : typeof options}`);
    const lib = openssl();
    this.serverSide = serverSide;
    this.verifyMode = options.verifyMode ?? (serverSide ? 'CERT_NONE' : 'CERT_REQUIRED');
    if (!['CERT_NONE', 'CERT_OPTIONAL', 'CERT_REQUIRED'].includes(this.verifyMode)) throw new ValueError(`verifyMode must be CERT_NONE, CERT_OPTIONAL or CERT_REQUIRED, got ${JSON.stringify(this.verifyMode)}`);
    this.checkHostname = options.checkHostname ?? (!serverSide && this.verifyMode !== 'CERT_NONE');
    if (this.checkHostname && this.verifyMode === 'CERT_NONE') throw new ValueError('Cannot set verifyMode to CERT_NONE when checkHostname is enabled.');
    lib.ERR_clear_error();
    const ctx = lib.SSL_CTX_new(lib.TLS_method());
    if (!ctx) throw takeSslError('SSL_CTX_new', lib) ?? new SSLError('SSL_CTX_new failed');
    this.#ctx = ctx;
    freeContext.register(this, ctx);
    const min = options.minimumVersion ?? 'TLSv1.2';
    if (min !== 'TLSv1.2' && min !== 'TLSv1.3') throw new ValueError(`minimumVersion must be 'TLSv1.2' or 'TLSv1.3', got ${JSON.stringify(min)}`);
    lib.SSL_CTX_ctrl(ctx, K.SSL_CTRL_SET_MIN_PROTO_VERSION, min === 'TLSv1.3' ? K.TLS1_3_VERSION : K.TLS1_2_VERSION, null);
    const mode = this.verifyMode === 'CERT_NONE' ? K.SSL_VERIFY_NONE : this.verifyMode === 'CERT_OPTIONAL' ? K.SSL_VERIFY_PEER : K.SSL_VERIFY_PEER | K.SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
    lib.SSL_CTX_set_verify(ctx, mode, null);
    if (this.verifyMode !== 'CERT_NONE') this.#loadCas(lib, options);
    const cert = options.cert ?? (options.certFile !== undefined ? readPem(options.certFile, 'certFile') : undefined);
    const key = options.key ?? (options.keyFile !== undefined ? readPem(options.keyFile, 'keyFile') : undefined);
    if (cert !== undefined) this.#useChain(lib, cert, key ?? cert);
    else if (key !== undefined) throw new ValueError('ssl: key given without cert');
  }

  /** @internal The SSL_CTX, for SSLObject. */
  get _ctx(): Ptr {
    return this.#ctx;
  }

  #loadCas(lib: OpenSsl, options: TlsOptions): void {
    const given = options.ca !== undefined ? (Array.isArray(options.ca) ? options.ca : [options.ca as Pem]) : options.caFile !== undefined ? [readPem(options.caFile, 'caFile')] : null;
    if (given === null) {
      // The system's CAs: parsed once per process (~45 ms for 144 certificates with OpenSSL 3) into
      // one store every context shares (SSL_CTX_set1_cert_store takes a reference).
      systemStore ??= storeOf(lib, systemCas()).store;
      lib.SSL_CTX_set1_cert_store(this.#ctx, systemStore);
      return;
    }
    const { store, added } = storeOf(lib, given);
    lib.SSL_CTX_set1_cert_store(this.#ctx, store);
    lib.X509_STORE_free(store); // the context holds its own reference now
    if (added === 0) throw new SSLError('ssl: no PEM certificate found in ca / caFile', 'PEM', 'NO_START_LINE');
  }

  #useChain(lib: OpenSsl, cert: Pem, key: Pem): void {
    const certs = readCertificates(lib, cert);
    if (certs.length === 0) throw new SSLError('ssl: no PEM certificate found in cert', 'PEM', 'NO_START_LINE');
    lib.SSL_CTX_use_certificate(this.#ctx, certs[0]!);
    lib.X509_free(certs[0]!);
    // The rest of the chain: SSL_CTX_add_extra_chain_cert takes ownership, so no X509_free.
    for (const x of certs.slice(1)) lib.SSL_CTX_ctrl(this.#ctx, K.SSL_CTRL_EXTRA_CHAIN_CERT, 0, x);
    // BIO_new_mem_buf reads `keyBytes` in place: they stay referenced here until the BIO is freed.
    const keyBytes = Buffer.from(key);
    const bio = lib.BIO_new_mem_buf(keyBytes, keyBytes.length);
    const pkey = lib.PEM_read_bio_PrivateKey(bio, null, null, null);
    lib.BIO_free(bio);
    if (!pkey) throw takeSslError('key', lib) ?? new SSLError('ssl: no PEM private key found in key', 'PEM', 'NO_START_LINE');
    lib.SSL_CTX_use_PrivateKey(this.#ctx, pkey);
    lib.EVP_PKEY_free(pkey);
    if (lib.SSL_CTX_check_private_key(this.#ctx) !== 1) throw takeSslError('the key does not match the certificate', lib) ?? new SSLError('ssl: the private key does not match the certificate');
  }
}

let defaultClient: SSLContext | null = null;
/** The system's CAs as one X509_STORE, built on first use and kept for the life of the process. */
let systemStore: Ptr | null = null;

function storeOf(lib: OpenSsl, pems: readonly Pem[]): { store: Ptr; added: number } {
  const store = lib.X509_STORE_new();
  let added = 0;
  for (const pem of pems) {
    for (const x of readCertificates(lib, pem)) {
      // A certificate twice in a bundle is not an error (X509_STORE_add_cert ignores duplicates in 3.x).
      if (lib.X509_STORE_add_cert(store, x) === 1) added++;
      lib.X509_free(x);
    }
  }
  lib.ERR_clear_error();
  return { store, added };
}

/** `ssl: true` on a client: one shared context with the system's CAs (loaded once). */
export function defaultClientContext(): SSLContext {
  return (defaultClient ??= new SSLContext({}, false));
}

/** true, options or a context, as `ssl:` accepts it, to a context for this side. */
export function toContext(ssl: true | TlsOptions | SSLContext, serverSide: boolean): SSLContext {
  if (ssl instanceof SSLContext) return ssl;
  if (ssl === true) {
    if (serverSide) throw new ValueError('startServer(): ssl must be an SSLContext or { cert, key, ... }: a server needs its certificate');
    return defaultClientContext();
  }
  if (typeof ssl !== 'object' || ssl === null) throw new TypeError(`ssl must be true, an SSLContext or TLS options, got ${ssl === null ? 'null' : typeof ssl}`);
  if (serverSide && ssl.cert === undefined && ssl.certFile === undefined) throw new ValueError('startServer(): ssl needs cert and key (PEM) or certFile and keyFile');
  return new SSLContext(ssl, serverSide);
}

function readPem(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new ValueError(`ssl ${what}: cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
}

function systemCas(): Pem[] {
  const env = process.env.SSL_CERT_FILE;
  for (const file of env ? [env, ...SYSTEM_CA_FILES] : SYSTEM_CA_FILES) {
    if (existsSync(file)) return [readFileSync(file)];
  }
  // No bundle on this system (Windows, a minimal container): the Mozilla roots Node carries. Loaded
  // here, not imported: node:tls costs every program ~2 ms at start-up.
  const getBuiltin = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  const tls = (getBuiltin ? getBuiltin('node:tls') : require('node:tls')) as typeof import('node:tls');
  return [...tls.rootCertificates];
}

/** Every certificate in a PEM text (X509 *, to free). */
export function readCertificates(lib: OpenSsl, pem: Pem): Ptr[] {
  const buf = Buffer.from(pem); // read in place by the BIO: referenced here until BIO_free
  const bio = lib.BIO_new_mem_buf(buf, buf.length);
  const out: Ptr[] = [];
  for (;;) {
    const x = lib.PEM_read_bio_X509(bio, null, null, null);
    if (!x) break;
    out.push(x);
  }
  lib.BIO_free(bio);
  lib.ERR_clear_error(); // the read past the last certificate leaves PEM_R_NO_START_LINE behind
  return out;
}
