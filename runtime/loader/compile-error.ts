// The error for a program the loader cannot compile, apart from the compiler (transform.ts): the
// program's thread needs only this on a warm cache, not the compiler's code.
/** Thrown for a program the loader cannot compile: the message is what the user needs, nothing more. */
export class CompileError extends Error {
  override name = 'SyntaxError';
  /** What survives the trip from Node's module hooks thread (an error's own symbols do not). */
  readonly code = COMPILE_ERROR_CODE;
  constructor(readonly errors: string[]) {
    super(errors.join('\n'));
    (this as unknown as Record<symbol, boolean>)[COMPILE_ERROR] = true;
  }
}

const COMPILE_ERROR_CODE = 'ERR_COROSCOPE_COMPILE';

const COMPILE_ERROR = Symbol.for('coroscope.compileError');

/** True for a CompileError from any copy of this module (the CLI and the loader may hold different ones). */
export function isCompileError(err: unknown): err is CompileError {
  if (typeof err !== 'object' || err === null) return false;
  return (err as Record<symbol, unknown>)[COMPILE_ERROR] === true || (err as { code?: unknown }).code === COMPILE_ERROR_CODE;
}
