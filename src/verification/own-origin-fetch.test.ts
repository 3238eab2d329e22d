import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildOpenBadgeCredential } from '@laurel/openbadges/ob3';
import {
  didKeyFromPublicKey,
  didKeyVerificationMethod,
  generateEd25519KeyPair,
  signDataIntegrity,
} from '@laurel/openbadges/proof';
import { createGuardedFetch } from '@laurel/openbadges/verify';
import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { testConfig } from '../config.ts';
import type { Db } from '../db/index.ts';
import { createOwnOriginFetch } from './own-origin-fetch.ts';
import { verifyOnPlatform } from './platform-verify.ts';
import { createAppContext } from '../features.ts';

describe('createOwnOriginFetch', () => {
  const app = Fastify();
  app.get('/orgs/acme/did.json', async (request) => ({
    id: 'did:web:localhost%3A3000:orgs:acme',
    accept: request.headers.accept,
    host: request.headers.host,
  }));
  app.get('/old', async (_request, reply) => reply.redirect('/orgs/acme/did.json', 301));
  app.get('/away', async (_request, reply) => reply.redirect('http://10.0.0.1/secret', 302));
  app.get('/gone', async (_request, reply) => reply.status(410).send({ revoked: true }));
  afterAll(() => app.close());

  const fetch = createOwnOriginFetch({
    app,
    baseUrl: 'http://localhost:3000',
    outside: createGuardedFetch({ timeoutMs: 2000 }),
  });

  it('answers our own origin in-process, with the Accept and Host a network client would send', async () => {
    const res = await fetch('http://localhost:3000/orgs/acme/did.json', { accept: 'application/did+json' });
    expect(res.status).toBe(200);
    expect(res.url).toBe('http://localhost:3000/orgs/acme/did.json');
    expect(res.json()).toEqual({
      id: 'did:web:localhost%3A3000:orgs:acme',
      accept: 'application/did+json',
      host: 'localhost:3000',
    });
  });

  it('follows redirects within our origin and reports other statuses as they are', async () => {
    const moved = await fetch('http://localhost:3000/old');
    expect(moved.status).toBe(200);
    expect(moved.url).toBe('http://localhost:3000/orgs/acme/did.json');
    const gone = await fetch('http://localhost:3000/gone');
    expect(gone.status).toBe(410);
    expect(gone.json()).toEqual({ revoked: true });
  });

  it('sends every other address, and redirects that leave our origin, through the SSRF guard', async () => {
    await expect(fetch('http://127.0.0.1:3000/orgs/acme/did.json')).rejects.toMatchObject({
      code: 'FETCH_BLOCKED',
    });
    await expect(fetch('http://localhost:3000/away')).rejects.toMatchObject({ code: 'FETCH_BLOCKED' });
    await expect(fetch('https://localhost:3000/orgs/acme/did.json')).rejects.toMatchObject({
      code: 'FETCH_BLOCKED',
    });
  });

  it('strips the path prefix of a base URL served under a path', async () => {
    const prefixed = createOwnOriginFetch({
      app,
      baseUrl: 'https://badges.example.org/laurel',
      outside: createGuardedFetch({ timeoutMs: 2000 }),
    });
    const res = await prefixed('https://badges.example.org/laurel/orgs/acme/did.json');
    expect(res.status).toBe(200);
    expect((res.json() as { host: string }).host).toBe('badges.example.org');
  });
});

describe('verifyOnPlatform outside a server', () => {
  it('reaches our own origin over the network even on a private address, and nothing else there', async () => {
    const keys = generateEd25519KeyPair();
    const did = didKeyFromPublicKey(keys.publicKey);
    const credential = await signDataIntegrity(
      buildOpenBadgeCredential({
        issuer: { id: did, name: 'Loopback Institute' },
        validFrom: '2024-01-01T00:00:00Z',
        subject: { email: { address: 'kim@example.org' } },
        achievement: { id: 'https://example.org/a', name: 'Loops', description: 'Loops.', criteria: 'Loop.' },
      }),
      { secretKey: keys.secretKey, verificationMethod: didKeyVerificationMethod(did) },
    );
    const server = createServer((_req, res) => {
      res.setHeader('content-type', 'application/ld+json');
      res.end(JSON.stringify(credential));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      // A context no server registered: a CLI command or a worker-only process.
      const ctx = createAppContext({} as Db, testConfig({ baseUrl: origin }));
      const own = await verifyOnPlatform(ctx, `${origin}/c/some-badge.json`);
      expect(own.verdict, JSON.stringify(own.steps)).toBe('valid');
      const elsewhere = await verifyOnPlatform(
        createAppContext({} as Db, testConfig({ baseUrl: 'http://localhost:1' })),
        `${origin}/c/some-badge.json`,
      );
      expect(elsewhere.steps[0].code).toBe('FETCH_BLOCKED');
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
