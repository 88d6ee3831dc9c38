// TLS errors with the names and message shapes of Python's ssl module: SSLError is an OSError,
// its message is `[LIBRARY: REASON] reason text`, then where it happened in parentheses (Python
// puts `(_ssl.c:1006)` there; we put the peer, which is what a person can act on).
import { OSError } from '../sys/errors';
import { openssl, type OpenSsl } from './openssl';

/** ssl.SSLError: `library` ('SSL', 'PEM', ...) and `reason` ('WRONG_VERSION_NUMBER') as Python's. */
export class SSLError extends OSError {
  override name = 'SSLError';
  readonly library: string | null;
  readonly reason: string | null;

  constructor(message: string, library: string | null = null, reason: string | null = null, options?: { cause?: unknown }) {
    super(null, message, options);
    this.library = library;
    this.reason = reason;
  }
}

/** ssl.SSLCertVerificationError: the peer's certificate did not verify (`verifyCode`, `verifyMessage`). */
export class SSLCertVerificationError extends SSLError {
  override name = 'SSLCertVerificationError';
  readonly verifyCode: number;
  readonly verifyMessage: string;

  constructor(verifyCode: number, verifyMessage: string, where: string) {
    super(`[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: ${verifyMessage} (${where})`, 'SSL', 'CERTIFICATE_VERIFY_FAILED');
    this.verifyCode = verifyCode;
    this.verifyMessage = verifyMessage;
  }
}

/** ssl.SSLEOFError: the connection ended in the middle of the TLS protocol (during a handshake). */
export class SSLEOFError extends SSLError {
  override name = 'SSLEOFError';
}

const LIBRARIES: Record<string, string> = {
  'SSL routines': 'SSL',
  'PEM routines': 'PEM',
  'x509 certificate routines': 'X509',
  'asn1 encoding routines': 'ASN1',
  'system library': 'SYS',
  'digital envelope routines': 'EVP',
  'BIO routines': 'BIO',
};

/**
 * The error at the bottom of OpenSSL's (thread-local) error queue as an SSLError, the queue
 * emptied; null when the queue was empty. `fallback` is the message when it was.
 */
export function takeSslError(where: string, lib: OpenSsl = openssl()): SSLError | null {
  const code = lib.ERR_peek_last_error();
  lib.ERR_clear_error();
  if (code === 0) return null;
  const libText = lib.ERR_lib_error_string(code) ?? 'unknown library';
  const reasonText = lib.ERR_reason_error_string(code) ?? `error ${code.toString(16)}`;
  const library = LIBRARIES[libText] ?? libText.split(' ')[0]!.toUpperCase();
  const reason = reasonText.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
  return new SSLError(`[${library}: ${reason}] ${reasonText} (${where})`, library, reason);
}
