import { unbakeImage } from '@laurel/openbadges/bake';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestSession, makeUser } from '../accounts/testing.ts';
import { useTestApp } from '../http/testing.ts';
import { revokeAward } from '../issuing/service.ts';
import { issueTestAward } from '../issuing/testing.ts';
import { makeMember, makeOrg } from '../orgs/testing.ts';
import { makeTemplate } from '../templates/testing.ts';
import { engagementCounts } from '../wallet/engagement.ts';
import { setVisibility as setWalletVisibility } from '../wallet/service.ts';
import { makeWalletBadge } from '../wallet/testing.ts';
import { pngSize } from './preview.ts';

const HOSTILE = '<script>alert("x")</script>&"\'';

describe('public badge pages', () => {
  const t = useTestApp('pglite');
  let owner: Awaited<ReturnType<typeof makeUser>>;
  let ownerSession: TestSession;
  let otherSession: TestSession;
  let anon: TestSession;
  let awardId: string;
  let itemId: string;
  let orgSlug: string;

  const get = (url: string, s: TestSession = anon, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'GET', url, cookies: s.cookies, headers });

  const setVisibility = async (visibility: 'public' | 'private') => {
    const res = await t.postForm(`/wallet/${itemId}/visibility`, ownerSession, { visibility });
    expect(res.statusCode).toBe(303);
  };

  beforeAll(async () => {
    owner = await t.user({ name: `Ada ${HOSTILE}` });
    ownerSession = await t.session(owner.id);
    otherSession = await t.session((await t.user()).id);
    anon = await t.session();
    const org = await makeOrg(t.db, {
      config: t.ctx.config,
      name: `Society ${HOSTILE}`,
      linkedinOrgId: '12345',
    });
    orgSlug = org.slug;
    const template = await makeTemplate(t.ctx, org, {
      name: `Badge ${HOSTILE} & Co`,
      description: `Description ${HOSTILE}`,
    });
    const issued = await issueTestAward(t.ctx, {
      org,
      template,
      recipientEmail: owner.email,
      recipientName: `Ada ${HOSTILE}`,
      validUntil: new Date('2031-03-15T00:00:00Z'),
      issuedAt: new Date('2025-11-02T00:00:00Z'),
    });
    awardId = issued.award.id;
    const accept = await t.postForm(`/claim/${issued.claimToken}/accept`, ownerSession);
    expect(accept.statusCode).toBe(303);
    itemId = accept.headers.location!.split('/')[2]!.split('?')[0]!;
  });

  const routes = () => [
    `/c/${awardId}`,
    `/c/${awardId}.json`,
    `/c/${awardId}.jwt`,
    `/c/${awardId}/preview.png`,
    `/c/${awardId}/image.png`,
    `/c/${awardId}/image.svg`,
    `/c/${awardId}/image.png?ob=2`,
    `/c/${awardId}/embed`,
    `/c/${awardId}/qr.svg`,
    `/c/${awardId}/image.svg?ob=2`,
    ...['linkedin-profile', 'linkedin', 'x', 'facebook', 'email'].map((n) => `/c/${awardId}/share/${n}`),
  ];

  it('a private badge is 404 on every route for anyone but its earner', async () => {
    await setVisibility('private');
    const missing = new Map<TestSession, string>();
    for (const s of [anon, otherSession])
      missing.set(s, (await get('/c/00000000-0000-4000-8000-000000000000', s)).body);
    for (const url of routes()) {
      for (const s of [anon, otherSession]) {
        const res = await get(url, s);
        expect(res.statusCode, url).toBe(404);
        expect(res.body).not.toContain('Badge &lt;script');
        expect(res.body.replace(/value="[^"]*"/g, '')).toBe(missing.get(s)!.replace(/value="[^"]*"/g, ''));
      }
      const own = await get(url, ownerSession);
      expect([200, 303], url).toContain(own.statusCode);
    }
    const negotiated = await get(`/c/${awardId}`, anon, { accept: 'application/ld+json' });
    expect(negotiated.statusCode).toBe(404);
    // The hosted OB 2.0 assertion follows the earner's choice too, for everyone.
    for (const s of [anon, otherSession, ownerSession])
      expect((await get(`/ob2/assertions/${awardId}`, s, { accept: 'application/ld+json' })).statusCode).toBe(
        404,
      );
    await setVisibility('public');
    const hosted = await get(`/ob2/assertions/${awardId}`, anon, { accept: 'application/ld+json' });
    expect(hosted.statusCode).toBe(200);
    expect(hosted.json().id).toBe(`${t.ctx.config.baseUrl}/ob2/assertions/${awardId}`);
    await setVisibility('private');
    const page = await get(`/c/${awardId}`, ownerSession);
    expect(page.body).toContain('noindex');
    expect(page.body).toContain('Only you can see this page');
    expect(page.body).not.toContain('og:image');
    expect(page.headers['cache-control']).toContain('no-store');
    // The wallet item and the API are the owner's only.
    expect((await get(`/wallet/${itemId}`, otherSession)).statusCode).toBe(404);
    const api = await t.sendJson('PATCH', `/api/v1/me/badges/${itemId}`, otherSession, {
      visibility: 'public',
    });
    expect(api.statusCode).toBe(404);
    expect((await get('/api/v1/me/badges', anon)).statusCode).toBe(401);
    expect((await get(`/api/v1/me/badges/${itemId}`, otherSession)).statusCode).toBe(404);
    // The public verifier fetches its own origin as a visitor: it learns nothing either.
    const verified = await t.app.inject({
      method: 'POST',
      url: '/api/v1/verify',
      payload: { url: `${t.ctx.config.baseUrl}/c/${awardId}` },
    });
    expect(verified.json().verdict).not.toBe('valid');
    expect(verified.body).not.toContain('Badge <script');
  });

  it('a public badge page: escaped names, Open Graph with absolute URLs, the verification, alternates', async () => {
    await setVisibility('public');
    const res = await get(`/c/${awardId}`);
    expect(res.statusCode).toBe(200);
    const html = res.body;
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('Badge &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    const base = t.ctx.config.baseUrl;
    expect(html).toContain(`<meta property="og:image" content="${base}/c/${awardId}/preview.png"`);
    expect(html).toContain(`<meta property="og:url" content="${base}/c/${awardId}"`);
    expect(html).toContain('<meta property="og:type" content="website"');
    expect(html).toMatch(/<meta property="og:title" content="Badge &lt;script/);
    expect(html).toMatch(/<meta property="og:description" content="Description/);
    expect(html).toContain('<meta name="twitter:card" content="summary_large_image"');
    expect(html).toContain(`<link rel="alternate" type="application/ld+json" href="/c/${awardId}.json">`);
    expect(html).toContain('Verified');
    expect(html).toContain('Signature');
    expect(html).toContain('Valid until');
    expect(html).not.toContain('noindex');
    // The name stays hidden until the earner shows it.
    expect(html).not.toContain('to Ada');
    await t.postForm(`/wallet/${itemId}/recipient-name`, ownerSession, { show: 'yes' });
    const named = await get(`/c/${awardId}`);
    expect(named.body).toContain('to Ada &lt;script&gt;');
  });

  it('serves the credential bytes exactly, by path and by content negotiation, and the JWT', async () => {
    await setVisibility('public');
    const json = await get(`/c/${awardId}.json`);
    expect(json.headers['content-type']).toContain('application/ld+json');
    const stored = await t.db
      .selectFrom('awards')
      .select(['credentialJson', 'credentialJwt'])
      .where('id', '=', awardId)
      .executeTakeFirstOrThrow();
    expect(json.body).toBe(stored.credentialJson);
    const negotiated = await get(`/c/${awardId}`, anon, { accept: 'application/vc+ld+json' });
    expect(negotiated.body).toBe(stored.credentialJson);
    const jwt = await get(`/c/${awardId}.jwt`);
    expect(jwt.headers['content-type']).toContain('application/jwt');
    expect(jwt.body).toBe(stored.credentialJwt);
  });

  it('bakes the credential into the images (OB 3.0 JSON; OB 2.0 hosted assertion with ?ob=2)', async () => {
    await setVisibility('public');
    const png = await get(`/c/${awardId}/image.png`);
    expect(png.headers['content-type']).toBe('image/png');
    const stored = await t.db
      .selectFrom('awards')
      .select('credentialJson')
      .where('id', '=', awardId)
      .executeTakeFirstOrThrow();
    expect(unbakeImage(png.rawPayload).text).toBe(stored.credentialJson);
    const ob2 = await get(`/c/${awardId}/image.png?ob=2`);
    expect(JSON.parse(unbakeImage(ob2.rawPayload).text).id).toBe(
      `${t.ctx.config.baseUrl}/ob2/assertions/${awardId}`,
    );
    const svg = await get(`/c/${awardId}/image.svg`);
    expect(svg.headers['content-type']).toContain('image/svg+xml');
    expect(unbakeImage(svg.rawPayload)).toMatchObject({ format: 'svg', version: 'ob3' });
  });

  it('renders a 1200x630 preview PNG, a QR code and a frameable embed card', async () => {
    await setVisibility('public');
    const preview = await get(`/c/${awardId}/preview.png`);
    expect(preview.headers['content-type']).toBe('image/png');
    expect(pngSize(preview.rawPayload)).toEqual({ width: 1200, height: 630 });
    const qr = await get(`/c/${awardId}/qr.svg`);
    expect(qr.body).toContain('<svg');
    const embed = await get(`/c/${awardId}/embed`);
    expect(embed.statusCode).toBe(200);
    expect(embed.headers['x-frame-options']).toBeUndefined();
    expect(embed.headers['content-security-policy']).toContain('frame-ancestors *');
    expect(embed.body).not.toContain('<script>alert');
    expect((await get(`/c/${awardId}`)).headers['x-frame-options']).toBe('DENY');
  });

  it('share links count and redirect; the LinkedIn link carries every parameter encoded', async () => {
    await setVisibility('public');
    // The earner's wallet page offers the counted share links, both snippets and the QR code.
    const wallet = (await get(`/wallet/${itemId}`, ownerSession)).body;
    for (const part of [
      `href="/c/${awardId}/share/linkedin-profile"`,
      `href="/c/${awardId}/share/email"`,
      'id="embed-snippet"',
      'id="signature-snippet"',
      `src="/c/${awardId}/qr.svg"`,
    ])
      expect(wallet).toContain(part);
    const before = (await engagementCounts(t.ctx, [awardId])).get(awardId)!;
    const res = await get(`/c/${awardId}/share/linkedin-profile`, ownerSession);
    expect(res.statusCode).toBe(303);
    const url = new URL(res.headers.location!);
    expect(url.origin + url.pathname).toBe('https://www.linkedin.com/profile/add');
    const p = url.searchParams;
    expect(p.get('startTask')).toBe('CERTIFICATION_NAME');
    expect(p.get('name')).toBe(`Badge ${HOSTILE} & Co`);
    expect(p.get('organizationId')).toBe('12345');
    expect(p.get('issueYear')).toBe('2025');
    expect(p.get('issueMonth')).toBe('11');
    expect(p.get('expirationYear')).toBe('2031');
    expect(p.get('expirationMonth')).toBe('3');
    expect(p.get('certUrl')).toBe(`${t.ctx.config.baseUrl}/c/${awardId}`);
    expect(p.get('certId')).toBe(awardId);
    // Every value is percent-encoded: no raw '&', '<' or space inside a value.
    expect(res.headers.location).toContain('name=Badge%20%3Cscript%3E');
    expect(res.headers.location).toContain('%26%20Co');
    for (const network of ['linkedin', 'x', 'facebook', 'email'])
      expect((await get(`/c/${awardId}/share/${network}`)).statusCode).toBe(303);
    expect((await get(`/c/${awardId}/share/myspace`)).statusCode).toBe(404);
    await get(`/c/${awardId}`); // a visitor's view counts
    await get(`/c/${awardId}`, ownerSession); // the earner's own does not
    const after = (await engagementCounts(t.ctx, [awardId])).get(awardId)!;
    expect(after.shares - before.shares).toBe(5);
    expect(after.views - before.views).toBe(1);
    const analytics = await get(`/manage/${orgSlug}/analytics`, ownerSession);
    expect(analytics.statusCode).toBe(404);
  });

  it('the analytics page is for the org’s members', async () => {
    const org = await makeOrg(t.db, { config: t.ctx.config });
    const viewer = await makeMember(t.db, org, 'viewer');
    const template = await makeTemplate(t.ctx, org, { name: 'Counted' });
    await issueTestAward(t.ctx, { org, template });
    const res = await t.app.inject({ url: `/manage/${org.slug}/analytics`, cookies: viewer.cookies });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Counted');
    expect((await get(`/manage/${org.slug}/analytics`, otherSession)).statusCode).toBe(404);
    expect((await get(`/manage/${org.slug}/analytics`, anon)).statusCode).toBe(303);
  });

  it('shows a revoked or expired badge as such', async () => {
    await setVisibility('public');
    await revokeAward(t.ctx, awardId, `Misconduct ${HOSTILE}`);
    const res = await get(`/c/${awardId}`);
    expect(res.body).toContain('Revoked');
    expect(res.body).toContain('Misconduct &lt;script&gt;');
    const wallet = await get('/wallet', ownerSession);
    expect(wallet.body).toContain('Revoked');
  });

  it('an accepted badge that has since expired shows as expired on its page and in the wallet', async () => {
    const user = await t.user();
    const s = await t.session(user.id);
    const issued = await issueTestAward(t.ctx, { recipientEmail: user.email });
    const accepted = await t.postForm(`/claim/${issued.claimToken}/accept`, s);
    const id = accepted.headers.location!.split('/')[2]!.split('?')[0]!;
    await t.postForm(`/wallet/${id}/visibility`, s, { visibility: 'public' });
    await t.db
      .updateTable('awards')
      .set({ validUntil: new Date('2020-01-01T00:00:00Z') })
      .where('id', '=', issued.award.id)
      .execute();
    const page = await get(`/c/${issued.award.id}`);
    expect(page.body).toContain('Expired');
    expect(page.body).toContain('expired on 1 January 2020');
    expect((await get('/wallet?state=expired', s)).body).toContain(`/wallet/${id}`);
    expect((await get('/wallet?state=valid', s)).body).not.toContain(`/wallet/${id}`);
  });

  it('the wallet list searches by name, issuer and description, and filters by issuer and visibility', async () => {
    await setVisibility('public');
    const shows = async (query: string) =>
      (await get(`/wallet?${query}`, ownerSession)).body.includes(`/wallet/${itemId}`);
    expect(await shows('q=BADGE')).toBe(true);
    expect(await shows('q=society')).toBe(true);
    expect(await shows('q=description')).toBe(true);
    expect(await shows('q=nothing-like-it')).toBe(false);
    expect(await shows(`issuer=${encodeURIComponent(`Society ${HOSTILE}`)}`)).toBe(true);
    expect(await shows('issuer=Another%20Issuer')).toBe(false);
    expect(await shows('visibility=public')).toBe(true);
    expect(await shows('visibility=private')).toBe(false);
    expect((await get('/wallet?q=nothing-like-it', ownerSession)).body).toContain('No badge matches');
  });

  it('documents the JSON routes in the OpenAPI document', async () => {
    const doc = (await get('/api/openapi.json')).json();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/me/badges',
        '/api/v1/me/badges/{id}',
        '/api/v1/me/badges/import',
        '/api/v1/claims/{token}',
        '/api/v1/claims/{token}/accept',
        '/api/v1/claims/{token}/reject',
      ]),
    );
  });

  it('a profile is 404 until made public, then lists public badges only', async () => {
    await t.db.updateTable('users').set({ handle: 'ada-profile' }).where('id', '=', owner.id).execute();
    expect((await get('/u/ada-profile')).statusCode).toBe(404);
    expect((await get('/u/ada-profile', otherSession)).statusCode).toBe(404);
    const own = await get('/u/ada-profile', ownerSession);
    expect(own.statusCode).toBe(200);
    expect(own.body).toContain('noindex');
    await t.db.updateTable('users').set({ profilePublic: true }).where('id', '=', owner.id).execute();
    // A badge that is not revoked (the shared one was revoked above, and profiles leave those out).
    const listed = await makeWalletBadge(t.ctx, owner, { visibility: 'public' });
    const pub = await get('/u/ada-profile');
    expect(pub.statusCode).toBe(200);
    expect(pub.body).toContain(`/c/${listed.award.id}`);
    await setWalletVisibility(t.db, owner.id, listed.item.id, 'private');
    const hidden = await get('/u/ada-profile');
    expect(hidden.body).not.toContain(`/c/${listed.award.id}`);
    expect((await get('/u/nobody-here')).statusCode).toBe(404);
  });

  it('the profile API reads and changes my profile, with the CSRF header, and checks its input', async () => {
    const patch = (payload: object, csrf = true, session = ownerSession) =>
      t.app.inject({
        method: 'PATCH',
        url: '/api/v1/me/profile',
        cookies: session.cookies,
        headers: csrf ? { 'x-csrf-token': session.csrf } : {},
        payload,
      });
    expect((await get('/api/v1/me/profile', anon)).statusCode).toBe(401);
    expect((await patch({ profilePublic: true }, false)).statusCode).toBe(403);
    const bad = await patch({ handle: 'No Spaces Allowed', profilePublic: true });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().errors.map((e: { field: string }) => e.field)).toContain('handle');
    const made = await patch({ handle: 'ada-api', profilePublic: true });
    expect(made.statusCode).toBe(200);
    expect(made.json()).toMatchObject({
      handle: 'ada-api',
      profilePublic: true,
      profileUrl: `${t.ctx.config.baseUrl}/u/ada-api`,
    });
    expect((await get('/u/ada-api', anon)).statusCode).toBe(200);
    // Another account cannot take the handle.
    expect((await patch({ handle: 'ada-api' }, true, otherSession)).statusCode).toBe(422);
    const hidden = await patch({ profilePublic: false });
    expect(hidden.json()).toMatchObject({ profilePublic: false, profileUrl: null, handle: 'ada-api' });
    expect((await get('/u/ada-api', anon)).statusCode).toBe(404);
    expect((await get('/api/v1/me/profile', ownerSession)).json().name).toBe(made.json().name);
  });

  it('the API lists my badges and changes visibility with the CSRF header', async () => {
    const list = await get('/api/v1/me/badges', ownerSession);
    expect(list.statusCode).toBe(200);
    expect(list.json().items.map((i: { id: string }) => i.id)).toContain(itemId);
    const noCsrf = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/me/badges/${itemId}`,
      cookies: ownerSession.cookies,
      payload: { visibility: 'public' },
    });
    expect(noCsrf.statusCode).toBe(403);
    const ok = await t.sendJson('PATCH', `/api/v1/me/badges/${itemId}`, ownerSession, {
      visibility: 'public',
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({
      visibility: 'public',
      publicUrl: `${t.ctx.config.baseUrl}/c/${awardId}`,
    });
    const bad = await t.sendJson('PATCH', `/api/v1/me/badges/${itemId}`, ownerSession, {
      visibility: 'everyone',
    });
    expect(bad.statusCode).toBe(400);
  });
});
