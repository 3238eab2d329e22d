import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IdentityObject } from './types.ts';

/**
 * Emails are compared after trimming and lower-casing. Strictly the local part is
 * case-sensitive (RFC 5321), but no mail provider in use treats it so, while earners routinely
 * type "Ann@Example.com" on one form and "ann@example.com" on another; hashing the raw text
 * would make their own badge look "not issued to you".
 */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** `sha256$` + hex(sha256(utf8(value + salt))), the OB 2.0 and 3.0 recipient hash. */
export function hashIdentity(value: string, salt = ''): string {
  return `sha256$${createHash('sha256')
    .update(value + salt, 'utf8')
    .digest('hex')}`;
}

/** A salted, hashed emailAddress identifier for an AchievementSubject; the salt is random unless given. */
export function emailIdentifier(
  email: string,
  salt: string = randomBytes(16).toString('hex'),
): IdentityObject {
  return {
    type: 'IdentityObject',
    identityType: 'emailAddress',
    hashed: true,
    identityHash: hashIdentity(normalizeEmail(email), salt),
    salt,
  };
}

/**
 * Whether `value` is the identity behind a hash (`sha256$…` or `md5$…`, hex in any case) or an
 * unhashed identity. The caller normalizes the value (normalizeEmail for emails).
 */
export function matchesIdentity(
  identifier: { identityHash?: unknown; identity?: unknown; hashed?: unknown; salt?: unknown },
  value: string,
): boolean {
  const stored = typeof identifier.identityHash === 'string' ? identifier.identityHash : identifier.identity;
  if (typeof stored !== 'string') return false;
  const salt = typeof identifier.salt === 'string' ? identifier.salt : '';
  if (identifier.hashed !== true) return stored === value || stored.toLowerCase() === value.toLowerCase();
  const m = /^(sha256|md5)\$([0-9a-fA-F]+)$/.exec(stored);
  if (!m) return false;
  const expected = createHash(m[1]!)
    .update(value + salt, 'utf8')
    .digest();
  const given = Buffer.from(m[2]!, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
