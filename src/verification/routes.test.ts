import { bakeImage } from '@laurel/openbadges/bake';
import { buildOpenBadgeCredential } from '@laurel/openbadges/ob3';
import {
  didKeyFromPublicKey,
  didKeyVerificationMethod,
  generateEd25519KeyPair,
  signDataIntegrity,
  signVcJwt,
} from '@laurel/openbadges/proof';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeUser } from '../accounts/testing.ts';
import { testConfig } from '../config.ts';
import { useTestDatabase } from '../db/testing.ts';
import { buildServer } from '../http/server.ts';
import { revokeAward } from '../issuing/service.ts';
import { issueTestAward } from '../issuing/testing.ts';
import { makeWalletBadge } from '../wallet/testing.ts';
import { csrfPair } from '../orgs/testing.ts';
import { verifyOnPlatform } from './platform-verify.ts';
import { tinyPng } from '../../test/images.ts';
import { createAppContext } from '../features.ts';

async function signedCredential(name = 'Safety Training', extra: Record<string, unknown> = {}) {
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

function multipart(parts: { name: string; value: string | Uint8Array; filename?: string; type?: string }[]) {
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

describe('the public verifier', () => {
  const t = useTestDatabase('pglite');
  const config = testConfig();
  let app: FastifyInstance;

  beforeEach(async () => {
    app = await buildServer(createAppContext(t.db, config));
  });
  afterEach(async () => {
    await app.close();
  });

  const postForm = (parts: Parameters<typeof multipart>[0], remoteAddress = '127.0.0.1') => {
    const csrf = csrfPair(config);
    const body = multipart([{ name: '_csrf', value: csrf.token }, ...parts]);
    return app.inject({
      method: 'POST',
      url: '/verify',
      remoteAddress,
      cookies: { laurel_csrf: csrf.cookie },
      headers: { 'content-type': body.contentType, accept: 'text/html' },
      payload: body.payload,
    });
  };

  it('shows the form, usable without JavaScript', async () => {
    const res = await app.inject({ url: '/verify' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('enctype="multipart/form-data"');
    expect(res.body).toContain('name="_csrf"');
    expect(res.body).toMatch(/<label for="f-file">/);
    expect(res.body).toMatch(/<label for="f-text">/);
  });

  it('reports a credential signed with a did:key as valid, through the API and the form', async () => {
    const credential = await signedCredential();
    const api = await app.inject({
      method: 'POST',
      url: '/api/v1/verify',
      payload: { credential, recipientEmail: ' EARNER@example.org ' },
    });
    expect(api.statusCode).toBe(200);
    const report = api.json();
    expect(report.verdict).toBe('valid');
    expect(report.recipient.matched).toBe(true);
    expect(report.steps.find((s: any) => s.id === 'proof').result).toBe('pass');

    const raw = await app.inject({
      method: 'POST',
      url: '/api/v1/verify',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify(credential),
    });
    expect(raw.json().verdict).toBe('valid');

    const page = await postForm([{ name: 'text', value: JSON.stringify(credential) }]);
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(
      /<section class="verdict verdict-valid" role="status"[^>]*>\s*<div>\s*<h2 id="verdict-h">Valid<\/h2>/,
    );
    expect(page.body).toContain('Safety Training');
    expect(page.body).toContain('<details');
    // Without an address, the recipient line points at the field where it is: in the form below.
    expect(page.body).toContain(
      'To check it, verify the badge again below with their address in “Recipient email”.',
    );
    expect(page.body).not.toContain('above to check it');
  });

  it('follows a refresh service only when asked, through the guarded fetch, from the API and the form', async () => {
    const credential = await signedCredential('Refreshable', {
      refreshService: { id: 'http://127.0.0.1:9/refresh', type: '1EdTechCredentialRefresh' },
    });
    const ask = (followRefresh?: boolean) =>
      app.inject({ method: 'POST', url: '/api/v1/verify', payload: { credential, followRefresh } });
    const plain = (await ask()).json();
    expect(plain.verdict).toBe('valid');
    expect(plain.steps.some((s: any) => s.id === 'refresh')).toBe(false);
    const followed = (await ask(true)).json();
    const refresh = followed.steps.find((s: any) => s.id === 'refresh');
    // The service is on a loopback address: the SSRF guard refuses it and the original is checked.
    expect(refresh.result).toBe('warn');
    expect(refresh.message).toContain('refresh service gave no newer copy');
    expect(followed.verdict).toBe('valid');
    const page = await postForm([
      { name: 'text', value: JSON.stringify(credential) },
      { name: 'followRefresh', value: 'on' },
    ]);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('refresh service gave no newer copy');
    expect(page.body).toMatch(/name="followRefresh" value="on" checked/);
  });

  it('says a tampered credential is not valid, at the signature step', async () => {
    const credential = await signedCredential();
    const tampered = { ...credential, validFrom: '2020-01-01T00:00:00Z' };
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/verify',
      payload: { credential: tampered },
    });
    expect(res.statusCode).toBe(200);
    const report = res.json();
    expect(report.verdict).toBe('invalid');
    const proof = report.steps.find((s: any) => s.id === 'proof');
    expect(proof.result).toBe('fail');
    expect(proof.code).toBe('PROOF_INVALID');

    const page = await postForm([{ name: 'text', value: JSON.stringify(tampered) }]);
    expect(page.body).toContain('Not valid');
    expect(page.body).toMatch(/<li class="fail">/);
  });

  it('verifies a baked PNG upload and shows the image', async () => {
    const credential = await signedCredential();
    const png = bakeImage(tinyPng(), { kind: 'ob3-json', text: JSON.stringify(credential) });
    const page = await postForm([
      { name: 'file', value: png, filename: 'badge.png', type: 'image/png' },
      { name: 'recipientEmail', value: 'someone.else@example.org' },
    ]);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('src="data:image/png;base64,');
    expect(page.body).toContain('Does not match someone.else@example.org');

    const api = await app.inject({
      method: 'POST',
      url: '/api/v1/verify?recipientEmail=earner@example.org',
      headers: { 'content-type': 'image/png' },
      payload: Buffer.from(png),
    });
    expect(api.statusCode).toBe(200);
    expect(api.json()).toMatchObject({ verdict: 'valid', container: 'png', recipient: { matched: true } });

    const b64 = await app.inject({
      method: 'POST',
      url: '/api/v1/verify',
      payload: { imageBase64: Buffer.from(png).toString('base64') },
    });
    expect(b64.json().verdict).toBe('valid');
  });

  it('verifies a VC-JWT pasted, sent as jwt, uploaded as a file and posted raw', async () => {
    const keys = generateEd25519KeyPair();
    const did = didKeyFromPublicKey(keys.publicKey);
    const jwt = await signVcJwt(
      buildOpenBadgeCredential({
        issuer: { id: did, name: 'JWT Academy' },
        validFrom: '2024-01-01T00:00:00Z',
        subject: { email: { address: 'jo@example.org' } },
        achievement: {
          id: 'https://example.org/j',
          name: 'Tokens',
          description: 'Tokens.',
          criteria: 'Sign.',
        },
      }),
      { secretKey: keys.secretKey, verificationMethod: didKeyVerificationMethod(did) },
    );
    const pasted = await postForm([{ name: 'text', value: jwt }]);
    expect(pasted.body).toContain('verdict-valid');
    expect(pasted.body).toContain('Open Badges 3.0 credential (VC-JWT)');
    const file = await postForm([
      { name: 'file', value: jwt, filename: 'badge.jwt', type: 'application/jwt' },
    ]);
    expect(file.body).toContain('verdict-valid');
    const field = await app.inject({ method: 'POST', url: '/api/v1/verify', payload: { jwt } });
    expect(field.json()).toMatchObject({ verdict: 'valid', format: 'ob3-jwt' });
    for (const type of ['application/jwt', 'text/plain']) {
      const raw = await app.inject({
        method: 'POST',
        url: '/api/v1/verify',
        headers: { 'content-type': type },
        payload: jwt,
      });
      expect(raw.json(), type).toMatchObject({ verdict: 'valid', format: 'ob3-jwt' });
    }
  });

  it('verifies a baked SVG upload and shows it sanitized', async () => {
    const credential = await signedCredential();
    const svg = bakeImage(
      new TextEncoder().encode(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" onload="alert(1)"><script>alert(2)</script><circle cx="5" cy="5" r="4"/></svg>',
      ),
      { kind: 'ob3-json', text: JSON.stringify(credential) },
    );
    const page = await postForm([{ name: 'file', value: svg, filename: 'badge.svg', type: 'image/svg+xml' }]);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('verdict-valid');
    const src = /src="data:image\/svg\+xml;base64,([^"]+)"/.exec(page.body)?.[1];
    const shown = Buffer.from(src!, 'base64').toString('utf8');
    expect(shown).toContain('<circle');
    expect(shown).not.toMatch(/script|onload/);
  });

  it('refuses to fetch a URL on a private address, and says why', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/verify',
      payload: { url: 'http://127.0.0.1:9/assertion.json' },
    });
    expect(res.statusCode).toBe(200);
    const report = res.json();
    expect(report.verdict).toBe('indeterminate');
    expect(report.steps[0].code).toBe('FETCH_BLOCKED');
    expect(report.steps[0].detail).toMatch(/private or reserved network/);

    const page = await postForm([{ name: 'text', value: 'http://127.0.0.1:9/assertion.json' }]);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Could not be fully checked');
    expect(page.body).toMatch(/private or reserved network/);
  });

  it('answers garbage, empty forms and bad requests with a clear error', async () => {
    const garbage = await postForm([{ name: 'text', value: 'hello, is this a badge?' }]);
    expect(garbage.statusCode).toBe(422);
    expect(garbage.body).toContain('The input is not a badge image, credential, token or URL.');
    expect(garbage.body).toContain('hello, is this a badge?');

    const photo = await postForm([
      { name: 'file', value: tinyPng(), filename: 'cat.png', type: 'image/png' },
    ]);
    expect(photo.statusCode).toBe(422);
    expect(photo.body).toContain('The PNG image has no badge baked into it.');

    const empty = await postForm([{ name: 'text', value: '   ' }]);
    expect(empty.statusCode).toBe(422);
    expect(empty.body).toContain('Choose a badge file, or paste a badge URL, credential JSON or a JWT.');

    const badEmail = await postForm([
      { name: 'text', value: '{}' },
      { name: 'recipientEmail', value: 'nope' },
    ]);
    expect(badEmail.statusCode).toBe(422);
    expect(badEmail.body).toContain('The recipient email is not an email address.');

    const api = await app.inject({ method: 'POST', url: '/api/v1/verify', payload: { jwt: 'not.a.jwt!' } });
    expect(api.statusCode).toBe(422);
    expect(api.headers['content-type']).toContain('application/problem+json');
    expect(api.json()).toMatchObject({
      detail: 'The input is not a badge image, credential, token or URL.',
      code: 'INPUT_UNRECOGNIZED',
    });
    const rawPhoto = await app.inject({
      method: 'POST',
      url: '/api/v1/verify',
      headers: { 'content-type': 'image/png' },
      payload: Buffer.from(tinyPng()),
    });
    expect(rawPhoto.statusCode).toBe(422);
    expect(rawPhoto.json()).toMatchObject({
      detail: 'The PNG image has no badge baked into it.',
      code: 'PNG_NO_CREDENTIAL',
    });

    const none = await app.inject({ method: 'POST', url: '/api/v1/verify', payload: {} });
    expect(none.statusCode).toBe(422);
    expect(none.json().detail).toBe('Send one of credential, url, jwt or imageBase64.');

    const badType = await app.inject({
      method: 'POST',
      url: '/api/v1/verify',
      payload: { url: 42, recipientEmail: ['x'] },
    });
    expect(badType.statusCode).toBeGreaterThanOrEqual(400);
    expect(badType.statusCode).toBeLessThan(500);

    const noCsrf = await app.inject({
      method: 'POST',
      url: '/verify',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'text=x',
    });
    expect(noCsrf.statusCode).toBe(403);
  });

  it('renders hostile content from a credential escaped', async () => {
    const credential = await signedCredential('<script>alert(1)</script><img src=x onerror=alert(2)>');
    const page = await postForm([{ name: 'text', value: JSON.stringify(credential) }]);
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('<script>alert(1)');
    expect(page.body).not.toContain('<img src=x');
    expect(page.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('refuses an upload over 5 MB with a 413 and a sentence', async () => {
    // Each from its own address: one such upload spends an address's whole budget (see cost-limit.test.ts).
    const big = new Uint8Array(5 * 1024 * 1024 + 10);
    big.set(tinyPng());
    const page = await postForm(
      [{ name: 'file', value: big, filename: 'huge.png', type: 'image/png' }],
      '203.0.113.21',
    );
    expect(page.statusCode).toBe(413);
    expect(page.body).toContain('The file is larger than 5 MB');
    expect(page.body).toContain('<form');

    // Past the server-wide multipart cap, the upload is cut off while streaming: same answer.
    const past = await postForm(
      [{ name: 'file', value: new Uint8Array(11 * 1024 * 1024), filename: 'huge.png', type: 'image/png' }],
      '203.0.113.22',
    );
    expect(past.statusCode).toBe(413);
    expect(past.body).toContain('The file is larger than 5 MB');

    const api = await app.inject({
      method: 'POST',
      url: '/api/v1/verify',
      headers: { 'content-type': 'image/png' },
      payload: Buffer.from(big),
      remoteAddress: '203.0.113.23',
    });
    expect(api.statusCode).toBe(413);
    expect(api.json()).toMatchObject({ status: 413, code: 'TOO_LARGE' });

    const huge = await app.inject({
      method: 'POST',
      url: '/api/v1/verify',
      headers: { 'content-type': 'image/png' },
      payload: Buffer.alloc(9 * 1024 * 1024),
      remoteAddress: '203.0.113.24',
    });
    expect(huge.statusCode).toBe(413);
    expect(huge.json().detail).toContain('larger than 5 MB');
  });

  it('lets each address make 30 small verifications a minute', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/verify',
        payload: {},
        remoteAddress: '203.0.113.9',
      });
      statuses.push(res.statusCode);
    }
    expect(statuses.slice(0, 30).every((s) => s === 422)).toBe(true);
    expect(statuses[30]).toBe(429);
    const other = await app.inject({
      method: 'POST',
      url: '/api/v1/verify',
      payload: {},
      remoteAddress: '203.0.113.10',
    });
    expect(other.statusCode).toBe(422);
  });

  it('verifies a badge this platform issued through the API, its did:web and status list answered in-process for the worker', async () => {
    const ctx = createAppContext(t.db, config);
    const { award } = await issueTestAward(ctx, { recipientEmail: 'grace@example.org' });
    const post = () =>
      app.inject({
        method: 'POST',
        url: '/api/v1/verify',
        payload: { credential: award.credentialJson, recipientEmail: 'Grace@Example.org' },
      });
    const valid = (await post()).json();
    const doubts = valid.steps.filter((s: { result: string }) => s.result === 'fail' || s.result === 'warn');
    expect(doubts).toEqual([]);
    expect(valid).toMatchObject({ verdict: 'valid', recipient: { matched: true } });

    await revokeAward(ctx, award.id, 'Awarded by mistake');
    const revoked = (await post()).json();
    expect(revoked).toMatchObject({ verdict: 'invalid', status: 'revoked' });
    expect(revoked.summary).toContain('The reason given: Awarded by mistake');
  });

  it('describes the API in the OpenAPI document', async () => {
    const doc = (await app.inject({ url: '/api/openapi.json' })).json();
    const op = doc.paths['/api/v1/verify'].post;
    expect(op.tags).toContain('Verification');
    expect(Object.keys(op.requestBody.content)).toEqual(
      expect.arrayContaining([
        'application/json',
        'image/png',
        'image/svg+xml',
        'application/jwt',
        'text/plain',
      ]),
    );
  });
});

describe('verifyOnPlatform', () => {
  const t = useTestDatabase('pglite');
  const config = testConfig();

  it('verifies a badge this platform issued, resolving its did:web and status list in-process', async () => {
    const app = await buildServer(createAppContext(t.db, config));
    try {
      const ctx = createAppContext(t.db, config);
      // Accepted and public: its hosted OB 2.0 assertion is published.
      const earner = await makeUser(t.db, { email: 'grace@example.org' });
      const { award } = await makeWalletBadge(ctx, earner, { visibility: 'public' });
      const credential = JSON.parse(award.credentialJson);
      expect(credential.issuer.id).toMatch(/^did:web:localhost%3A3000:orgs:/);

      const report = await verifyOnPlatform(ctx, award.credentialJson, {
        recipientEmail: 'Grace@Example.org',
      });
      expect(report.steps.filter((s) => s.result !== 'pass' && s.result !== 'skipped')).toEqual([]);
      expect(report.verdict).toBe('valid');
      expect(report.recipient?.matched).toBe(true);

      // The hosted OB 2.0 assertion of the same award, fetched from our own origin in-process.
      const hosted = await verifyOnPlatform(ctx, `${config.baseUrl}/ob2/assertions/${award.id}`, {
        recipientEmail: 'grace@example.org',
      });
      expect(hosted.format).toBe('ob2-hosted');
      expect(hosted.verdict, JSON.stringify(hosted.steps)).toBe('valid');

      await revokeAward(ctx, award.id, 'Awarded by mistake');
      const hostedRevoked = await verifyOnPlatform(ctx, `${config.baseUrl}/ob2/assertions/${award.id}`);
      expect(hostedRevoked.status).toBe('revoked');

      // Our own status list is read live: the revocation shows at once, with its reason.
      const revoked = await verifyOnPlatform(ctx, award.credentialJson);
      expect(revoked.verdict).toBe('invalid');
      expect(revoked.status).toBe('revoked');
      expect(revoked.summary).toContain('The reason given: Awarded by mistake');
      expect(revoked.steps.find((s) => s.id === 'status')?.message).toContain('Awarded by mistake');
    } finally {
      await app.close();
    }
  });
});
