import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { domainToASCII } from 'node:url';
import type { IdentityObject } from './types.ts';

/** Why an address cannot be put in canonical form. */
export type EmailProblem = 'empty' | 'too-long' | 'characters' | 'syntax' | 'domain';

export type CanonicalEmail = { ok: true; email: string } | { ok: false; problem: EmailProblem };

// Invisible characters that make two addresses look identical: every format character (Cf:
// zero-width space and joiners, word joiner, BOM, soft hyphen, bidi controls) and the other
// default-ignorable code points (variation selectors, Hangul fillers, ...).
const INVISIBLE = /[\p{Cf}\p{Default_Ignorable_Code_Point}]/gu;
// What no address may hold even after folding: controls, unassigned, private-use and lone
// surrogate code points, and any space or separator.
const FORBIDDEN = /[\p{Cc}\p{Cn}\p{Co}\p{Cs}\p{Z}]/u;
// RFC 5322 specials outside quoted strings, which Laurel does not accept.
const SPECIALS = /[<>()[\]\\,;:"@]/;
// A DNS label after punycode: letters, digits, hyphens, not at either end (RFC 1123).
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Strips invisible characters, applies NFKC (fullwidth letters, ligatures, composed accents),
 * trims and lower-cases. On ASCII this is exactly trim + lower-case.
 */
function fold(text: string): string {
  return text.replace(INVISIBLE, '').normalize('NFKC').trim().toLowerCase().normalize('NFKC');
}

function canonicalDomain(domain: string): string | null {
  const bare = domain.endsWith('.') ? domain.slice(0, -1) : domain;
  // Only non-ASCII names go through IDNA: the URL host parser would rewrite ASCII forms such
  // as "0x7f.1", which must stay what they are (and then be refused below).
  const ascii = /^[\x00-\x7f]*$/.test(bare) ? bare : domainToASCII(bare);
  if (!ascii || ascii.length > 253) return null;
  const labels = ascii.split('.');
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l))) return null;
  if (/^[0-9]+$/.test(labels[labels.length - 1]!)) return null;
  // A punycode label must decode, or "xn--" garbage would pass as a name.
  if (labels.some((l) => l.startsWith('xn--')) && domainToASCII(ascii) !== ascii) return null;
  return ascii;
}

/**
 * The one form in which an address is stored, compared and hashed, or why there is none.
 * Look-alikes fold to one address: zero-width characters and other invisible ones are removed,
 * NFKC turns fullwidth letters and decomposed accents into their usual form, the text is
 * trimmed and lower-cased, a trailing dot after the domain is dropped, and an internationalized
 * domain is written in punycode (so "bücher.example" and "xn--bcher-kva.example" are one).
 * Refused: controls and other code points that cannot be part of an address, spaces, RFC 5322
 * specials in the local part, and a domain that is not a valid host name.
 */
export function canonicalizeEmail(input: string): CanonicalEmail {
  const folded = fold(input);
  if (!folded) return { ok: false, problem: 'empty' };
  if (folded.length > 320) return { ok: false, problem: 'too-long' };
  if (FORBIDDEN.test(folded)) return { ok: false, problem: 'characters' };
  const at = folded.lastIndexOf('@');
  const local = folded.slice(0, at);
  if (at < 1 || SPECIALS.test(local) || Buffer.byteLength(local) > 64)
    return { ok: false, problem: 'syntax' };
  if (local.startsWith('.') || local.endsWith('.') || local.includes('..')) {
    return { ok: false, problem: 'syntax' };
  }
  const domain = canonicalDomain(folded.slice(at + 1));
  if (!domain) return { ok: false, problem: 'domain' };
  const email = `${local}@${domain}`;
  return email.length > 254 ? { ok: false, problem: 'too-long' } : { ok: true, email };
}

/**
 * Emails are compared and hashed in canonical form (canonicalizeEmail). Strictly the local
 * part is case-sensitive (RFC 5321), but no mail provider in use treats it so, while earners
 * routinely type "Ann@Example.com" on one form and "ann@example.com" on another; hashing the
 * raw text would make their own badge look "not issued to you". Text that is no valid address
 * is still folded (invisible characters, NFKC, trim, lower-case) so matching stays total; on
 * ASCII the result is trim + lower-case as before, so existing hashes keep matching.
 */
export function normalizeEmail(email: string): string {
  const canonical = canonicalizeEmail(email);
  return canonical.ok ? canonical.email : fold(email);
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
