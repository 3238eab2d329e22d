// Test-only: credentials to verify, multipart bodies, and the verifier's app with a fresh budget per test.
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
import { useTestApp } from '../http/testing.ts';
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

export function multipart(
  parts: { name: string; value: string | Uint8Array; filename?: string; type?: string }[],
) {
  const boundary = `----laurel${Math.random().toString(16).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disposition = p.filename
      ? `form-data; name="${p.name}"; filename="${p.filename}"`
      : `form-data; name="${p.name}"`;
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: ${disposition}\r\n${p.type ? `Content-Type: ${p.type}\r\n` : ''}\r\n`,
      ),
    );
    chunks.push(Buffer.from(p.value));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
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
