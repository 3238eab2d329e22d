import { decodeBitstring } from '@laurel/openbadges/status';
import { beforeAll, describe, expect, it } from 'vitest';
import { verifiedEmailsOf } from '../accounts/service.ts';
import { FORM, type TestSession, finishSignup, formBody } from '../accounts/testing.ts';
import { useTestApp } from '../http/testing.ts';
import { getAward } from '../issuing/service.ts';
import { issueTestAward } from '../issuing/testing.ts';
import { getItemForAward } from '../wallet/service.ts';

describe('claim pages and API', () => {
  const t = useTestApp('pglite');

  beforeAll(async () => {});

  it('shows the badge and sign-up / log-in choices to a visitor, without leaking the token', async () => {
    const { claimToken, template, award } = await issueTestAward(t.ctx, {
      recipientName: 'Grace <b>Hopper</b>',
      recipientEmail: 'grace@example.org',
    });
    const anon = await t.session();
    const res = await t.app.inject({ url: `/claim/${claimToken}`, cookies: anon.cookies });
    expect(res.statusCode).toBe(200);
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.body).toContain(template.name);
    expect(res.body).toContain('Grace &lt;b&gt;Hopper&lt;/b&gt;');
    expect(res.body).toContain(`/signup?email=grace%40example.org&amp;next=%2Fclaim%2F${claimToken}`);
    expect(res.body).toContain(`/login?next=%2Fclaim%2F${claimToken}`);
    expect(res.body).toContain('noindex');
    // Accepting needs an account.
    const post = await t.postForm(`/claim/${claimToken}/accept`, anon);
    expect(post.statusCode).toBe(303);
    expect(post.headers.location).toContain('/login?next=');
    expect((await getAward(t.db, award.id))?.state).toBe('pending');
  });

  it('accepts into the wallet, adds the address, and the used link shows nothing to anyone else', async () => {
    const { claimToken, award, template } = await issueTestAward(t.ctx, {
      recipientEmail: 'second@example.org',
    });
    const user = await t.user();
    const s = await t.session(user.id);
    const page = await t.app.inject({ url: `/claim/${claimToken}`, cookies: s.cookies });
    expect(page.body).toContain('as a confirmed address');
    const res = await t.postForm(`/claim/${claimToken}/accept`, s);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toMatch(/^\/wallet\/[0-9a-f-]{36}\?accepted=1$/);
    expect(await verifiedEmailsOf(t.db, user.id)).toContain('second@example.org');
    const item = await t.app.inject({ url: res.headers.location!, cookies: s.cookies });
    expect(item.body).toContain('make it public to share it');
    // Declining from the wallet asks for a confirmation even without JavaScript.
    expect(item.body).toMatch(/<noscript>.*name="understood"[^>]*required.*permanent.*<\/noscript>/s);
    expect(item.body).toContain('noindex');
    // Back on the link: the earner goes to the wallet item; anyone else gets a message only.
    expect((await t.app.inject({ url: `/claim/${claimToken}`, cookies: s.cookies })).statusCode).toBe(303);
    const other = await t.user();
    const os = await t.session(other.id);
    const used = await t.app.inject({ url: `/claim/${claimToken}`, cookies: os.cookies });
    expect(used.statusCode).toBe(410);
    expect(used.body).toContain('already been claimed');
    expect(used.body).not.toContain(template.name);
    const steal = await t.postForm(`/claim/${claimToken}/accept`, os);
    expect(steal.statusCode).toBe(410);
    expect(steal.body).not.toContain(template.name);
    expect((await getAward(t.db, award.id))?.claimedBy).toBe(user.id);
  });

  it('declines after a confirmation: revoked in the status list, personal data gone, wallet item removed', async () => {
    const { claimToken, award, org, template } = await issueTestAward(t.ctx, {
      recipientName: 'Decliner',
      recipientEmail: 'decline@example.org',
    });
    const anon = await t.session();
    const confirm = await t.app.inject({ url: `/claim/${claimToken}/reject`, cookies: anon.cookies });
    expect(confirm.body).toContain('permanent');
    const unconfirmed = await t.postForm(`/claim/${claimToken}/reject`, anon);
    expect(unconfirmed.statusCode).toBe(303);
    expect((await getAward(t.db, award.id))?.state).toBe('pending');
    const res = await t.postForm(`/claim/${claimToken}/reject`, anon, { confirm: 'yes' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('declined');
    const after = await getAward(t.db, award.id);
    expect(after).toMatchObject({
      state: 'rejected',
      recipientName: null,
      recipientEmail: null,
      credentialJson: '',
    });
    expect(await getItemForAward(t.db, award.id)).toBeNull();
    // The org's status list has the award's bit set.
    const list = await t.app.inject({ url: `/orgs/${org.slug}/status/${award.statusListId}` });
    expect(list.statusCode).toBe(200);
    const body = list.body.trim();
    const credential = body.startsWith('{')
      ? JSON.parse(body)
      : JSON.parse(Buffer.from(body.split('.')[1]!, 'base64url').toString('utf8'));
    const subject = (credential.vc ?? credential).credentialSubject;
    const bits = decodeBitstring(subject.encodedList);
    expect((bits[award.statusIndex >> 3]! >> (7 - (award.statusIndex & 7))) & 1).toBe(1);
    const again = await t.app.inject({ url: `/claim/${claimToken}`, cookies: anon.cookies });
    expect(again.statusCode).toBe(410);
    expect(again.body).not.toContain(template.name);
    expect(again.body).not.toContain('Decliner');
  });

  it('signs up through the claim link, comes back, accepts; the address counts as verified', async () => {
    const { claimToken, award } = await issueTestAward(t.ctx, { recipientEmail: 'Newcomer@Example.org' });
    const anon = await t.session();
    const signup = await t.postForm('/signup', anon, {
      name: 'New Comer',
      email: 'newcomer@example.org',
      password: 'a long enough password for tests',
      next: `/claim/${claimToken}`,
    });
    // Sign-up answers "check your email"; the mailed link confirms the address, logs in and
    // comes back to the claim.
    expect(signup.statusCode).toBe(200);
    const mailbox = t.browser();
    Object.assign(mailbox.jar, anon.cookies);
    const finished = await finishSignup(mailbox, t.db, t.ctx.config, 'newcomer@example.org');
    expect(finished.statusCode).toBe(303);
    expect(finished.headers.location).toBe(`/claim/${claimToken}`);
    const cookies = { ...anon.cookies, laurel_session: mailbox.jar.laurel_session! };
    const page = await t.app.inject({ url: `/claim/${claimToken}`, cookies });
    expect(page.body).toContain('Accept into my wallet');
    const accept = await t.app.inject({
      method: 'POST',
      url: `/claim/${claimToken}/accept`,
      cookies,
      headers: FORM,
      payload: formBody(anon, {}),
    });
    expect(accept.statusCode).toBe(303);
    const after = await getAward(t.db, award.id);
    expect(after?.state).toBe('accepted');
    expect(await verifiedEmailsOf(t.db, after!.claimedBy!)).toContain('newcomer@example.org');
  });

  it('an unknown token is a clear 404', async () => {
    const res = await t.app.inject({ url: '/claim/this-token-does-not-exist-at-all' });
    expect(res.statusCode).toBe(404);
    expect(res.body).toContain('not valid');
  });

  /** POST /api/v1/claims/:token/accept as `s`, with its CSRF header unless `csrf` is false. */
  const apiAccept = (token: string, s: TestSession, csrf = true) =>
    t.app.inject({
      method: 'POST',
      url: `/api/v1/claims/${token}/accept`,
      cookies: s.cookies,
      headers: csrf ? { 'x-csrf-token': s.csrf } : {},
    });

  it('API: shows the badge to the link holder, accepts with a session and CSRF header, then says accepted', async () => {
    const { claimToken, award, template, org } = await issueTestAward(t.ctx, {
      recipientName: 'Api Earner',
      recipientEmail: 'api.earner@example.org',
    });
    const look = await t.app.inject({ url: `/api/v1/claims/${claimToken}` });
    expect(look.statusCode).toBe(200);
    expect(look.headers['cache-control']).toContain('no-store');
    expect(look.json()).toMatchObject({
      state: 'open',
      awardId: award.id,
      walletItemId: null,
      badge: { name: template.name },
      issuer: { name: org.name, url: `${t.ctx.config.baseUrl}/orgs/${org.slug}` },
      recipient: { name: 'Api Earner', email: 'api.earner@example.org', isMine: false },
    });

    const visitor = await t.session();
    const anon = await apiAccept(claimToken, visitor);
    expect(anon.statusCode).toBe(401);
    const user = await t.user();
    const s = await t.session(user.id);
    const noCsrf = await apiAccept(claimToken, s, false);
    expect(noCsrf.statusCode).toBe(403);
    expect((await getAward(t.db, award.id))?.state).toBe('pending');

    const ok = await apiAccept(claimToken, s);
    expect(ok.statusCode).toBe(200);
    const item = await getItemForAward(t.db, award.id);
    expect(ok.json()).toEqual({ state: 'accepted', awardId: award.id, walletItemId: item!.id });
    expect(await verifiedEmailsOf(t.db, user.id)).toContain('api.earner@example.org');

    // The earner sees it accepted; anyone else learns nothing of the badge.
    const mine = await t.app.inject({ url: `/api/v1/claims/${claimToken}`, cookies: s.cookies });
    expect(mine.json()).toEqual({ state: 'accepted', awardId: award.id, walletItemId: item!.id });
    const other = await t.session((await t.user()).id);
    const used = await t.app.inject({ url: `/api/v1/claims/${claimToken}`, cookies: other.cookies });
    expect(used.statusCode).toBe(409);
    expect(used.body).not.toContain(template.name);
    expect(used.body).not.toContain('api.earner');
    const steal = await apiAccept(claimToken, other);
    expect(steal.statusCode).toBe(409);
    expect((await getAward(t.db, award.id))?.claimedBy).toBe(user.id);
  });

  it('API: declines only with confirm: true, for good', async () => {
    const { claimToken, award } = await issueTestAward(t.ctx, {
      recipientName: 'Declining Person',
      recipientEmail: 'decline.api@example.org',
    });
    for (const payload of [{}, { confirm: false }, { confirm: 'yes' }]) {
      const res = await t.app.inject({ method: 'POST', url: `/api/v1/claims/${claimToken}/reject`, payload });
      expect([400, 422], JSON.stringify(payload)).toContain(res.statusCode);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    expect((await getAward(t.db, award.id))?.state).toBe('pending');
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/claims/${claimToken}/reject`,
      payload: { confirm: true },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ state: 'rejected' });
    expect(await getAward(t.db, award.id)).toMatchObject({
      state: 'rejected',
      recipientName: null,
      recipientEmail: null,
    });
    const after = await t.app.inject({ url: `/api/v1/claims/${claimToken}` });
    expect(after.statusCode).toBe(410);
    expect(after.body).not.toContain('Declining Person');
    const again = await t.app.inject({
      method: 'POST',
      url: `/api/v1/claims/${claimToken}/reject`,
      payload: { confirm: true },
    });
    expect(again.statusCode).toBe(410);
  });

  it('API: an unknown token is a 404 problem', async () => {
    const res = await t.app.inject({ url: '/api/v1/claims/not-a-token-anyone-was-given' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'NOT_FOUND' });
  });
});
