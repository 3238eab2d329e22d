import { randomBytes } from 'node:crypto';
import { bakeImage } from '@laurel/openbadges/bake';
import { beforeAll, describe, expect, it } from 'vitest';
import type { makeUser } from '../accounts/testing.ts';
import { useTestApp } from '../http/testing.ts';
import { revokeAward } from '../issuing/service.ts';
import { issueTestAward } from '../issuing/testing.ts';
import { importBadge } from './import.ts';
import { itemImage, listWalletItems, setVisibility } from './service.ts';
import { makeWalletBadge, signedCredential } from './testing.ts';

const HOSTILE_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100" onload="alert(1)"><script>alert(2)</script>' +
  '<circle cx="50" cy="50" r="40" fill="red"/><a href="javascript:alert(3)"><text x="10" y="20">x</text></a>' +
  '<foreignObject><iframe src="https://evil.example"/></foreignObject></svg>';

describe('importing badges', () => {
  const t = useTestApp('pglite');
  let user: Awaited<ReturnType<typeof makeUser>>;

  beforeAll(async () => {
    user = await t.user({ email: 'Earner@Example.org' });
  });

  const count = async () => (await listWalletItems(t.db, user.id)).length;

  it('refuses random bytes, unreadable text and a huge file, storing nothing', async () => {
    const before = await count();
    await expect(importBadge(t.ctx, user.id, { file: randomBytes(4096) })).rejects.toMatchObject({
      code: 'INVALID',
    });
    await expect(importBadge(t.ctx, user.id, { text: 'hello there' })).rejects.toMatchObject({
      code: 'INVALID',
    });
    await expect(
      importBadge(t.ctx, user.id, { file: new Uint8Array(6 * 1024 * 1024) }),
    ).rejects.toMatchObject({
      code: 'TOO_LARGE',
    });
    await expect(importBadge(t.ctx, user.id, { text: '{"@context": 1' })).rejects.toMatchObject({
      code: 'INVALID',
    });
    expect(await count()).toBe(before);
  });

  it('never fetches private, loopback or link-local addresses', async () => {
    const before = await count();
    for (const url of [
      'http://127.0.0.1:9/badge.json',
      'http://10.0.0.1/badge.json',
      'http://169.254.169.254/latest/meta-data/',
      'http://[::1]/badge.json',
    ]) {
      const e = await importBadge(t.ctx, user.id, { text: url }).catch((err) => err);
      expect(e, url).toMatchObject({ code: 'INVALID' });
      expect(e.message).toMatch(/could not be (verified|checked)/);
      expect(e.message, url).toContain('private or reserved network');
    }
    expect(await count()).toBe(before);
  });

  it('refuses a badge issued to another email', async () => {
    const credential = await signedCredential('someone.else@example.org');
    const e = await importBadge(t.ctx, user.id, { text: JSON.stringify(credential) }).catch((err) => err);
    expect(e).toMatchObject({ code: 'INVALID' });
    expect(e.message).toContain('not one of your confirmed addresses');
  });

  it('refuses a tampered credential', async () => {
    const credential = (await signedCredential('earner@example.org')) as Record<string, any>;
    credential.credentialSubject.achievement.name = 'Something I did not earn';
    await expect(importBadge(t.ctx, user.id, { text: JSON.stringify(credential) })).rejects.toMatchObject({
      code: 'INVALID',
    });
  });

  it('imports a valid badge (any letter case of the address) once', async () => {
    const credential = await signedCredential('EARNER@example.org', 'Case Insensitive');
    const item = await importBadge(t.ctx, user.id, { text: JSON.stringify(credential) });
    expect(item).toMatchObject({
      badgeName: 'Case Insensitive',
      issuerName: 'Elsewhere Institute',
      visibility: 'private',
    });
    await expect(importBadge(t.ctx, user.id, { text: JSON.stringify(credential) })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    const s = await t.session(user.id);
    const page = await t.app.inject({ url: `/wallet/${item.id}`, cookies: s.cookies });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Case Insensitive');
    expect(page.body).toContain('Verified');
    const other = await t.session((await t.user()).id);
    expect((await t.app.inject({ url: `/wallet/${item.id}`, cookies: other.cookies })).statusCode).toBe(404);
  });

  it('sanitizes a hostile SVG before storing it, keeping the credential', async () => {
    const credential = await signedCredential('earner@example.org', 'From an SVG');
    const svg = HOSTILE_SVG;
    const baked = bakeImage(new TextEncoder().encode(svg), {
      kind: 'ob3-json',
      text: JSON.stringify(credential),
    });
    const item = await importBadge(t.ctx, user.id, { file: baked });
    const image = await itemImage(t.db, item.id);
    const text = image!.data.toString('utf8');
    expect(image!.type).toBe('image/svg+xml');
    expect(text).not.toMatch(/<script|onload|javascript:|foreignObject|iframe/i);
    const s = await t.session(user.id);
    const served = await t.app.inject({ url: `/wallet/${item.id}/image`, cookies: s.cookies });
    expect(served.headers['content-security-policy']).toContain('sandbox');
    // Private: nobody else gets the image.
    expect((await t.app.inject({ url: `/wallet/${item.id}/image` })).statusCode).toBe(404);
  });

  it('refuses an SVG with a DTD (entity expansion) clearly', async () => {
    const svg =
      '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]><svg xmlns="http://www.w3.org/2000/svg">&b;</svg>';
    const e = await importBadge(t.ctx, user.id, { file: new TextEncoder().encode(svg) }).catch((err) => err);
    expect(e).toMatchObject({ code: 'INVALID' });
  });

  it('imports through the page; failures re-render the form with the reason (422)', async () => {
    const s = await t.session(user.id);
    const bad = await t.postForm('/wallet/import', s, { text: 'http://169.254.169.254/' });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('could not be');
    const credential = await signedCredential('earner@example.org', 'Via the form');
    const boundary = '----laurel-test';
    const multipart = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${s.csrf}\r\n` +
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="badge.json"\r\nContent-Type: application/json\r\n\r\n`,
      ),
      Buffer.from(JSON.stringify(credential)),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const ok = await t.app.inject({
      method: 'POST',
      url: '/wallet/import',
      cookies: s.cookies,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload: multipart,
    });
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toMatch(/\?imported=1$/);
  });

  it('an imported badge that is revoked later shows revoked on the next verification', async () => {
    const { award } = await issueTestAward(t.ctx, { recipientEmail: 'earner@example.org' });
    const item = await importBadge(t.ctx, user.id, { text: award.credentialJson });
    expect(item.issuerId).toMatch(/^did:web:/);
    await revokeAward(t.ctx, award.id, 'Issued by mistake');
    await t.db
      .updateTable('walletItems')
      .set({ lastVerifiedAt: new Date(Date.now() - 3600_000) })
      .where('id', '=', item.id)
      .execute();
    const s = await t.session(user.id);
    const page = await t.app.inject({ url: `/wallet/${item.id}`, cookies: s.cookies });
    expect(page.body).toContain('Revoked');
    expect(page.body).toContain('Issued by mistake');
    const list = await t.app.inject({ url: '/wallet?state=revoked', cookies: s.cookies });
    expect(list.body).toContain(`/wallet/${item.id}`);
  });

  it('imports through the JSON API (a VC-JWT, an OB 2.0 hosted URL); the detail re-verifies', async () => {
    const s = await t.session(user.id);
    const post = (payload: unknown, session = s) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/me/badges/import',
        cookies: session.cookies,
        headers: { 'x-csrf-token': session.csrf },
        payload: payload as Record<string, unknown>,
      });
    const first = await issueTestAward(t.ctx, { recipientEmail: 'earner@example.org' });
    const jwt = await post({ jwt: first.award.credentialJwt });
    expect(jwt.statusCode, jwt.body).toBe(201);
    expect(jwt.json()).toMatchObject({ imported: true, state: 'valid', visibility: 'private' });
    // A hosted OB 2.0 assertion is published once its badge is accepted and public.
    const second = await makeWalletBadge(t.ctx, user, { visibility: 'public' });
    const hosted = await post({ url: `${t.ctx.config.baseUrl}/ob2/assertions/${second.award.id}` });
    expect(hosted.statusCode, hosted.body).toBe(201);
    const id = hosted.json().id as string;

    const detail = await t.app.inject({ url: `/api/v1/me/badges/${id}`, cookies: s.cookies });
    expect(detail.statusCode).toBe(200);
    expect(detail.json()).toMatchObject({ id, state: 'valid', verification: { verdict: 'valid' } });
    await revokeAward(t.ctx, second.award.id, 'Wrong person');
    await t.db
      .updateTable('walletItems')
      .set({ lastVerifiedAt: new Date(Date.now() - 3600_000) })
      .where('id', '=', id)
      .execute();
    const later = await t.app.inject({ url: `/api/v1/me/badges/${id}`, cookies: s.cookies });
    expect(later.json().verification).toMatchObject({ status: 'revoked' });
    const other = await t.session((await t.user()).id);
    expect((await t.app.inject({ url: `/api/v1/me/badges/${id}`, cookies: other.cookies })).statusCode).toBe(
      404,
    );
    // Not the recipient: refused with the reason.
    const refused = await post({ jwt: first.award.credentialJwt }, other);
    expect(refused.statusCode).toBe(422);
    expect(refused.json().detail).toContain('not one of your confirmed addresses');
  });

  it('the JSON API refuses bad input with a problem and stores nothing', async () => {
    const s = await t.session(user.id);
    const before = await count();
    const post = (payload: Record<string, unknown>) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/me/badges/import',
        cookies: s.cookies,
        headers: { 'x-csrf-token': s.csrf },
        payload,
      });
    const cases: [Record<string, unknown>, number, RegExp][] = [
      [{ imageBase64: randomBytes(4096).toString('base64') }, 422, /not a badge/],
      [{ imageBase64: Buffer.from(HOSTILE_SVG).toString('base64') }, 422, /no readable badge/],
      [{ url: 'http://127.0.0.1:9/badge.json' }, 422, /private or reserved network/],
      [{ url: 'http://[::1]/badge.json' }, 422, /private or reserved network/],
      [{ credential: '{"@context": 1' }, 422, /could not be verified/],
      [{ jwt: 'a.b.c', url: 'https://example.org/b' }, 422, /exactly one/],
      [{}, 422, /exactly one/],
      [{ imageBase64: Buffer.alloc(5 * 1024 * 1024 + 10_000).toString('base64') }, 413, /larger than 5 MB/],
      // Past the route's body limit the server refuses before reading the JSON.
      [{ imageBase64: Buffer.alloc(8 * 1024 * 1024).toString('base64') }, 413, /larger than/],
    ];
    for (const [payload, status, message] of cases) {
      const res = await post(payload);
      const label = JSON.stringify(payload).slice(0, 80);
      expect(res.statusCode, label).toBe(status);
      expect(res.headers['content-type'], label).toContain('application/problem+json');
      expect(res.json().detail, label).toMatch(message);
    }
    const noCsrf = await t.app.inject({
      method: 'POST',
      url: '/api/v1/me/badges/import',
      cookies: s.cookies,
      payload: { url: 'https://example.org/b' },
    });
    expect(noCsrf.statusCode).toBe(403);
    expect(await count()).toBe(before);
  });

  it('an imported badge has a public page only while public; the profile links to it', async () => {
    await t.db.updateTable('users').set({ handle: 'imported-earner' }).where('id', '=', user.id).execute();
    const credential = await signedCredential('earner@example.org', 'Shown Imported');
    const item = await importBadge(t.ctx, user.id, { text: JSON.stringify(credential) });
    const url = `/u/imported-earner/badges/${item.id}`;
    const own = await t.session(user.id);
    const other = await t.session((await t.user()).id);
    const get = (path: string, s?: { cookies: Record<string, string> }) =>
      t.app.inject({ url: path, cookies: s?.cookies ?? {} });
    const missing = (await get(`/u/imported-earner/badges/00000000-0000-4000-8000-000000000000`)).body;
    for (const s of [undefined, other]) {
      const res = await get(url, s);
      expect(res.statusCode).toBe(404);
      expect(res.body).not.toContain('Shown Imported');
      if (!s) expect(res.body).toBe(missing);
    }
    const preview = await get(url, own);
    expect(preview.statusCode).toBe(200);
    expect(preview.body).toContain('Only you can see this page');
    expect(preview.body).toContain('noindex');

    await setVisibility(t.db, user.id, item.id, 'public');
    const listed = await t.app.inject({ url: '/api/v1/me/badges', cookies: own.cookies });
    expect(listed.json().items.find((i: { id: string }) => i.id === item.id).publicUrl).toBe(
      `${t.ctx.config.baseUrl}${url}`,
    );
    // Its wallet page offers sharing: straight to the networks, with its public address and id.
    const detail = (await get(`/wallet/${item.id}`, own)).body;
    const linkedin = /href="(https:\/\/www\.linkedin\.com\/profile\/add\?[^"]+)"/.exec(detail)?.[1];
    const params = new URL(linkedin!.replaceAll('&amp;', '&')).searchParams;
    expect(params.get('certUrl')).toBe(`${t.ctx.config.baseUrl}${url}`);
    expect(params.get('certId')).toBe(credential.id);
    expect(params.get('issueYear')).toBe('2024');
    expect(detail).toContain('src="data:image/svg+xml;base64,');
    // The embed and signature snippets too: its linked name, as it came without an image.
    expect(detail).toContain('id="embed-snippet"');
    expect(detail).toContain(
      `&lt;a href=&quot;${t.ctx.config.baseUrl}${url}&quot;&gt;Shown Imported — Elsewhere Institute&lt;/a&gt;`,
    );
    expect(detail).toContain('id="signature-snippet"');
    const page = await get(url);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Shown Imported');
    expect(page.body).toContain('Elsewhere Institute');
    // It came without an image: a placeholder keeps the page's shape.
    expect(page.body).toContain('aria-label="No image"');
    expect(page.body).toContain('Verified');
    expect(page.body).not.toContain('noindex');
    // The earner's name appears only once their profile is public.
    expect(page.body).toContain('Imported from elsewhere.');
    await t.db.updateTable('users').set({ profilePublic: true }).where('id', '=', user.id).execute();
    expect((await get(url)).body).toContain('Imported by <a href="/u/imported-earner">');
    expect((await get('/u/imported-earner')).body).toContain(url);
    // Another handle, or a badge issued here, is not found at this address.
    await t.db
      .updateTable('users')
      .set({ handle: 'someone-else' })
      .where('id', '=', (await t.user()).id)
      .execute();
    expect((await get(`/u/someone-else/badges/${item.id}`)).statusCode).toBe(404);
    const issued = await makeWalletBadge(
      t.ctx,
      { id: user.id, email: 'earner@example.org' },
      { visibility: 'public' },
    );
    expect((await get(`/u/imported-earner/badges/${issued.item.id}`)).statusCode).toBe(404);
    await setVisibility(t.db, user.id, item.id, 'private');
    expect((await get(url)).statusCode).toBe(404);
    await t.db.updateTable('users').set({ profilePublic: false }).where('id', '=', user.id).execute();
  });
});
