import { beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../apikeys/service.ts';
import { DIALECTS } from '../db/testing.ts';
import { useTestApp } from '../http/testing.ts';
import type { Org } from '../orgs/service.ts';
import { type TestUser, makeMember, makeOrg } from '../orgs/testing.ts';
import type { Template } from '../templates/service.ts';
import { makeTemplate } from '../templates/testing.ts';
import { REDEEM_LIMITS } from './redeem.ts';

describe.each(DIALECTS)('claim codes API on %s', (dialect) => {
  const t = useTestApp(dialect);
  let org: Org;
  let template: Template;
  let key: string;
  let members: Record<'viewer' | 'issuer' | 'outsider', TestUser>;
  const base = () => `/api/v1/orgs/${org.slug}/claim-codes`;

  beforeAll(async () => {
    org = await makeOrg(t.db, { config: t.config });
    template = await makeTemplate(t.ctx, org, { name: 'Webinar Badge' });
    key = (await createApiKey(t.db, { orgId: org.id, name: 'LMS', scopes: ['codes:manage'] })).key;
    members = {
      viewer: await makeMember(t.db, org, 'viewer'),
      issuer: await makeMember(t.db, org, 'issuer'),
      outsider: await makeMember(t.db, await makeOrg(t.db, { config: t.config }), 'admin'),
    };
  });

  it('creates a shared code and a batch with a key holding codes:manage, lists, reads and exports them', async () => {
    const shared = await t.withKey(key, 'POST', `${base()}/shared`, {
      templateId: template.id,
      label: 'Webinar 3',
      code: 'webinar-three',
      maxUses: 100,
      closesAt: '2099-01-01T00:00:00Z',
    });
    expect(shared.statusCode, shared.body).toBe(201);
    expect(shared.json()).toMatchObject({
      kind: 'shared',
      label: 'Webinar 3',
      state: 'open',
      maxUses: 100,
      redeemed: 0,
      codes: ['WEBI-NART-HREE'],
      closesAt: '2099-01-01T00:00:00Z',
    });
    expect(shared.headers.location).toBe(`${base()}/${shared.json().id}`);

    const batch = await t.withKey(key, 'POST', `${base()}/batches`, { templateId: template.id, count: 25 });
    expect(batch.statusCode, batch.body).toBe(201);
    const codes = batch.json().codes as string[];
    expect(codes).toHaveLength(25);
    for (const c of codes) expect(c).toMatch(/^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/);

    const list = await t.withKey(key, 'GET', `${base()}?templateId=${template.id}`);
    expect(list.json().items.map((s: { kind: string }) => s.kind)).toEqual(['batch', 'shared']);

    const csv = await t.withKey(key, 'GET', `${base()}/${batch.json().id}/codes.csv`);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.headers['content-disposition']).toBe('attachment; filename="claim-codes-batch-of-25.csv"');
    const lines = csv.body.trim().split('\r\n');
    expect(lines[0]).toBe('code,status,uses,max_uses');
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(codes);
    expect(batch.json().exportUrl).toBe(`${t.config.baseUrl}${base()}/${batch.json().id}/codes.csv`);

    const disabled = await t.withKey(key, 'POST', `${base()}/${shared.json().id}/disable`);
    expect(disabled.json()).toMatchObject({ state: 'disabled', disabled: true });
    const enabled = await t.withKey(key, 'POST', `${base()}/${shared.json().id}/enable`);
    expect(enabled.json()).toMatchObject({ state: 'open', disabled: false });
  });

  it('answers 409 to a taken code and 400/422 to bad input', async () => {
    await t.withKey(key, 'POST', `${base()}/shared`, { templateId: template.id, code: 'TAKEN-IN-API' });
    const taken = await t.withKey(key, 'POST', `${base()}/shared`, {
      templateId: template.id,
      code: 'taken in api',
    });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().errors).toEqual([
      { field: 'code', message: expect.stringMatching(/choose another/) },
    ]);
    const tooMany = await t.withKey(key, 'POST', `${base()}/batches`, {
      templateId: template.id,
      count: 10_001,
    });
    expect(tooMany.statusCode).toBe(400);
    const late = await t.withKey(key, 'POST', `${base()}/shared`, {
      templateId: template.id,
      closesAt: '2001-01-01T00:00:00Z',
    });
    expect(late.statusCode).toBe(422);
    expect(late.json().errors[0].field).toBe('closesAt');
  });

  it('refuses keys without the scope or of another organization, viewers, outsiders and visitors', async () => {
    const set = (
      await t.withKey(key, 'POST', `${base()}/batches`, { templateId: template.id, count: 1 })
    ).json();
    const readOnly = (await createApiKey(t.db, { orgId: org.id, name: 'Reader', scopes: ['awards:read'] }))
      .key;
    const elsewhere = await makeOrg(t.db, { config: t.config });
    const foreign = (
      await createApiKey(t.db, { orgId: elsewhere.id, name: 'Theirs', scopes: ['codes:manage'] })
    ).key;
    for (const url of [
      base(),
      `${base()}/${set.id}`,
      `${base()}/${set.id}/codes.csv`,
      `${base()}/${set.id}/uses`,
    ]) {
      expect((await t.withKey(readOnly, 'GET', url)).statusCode, url).toBe(403);
      expect((await t.withKey(foreign, 'GET', url)).statusCode, url).toBe(403);
      expect((await t.app.inject({ url })).statusCode, url).toBe(401);
      expect((await t.app.inject({ url, cookies: members.viewer.cookies })).statusCode, url).toBe(403);
      expect((await t.app.inject({ url, cookies: members.outsider.cookies })).statusCode, url).toBe(404);
      expect((await t.app.inject({ url, cookies: members.issuer.cookies })).statusCode, url).toBe(200);
    }
    const post = await t.withKey(readOnly, 'POST', `${base()}/batches`, {
      templateId: template.id,
      count: 1,
    });
    expect(post.statusCode).toBe(403);
    // Another organization's set does not exist for this one's key.
    const theirTemplate = await makeTemplate(t.ctx, elsewhere);
    const theirs = (
      await t.withKey(foreign, 'POST', `/api/v1/orgs/${elsewhere.slug}/claim-codes/batches`, {
        templateId: theirTemplate.id,
        count: 1,
      })
    ).json();
    expect((await t.withKey(key, 'GET', `${base()}/${theirs.id}/codes.csv`)).statusCode).toBe(404);
    // A template of another organization is refused, not used.
    const cross = await t.withKey(key, 'POST', `${base()}/batches`, {
      templateId: theirTemplate.id,
      count: 1,
    });
    expect(cross.statusCode).toBe(422);
  });

  it('lets an issuer create codes with a session and its CSRF token, and refuses it without', async () => {
    const session = { cookies: members.issuer.cookies, csrf: '' };
    const withoutToken = await t.app.inject({
      method: 'POST',
      url: `${base()}/batches`,
      cookies: session.cookies,
      payload: { templateId: template.id, count: 1 },
    });
    expect(withoutToken.statusCode).toBe(403);
    const s = await t.session();
    const withToken = await t.sendJson(
      'POST',
      `${base()}/batches`,
      { cookies: { ...s.cookies, ...members.issuer.cookies }, csrf: s.csrf },
      { templateId: template.id, count: 2 },
    );
    expect(withToken.statusCode, withToken.body).toBe(201);
  });

  it('redeems through POST /api/v1/redeem with a session, and names each refusal by a stable code', async () => {
    const created = (
      await t.withKey(key, 'POST', `${base()}/shared`, {
        templateId: template.id,
        code: 'API-REDEEM-1',
        maxUses: 1,
      })
    ).json();
    const earner = await t.user({ name: 'Api Earner' });
    const session = await t.session(earner.id);
    const redeem = (code: string, s = session) => t.sendJson('POST', '/api/v1/redeem', s, { code });

    const ok = await redeem('api redeem 1');
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json()).toMatchObject({ badgeName: 'Webinar Badge', orgName: org.name });
    expect(ok.headers.location).toBe(`${t.config.baseUrl}/wallet/${ok.json().itemId}`);
    const item = await t.app.inject({
      url: `/api/v1/me/badges/${ok.json().itemId}`,
      cookies: session.cookies,
    });
    expect(item.statusCode).toBe(200);

    const again = await redeem('API-REDEEM-1');
    expect([again.statusCode, again.json().code]).toEqual([409, 'CODE_ALREADY_REDEEMED']);
    const other = await t.session((await t.user()).id);
    const usedUp = await redeem('API-REDEEM-1', other);
    expect([usedUp.statusCode, usedUp.json().code]).toEqual([410, 'CODE_USED_UP']);
    const wrong = await redeem('NOPE-NOPE-NOPE', other);
    expect([wrong.statusCode, wrong.json().code]).toEqual([422, 'CODE_NOT_VALID']);
    expect(wrong.json().detail).toBe('That code is not valid. Check it and try again.');
    const unverified = await t.session((await t.user({ verified: false })).id);
    const unconfirmed = await redeem('API-REDEEM-1', unverified);
    expect([unconfirmed.statusCode, unconfirmed.json().code]).toEqual([403, 'EMAIL_NOT_VERIFIED']);

    // The issuers see who redeemed.
    const uses = await t.withKey(key, 'GET', `${base()}/${created.id}/uses`);
    expect(uses.json().items).toEqual([
      { redeemedAt: expect.any(String), name: 'Api Earner', email: earner.email, awardId: ok.json().awardId },
    ]);

    // Without the CSRF token, with an API key, or signed out: refused before anything is looked up.
    const noToken = await t.app.inject({
      method: 'POST',
      url: '/api/v1/redeem',
      cookies: session.cookies,
      payload: { code: 'X' },
    });
    expect(noToken.statusCode).toBe(403);
    expect((await t.withKey(key, 'POST', '/api/v1/redeem', { code: 'API-REDEEM-1' })).statusCode).toBe(401);
    const anonymous = await t.session();
    expect((await redeem('API-REDEEM-1', anonymous)).statusCode).toBe(401);
  });

  it('answers 429 with Retry-After to a guesser, and the account stays limited from any address', async () => {
    const guesser = await t.session((await t.user()).id);
    const guess = (i: number, ip = '192.0.2.50') =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/redeem',
        cookies: guesser.cookies,
        headers: { 'x-csrf-token': guesser.csrf },
        payload: { code: `GUESS-${String(i).padStart(4, '0')}-XX` },
        remoteAddress: ip,
      });
    const statuses: number[] = [];
    for (let i = 0; i < REDEEM_LIMITS.account.capacity + 2; i++) statuses.push((await guess(i)).statusCode);
    expect(statuses.slice(0, REDEEM_LIMITS.account.capacity).every((s) => s === 422)).toBe(true);
    expect(statuses.slice(REDEEM_LIMITS.account.capacity)).toEqual([429, 429]);
    const limited = await guess(99, '192.0.2.51');
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.json().code).toBe('RATE_LIMITED');
  });
});
