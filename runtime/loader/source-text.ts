// A program's bytes as text. Source files must be UTF-8: anything else would be decoded with U+FFFD
// in place of the bad bytes and the program would run altered, so it is a compile error naming the
// first bad byte instead. A UTF-8 byte order mark is dropped (it is not part of the first line).
import { CompileError } from './compile-error';

const decoder = new TextDecoder('utf-8', { fatal: true });

/** The source text of `bytes`; throws CompileError (`file: not valid UTF-8 at byte N ...`) when it is not UTF-8. */
export function decodeSource(bytes: Uint8Array, filename: string): string {
  try {
    return decoder.decode(bytes); // strips a leading BOM (ignoreBOM is false)
  } catch {
    const at = firstInvalidUtf8(bytes);
    let line = 1;
    for (let i = 0; i < at; i++) if (bytes[i] === 10) line++;
    throw new CompileError([`${filename}: not valid UTF-8 at byte ${at} (line ${line}): save the file as UTF-8`]);
  }
}

/**
 * Offset of the first byte that does not start a well-formed UTF-8 sequence (RFC 3629: no overlong
 * forms, no surrogates, nothing past U+10FFFF), or -1. A sequence cut short is named by its first byte.
 */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let extra: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) extra = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      extra = 2;
      if (c === 0xe0) lo = 0xa0; // overlong
      if (c === 0xed) hi = 0x9f; // surrogates
    } else if (c >= 0xf0 && c <= 0xf4) {
      extra = 3;
      if (c === 0xf0) lo = 0x90; // overlong
      if (c === 0xf4) hi = 0x8f; // past U+10FFFF
    } else return i;
    for (let k = 1; k <= extra; k++) {
      const d = b[i + k];
      if (d === undefined || d < (k === 1 ? lo : 0x80) || d > (k === 1 ? hi : 0xbf)) return i;
    }
    i += extra + 1;
  }
  return -1;
}
