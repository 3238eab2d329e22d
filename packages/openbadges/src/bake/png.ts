import { crc32, inflateSync } from 'node:zlib';
import { OpenBadgesError } from '../errors.ts';
import { credentialForm, theOnlyCredential } from './classify.ts';

/** PNG keywords that carry a badge: OB 3.0 "Baked Badge" and OB 2.0 baking. */
export type PngCredentialKeyword = 'openbadgecredential' | 'openbadges';

export const PNG_KEYWORD_OB3 = 'openbadgecredential';
export const PNG_KEYWORD_OB2 = 'openbadges';
const CREDENTIAL_KEYWORDS: ReadonlySet<string> = new Set([PNG_KEYWORD_OB3, PNG_KEYWORD_OB2]);

export const DEFAULT_PNG_MAX_BYTES = 20 * 1024 * 1024;
/** Cap on the inflated size of a compressed iTXt/zTXt credential chunk (read side only). */
export const DEFAULT_PNG_MAX_INFLATED_BYTES = 5 * 1024 * 1024;

const SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
// PNG 1.2 §5.3: a chunk length is at most 2^31 - 1.
const MAX_CHUNK_LENGTH = 0x7fffffff;

export interface PngLimits {
  /** Largest PNG accepted, in bytes (default 20 MB). */
  maxBytes?: number;
  /** Largest inflated text of a compressed credential chunk (default 5 MB). */
  maxInflatedBytes?: number;
}

export interface PngChunk {
  type: string;
  /** Offset of the chunk's length field in the file. */
  offset: number;
  /** Offset and length of the chunk data. */
  dataOffset: number;
  length: number;
}

export function isPng(bytes: Uint8Array): boolean {
  if (bytes.length < SIGNATURE.length) return false;
  for (let i = 0; i < SIGNATURE.length; i++) if (bytes[i] !== SIGNATURE[i]) return false;
  return true;
}

function readUint32(bytes: Uint8Array, at: number): number {
  return ((bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3]) >>> 0;
}

function isChunkTypeByte(b: number): boolean {
  return (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);
}

/**
 * Walks every chunk from the signature to IEND, checking bounds and each CRC. Bytes after IEND
 * are ignored (some encoders leave padding there); they are not part of the image.
 */
export function readPngChunks(png: Uint8Array, opts: { maxBytes?: number } = {}): PngChunk[] {
  const maxBytes = opts.maxBytes ?? DEFAULT_PNG_MAX_BYTES;
  if (png.length > maxBytes) {
    throw new OpenBadgesError(
      'INPUT_TOO_LARGE',
      `The PNG is ${png.length} bytes, over the ${maxBytes} byte limit.`,
    );
  }
  if (!isPng(png))
    throw new OpenBadgesError('PNG_INVALID', 'The file does not start with the PNG signature.');
  const chunks: PngChunk[] = [];
  let at = SIGNATURE.length;
  for (;;) {
    if (png.length - at < 12) {
      throw new OpenBadgesError('PNG_INVALID', 'The PNG ends before its IEND chunk.');
    }
    const length = readUint32(png, at);
    const typeOffset = at + 4;
    for (let i = 0; i < 4; i++) {
      if (!isChunkTypeByte(png[typeOffset + i])) {
        throw new OpenBadgesError('PNG_INVALID', `The PNG has a malformed chunk type at byte ${typeOffset}.`);
      }
    }
    if (length > MAX_CHUNK_LENGTH || length > png.length - at - 12) {
      throw new OpenBadgesError(
        'PNG_INVALID',
        `A PNG chunk at byte ${at} declares more data than the file holds.`,
      );
    }
    const type = String.fromCharCode(
      png[typeOffset],
      png[typeOffset + 1],
      png[typeOffset + 2],
      png[typeOffset + 3],
    );
    const dataOffset = at + 8;
    const expected = readUint32(png, dataOffset + length);
    const actual = crc32(png.subarray(typeOffset, dataOffset + length));
    if (expected !== actual) {
      throw new OpenBadgesError(
        'PNG_BAD_CRC',
        `The CRC of the PNG chunk ${type} at byte ${at} does not match.`,
      );
    }
    if (chunks.length === 0 && (type !== 'IHDR' || length !== 13)) {
      throw new OpenBadgesError('PNG_INVALID', 'The PNG does not begin with an IHDR chunk.');
    }
    chunks.push({ type, offset: at, dataOffset, length });
    at = dataOffset + length + 4;
    if (type === 'IEND') return chunks;
  }
}

interface TextChunk {
  keyword: string;
  /** Decoded text, or a thunk that inflates it (so only credential chunks are ever inflated). */
  text: () => string;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');

function inflateCapped(data: Uint8Array, maxInflatedBytes: number): Uint8Array {
  try {
    return inflateSync(data, { maxOutputLength: maxInflatedBytes });
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) {
      throw new OpenBadgesError(
        'INPUT_TOO_LARGE',
        `The compressed credential text inflates to more than ${maxInflatedBytes} bytes.`,
        { cause: e },
      );
    }
    throw new OpenBadgesError('PNG_INVALID', 'The compressed credential text is not valid zlib data.', {
      cause: e,
    });
  }
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch (e) {
    throw new OpenBadgesError('PNG_INVALID', 'The credential text in the PNG is not valid UTF-8.', {
      cause: e,
    });
  }
}

/** Parses a tEXt, zTXt or iTXt credential chunk (PNG 1.2 §11.3.4); any other chunk gives undefined. */
function parseTextChunk(png: Uint8Array, chunk: PngChunk, maxInflatedBytes: number): TextChunk | undefined {
  if (chunk.type !== 'tEXt' && chunk.type !== 'zTXt' && chunk.type !== 'iTXt') return undefined;
  const data = png.subarray(chunk.dataOffset, chunk.dataOffset + chunk.length);
  const nul = data.indexOf(0);
  // Other applications' text chunks are not ours to judge; only a credential chunk is parsed strictly.
  if (nul < 1 || nul > 79) return undefined;
  const keyword = latin1.decode(data.subarray(0, nul));
  if (!CREDENTIAL_KEYWORDS.has(keyword)) return undefined;
  if (chunk.type === 'tEXt') {
    return { keyword, text: () => latin1.decode(data.subarray(nul + 1)) };
  }
  if (chunk.type === 'zTXt') {
    if (data.length < nul + 2 || data[nul + 1] !== 0) {
      throw new OpenBadgesError('PNG_INVALID', 'A zTXt chunk uses an unknown compression method.');
    }
    return { keyword, text: () => latin1.decode(inflateCapped(data.subarray(nul + 2), maxInflatedBytes)) };
  }
  // iTXt: keyword \0 flag method language \0 translated-keyword \0 text
  if (data.length < nul + 3) throw new OpenBadgesError('PNG_INVALID', 'An iTXt chunk is truncated.');
  const flag = data[nul + 1];
  const method = data[nul + 2];
  if (flag > 1 || (flag === 1 && method !== 0)) {
    throw new OpenBadgesError('PNG_INVALID', 'An iTXt chunk has an unknown compression flag or method.');
  }
  const langEnd = data.indexOf(0, nul + 3);
  const translatedEnd = langEnd < 0 ? -1 : data.indexOf(0, langEnd + 1);
  if (translatedEnd < 0) throw new OpenBadgesError('PNG_INVALID', 'An iTXt chunk is truncated.');
  const body = data.subarray(translatedEnd + 1);
  return {
    keyword,
    text: () => decodeUtf8(flag === 1 ? inflateCapped(body, maxInflatedBytes) : body),
  };
}

/**
 * Reads the one credential chunk of a baked PNG: an iTXt (or, for images baked before the
 * spec, a tEXt/zTXt) with keyword `openbadgecredential` or `openbadges`.
 */
export function unbakePng(png: Uint8Array, opts: PngLimits = {}): { keyword: string; text: string } {
  const maxInflated = opts.maxInflatedBytes ?? DEFAULT_PNG_MAX_INFLATED_BYTES;
  const found: TextChunk[] = [];
  for (const chunk of readPngChunks(png, opts)) {
    const text = parseTextChunk(png, chunk, maxInflated);
    if (text) found.push(text);
  }
  const chunk = theOnlyCredential(found, 'PNG', 'credential chunks');
  const text = chunk.text().trim();
  if (text === '')
    throw new OpenBadgesError('PNG_NO_CREDENTIAL', 'The credential chunk of the PNG is empty.');
  return { keyword: chunk.keyword, text };
}

function chunkBytes(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** An uncompressed iTXt chunk with empty language tag and translated keyword (OB 3.0 §"Baked Badge"). */
export function iTxtChunk(keyword: string, text: string): Uint8Array {
  const body = new TextEncoder().encode(text);
  const data = new Uint8Array(keyword.length + 5 + body.length);
  for (let i = 0; i < keyword.length; i++) data[i] = keyword.charCodeAt(i);
  // keyword NUL, compression flag 0, method 0, empty language NUL, empty translated keyword NUL
  data.set(body, keyword.length + 5);
  return chunkBytes('iTXt', data);
}

/**
 * Bakes a credential into a PNG: checks the file, drops every existing credential chunk (either
 * keyword, any text chunk type) and puts one iTXt right after IHDR. Other chunks are copied as is.
 */
export function bakePng(
  png: Uint8Array,
  payload: { keyword: PngCredentialKeyword; text: string },
  opts: { maxBytes?: number } = {},
): Uint8Array {
  if (!CREDENTIAL_KEYWORDS.has(payload.keyword)) {
    throw new OpenBadgesError(
      'INPUT_UNRECOGNIZED',
      `"${payload.keyword}" is not a badge keyword for PNG baking.`,
    );
  }
  if (payload.text.trim() === '') {
    throw new OpenBadgesError('INPUT_UNRECOGNIZED', 'The credential text to bake is empty.');
  }
  const chunks = readPngChunks(png, opts);
  // OB 2.0 baking: the text is the assertion itself (JSON) or its JWS. A bare URL is what tools
  // wrote before the specification; readers still accept it, but it is never written.
  const form = credentialForm(payload.text);
  if (payload.keyword === PNG_KEYWORD_OB2 && form !== 'json' && form !== 'jws') {
    throw new OpenBadgesError(
      'INPUT_UNRECOGNIZED',
      'OB 2.0 baking carries the assertion JSON (hosted) or its JWS (signed), not a URL or other text.',
    );
  }
  const parts: Uint8Array[] = [SIGNATURE];
  for (const chunk of chunks) {
    // Keywords are read without inflating anything; a damaged text chunk is dropped only if it is ours.
    const end = chunk.dataOffset + chunk.length + 4;
    if (chunk.type === 'tEXt' || chunk.type === 'zTXt' || chunk.type === 'iTXt') {
      const data = png.subarray(chunk.dataOffset, chunk.dataOffset + chunk.length);
      const nul = data.indexOf(0);
      const keyword = latin1.decode(data.subarray(0, nul < 0 ? data.length : nul));
      if (CREDENTIAL_KEYWORDS.has(keyword)) continue;
    }
    parts.push(png.subarray(chunk.offset, end));
    if (chunk.type === 'IHDR') parts.push(iTxtChunk(payload.keyword, payload.text));
  }
  const size = parts.reduce((n, p) => n + p.length, 0);
  // Never write a file our own reader (with the same limit) would refuse.
  const maxBytes = opts.maxBytes ?? DEFAULT_PNG_MAX_BYTES;
  if (size > maxBytes) {
    throw new OpenBadgesError(
      'INPUT_TOO_LARGE',
      `The baked PNG would be ${size} bytes, over the ${maxBytes} byte limit.`,
    );
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
