// Test-only: credentials to verify, and the verifier's app with a fresh budget per test.
import { buildOpenBadgeCredential } from '@laurel/openbadges/ob3';
import {
  didKeyFromPublicKey,
  didKeyVerificationMethod,
  generateEd25519KeyPair,
  signDataIntegrity,
} from '@laurel/openbadges/proof';
import { beforeEach } from 'vitest';
import type { InjectOptions } from 'fastify';
import type { Dialect } from '../db/testing.ts';
import { multipart, useTestApp } from '../http/testing.ts';
import { csrfPair } from '../orgs/testing.ts';

export async function signedCredential(name = 'Safety Training', extra: Record<string, unknown> = {}) {
  const keys = generateEd25519KeyPair();
  const did = didKeyFromPublicKey(keys.publicKey);
  const unsigned = buildOpenBadgeCredential({
    issuer: { id: did, name: 'Test Issuer' },
    validFrom: '2024-01-01T00:00:00Z',
    subject: { email: { address: 'Earner@Example.org', salt: 'pepper' } },
    achievement: {
      id: 'https://example.org/badges/1',
      name,
      description: 'Completed it.',
      criteria: 'Do it.',
    },
  });
  return signDataIntegrity(
    { ...unsigned, ...extra },
    {
      secretKey: keys.secretKey,
      verificationMethod: didKeyVerificationMethod(did),
    },
  );
}

/**
 * The platform for the verifier's tests. Every test speaks from an address of its own, so the
 * per-address budget one test spends does not refuse the next (the budget lives as long as the app).
 */
export function useVerifierApp(dialect: Dialect = 'pglite') {
  const t = useTestApp(dialect);
  let tests = 0;
  let address = '';
  beforeEach(() => {
    tests++;
    address = `198.51.${100 + Math.floor(tests / 250)}.${tests % 250}`;
  });
  const inject = (opts: InjectOptions & { url: string }) => t.app.inject({ remoteAddress: address, ...opts });
  const postForm = (parts: Parameters<typeof multipart>[0], remoteAddress = address) => {
    const csrf = csrfPair(t.config);
    const body = multipart([{ name: '_csrf', value: csrf.token }, ...parts]);
    return t.app.inject({
      method: 'POST',
      url: '/verify',
      remoteAddress,
      cookies: { laurel_csrf: csrf.cookie },
      headers: { 'content-type': body.contentType, accept: 'text/html' },
      payload: body.payload,
    });
  };
  return { t, inject, postForm };
}
