import { bakeImage } from '@laurel/openbadges/bake';
import { buildOpenBadgeCredential } from '@laurel/openbadges/ob3';
import {
  didKeyFromPublicKey,
  didKeyVerificationMethod,
  generateEd25519KeyPair,
  signVcJwt,
} from '@laurel/openbadges/proof';
import { describe, expect, it } from 'vitest';
import { tinyPng } from '../../test/images.ts';
import { signedCredential, useVerifierApp } from './testing.ts';

describe('the public verifier', () => {
  const { inject, postForm } = useVerifierApp();

  it('shows the form, usable without JavaScript', async () => {
    const res = await inject({ url: '/verify' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('enctype="multipart/form-data"');
    expect(res.body).toContain('name="_csrf"');
    expect(res.body).toMatch(/<label for="f-file">/);
    expect(res.body).toMatch(/<label for="f-text">/);
  });

  it('reports a credential signed with a did:key as valid, through the API and the form', async () => {
    const credential = await signedCredential();
    const api = await inject({
      method: 'POST',
      url: '/api/v1/verify',
      payload: { credential, recipientEmail: ' EARNER@example.org ' },
    });
    expect(api.statusCode).toBe(200);
    const report = api.json();
    expect(report.verdict).toBe('valid');
    expect(report.recipient.matched).toBe(true);
    expect(report.steps.find((s: any) => s.id === 'proof').result).toBe('pass');

    const raw = await inject({
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
      inject({ method: 'POST', url: '/api/v1/verify', payload: { credential, followRefresh } });
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
    const res = await inject({
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

    const api = await inject({
      method: 'POST',
      url: '/api/v1/verify?recipientEmail=earner@example.org',
      headers: { 'content-type': 'image/png' },
      payload: Buffer.from(png),
    });
    expect(api.statusCode).toBe(200);
    expect(api.json()).toMatchObject({ verdict: 'valid', container: 'png', recipient: { matched: true } });

    const b64 = await inject({
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
    const field = await inject({ method: 'POST', url: '/api/v1/verify', payload: { jwt } });
    expect(field.json()).toMatchObject({ verdict: 'valid', format: 'ob3-jwt' });
    for (const type of ['application/jwt', 'text/plain']) {
      const raw = await inject({
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
    const res = await inject({
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

  it('describes the API in the OpenAPI document', async () => {
    const doc = (await inject({ url: '/api/openapi.json' })).json();
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
