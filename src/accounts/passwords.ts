import argon2 from 'argon2';
import type { FieldError } from '../errors.ts';

// argon2id with the OWASP minimum for memory-hard hashing (19 MiB, 2 passes): ~7 ms here.
const OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const MIN_PASSWORD = 10;
export const MAX_PASSWORD = 200;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, OPTIONS);
}

let dummy: Promise<string> | undefined;

/**
 * Checks a password. With no stored hash (unknown email, account without a password) it
 * verifies against a throwaway hash anyway, so the answer takes about as long either way.
 */
export async function verifyPassword(stored: string | null | undefined, password: string): Promise<boolean> {
  if (!stored) {
    dummy ??= argon2.hash('laurel-dummy-password', OPTIONS);
    await argon2.verify(await dummy, password.slice(0, MAX_PASSWORD)).catch(() => false);
    return false;
  }
  try {
    return await argon2.verify(stored, password.slice(0, MAX_PASSWORD));
  } catch {
    return false;
  }
}

// Passwords long enough for the rule that every cracking list tries first.
const WEAK = new Set([
  '1234567890',
  '12345678910',
  '0123456789',
  '1111111111',
  '0000000000',
  'password12',
  'password123',
  'password1234',
  'passw0rd123',
  'qwertyuiop',
  'qwertyuiop1',
  'qwerty12345',
  'qwerty123456',
  'iloveyou123',
  'abcdefghij',
  'abcd123456',
  'letmein123',
  'welcome123',
  'changeme123',
  'administrator',
  'football123',
  'baseball123',
  'superman123',
  'asdfghjkl1',
  'zaq12wsxcde',
  '1q2w3e4r5t',
  '1qaz2wsx3edc',
]);

/** The rule every new password meets, as field errors (empty when fine). */
export function passwordProblems(
  password: string,
  field = 'password',
  context: { email?: string; name?: string } = {},
): FieldError[] {
  if (password.length < MIN_PASSWORD) {
    return [{ field, message: `Use at least ${MIN_PASSWORD} characters.` }];
  }
  if (password.length > MAX_PASSWORD) return [{ field, message: `Use at most ${MAX_PASSWORD} characters.` }];
  const lower = password.toLowerCase();
  if (
    WEAK.has(lower) ||
    new Set(lower).size < 4 ||
    (context.email && lower === context.email.toLowerCase()) ||
    (context.name && lower === context.name.toLowerCase())
  ) {
    return [{ field, message: 'This password is too easy to guess. Choose another one.' }];
  }
  return [];
}
