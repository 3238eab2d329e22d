import { sanitizeSvg } from '@laurel/openbadges/bake';
import { OpenBadgesError } from '@laurel/openbadges/errors';
import {
  checkJsonLimits,
  checkTextLimits,
  DEFAULT_INPUT_LIMITS,
  type InputLimits,
} from '@laurel/openbadges/verify';
import { LaurelError } from '../errors.ts';

export const MAX_VERIFY_MB = 5;
export const MAX_VERIFY_BYTES = MAX_VERIFY_MB * 1024 * 1024;
/** The JSON of a credential, as the library's default limits read it. */
export const MAX_CREDENTIAL_MB = DEFAULT_INPUT_LIMITS.maxBytes / (1024 * 1024);
const MAX_EMAIL = 254;

export const TOO_LARGE_SENTENCE = `The file is larger than ${MAX_VERIFY_MB} MB, the most this verifier accepts. Badge images are usually far smaller: try the original file.`;
export const EMPTY_SENTENCE = 'Choose a badge file, or paste a badge URL, credential JSON or a JWT.';

/** What the verifier is asked to check, ready for the library's verify(). */
export interface VerifyRequestInput {
  value: Uint8Array | string | object;
  /** A data: URL of an uploaded PNG, to show the badge as the verifier received it. */
  imageSrc?: string;
  recipientEmail?: string;
  /** Check the copy the issuer's refresh service returns instead, when the credential offers one. */
  followRefresh?: boolean;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function tooLarge(): LaurelError {
  return new LaurelError('TOO_LARGE', TOO_LARGE_SENTENCE);
}

/**
 * Bytes of an upload: PNG and SVG go to the library as bytes (it reads the baked credential);
 * anything else must be text (JSON or a JWT) and goes as a string.
 */
export function inputFromBytes(data: Uint8Array): Uint8Array | string {
  if (data.length > MAX_VERIFY_BYTES) throw tooLarge();
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (buf.subarray(0, 8).equals(PNG_SIGNATURE)) return data;
  const text = new TextDecoder('utf-8', { fatal: false })
    .decode(data)
    .replace(/^\uFEFF/, '')
    .trim();
  if (text.startsWith('<')) return data;
  if (text === '') throw new LaurelError('INVALID', 'The file is empty.');
  return text;
}

/**
 * The uploaded image as a data: URL, to show the badge as the verifier received it: a PNG as
 * is, an SVG rebuilt by the sanitizer (without its credential) so nothing active survives.
 */
export function imagePreview(data: Uint8Array): string | undefined {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (buf.subarray(0, 8).equals(PNG_SIGNATURE)) return `data:image/png;base64,${buf.toString('base64')}`;
  if (!buf.subarray(0, 512).toString('utf8').includes('<svg')) return undefined;
  try {
    const svg = sanitizeSvg(data);
    return `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
  } catch {
    return undefined;
  }
}

/** A pasted URL, JSON or JWT. */
export function inputFromText(text: string): string | object {
  const t = text.replace(/^\uFEFF/, '').trim();
  if (t === '') throw new LaurelError('INVALID', EMPTY_SENTENCE);
  if (Buffer.byteLength(t) > MAX_VERIFY_BYTES) throw tooLarge();
  return t;
}

/**
 * Refuses what is cheap to measure here, before a worker sees it: JSON text over the byte limit,
 * an object over any limit (the scan stops at the first, so a 60,000-item list costs nothing).
 * Images and tokens are measured in the worker, which unpacks them.
 */
export function checkInputLimits(value: VerifyRequestInput['value'], limits: InputLimits): void {
  const over =
    typeof value === 'string'
      ? value.startsWith('{')
        ? checkTextLimits(value, limits)
        : undefined
      : value instanceof Uint8Array
        ? undefined
        : checkJsonLimits(value, limits);
  if (over) throw new OpenBadgesError(over.code, over.message);
}

/** The status a verifier answer gets when the input is over a limit or is not a badge. */
export function refusalStatus(code: string | undefined): 400 | 413 | 422 {
  if (code === 'INPUT_TOO_COMPLEX') return 400;
  if (code === 'INPUT_TOO_LARGE') return 413;
  return 422;
}

export function cleanRecipientEmail(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const email = value.trim().toLowerCase();
  if (email === '') return undefined;
  if (email.length > MAX_EMAIL || !/^[^\s@]+@[^\s@]+$/.test(email)) {
    throw new LaurelError('INVALID', 'The recipient email is not an email address.', [
      {
        field: 'recipientEmail',
        message: 'Enter an email address such as name@example.org, or leave it empty.',
      },
    ]);
  }
  return email;
}

export function decodeBase64Image(value: string): Uint8Array {
  const clean = value.replace(/^data:[^,]*;base64,/, '').replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(clean)) {
    throw new LaurelError('INVALID', 'imageBase64 is not base64.', [
      { field: 'imageBase64', message: 'Send the image bytes encoded as base64.' },
    ]);
  }
  // Checked before decoding: the decoded size is 3/4 of the text.
  if (Math.floor((clean.length * 3) / 4) > MAX_VERIFY_BYTES + 2) throw tooLarge();
  return new Uint8Array(Buffer.from(clean, 'base64'));
}
