// What a claim code is: how one is generated, typed, normalized and stored. Pure functions.
import { createHmac, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Generated codes use 32 symbols: the digits and capitals without 0/O and 1/I, which people
 * misread on a printed card. 32 divides 256, so `byte & 31` picks every symbol equally often.
 */
export const ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';

/**
 * Twelve symbols (60 bits), shown in groups of four: `K7QF-93XM-R2TW`. Every code on the
 * server is one guess target for /redeem, so with a million codes out a guess still has a
 * one-in-a-million-million chance, and the rate limits make guessing hopeless.
 */
export const GENERATED_LENGTH = 12;
const GROUP = 4;

/** A code a person chooses for an event (after normalization): letters and digits, 6 to 32. */
export const CHOSEN_CODE = /^[A-Z0-9]{6,32}$/;

/** The most a batch holds: one CSV an organization can print and hand out. */
export const MAX_BATCH = 10_000;

/**
 * The code as stored and compared: Unicode compatibility forms folded (a phone's full-width
 * letters), upper case, without spaces, dashes or underscores, however it was typed.
 */
export function normalizeCode(typed: string): string {
  return typed
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[\s\-_\u2010-\u2015\u2212]/g, '');
}

/** A normalized code as people read it: groups of four (a chosen code keeps its own shape). */
export function formatCode(normalized: string): string {
  return normalized.match(new RegExp(`.{1,${GROUP}}`, 'g'))?.join('-') ?? '';
}

/** `count` distinct random codes, normalized (format them for people with formatCode). */
export function generateCodes(count: number, length = GENERATED_LENGTH): string[] {
  const codes = new Set<string>();
  while (codes.size < count) {
    const need = count - codes.size;
    const bytes = randomBytes(need * length);
    for (let i = 0; i < need; i++) {
      let code = '';
      for (let j = 0; j < length; j++) code += ALPHABET[bytes[i * length + j]! & 31];
      codes.add(code);
    }
  }
  return [...codes];
}

/** Whether a normalized code could be one this server made or accepted: nothing else is looked up. */
export const plausibleCode = (normalized: string): boolean => CHOSEN_CODE.test(normalized);

/**
 * What is stored to find a code: HMAC-SHA256 of the normalized code under a key derived from
 * the server secret. A plain SHA-256 of a chosen code such as SPRING2027 falls to a dictionary
 * in seconds once the database leaks; keyed, the table alone reveals nothing.
 */
export function codeHasher(serverSecret: Buffer): (normalized: string) => string {
  const key = Buffer.from(hkdfSync('sha256', serverSecret, Buffer.alloc(0), 'laurel/claim-code-hash/v1', 32));
  return (normalized) => createHmac('sha256', key).update(normalized).digest('hex');
}
