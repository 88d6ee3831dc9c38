// What every conformance program prints with, so both sides print alike (the .py twin: _support.py).

/** An error as CPython's `f'{type(e).__name__}: {e}'` prints it (the name alone without a message). */
export function describe(e: unknown): string {
  const err = e as Error;
  return err.message ? `${err.name}: ${err.message}` : err.name;
}
