import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FORM, type TestSession, formBody } from '../accounts/testing.ts';
import { addEmail } from '../accounts/service.ts';
import { useTestApp } from '../http/testing.ts';
import { getAward, revokeAward } from '../issuing/service.ts';
import { issueTestAward } from '../issuing/testing.ts';
import type { Org } from '../orgs/service.ts';
import { makeOrg } from '../orgs/testing.ts';
import type { Template } from '../templates/service.ts';
import { makeTemplate } from '../templates/testing.ts';

describe('badges waiting in the wallet', () => {
  const t = useTestApp('pglite');
  let org: Org;
  let template: Template;
  beforeAll(async () => {
    org = await makeOrg(t.db, { config: t.config, name: 'Guild <i>of</i> Testers' });
    template = await makeTemplate(t.ctx, org, { name: 'Badge <script>alert(1)</script>' });
  });
  afterAll(() => t.app?.close());

  const post = (session: TestSession, url: string, fields: Record<string, string> = {}) =>
    t.app.inject({
      method: 'POST',
      url,
      cookies: session.cookies,
      headers: FORM,
      payload: formBody(session, fields),
    });
  const postJson = (session: TestSession, url: string, payload: unknown = {}) =>
    t.app.inject({
      method: 'POST',
      url,
      cookies: session.cookies,
      headers: { 'x-csrf-token': session.csrf, 'content-type': 'application/json' },
      payload: JSON.stringify(payload),
    });
  const wallet = (session: TestSession) => t.app.inject({ url: '/wallet', cookies: session.cookies });
  const walletJson = async (session: TestSession) =>
    (await t.app.inject({ url: '/api/v1/me/badges', cookies: session.cookies })).json() as {
      items: { awardId: string | null; id: string }[];
      pending: { awardId: string; name: string; recipientEmail: string; issuer: { name: string } }[];
    };

  it('lists badges sent to a confirmed address, accepts them there and uses up the claim link', async () => {
    const earner = await t.user({ name: 'Earner', email: 'earner@example.org' });
    const stranger = await t.user({ name: 'Stranger' });
    const me = await t.session(earner.id);
    const other = await t.session(stranger.id);

    // Spelled differently by the issuer: still the earner's confirmed address.
    const sent = await issueTestAward(t.ctx, { org, template, recipientEmail: ' Earner@Example.org ' });
    const page = await wallet(me);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Waiting for you (1)');
    expect(page.body).toContain(`action="/wallet/pending/${sent.award.id}/accept"`);
    expect(page.body).toContain(`action="/wallet/pending/${sent.award.id}/decline"`);
    expect(page.body).toContain('name="_csrf"');
    expect(page.body).toContain('Badge &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page.body).not.toContain('<script>alert(1)');
    expect(page.body).toContain('Guild &lt;i&gt;of&lt;/i&gt; Testers');
    const listed = await walletJson(me);
    expect(listed.pending).toEqual([
      expect.objectContaining({
        awardId: sent.award.id,
        name: template.name,
        recipientEmail: 'earner@example.org',
        issuer: expect.objectContaining({ name: org.name }),
      }),
    ]);
    expect(listed.items).toEqual([]);

    // Not the stranger's: not shown, and neither accepting nor declining reaches it.
    expect((await wallet(other)).body).not.toContain('Waiting for you');
    expect((await walletJson(other)).pending).toEqual([]);
    expect((await post(other, `/wallet/pending/${sent.award.id}/accept`)).statusCode).toBe(404);
    expect(
      (await post(other, `/wallet/pending/${sent.award.id}/decline`, { confirm: 'yes' })).statusCode,
    ).toBe(404);
    expect((await postJson(other, `/api/v1/me/pending/${sent.award.id}/accept`)).statusCode).toBe(404);
    expect((await getAward(t.db, sent.award.id))?.state).toBe('pending');

    const accepted = await post(me, `/wallet/pending/${sent.award.id}/accept`);
    expect(accepted.statusCode).toBe(303);
    const itemId = /^\/wallet\/([0-9a-f-]{36})\?accepted=1$/.exec(String(accepted.headers.location))?.[1];
    expect(itemId).toBeDefined();
    const after = await walletJson(me);
    expect(after.pending).toEqual([]);
    expect(after.items).toEqual([expect.objectContaining({ id: itemId, awardId: sent.award.id })]);
    expect((await wallet(me)).body).not.toContain('Waiting for you');
    expect((await getAward(t.db, sent.award.id))?.claimedBy).toBe(earner.id);
    // The emailed link is used up: nobody else can take the badge with it.
    const link = await t.app.inject({ url: `/api/v1/claims/${sent.claimToken}`, cookies: other.cookies });
    expect(link.statusCode).toBe(409);
    // Accepting twice from the wallet: it is no longer waiting.
    expect((await post(me, `/wallet/pending/${sent.award.id}/accept`)).statusCode).toBe(404);
  });

  it('declines for good, only when confirmed, and through the JSON API too', async () => {
    const earner = await t.user({ name: 'Decider', email: 'decider@example.org' });
    const me = await t.session(earner.id);
    const first = await issueTestAward(t.ctx, { org, template, recipientEmail: 'decider@example.org' });
    const second = await issueTestAward(t.ctx, { org, template, recipientEmail: 'decider@example.org' });

    expect((await post(me, `/wallet/pending/${first.award.id}/decline`)).statusCode).toBe(422);
    expect((await getAward(t.db, first.award.id))?.state).toBe('pending');
    const declined = await post(me, `/wallet/pending/${first.award.id}/decline`, { confirm: 'yes' });
    expect(declined.statusCode).toBe(303);
    expect(declined.headers.location).toBe('/wallet?declined=1');
    const gone = await getAward(t.db, first.award.id);
    expect(gone).toMatchObject({ state: 'rejected', recipientEmail: null });
    expect(gone?.revokedAt).not.toBeNull();
    expect((await walletJson(me)).pending.map((p) => p.awardId)).toEqual([second.award.id]);
    expect((await t.app.inject({ url: '/wallet?declined=1', cookies: me.cookies })).body).toContain(
      'The badge was declined',
    );

    expect(
      (await postJson(me, `/api/v1/me/pending/${second.award.id}/decline`, { confirm: false })).statusCode,
    ).toBe(422);
    const api = await postJson(me, `/api/v1/me/pending/${second.award.id}/decline`, { confirm: true });
    expect(api.statusCode).toBe(200);
    expect(api.json()).toEqual({ state: 'rejected' });
    expect((await walletJson(me)).pending).toEqual([]);
    expect((await wallet(me)).body).not.toContain('Waiting for you');
  });

  it('waits only on confirmed addresses, and not for revoked or expired badges; accepts through the API', async () => {
    const earner = await t.user({ name: 'Careful', email: 'careful@example.org' });
    await addEmail(t.ctx, earner.id, 'unconfirmed@example.org');
    const me = await t.session(earner.id);
    await issueTestAward(t.ctx, { org, template, recipientEmail: 'unconfirmed@example.org' });
    const revoked = await issueTestAward(t.ctx, { org, template, recipientEmail: 'careful@example.org' });
    await revokeAward(t.ctx, revoked.award.id, 'Sent by mistake');
    await issueTestAward(t.ctx, {
      org,
      template,
      recipientEmail: 'careful@example.org',
      issuedAt: new Date(Date.now() - 10 * 86_400_000),
      validUntil: new Date(Date.now() - 86_400_000),
    });
    const live = await issueTestAward(t.ctx, { org, template, recipientEmail: 'careful@example.org' });
    expect((await walletJson(me)).pending.map((p) => p.awardId)).toEqual([live.award.id]);
    expect((await post(me, `/wallet/pending/${revoked.award.id}/accept`)).statusCode).toBeGreaterThanOrEqual(
      404,
    );

    const noCsrf = await t.app.inject({
      method: 'POST',
      url: `/api/v1/me/pending/${live.award.id}/accept`,
      cookies: me.cookies,
    });
    expect(noCsrf.statusCode).toBe(403);
    const accepted = await postJson(me, `/api/v1/me/pending/${live.award.id}/accept`);
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json()).toMatchObject({ state: 'accepted', awardId: live.award.id });
    expect((await walletJson(me)).items.map((i) => i.awardId)).toEqual([live.award.id]);
  });
});
