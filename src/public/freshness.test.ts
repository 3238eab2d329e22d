// Revocation, declining, privacy and expiry apply on the very next request of every public view,
// in this process and in another one sharing the PostgreSQL database; and one visibility rule
// decides every representation of an award.
import { unbakeImage } from '@laurel/openbadges/bake';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeUser, sessionFor } from '../accounts/testing.ts';
import { createApiKey } from '../apikeys/service.ts';
import { declineOwnAward } from '../claims/service.ts';
import { testConfig } from '../config.ts';
import type { DatabaseHandle } from '../db/index.ts';
import { openPostgres } from '../db/index.ts';
import { migrate } from '../db/migrate.ts';
import { createPostgresDatabase } from '../db/testing.ts';
import { useTestApp } from '../http/testing.ts';
import type { AppContext } from '../http/context.ts';
import { buildServer } from '../http/server.ts';
import { rejectAward, revokeAward } from '../issuing/service.ts';
import { issueTestAward } from '../issuing/testing.ts';
import { type SharedBadge, postForm, publicViews, shareBadge } from './test-support.ts';
import { createAppContext } from '../features.ts';

const STALE_TRUST = ['authentic and current', '<strong>Verified</strong>'];

/** Fetches every public view of the badge (for the earner too): warms whatever a process keeps. */
async function fetchAll(app: FastifyInstance, b: SharedBadge) {
  const out = new Map<string, Awaited<ReturnType<FastifyInstance['inject']>>>();
  for (const url of publicViews(b.awardId)) out.set(url, await app.inject({ url }));
  out.set('wallet', await app.inject({ url: `/wallet/${b.itemId}`, cookies: b.earner.cookies }));
  out.set('profile', await app.inject({ url: `/u/${b.handle}` }));
  return out;
}

function expectRevokedEverywhere(
  views: Awaited<ReturnType<typeof fetchAll>>,
  b: SharedBadge,
  before: Buffer,
) {
  const page = views.get(`/c/${b.awardId}`)!;
  expect(page.statusCode).toBe(200);
  expect(page.body).toContain('The issuer revoked this badge');
  expect(page.body).toContain('<strong>Revoked</strong>'); // the panel's heading
  for (const stale of STALE_TRUST) expect(page.body).not.toContain(stale);
  expect(views.get(`/c/${b.awardId}/embed`)!.body).toContain('s-revoked');
  const ob2 = views.get(`/ob2/assertions/${b.awardId}`)!;
  expect(ob2.statusCode).toBe(410);
  expect(ob2.json()).toMatchObject({ revoked: true });
  // The OB 2.0 images carry the hosted assertion, now marked revoked.
  for (const format of ['png', 'svg'])
    expect(
      JSON.parse(unbakeImage(views.get(`/c/${b.awardId}/image.${format}?ob=2`)!.rawPayload).text),
    ).toMatchObject({
      revoked: true,
    });
  // The preview draws the state: a revoked badge gets a new picture at once.
  expect(views.get(`/c/${b.awardId}/preview.png`)!.rawPayload.equals(before)).toBe(false);
  const wallet = views.get('wallet')!.body;
  expect(wallet).toContain('Revoked');
  for (const stale of STALE_TRUST) expect(wallet).not.toContain(stale);
  // The public profile no longer lists it.
  expect(views.get('profile')!.body).not.toContain(`/c/${b.awardId}`);
}

function expectGoneEverywhere(views: Awaited<ReturnType<typeof fetchAll>>, b: SharedBadge) {
  for (const url of publicViews(b.awardId)) expect(views.get(url)!.statusCode, url).toBe(404);
  expect(views.get('profile')!.body).not.toContain(`/c/${b.awardId}`);
}

describe('every public view follows the database at once', () => {
  const t = useTestApp('pglite');

  it('a badge revoked through the service shows as revoked on the next request of every view', async () => {
    const b = await shareBadge(t.app, t.ctx);
    const warm = await fetchAll(t.app, b);
    expect(warm.get(`/c/${b.awardId}`)!.body).toContain('authentic and current');
    await revokeAward(t.ctx, b.awardId, 'Awarded by mistake');
    expectRevokedEverywhere(await fetchAll(t.app, b), b, warm.get(`/c/${b.awardId}/preview.png`)!.rawPayload);
    expect((await t.app.inject({ url: `/c/${b.awardId}` })).body).toContain('Awarded by mistake');
  });

  it('a badge revoked through the API shows as revoked on the next request of every view', async () => {
    const b = await shareBadge(t.app, t.ctx);
    const warm = await fetchAll(t.app, b);
    const { key } = await createApiKey(t.db, { orgId: b.org.id, name: 'Revoker', scopes: ['awards:revoke'] });
    const res = await t.withKey(key, 'POST', `/api/v1/orgs/${b.org.slug}/awards/${b.awardId}/revoke`, {
      reason: 'Exam annulled',
    });
    expect(res.statusCode).toBe(200);
    expectRevokedEverywhere(await fetchAll(t.app, b), b, warm.get(`/c/${b.awardId}/preview.png`)!.rawPayload);
  });

  it('a badge its earner declines, or makes private, is gone from every view at once', async () => {
    const declined = await shareBadge(t.app, t.ctx);
    await fetchAll(t.app, declined);
    await declineOwnAward(t.ctx, declined.userId, declined.itemId);
    expectGoneEverywhere(await fetchAll(t.app, declined), declined);

    const hidden = await shareBadge(t.app, t.ctx);
    await fetchAll(t.app, hidden);
    await postForm(t.app, hidden.earner, `/wallet/${hidden.itemId}/visibility`, { visibility: 'private' });
    expectGoneEverywhere(await fetchAll(t.app, hidden), hidden);
    // And back: public again on the next request.
    await postForm(t.app, hidden.earner, `/wallet/${hidden.itemId}/visibility`, { visibility: 'public' });
    expect((await t.app.inject({ url: `/c/${hidden.awardId}` })).statusCode).toBe(200);
  });

  it('a badge that expired shows as expired on the next request, the panel included', async () => {
    const b = await shareBadge(t.app, t.ctx);
    const warm = await fetchAll(t.app, b);
    await t.db
      .updateTable('awards')
      .set({ validUntil: new Date('2020-01-01T00:00:00Z') })
      .where('id', '=', b.awardId)
      .execute();
    const views = await fetchAll(t.app, b);
    const page = views.get(`/c/${b.awardId}`)!.body;
    expect(page).toContain('expired on 1 January 2020');
    expect(page).toContain('<strong>Expired</strong>');
    for (const stale of STALE_TRUST) expect(page).not.toContain(stale);
    expect(views.get(`/c/${b.awardId}/embed`)!.body).toContain('s-expired');
    expect(
      views
        .get(`/c/${b.awardId}/preview.png`)!
        .rawPayload.equals(warm.get(`/c/${b.awardId}/preview.png`)!.rawPayload),
    ).toBe(false);
    expect(views.get('wallet')!.body).toContain('Expired');
  });
});

describe('an imported copy of a badge issued here', () => {
  const t = useTestApp('pglite');

  it('shows a revocation made here on its next request, in the wallet and on its public page', async () => {
    const user = await makeUser(t.db);
    const handle = `importer-${user.id.slice(0, 8)}`;
    await t.db.updateTable('users').set({ handle, profilePublic: true }).where('id', '=', user.id).execute();
    const s = await sessionFor(t.db, t.ctx.config, user.id);
    const issued = await issueTestAward(t.ctx, { recipientEmail: user.email });
    const imported = await t.app.inject({
      method: 'POST',
      url: '/api/v1/me/badges/import',
      cookies: s.cookies,
      headers: { 'x-csrf-token': s.csrf },
      payload: { jwt: issued.award.credentialJwt },
    });
    expect(imported.statusCode, imported.body).toBe(201);
    const itemId = imported.json().id as string;
    await postForm(t.app, s, `/wallet/${itemId}/visibility`, { visibility: 'public' });
    const urls = [`/u/${handle}/badges/${itemId}`, `/wallet/${itemId}`];
    for (const url of urls)
      expect((await t.app.inject({ url, cookies: s.cookies })).body).toContain('Verified');
    await revokeAward(t.ctx, issued.award.id, 'Issued in error');
    for (const url of urls) {
      const body = (await t.app.inject({ url, cookies: s.cookies })).body;
      expect(body, url).toContain('<strong>Revoked</strong>');
      for (const stale of STALE_TRUST) expect(body, url).not.toContain(stale);
    }
  });
});

describe('one visibility rule for every representation', () => {
  const t = useTestApp('pglite');

  type Case = { state: string; make: () => Promise<SharedBadge>; expected: (url: string) => number };
  const all = (status: number) => () => status;
  const cases: Case[] = [
    { state: 'unclaimed', make: () => shareBadge(t.app, t.ctx, { accept: false }), expected: all(404) },
    {
      state: 'unclaimed, revoked',
      make: async () => {
        const b = await shareBadge(t.app, t.ctx, { accept: false });
        await revokeAward(t.ctx, b.awardId, 'Sent by mistake');
        return b;
      },
      expected: all(404),
    },
    {
      state: 'declined with the link',
      make: async () => {
        const b = await shareBadge(t.app, t.ctx, { accept: false });
        await rejectAward(t.ctx, b.awardId);
        return b;
      },
      expected: all(404),
    },
    {
      state: 'declined after accepting',
      make: async () => {
        const b = await shareBadge(t.app, t.ctx);
        await declineOwnAward(t.ctx, b.userId, b.itemId);
        return b;
      },
      expected: all(404),
    },
    { state: 'private', make: () => shareBadge(t.app, t.ctx, { visibility: 'private' }), expected: all(404) },
    {
      state: 'public',
      make: () => shareBadge(t.app, t.ctx),
      expected: (url) => (url.includes('/share/') ? 303 : 200),
    },
    {
      state: 'public, revoked',
      make: async () => {
        const b = await shareBadge(t.app, t.ctx);
        await revokeAward(t.ctx, b.awardId, 'Misconduct');
        return b;
      },
      // OB 2.0 hosted verification: a revoked assertion answers 410 Gone with revoked: true.
      expected: (url) => (url.startsWith('/ob2/') ? 410 : url.includes('/share/') ? 303 : 200),
    },
  ];

  it.each(cases)('$state', async ({ make, expected }) => {
    const b = await make();
    const missing = (await t.app.inject({ url: '/c/00000000-0000-4000-8000-000000000000' })).body;
    for (const url of publicViews(b.awardId)) {
      const res = await t.app.inject({ url });
      expect(res.statusCode, url).toBe(expected(url));
      if (res.statusCode === 404 && url.startsWith('/c/')) expect(res.body).toBe(missing);
      if (res.statusCode === 404) expect(res.body).not.toContain('Evidence');
    }
    if (expected('/ob2/assertions/x') === 410)
      expect((await t.app.inject({ url: `/ob2/assertions/${b.awardId}` })).json()).toMatchObject({
        revoked: true,
        revocationReason: 'Misconduct',
      });
  });

  it('the earner still downloads their private badge, OB 2.0 image included', async () => {
    const b = await shareBadge(t.app, t.ctx, { visibility: 'private' });
    for (const url of [`/c/${b.awardId}/image.png?ob=2`, `/c/${b.awardId}/image.svg?ob=2`, `/c/${b.awardId}`])
      expect((await t.app.inject({ url, cookies: b.earner.cookies })).statusCode, url).toBe(200);
    expect((await t.app.inject({ url: `/ob2/assertions/${b.awardId}` })).statusCode).toBe(404);
  });
});

describe('two app processes on one PostgreSQL database', () => {
  const config = testConfig();
  let handles: DatabaseHandle[] = [];
  let contexts: AppContext[] = [];
  let apps: FastifyInstance[] = [];

  beforeAll(async () => {
    const url = await createPostgresDatabase();
    handles = [await openPostgres(url), await openPostgres(url)];
    await migrate(handles[0]!);
    contexts = handles.map((h) => createAppContext(h.db, config));
    apps = [await buildServer(contexts[0]!), await buildServer(contexts[1]!)];
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    for (const c of contexts) await c.runtime.close();
    for (const h of handles) await h.close();
  });

  it('a change made through one is what the other serves on its next request', async () => {
    const [a, b] = apps as [FastifyInstance, FastifyInstance];
    const ctxA = contexts[0]!;
    const badge = await shareBadge(a, ctxA);
    const warm = await fetchAll(b, badge);
    expect(warm.get(`/c/${badge.awardId}`)!.body).toContain('authentic and current');

    const { key } = await createApiKey(ctxA.db, {
      orgId: badge.org.id,
      name: 'A',
      scopes: ['awards:revoke'],
    });
    const revoked = await a.inject({
      method: 'POST',
      url: `/api/v1/orgs/${badge.org.slug}/awards/${badge.awardId}/revoke`,
      payload: { reason: 'Revoked in process A' },
      headers: { authorization: `Bearer ${key}` },
    });
    expect(revoked.statusCode).toBe(200);
    expectRevokedEverywhere(
      await fetchAll(b, badge),
      badge,
      warm.get(`/c/${badge.awardId}/preview.png`)!.rawPayload,
    );

    await postForm(a, badge.earner, `/wallet/${badge.itemId}/visibility`, { visibility: 'private' });
    expectGoneEverywhere(await fetchAll(b, badge), badge);
  });
});
