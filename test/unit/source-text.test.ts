import { test } from 'node:test';
import assert from 'node:assert/strict';
import { firstInvalidUtf8 } from 'coroscope/loader/source-text';

test('firstInvalidUtf8 agrees with a fatal TextDecoder and names where the bad sequence starts', () => {
  const at = (...bytes: number[]) => firstInvalidUtf8(Uint8Array.from(bytes));
  assert.equal(at(0x61, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80), -1); // a é € 😀
  assert.equal(at(0x61, 0x80), 1); // a lone continuation byte
  assert.equal(at(0x61, 0xc0, 0x80), 1); // overlong NUL
  assert.equal(at(0xe0, 0x80, 0x80), 0); // overlong 3-byte form
  assert.equal(at(0x61, 0xed, 0xa0, 0x80), 1); // a UTF-16 surrogate
  assert.equal(at(0xf4, 0x90, 0x80, 0x80), 0); // past U+10FFFF
  assert.equal(at(0x61, 0x62, 0xe2, 0x82), 2); // cut short at the end
  assert.equal(at(0xe9, 0x74, 0xe9), 0); // Latin-1 "été"
});
