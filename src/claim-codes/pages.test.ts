import { beforeAll, describe, expect, it } from 'vitest';
import { finishSignup } from '../accounts/testing.ts';
import { DIALECTS } from '../db/testing.ts';
import { useTestApp } from '../http/testing.ts';
import type { Org } from '../orgs/service.ts';
import { type TestUser, makeMember, makeOrg } from '../orgs/testing.ts';
import type { Template } from '../templates/service.ts';
import { makeTemplate } from '../templates/testing.ts';
import { createSharedCode, generateBatch } from './service.ts';

const HOSTILE = '<script>alert(1)</script>';

describe.each(DIALECTS)('claim code pages on %s', (dialect) => {
  const t = useTestApp(dialect);
  let org: Org;
  let template: Template;
  let issuer: TestUser;
  let viewer: TestUser;
  const manage = () => `/manage/${org.slug}`;

  beforeAll(async () => {
    org = await makeOrg(t.db, { config: t.config, name: 'Page Society' });
    template = await makeTemplate(t.ctx, org, { name: 'Workshop Badge' });
    issuer = await makeMember(t.db, org, 'issuer');
    viewer = await makeMember(t.db, org, 'viewer');
  });

  /** A browser signed in as a member (their session cookie in its jar). */
  const asMember = (member: TestUser, ip?: string) => {
    const b = t.browser(ip);
    Object.assign(b.jar, member.cookies);
    return b;
  };

  it('lets an issuer create a shared code and a batch from the template page, and export and disable them', async () => {
    const b = asMember(issuer);
    const list = await b.get(`${manage()}/claim-codes`);
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain(`href="${manage()}/templates/${template.id}/claim-codes"`);
    const page = await b.get(`${manage()}/templates/${template.id}/claim-codes`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('No claim codes yet.');

    const created = await b.post(`${manage()}/templates/${template.id}/claim-codes/shared`, {
      label: HOSTILE,
      code: 'Summer Camp 27',
      maxUses: '40',
      opensAt: '',
      closesAt: '2099-06-30T18:00',
    });
    expect(created.statusCode, created.body).toBe(303);
    const setPage = await b.get(created.headers.location as string);
    expect(setPage.body).toContain('SUMM-ERCA-MP27');
    expect(setPage.body).toContain(`${t.config.baseUrl}/redeem?code=SUMM-ERCA-MP27`);
    expect(setPage.body).toContain('30 June 2099, 18:00 UTC');
    expect(setPage.body).not.toContain(HOSTILE);
    expect(setPage.body).toContain('&lt;script&gt;');

    const batch = await b.post(`${manage()}/templates/${template.id}/claim-codes/batches`, {
      batchLabel: 'Cohort 12',
      count: '30',
    });
    expect(batch.statusCode, batch.body).toBe(303);
    const batchUrl = (batch.headers.location as string).split('?')[0]!;
    const csv = await b.get(`${batchUrl}/codes.csv`);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.headers['content-disposition']).toContain('claim-codes-cohort-12.csv');
    const codes = csv.body
      .trim()
      .split('\r\n')
      .slice(1)
      .map((l) => l.split(',')[0]!);
    expect(codes).toHaveLength(30);

    const off = await b.post(`${batchUrl}/disable-code`, { code: codes[3]!.toLowerCase() });
    expect(off.statusCode).toBe(200);
    expect(off.body).toContain(`${codes[3]} is disabled.`);
    const csvAfter = await b.get(`${batchUrl}/codes.csv`);
    expect(csvAfter.body).toContain(`${codes[3]},disabled,0,1`);
    const none = await b.post(`${batchUrl}/disable-code`, { code: 'NOT-IN-THIS-SET' });
    expect(none.statusCode).toBe(422);
    expect(none.body).toContain('This set has no such code.');

    expect((await b.post(`${batchUrl}/disable`)).statusCode).toBe(303);
    expect((await b.get(batchUrl)).body).toContain('Disabled');
    expect((await b.post(`${batchUrl}/enable`)).statusCode).toBe(303);

    // Unused, so it may be deleted (with the confirmation the button sends).
    expect((await b.post(`${batchUrl}/delete`)).statusCode).toBe(422);
    const gone = await b.post(`${batchUrl}/delete`, { confirm: 'yes' });
    expect(gone.statusCode).toBe(303);
    expect((await b.get(batchUrl)).statusCode).toBe(404);
  });

  it('shows what is wrong with a form beside its own fields', async () => {
    const b = asMember(issuer);
    await b.get(`${manage()}/templates/${template.id}/claim-codes`);
    const bad = await b.post(`${manage()}/templates/${template.id}/claim-codes/batches`, {
      count: '0',
      batchClosesAt: '2001-01-01T00:00',
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('id="f-count-error"');
    expect(bad.body).toContain('id="f-batchClosesAt-error"');
    expect(bad.body).not.toContain('id="f-closesAt-error"');
    await createSharedCode(t.db, t.config, { orgId: org.id, templateId: template.id, code: 'PAGE-TAKEN' });
    const taken = await b.post(`${manage()}/templates/${template.id}/claim-codes/shared`, {
      code: 'page taken',
    });
    expect(taken.statusCode).toBe(409);
    expect(taken.body).toContain('choose another one');
  });

  it('keeps the pages from viewers and other organizations', async () => {
    const { set } = await generateBatch(t.db, t.config, { orgId: org.id, templateId: template.id, count: 1 });
    const outsider = await makeMember(t.db, await makeOrg(t.db, { config: t.config }), 'admin');
    for (const url of [
      `${manage()}/claim-codes`,
      `${manage()}/templates/${template.id}/claim-codes`,
      `${manage()}/claim-codes/${set.id}`,
      `${manage()}/claim-codes/${set.id}/codes.csv`,
    ]) {
      expect((await asMember(viewer).get(url)).statusCode, url).toBe(403);
      expect((await asMember(outsider).get(url)).statusCode, url).toBe(404);
      expect((await t.browser().get(url)).statusCode, url).toBe(303);
    }
    const other = await makeOrg(t.db, { config: t.config });
    const theirs = await makeMember(t.db, other, 'issuer');
    // An issuer of another organization reaches none of this one's sets through their own address.
    expect((await asMember(theirs).get(`/manage/${other.slug}/claim-codes/${set.id}`)).statusCode).toBe(404);
  });

  it('takes a signed-out visitor through sign-up and back to /redeem with the code, then into the wallet', async () => {
    await createSharedCode(t.db, t.config, { orgId: org.id, templateId: template.id, code: 'WELCOME-2027' });
    const b = t.browser('192.0.2.10');
    const form = await b.get('/redeem?code=welcome-2027');
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('value="welcome-2027"');

    const asked = await b.post('/redeem', { code: 'welcome-2027' });
    expect(asked.statusCode).toBe(200);
    expect(asked.body).toContain('Log in to redeem your code');
    const next = '/redeem?code=welcome-2027';
    expect(asked.body).toContain(`href="/signup?next=${encodeURIComponent(next).replace(/&/g, '&amp;')}"`);
    expect(asked.body).toContain(`href="/login?next=${encodeURIComponent(next)}"`);

    await b.get(`/signup?next=${encodeURIComponent(next)}`);
    const email = `newcomer-${dialect}@example.org`;
    const sent = await b.post('/signup', {
      name: 'New Comer',
      email,
      password: 'a long enough passphrase',
      next,
    });
    expect(sent.body).toContain('Check your email');
    const back = await finishSignup(b, t.db, t.config, email);
    expect(back.headers.location).toBe(next);
    const prefilled = await b.get(next);
    expect(prefilled.body).toContain('value="welcome-2027"');

    const redeemed = await b.post('/redeem', { code: 'welcome-2027' });
    expect(redeemed.statusCode).toBe(303);
    expect(redeemed.headers.location).toMatch(/^\/wallet\/[0-9a-f-]{36}\?accepted=1$/);
    const item = await b.get(redeemed.headers.location as string);
    expect(item.statusCode).toBe(200);
    expect(item.body).toContain('Workshop Badge');

    const again = await b.post('/redeem', { code: 'WELCOME 2027' });
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('You already have this badge');
    expect(again.body).toContain(`href="${(redeemed.headers.location as string).split('?')[0]}"`);
  });

  it('says "not valid" for a wrong code, escapes what was typed, and answers 429 to a guesser', async () => {
    const user = await t.user();
    const b = t.browser('192.0.2.20');
    Object.assign(b.jar, (await t.session(user.id)).cookies);
    await b.get('/redeem');
    const wrong = await b.post('/redeem', { code: HOSTILE });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.body).toContain('That code is not valid');
    expect(wrong.body).not.toContain(HOSTILE);
    let last = wrong;
    for (let i = 0; i < 12; i++) last = await b.post('/redeem', { code: `WRONG-${i}-CODE` });
    expect(last.statusCode).toBe(429);
    expect(Number(last.headers['retry-after'])).toBeGreaterThan(0);
    expect(last.body).toContain('Too many codes that were not valid');
  });

  it('tells an account without a confirmed address to confirm it first', async () => {
    const user = await t.user({ verified: false });
    const b = t.browser('192.0.2.30');
    Object.assign(b.jar, (await t.session(user.id)).cookies);
    const page = await b.get('/redeem');
    expect(page.body).toContain('Confirm your email address first');
    const refused = await b.post('/redeem', { code: 'WELCOME-2027' });
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('Confirm your email address first');
  });
});
