// OpenSSL through koffi, over memory BIOs (the engine Python's ssl.SSLObject + MemoryBIO wraps).
// Why OpenSSL directly and not Node's `tls` over a Duplex: the bytes stay on our loop (no Node
// stream, no setImmediate per write, so no host turn per request) and it costs a third of the CPU
// (a 1 KiB ping-pong, both ends in one process: 12-14 µs per round trip here against 37 µs for
// two TLSSockets over Duplexes; see the commit that added this file).
//
// Which OpenSSL: Node's own binaries export the OpenSSL they are built with, so the process's
// symbols come first (the same library Node's `tls` uses, nothing to install); where the process
// does not export them (a Node linked against a shared libssl, Electron with BoringSSL), the
// system's libssl.so.3 / libcrypto.so.3 (or .dylib) is loaded instead.
import type * as Koffi from 'koffi';
import { koffi } from '../sys/libc';

type Fn = (...args: any[]) => any;
/** An OpenSSL object (SSL_CTX *, SSL *, BIO *, X509 *, ...): opaque to us, null for NULL. */
export type Ptr = object;

function openLibraries(): { ssl: Koffi.LibraryHandle; crypto: Koffi.LibraryHandle } {
  const own = koffi.load(null);
  try {
    own.func('void *TLS_method()');
    return { ssl: own, crypto: own };
  } catch {
    // not exported by this process: the system's shared libraries
  }
  const pairs =
    process.platform === 'darwin'
      ? [['libssl.3.dylib', 'libcrypto.3.dylib'], ['/opt/homebrew/opt/openssl@3/lib/libssl.3.dylib', '/opt/homebrew/opt/openssl@3/lib/libcrypto.3.dylib'], ['/usr/local/opt/openssl@3/lib/libssl.3.dylib', '/usr/local/opt/openssl@3/lib/libcrypto.3.dylib']]
      : process.platform === 'win32'
        ? [['libssl-3-x64.dll', 'libcrypto-3-x64.dll']]
        : [['libssl.so.3', 'libcrypto.so.3']];
  const tried: string[] = [];
  for (const [ssl, crypto] of pairs) {
    try {
      const c = koffi.load(crypto!);
      return { ssl: koffi.load(ssl!), crypto: c };
    } catch (err) {
      tried.push(`${ssl}: ${(err as Error).message}`);
    }
  }
  throw new Error(`TLS needs OpenSSL 3: this process does not export it and no shared library was found (${tried.join('; ')})`);
}

export interface OpenSsl {
  version: string;
  TLS_method: () => Ptr;
  SSL_CTX_new: (method: Ptr) => Ptr | null;
  SSL_CTX_free: (ctx: Ptr) => void;
  SSL_CTX_ctrl: (ctx: Ptr, cmd: number, larg: number, parg: Ptr | null) => number;
  SSL_CTX_use_certificate: (ctx: Ptr, x: Ptr) => number;
  SSL_CTX_use_PrivateKey: (ctx: Ptr, key: Ptr) => number;
  SSL_CTX_check_private_key: (ctx: Ptr) => number;
  SSL_CTX_get_cert_store: (ctx: Ptr) => Ptr;
  SSL_CTX_set1_cert_store: (ctx: Ptr, store: Ptr) => void;
  X509_STORE_new: () => Ptr;
  X509_STORE_free: (store: Ptr) => void;
  SSL_CTX_set_verify: (ctx: Ptr, mode: number, cb: null) => void;
  SSL_new: (ctx: Ptr) => Ptr | null;
  SSL_free: (ssl: Ptr) => void;
  SSL_set_bio: (ssl: Ptr, rbio: Ptr, wbio: Ptr) => void;
  SSL_set_accept_state: (ssl: Ptr) => void;
  SSL_set_connect_state: (ssl: Ptr) => void;
  SSL_do_handshake: (ssl: Ptr) => number;
  SSL_get_error: (ssl: Ptr, ret: number) => number;
  SSL_read: (ssl: Ptr, buf: Uint8Array, n: number) => number;
  SSL_write: (ssl: Ptr, buf: Uint8Array, n: number) => number;
  SSL_shutdown: (ssl: Ptr) => number;
  SSL_get_shutdown: (ssl: Ptr) => number;
  SSL_ctrl: (ssl: Ptr, cmd: number, larg: number, parg: string | null) => number;
  SSL_set1_host: (ssl: Ptr, host: string) => number;
  SSL_get0_param: (ssl: Ptr) => Ptr;
  SSL_get_verify_result: (ssl: Ptr) => number;
  SSL_get1_peer_certificate: (ssl: Ptr) => Ptr | null;
  SSL_get_version: (ssl: Ptr) => string;
  SSL_get_current_cipher: (ssl: Ptr) => Ptr | null;
  SSL_CIPHER_get_name: (c: Ptr) => string;
  SSL_CIPHER_get_version: (c: Ptr) => string;
  SSL_CIPHER_get_bits: (c: Ptr, alg: null) => number;
  SSL_set_verify: (ssl: Ptr, mode: number, cb: null) => void;
  X509_VERIFY_PARAM_set1_ip_asc: (param: Ptr, ip: string) => number;
  X509_verify_cert_error_string: (n: number) => string;
  X509_STORE_add_cert: (store: Ptr, x: Ptr) => number;
  X509_free: (x: Ptr) => void;
  EVP_PKEY_free: (k: Ptr) => void;
  BIO_s_mem: () => Ptr;
  BIO_new: (method: Ptr) => Ptr;
  BIO_new_mem_buf: (buf: Uint8Array, len: number) => Ptr;
  BIO_free: (bio: Ptr) => number;
  BIO_ctrl: (bio: Ptr, cmd: number, larg: number, parg: null) => number;
  BIO_write: (bio: Ptr, buf: Uint8Array, n: number) => number;
  BIO_read: (bio: Ptr, buf: Uint8Array, n: number) => number;
  BIO_ctrl_pending: (bio: Ptr) => number;
  PEM_read_bio_X509: (bio: Ptr, x: null, cb: null, u: null) => Ptr | null;
  PEM_read_bio_PrivateKey: (bio: Ptr, x: null, cb: null, u: null) => Ptr | null;
  PEM_write_bio_X509: (bio: Ptr, x: Ptr) => number;
  ERR_get_error: () => number;
  ERR_peek_last_error: () => number;
  ERR_clear_error: () => void;
  ERR_lib_error_string: (e: number) => string | null;
  ERR_reason_error_string: (e: number) => string | null;
}

let cached: OpenSsl | null = null;

/** The bound functions, loaded on first use (a program without TLS never loads them). */
export function openssl(): OpenSsl {
  if (cached) return cached;
  const { ssl, crypto } = openLibraries();
  const s = (decl: string): Fn => ssl.func(decl) as Fn;
  const c = (decl: string): Fn => crypto.func(decl) as Fn;
  // `void *` buffers: koffi hands a Buffer's memory to C without copying (libc.ts does the same).
  cached = {
    version: (c('const char *OpenSSL_version(int t)') as (t: number) => string)(0),
    TLS_method: s('void *TLS_method()'),
    SSL_CTX_new: s('void *SSL_CTX_new(void *method)'),
    SSL_CTX_free: s('void SSL_CTX_free(void *ctx)'),
    SSL_CTX_ctrl: s('long SSL_CTX_ctrl(void *ctx, int cmd, long larg, void *parg)'),
    SSL_CTX_use_certificate: s('int SSL_CTX_use_certificate(void *ctx, void *x)'),
    SSL_CTX_use_PrivateKey: s('int SSL_CTX_use_PrivateKey(void *ctx, void *key)'),
    SSL_CTX_check_private_key: s('int SSL_CTX_check_private_key(void *ctx)'),
    SSL_CTX_get_cert_store: s('void *SSL_CTX_get_cert_store(void *ctx)'),
    SSL_CTX_set1_cert_store: s('void SSL_CTX_set1_cert_store(void *ctx, void *store)'),
    X509_STORE_new: c('void *X509_STORE_new()'),
    X509_STORE_free: c('void X509_STORE_free(void *store)'),
    SSL_CTX_set_verify: s('void SSL_CTX_set_verify(void *ctx, int mode, void *cb)'),
    SSL_new: s('void *SSL_new(void *ctx)'),
    SSL_free: s('void SSL_free(void *ssl)'),
    SSL_set_bio: s('void SSL_set_bio(void *ssl, void *rbio, void *wbio)'),
    SSL_set_accept_state: s('void SSL_set_accept_state(void *ssl)'),
    SSL_set_connect_state: s('void SSL_set_connect_state(void *ssl)'),
    SSL_do_handshake: s('int SSL_do_handshake(void *ssl)'),
    SSL_get_error: s('int SSL_get_error(void *ssl, int ret)'),
    SSL_read: s('int SSL_read(void *ssl, void *buf, int n)'),
    SSL_write: s('int SSL_write(void *ssl, void *buf, int n)'),
    SSL_shutdown: s('int SSL_shutdown(void *ssl)'),
    SSL_get_shutdown: s('int SSL_get_shutdown(void *ssl)'),
    SSL_ctrl: s('long SSL_ctrl(void *ssl, int cmd, long larg, const char *parg)'),
    SSL_set1_host: s('int SSL_set1_host(void *ssl, const char *host)'),
    SSL_get0_param: s('void *SSL_get0_param(void *ssl)'),
    SSL_get_verify_result: s('long SSL_get_verify_result(void *ssl)'),
    SSL_get1_peer_certificate: s('void *SSL_get1_peer_certificate(void *ssl)'),
    SSL_get_version: s('const char *SSL_get_version(void *ssl)'),
    SSL_get_current_cipher: s('void *SSL_get_current_cipher(void *ssl)'),
    SSL_CIPHER_get_name: s('const char *SSL_CIPHER_get_name(void *c)'),
    SSL_CIPHER_get_version: s('const char *SSL_CIPHER_get_version(void *c)'),
    SSL_CIPHER_get_bits: s('int SSL_CIPHER_get_bits(void *c, void *alg)'),
    SSL_set_verify: s('void SSL_set_verify(void *ssl, int mode, void *cb)'),
    X509_VERIFY_PARAM_set1_ip_asc: c('int X509_VERIFY_PARAM_set1_ip_asc(void *param, const char *ip)'),
    X509_verify_cert_error_string: c('const char *X509_verify_cert_error_string(long n)'),
    X509_STORE_add_cert: c('int X509_STORE_add_cert(void *store, void *x)'),
    X509_free: c('void X509_free(void *x)'),
    EVP_PKEY_free: c('void EVP_PKEY_free(void *k)'),
    BIO_s_mem: c('void *BIO_s_mem()'),
    BIO_new: c('void *BIO_new(void *method)'),
    BIO_new_mem_buf: c('void *BIO_new_mem_buf(void *buf, int len)'),
    BIO_free: c('int BIO_free(void *bio)'),
    BIO_ctrl: c('long BIO_ctrl(void *bio, int cmd, long larg, void *parg)'),
    BIO_write: c('int BIO_write(void *bio, void *buf, int n)'),
    BIO_read: c('int BIO_read(void *bio, void *buf, int n)'),
    BIO_ctrl_pending: c('size_t BIO_ctrl_pending(void *bio)'),
    PEM_read_bio_X509: c('void *PEM_read_bio_X509(void *bio, void *x, void *cb, void *u)'),
    PEM_read_bio_PrivateKey: c('void *PEM_read_bio_PrivateKey(void *bio, void *x, void *cb, void *u)'),
    PEM_write_bio_X509: c('int PEM_write_bio_X509(void *bio, void *x)'),
    ERR_get_error: c('unsigned long ERR_get_error()'),
    ERR_peek_last_error: c('unsigned long ERR_peek_last_error()'),
    ERR_clear_error: c('void ERR_clear_error()'),
    ERR_lib_error_string: c('const char *ERR_lib_error_string(unsigned long e)'),
    ERR_reason_error_string: c('const char *ERR_reason_error_string(unsigned long e)'),
  };
  return cached;
}

/** OpenSSL's constants (ssl.h, bio.h, x509_vfy.h; stable across 3.x). */
export const K = {
  SSL_ERROR_NONE: 0,
  SSL_ERROR_SSL: 1,
  SSL_ERROR_WANT_READ: 2,
  SSL_ERROR_WANT_WRITE: 3,
  SSL_ERROR_SYSCALL: 5,
  SSL_ERROR_ZERO_RETURN: 6,
  SSL_VERIFY_NONE: 0,
  SSL_VERIFY_PEER: 1,
  SSL_VERIFY_FAIL_IF_NO_PEER_CERT: 2,
  SSL_RECEIVED_SHUTDOWN: 2,
  SSL_CTRL_SET_TLSEXT_HOSTNAME: 55,
  SSL_CTRL_EXTRA_CHAIN_CERT: 14,
  SSL_CTRL_SET_MIN_PROTO_VERSION: 123,
  TLSEXT_NAMETYPE_host_name: 0,
  TLS1_2_VERSION: 0x0303,
  TLS1_3_VERSION: 0x0304,
  BIO_C_SET_BUF_MEM_EOF_RETURN: 130,
  X509_V_OK: 0,
  X509_V_ERR_HOSTNAME_MISMATCH: 62,
  X509_V_ERR_IP_ADDRESS_MISMATCH: 64,
} as const;
