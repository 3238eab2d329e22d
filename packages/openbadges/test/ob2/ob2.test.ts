import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildBadgeClass,
  buildCryptographicKey,
  buildOb2Assertion,
  buildOb2Issuer,
  buildOb2RevocationList,
  hashIdentity,
  inIssuerScope,
  ob2EmailRecipient,
} from '../../src/ob2/index.ts';
import { generateRsaKeyPair, signOb2Assertion } from '../../src/proof/index.ts';
import { createGuardedFetch, type VerificationReport, verify } from '../../src/verify/index.ts';
import { json, NOW, startServer } from '../verify/fixtures.ts';

let server: Awaited<ReturnType<typeof startServer>>;
let base: string;
const fetch = createGuardedFetch({ allowPrivateNetwork: true });
const stepOf = (r: VerificationReport, id: string) => r.steps.find((s) => s.id === id);
const rsa = generateRsaKeyPair();

beforeAll(async () => {
  server = await startServer();
  base = server.base;
  server.routes.set(
    '/issuer',
    json(
      buildOb2Issuer({
        id: `${base}/issuer`,
        name: 'Old Guild',
        url: base,
        email: 'badges@guild.example',
        publicKey: `${base}/key`,
        revocationList: `${base}/revoked`,
      }),
    ),
  );
  server.routes.set(
    '/badge',
    json(
      buildBadgeClass({
        id: `${base}/badge`,
        name: 'Carpentry',
        description: 'Joins wood.',
        image: `${base}/badge.png`,
        criteria: { narrative: 'Build a chair.' },
        issuer: `${base}/issuer`,
      }),
    ),
  );
  server.routes.set(
    '/key',
    json(
      buildCryptographicKey({ id: `${base}/key`, owner: `${base}/issuer`, publicKeyPem: rsa.publicKeyPem }),
    ),
  );
  server.routes.set(
    '/revoked',
    json(
      buildOb2RevocationList({
        id: `${base}/revoked`,
        revokedAssertions: [{ id: `urn:uuid:revoked-one`, revocationReason: 'Duplicate.' }],
      }),
    ),
  );
});
afterAll(() => server.close());

const hosted = (path: string, extra: Record<string, unknown> = {}) =>
  buildOb2Assertion({
    id: `${base}${path}`,
    recipient: { email: 'Carpenter@Example.org', salt: 's1' },
    badge: `${base}/badge`,
    issuedOn: '2020-05-01T00:00:00Z',
    ...extra,
  });

describe('OB 2.0 builders', () => {
  it('hash recipients like OB 3.0 and default to hosted verification', () => {
    expect(ob2EmailRecipient('A@Example.com', 'Kosher')).toEqual({
      type: 'email',
      hashed: true,
      salt: 'Kosher',
      identity: hashIdentity('a@example.com', 'Kosher'),
    });
    const a = buildOb2Assertion({
      id: 'https://x.example/a/1',
      recipient: { email: 'a@b.c' },
      badge: 'https://x.example/b',
      issuedOn: '2020-01-01T00:00:00Z',
    });
    expect(a).toMatchObject({
      '@context': 'https://w3id.org/openbadges/v2',
      type: 'Assertion',
      verification: { type: 'HostedBadge' },
    });
  });

  it('apply the hosted scope policy', () => {
    const issuer = { id: 'https://guild.example/issuer' };
    expect(inIssuerScope('https://guild.example/a/1', issuer)).toBe(true);
    expect(inIssuerScope('https://evil.example/a/1', issuer)).toBe(false);
    const policy = {
      ...issuer,
      verification: {
        allowedOrigins: ['badges.guild.example'],
        startsWith: 'https://badges.guild.example/a/',
      },
    };
    expect(inIssuerScope('https://badges.guild.example/a/1', policy)).toBe(true);
    expect(inIssuerScope('https://badges.guild.example/other/1', policy)).toBe(false);
    expect(inIssuerScope('https://guild.example/a/1', policy)).toBe(false);
  });
});

describe('verify: OB 2.0 hosted assertions from a local server', () => {
  it('accepts a hosted assertion, trusting only its id', async () => {
    server.routes.set('/a/1', json(hosted('/a/1')));
    const edited = {
      ...hosted('/a/1'),
      issuedOn: '1999-01-01T00:00:00Z',
      badge: 'https://elsewhere.example/badge',
    };
    for (const input of [`${base}/a/1`, edited, JSON.stringify(edited)]) {
      const r = await verify(input, { fetch, now: () => NOW, recipient: { email: 'carpenter@example.org' } });
      expect(r.verdict, JSON.stringify(r.steps)).toBe('valid');
      expect(r).toMatchObject({
        format: 'ob2-hosted',
        status: 'valid',
        issuer: { id: `${base}/issuer`, name: 'Old Guild' },
        achievement: { name: 'Carpentry' },
        validFrom: '2020-05-01T00:00:00Z',
      });
      expect(stepOf(r, 'recipient')?.result).toBe('pass');
    }
  });

  it('treats 410 Gone as revoked', async () => {
    server.routes.set('/a/gone', json({ error: 'gone' }, 410));
    for (const input of [`${base}/a/gone`, hosted('/a/gone')]) {
      const r = await verify(input, { fetch, now: () => NOW });
      expect(r).toMatchObject({ verdict: 'invalid', status: 'revoked', format: 'ob2-hosted' });
      expect(stepOf(r, 'status')).toMatchObject({
        code: 'REVOKED',
        message: 'The issuer has revoked this badge: its address answers “410 Gone”.',
      });
    }
  });

  it('treats revoked: true as revoked, with the reason', async () => {
    server.routes.set(
      '/a/revoked',
      json(hosted('/a/revoked', { revoked: true, revocationReason: 'Issued by mistake.' })),
    );
    const r = await verify(`${base}/a/revoked`, { fetch, now: () => NOW });
    expect(r).toMatchObject({ verdict: 'invalid', status: 'revoked' });
    expect(stepOf(r, 'status')?.message).toBe(
      'The issuer has revoked this badge. The reason given: Issued by mistake.',
    );
  });

  it('refuses an assertion hosted outside the issuer’s allowed origins', async () => {
    server.routes.set(
      '/strict-issuer',
      json(
        buildOb2Issuer({
          id: `${base}/strict-issuer`,
          name: 'Strict',
          url: base,
          email: 'x@y.z',
          verification: { type: 'HostedBadge', allowedOrigins: ['badges.strict.example'] },
        }),
      ),
    );
    server.routes.set(
      '/strict-badge',
      json(
        buildBadgeClass({
          id: `${base}/strict-badge`,
          name: 'S',
          description: 'S',
          image: `${base}/s.png`,
          criteria: { narrative: 'S' },
          issuer: `${base}/strict-issuer`,
        }),
      ),
    );
    server.routes.set('/a/wrong-origin', json(hosted('/a/wrong-origin', { badge: `${base}/strict-badge` })));
    const r = await verify(`${base}/a/wrong-origin`, { fetch, now: () => NOW });
    expect(r.verdict).toBe('invalid');
    expect(stepOf(r, 'issuer')).toMatchObject({ result: 'fail', code: 'ISSUER_MISMATCH' });
  });

  it('checks dates and recipient', async () => {
    server.routes.set('/a/expired', json(hosted('/a/expired', { expires: '2021-01-01T00:00:00Z' })));
    expect((await verify(`${base}/a/expired`, { fetch, now: () => NOW })).status).toBe('expired');
    server.routes.set('/a/1', json(hosted('/a/1')));
    const wrong = await verify(`${base}/a/1`, {
      fetch,
      now: () => NOW,
      recipient: { email: 'other@example.org' },
    });
    expect(stepOf(wrong, 'recipient')?.code).toBe('RECIPIENT_MISMATCH');
  });

  it('is indeterminate when the issuer’s host is unreachable, and refuses private hosts by default', async () => {
    const r = await verify(hosted('/a/nowhere', { id: 'http://127.0.0.1:1/a/1' }), { fetch, now: () => NOW });
    expect(r.verdict).toBe('indeterminate');
    expect(stepOf(r, 'proof')).toMatchObject({ result: 'fail', code: 'FETCH_FAILED' });
    const blocked = await verify(hosted('/a/1'), { now: () => NOW });
    expect(stepOf(blocked, 'proof')?.code).toBe('FETCH_BLOCKED');
  });

  it('follows the JSON-LD alternate link of a badge page once', async () => {
    server.routes.set('/a/1', json(hosted('/a/1')));
    server.routes.set(
      '/page',
      json(
        `<!doctype html><html><head><link rel="alternate" type="application/ld+json" href="/a/1"></head><body>Badge</body></html>`,
        200,
        'text/html',
      ),
    );
    const r = await verify(`${base}/page`, { fetch, now: () => NOW });
    expect(r).toMatchObject({ verdict: 'valid', format: 'ob2-hosted' });
    server.routes.set(
      '/loop-page',
      json(
        `<html><head><link rel="alternate" type="application/ld+json" href="/loop-page"></head></html>`,
        200,
        'text/html',
      ),
    );
    expect((await verify(`${base}/loop-page`, { fetch, now: () => NOW })).format).toBe('unknown');
  });
});

describe('verify: OB 2.0 signed assertions', () => {
  const signed = (extra: Record<string, unknown> = {}) =>
    signOb2Assertion(
      buildOb2Assertion({
        id: 'urn:uuid:signed-one',
        recipient: { email: 'carpenter@example.org', salt: 's2' },
        badge: `${base}/badge`,
        issuedOn: '2020-05-01T00:00:00Z',
        verification: { type: 'SignedBadge', creator: `${base}/key` },
        ...extra,
      }),
      rsa.privateKey,
    );

  it('accepts a signed assertion', async () => {
    const r = await verify(signed(), { fetch, now: () => NOW });
    expect(r.verdict, JSON.stringify(r.steps)).toBe('valid');
    expect(r.format).toBe('ob2-signed');
    expect(stepOf(r, 'key')?.result).toBe('pass');
  });

  it('detects tampering, a foreign key and revocation', async () => {
    const jws = signed();
    const [h, p, s] = jws.split('.');
    const payload = JSON.parse(Buffer.from(p!, 'base64url').toString());
    payload.issuedOn = '2019-01-01T00:00:00Z';
    const tampered = `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`;
    expect(stepOf(await verify(tampered, { fetch, now: () => NOW }), 'proof')).toMatchObject({
      result: 'fail',
      code: 'PROOF_INVALID',
    });

    const stranger = generateRsaKeyPair();
    server.routes.set(
      '/stranger-key',
      json(
        buildCryptographicKey({
          id: `${base}/stranger-key`,
          owner: `${base}/someone-else`,
          publicKeyPem: stranger.publicKeyPem,
        }),
      ),
    );
    const foreign = signOb2Assertion(
      buildOb2Assertion({
        id: 'urn:uuid:x',
        recipient: { email: 'a@b.c' },
        badge: `${base}/badge`,
        issuedOn: '2020-05-01T00:00:00Z',
        verification: { type: 'SignedBadge', creator: `${base}/stranger-key` },
      }),
      stranger.privateKey,
    );
    expect(stepOf(await verify(foreign, { fetch, now: () => NOW }), 'key')).toMatchObject({
      result: 'fail',
      code: 'KEY_CONTROLLER_MISMATCH',
    });

    const revoked = await verify(signed({ id: 'urn:uuid:revoked-one' }), { fetch, now: () => NOW });
    expect(revoked).toMatchObject({ verdict: 'invalid', status: 'revoked' });
    expect(stepOf(revoked, 'status')?.message).toBe(
      'The issuer has revoked this badge. The reason given: Duplicate.',
    );
  });
});

describe('verify: OB 2.0 baked badges', () => {
  it('verifies hosted and signed assertions baked as the baking specification says, in PNG and SVG', async () => {
    const { bakeImage, unbakeImage } = await import('../../src/bake/index.ts');
    const { tinyPng, TINY_SVG } = await import('../verify/fixtures.ts');
    const images = { png: tinyPng(), svg: new TextEncoder().encode(TINY_SVG) };
    server.routes.set('/a/baked', json(hosted('/a/baked')));
    const jws = signOb2Assertion(
      buildOb2Assertion({
        id: 'urn:uuid:baked-signed',
        recipient: { email: 'a@b.c' },
        badge: `${base}/badge`,
        issuedOn: '2020-05-01T00:00:00Z',
        verification: { type: 'SignedBadge', creator: `${base}/key` },
      }),
      rsa.privateKey,
    );
    for (const container of ['png', 'svg'] as const) {
      const withJson = bakeImage(images[container], {
        kind: 'ob2-json',
        text: JSON.stringify(hosted('/a/baked')),
      });
      expect(unbakeImage(withJson).form).toBe('json');
      expect(await verify(withJson, { fetch, now: () => NOW })).toMatchObject({
        verdict: 'valid',
        format: 'ob2-hosted',
        container,
      });
      const withJws = bakeImage(images[container], { kind: 'ob2-jws', text: jws });
      expect(unbakeImage(withJws).form).toBe('jws');
      expect(await verify(withJws, { fetch, now: () => NOW })).toMatchObject({
        verdict: 'valid',
        format: 'ob2-signed',
        container,
      });
    }
  });

  it('still verifies images from older tools that carry only the hosted URL', async () => {
    const { iTxtChunk } = await import('../../src/bake/index.ts');
    const { tinyPng } = await import('../verify/fixtures.ts');
    server.routes.set('/a/legacy', json(hosted('/a/legacy')));
    const url = `${base}/a/legacy`;
    const png = tinyPng();
    // The credential chunk goes right before IEND (the last 12 bytes).
    const legacyPng = Buffer.concat([png.subarray(0, -12), iTxtChunk('openbadges', url), png.subarray(-12)]);
    const legacySvg = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org"><openbadges:assertion verify="${url}"/><g/></svg>`;
    for (const [image, container] of [
      [legacyPng, 'png'],
      [new TextEncoder().encode(legacySvg), 'svg'],
    ] as const) {
      expect(await verify(image, { fetch, now: () => NOW })).toMatchObject({
        verdict: 'valid',
        format: 'ob2-hosted',
        container,
      });
    }
  });
});
