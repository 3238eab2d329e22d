import { describe, expect, it } from 'vitest';
import { tinyPng } from '../../test/images.ts';
import { revokeAward } from '../issuing/service.ts';
import { issueTestAward } from '../issuing/testing.ts';
import { signedCredential, useVerifierApp } from './testing.ts';

describe('the public verifier refusing', () => {
  const { t, inject, postForm } = useVerifierApp();

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

    const api = await inject({ method: 'POST', url: '/api/v1/verify', payload: { jwt: 'not.a.jwt!' } });
    expect(api.statusCode).toBe(422);
    expect(api.headers['content-type']).toContain('application/problem+json');
    expect(api.json()).toMatchObject({
      detail: 'The input is not a badge image, credential, token or URL.',
      code: 'INPUT_UNRECOGNIZED',
    });
    const rawPhoto = await inject({
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

    const none = await inject({ method: 'POST', url: '/api/v1/verify', payload: {} });
    expect(none.statusCode).toBe(422);
    expect(none.json().detail).toBe('Send one of credential, url, jwt or imageBase64.');

    const badType = await inject({
      method: 'POST',
      url: '/api/v1/verify',
      payload: { url: 42, recipientEmail: ['x'] },
    });
    expect(badType.statusCode).toBeGreaterThanOrEqual(400);
    expect(badType.statusCode).toBeLessThan(500);

    const noCsrf = await inject({
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

    const api = await inject({
      method: 'POST',
      url: '/api/v1/verify',
      headers: { 'content-type': 'image/png' },
      payload: Buffer.from(big),
      remoteAddress: '203.0.113.23',
    });
    expect(api.statusCode).toBe(413);
    expect(api.json()).toMatchObject({ status: 413, code: 'TOO_LARGE' });

    const huge = await inject({
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
      const res = await inject({
        method: 'POST',
        url: '/api/v1/verify',
        payload: {},
        remoteAddress: '203.0.113.9',
      });
      statuses.push(res.statusCode);
    }
    expect(statuses.slice(0, 30).every((s) => s === 422)).toBe(true);
    expect(statuses[30]).toBe(429);
    const other = await inject({
      method: 'POST',
      url: '/api/v1/verify',
      payload: {},
      remoteAddress: '203.0.113.10',
    });
    expect(other.statusCode).toBe(422);
  });

  it('verifies a badge this platform issued through the API, its did:web and status list answered in-process for the worker', async () => {
    const ctx = t.ctx;
    const { award } = await issueTestAward(ctx, { recipientEmail: 'grace@example.org' });
    const post = () =>
      inject({
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
});
