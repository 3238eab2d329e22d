import { gunzipSync, gzipSync } from 'node:zlib';
import { OpenBadgesError } from '../errors.ts';

/**
 * W3C Bitstring Status List v1.0. A list is a plain byte array; bit `i` is the
 * most significant bit first: index 0 is the left-most bit of byte 0 (§4.1).
 */

/** §6.1: the uncompressed list is at least 16 KB (131 072 entries) so one entry hides in a crowd. */
export const MIN_BITSTRING_LENGTH = 131_072;
/** Default cap on the gunzipped size of a fetched list. */
export const DEFAULT_MAX_BITSTRING_BYTES = 16 * 1024 * 1024;

export function createBitstring(length: number = MIN_BITSTRING_LENGTH): Uint8Array {
  if (!Number.isSafeInteger(length) || length < MIN_BITSTRING_LENGTH || length % 8 !== 0) {
    throw new OpenBadgesError(
      'STATUS_INVALID',
      `A status list holds a multiple of 8 entries, at least ${MIN_BITSTRING_LENGTH}; ${length} was asked.`,
    );
  }
  return new Uint8Array(length / 8);
}

function checkIndex(list: Uint8Array, index: number): void {
  if (!Number.isSafeInteger(index) || index < 0 || index >= list.length * 8) {
    throw new OpenBadgesError(
      'STATUS_INVALID',
      `Status index ${index} is outside the list of ${list.length * 8} entries.`,
    );
  }
}

export function getBit(list: Uint8Array, index: number): boolean {
  checkIndex(list, index);
  return (list[index >> 3] & (0x80 >> (index & 7))) !== 0;
}

export function setBit(list: Uint8Array, index: number, value: boolean): void {
  checkIndex(list, index);
  const mask = 0x80 >> (index & 7);
  if (value) list[index >> 3] |= mask;
  else list[index >> 3] &= ~mask;
}

/** `encodedList`: multibase base64url (prefix `u`, no padding) of the gzipped bytes. */
export function encodeBitstring(bits: Uint8Array): string {
  return `u${gzipSync(bits).toString('base64url')}`;
}

/**
 * Decodes an `encodedList`. Also reads the unprefixed base64url of StatusList2021 (the gzip
 * magic makes it unambiguous: it always starts `H4sI`). The gunzipped size is capped.
 */
export function decodeBitstring(encoded: string, opts: { maxBytes?: number } = {}): Uint8Array {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BITSTRING_BYTES;
  if (typeof encoded !== 'string') {
    throw new OpenBadgesError('STATUS_INVALID', 'The encoded status list is not a string.');
  }
  // gzip cannot shrink data by more than about 1032:1, so a longer text cannot be a list within the cap.
  if (encoded.length > maxBytes) {
    throw new OpenBadgesError('INPUT_TOO_LARGE', 'The encoded status list is longer than the size limit.');
  }
  let body: string;
  if (encoded.startsWith('u')) body = encoded.slice(1);
  else if (encoded.startsWith('H4sI')) body = encoded;
  else {
    throw new OpenBadgesError('STATUS_INVALID', 'The encoded status list is not multibase base64url.');
  }
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(body)) {
    throw new OpenBadgesError('STATUS_INVALID', 'The encoded status list has characters outside base64url.');
  }
  const compressed = Buffer.from(body, 'base64url');
  try {
    return new Uint8Array(gunzipSync(compressed, { maxOutputLength: maxBytes }));
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) {
      throw new OpenBadgesError(
        'INPUT_TOO_LARGE',
        `The status list inflates to more than ${maxBytes} bytes.`,
        {
          cause: e,
        },
      );
    }
    throw new OpenBadgesError('STATUS_INVALID', 'The encoded status list is not gzip data.', { cause: e });
  }
}
