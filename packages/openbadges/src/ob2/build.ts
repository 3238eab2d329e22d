import { compact } from '../ob3/build.ts';
import { hashIdentity, normalizeEmail } from '../ob3/identity.ts';
import { randomBytes } from 'node:crypto';
import {
  OB2_CONTEXT_URL,
  type Ob2Assertion,
  type Ob2BadgeClass,
  type Ob2CryptographicKey,
  type Ob2IdentityObject,
  type Ob2Issuer,
  type Ob2RevocationList,
} from './types.ts';

/** A hashed email recipient; the same salted sha256 as OB 3.0 (hashIdentity). */
export function ob2EmailRecipient(
  email: string,
  salt: string = randomBytes(16).toString('hex'),
): Ob2IdentityObject {
  return { type: 'email', hashed: true, salt, identity: hashIdentity(normalizeEmail(email), salt) };
}

export function buildOb2Issuer(
  input: Omit<Ob2Issuer, '@context' | 'type'> & { type?: Ob2Issuer['type'] },
): Ob2Issuer {
  return compact({ '@context': OB2_CONTEXT_URL, ...input, type: input.type ?? 'Issuer' }) as Ob2Issuer;
}

export function buildBadgeClass(input: Omit<Ob2BadgeClass, '@context' | 'type'>): Ob2BadgeClass {
  return compact({ '@context': OB2_CONTEXT_URL, type: 'BadgeClass', ...input }) as Ob2BadgeClass;
}

export type Ob2AssertionInput = Omit<Ob2Assertion, '@context' | 'type' | 'recipient' | 'verification'> & {
  /** A hashed recipient object, or an email to hash. */
  recipient: Ob2IdentityObject | { email: string; salt?: string };
  /** Hosted (the default) or signed by the key at `creator`. */
  verification?: { type: 'HostedBadge' } | { type: 'SignedBadge'; creator: string };
};

export function buildOb2Assertion(input: Ob2AssertionInput): Ob2Assertion {
  const recipient =
    'email' in input.recipient
      ? ob2EmailRecipient(input.recipient.email, input.recipient.salt)
      : input.recipient;
  return compact({
    '@context': OB2_CONTEXT_URL,
    type: 'Assertion',
    ...input,
    recipient,
    verification: input.verification ?? { type: 'HostedBadge' },
  }) as Ob2Assertion;
}

export function buildCryptographicKey(
  input: Omit<Ob2CryptographicKey, '@context' | 'type'>,
): Ob2CryptographicKey {
  return { '@context': OB2_CONTEXT_URL, type: 'CryptographicKey', ...input };
}

export function buildOb2RevocationList(
  input: Omit<Ob2RevocationList, '@context' | 'type'>,
): Ob2RevocationList {
  return compact({ '@context': OB2_CONTEXT_URL, type: 'RevocationList', ...input }) as Ob2RevocationList;
}
