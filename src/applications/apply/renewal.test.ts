// Renewal on the applicant's side, on both databases: offered from the wallet and the expiry
// email, instant within the window (a new credential citing the old one, the old one renewed by
// it, once only), by application otherwise (prefilled from the last one), never for someone else.
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestSession } from '../../accounts/testing.ts';
import { DIALECTS } from '../../db/testing.ts';
import { useTestApp } from '../../http/testing.ts';
import { issueIntoWallet } from '../../issuing/direct.ts';
import { prepareIssuer } from '../../issuing/issue.ts';
import { getAward } from '../../issuing/service.ts';
import { makeOrg } from '../../orgs/testing.ts';
import type { Org } from '../../orgs/service.ts';
import { makeTemplate } from '../../templates/testing.ts';
import { sendExpiryNotices } from '../../wallet/expiry.ts';
import type { RenewalMode } from '../tables.ts';
import { makeApplicationForm } from '../testing.ts';
import { renewalOffer } from './renewal.ts';

describe.each(DIALECTS)('renewal on %s', (dialect) => {
  const t = useTestApp(dialect);
  let org: Org;

  beforeAll(async () => {
    org = await makeOrg(t.db, { config: t.config });
  });

  /** A badge valid for a month, in a new person's wallet, from a template renewing as told. */
  async function holder(renewal: RenewalMode, withForm = true, issuedAt = new Date()) {
    const template = await makeTemplate(t.ctx, org, {
      name: `Lifeguard ${renewal}`,
      expiry: { kind: 'months', months: 1 },
    });
    if (withForm) await makeApplicationForm(t.db, template);
    else
      await t.db
        .insertInto('applicationSettings')
        .values({ templateId: template.id, orgId: org.id, mode: 'closed', updatedBy: null })
        .execute();
    await t.db
      .updateTable('applicationSettings')
      .set({ renewal })
      .where('templateId', '=', template.id)
      .execute();
    const user = await t.user({ name: 'Hana Holder' });
    const issuer = await prepareIssuer(t.ctx, org.id, template.id);
    const { award, item } = await t.db.transaction().execute((trx) =>
      issueIntoWallet(trx, t.ctx, issuer, {
        userId: user.id,
        recipientName: 'Hana Holder',
        recipientEmail: user.email,
        issuedAt,
      }),
    );
    return { template, user, award, item, session: await t.session(user.id) };
  }

  const get = (session: TestSession, url: string) =>
    t.app.inject({ url, cookies: session.cookies, headers: { accept: 'text/html' } });

  it('renews at once within the window: a new credential citing the old one, which shows as renewed, once', async () => {
    const { award, item, session, user, template } = await holder('instant');
    expect((await get(session, `/wallet/${item.id}`)).body).toContain(`/apply/renew/${award.id}`);
    const page = await get(session, `/apply/renew/${award.id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Renew now');

    const res = await t.postForm(`/apply/renew/${award.id}`, session);
    expect(res.statusCode).toBe(303);
    const old = (await getAward(t.db, award.id))!;
    expect(old.renewedBy).toBeTruthy();
    expect(old.revokedAt).toBeNull();
    const renewed = (await getAward(t.db, old.renewedBy!))!;
    expect(renewed).toMatchObject({ state: 'accepted', claimedBy: user.id, templateId: template.id });
    expect(renewed.evidence).toEqual([
      expect.objectContaining({ id: `${t.config.baseUrl}/c/${award.id}`, genre: 'Renewal' }),
    ]);
    expect(JSON.parse(renewed.credentialJson).evidence).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: `${t.config.baseUrl}/c/${award.id}` })]),
    );
    const application = await t.db
      .selectFrom('applications')
      .selectAll()
      .where('renewsAwardId', '=', award.id)
      .executeTakeFirstOrThrow();
    expect(application).toMatchObject({ state: 'approved', awardId: renewed.id, applicantId: user.id });
    // The old badge says what renewed it, in the wallet and on its public page.
    expect((await get(session, `/wallet/${item.id}`)).body).toContain(
      `Renewed by <a href="/c/${renewed.id}">`,
    );
    await t.db.updateTable('walletItems').set({ visibility: 'public' }).where('id', '=', item.id).execute();
    expect((await t.app.inject({ url: `/c/${award.id}` })).body).toContain(
      `Renewed by <a href="/c/${renewed.id}">`,
    );
    // Renewed already: no second one.
    expect((await t.postForm(`/apply/renew/${award.id}`, session)).statusCode).toBe(409);
    expect(await renewalOffer(t.db, award.id)).toBeNull();
  });

  it('renews through a renewal application prefilled from the last one', async () => {
    const { award, session, user, template } = await holder('review');
    const form = await t.db
      .selectFrom('applicationForms')
      .select('id')
      .where('templateId', '=', template.id)
      .executeTakeFirstOrThrow();
    await t.db
      .insertInto('applications')
      .values({
        orgId: org.id,
        templateId: template.id,
        formId: form.id,
        applicantId: user.id,
        applicantName: 'Hana Holder',
        applicantEmail: user.email,
        state: 'approved',
        answers: JSON.stringify({ course: 'Pool lifeguard 2025', summary: 'Rescues.', honest: true }),
        submission: 1,
        awardId: award.id,
      })
      .execute();
    expect((await get(session, `/apply/renew/${award.id}`)).body).toContain('Start the renewal application');
    const res = await t.postForm(`/apply/renew/${award.id}`, session);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/apply/${template.id}`);
    const draft = await t.db
      .selectFrom('applications')
      .selectAll()
      .where('renewsAwardId', '=', award.id)
      .executeTakeFirstOrThrow();
    expect(draft).toMatchObject({ state: 'draft', applicantId: user.id });
    expect(draft.answers).toMatchObject({ course: 'Pool lifeguard 2025', honest: true });
    const formPage = await get(session, `/apply/${template.id}`);
    expect(formPage.body).toContain('Renew “Lifeguard review”');
    expect(formPage.body).toContain('value="Pool lifeguard 2025"');
    // Asking again finds the same renewal.
    expect((await t.postForm(`/apply/renew/${award.id}`, session)).headers.location).toBe(
      `/apply/${template.id}`,
    );
    expect((await getAward(t.db, award.id))?.renewedBy).toBeNull();
  });

  it('offers nothing when renewal is off, and nothing of someone else’s badge', async () => {
    const off = await holder('off');
    expect((await get(off.session, `/wallet/${off.item.id}`)).body).not.toContain('/apply/renew/');
    expect((await get(off.session, `/apply/renew/${off.award.id}`)).body).toContain('cannot be renewed here');
    expect((await t.postForm(`/apply/renew/${off.award.id}`, off.session)).statusCode).toBe(409);

    const mine = await holder('instant', false);
    const stranger = await t.session((await t.user()).id);
    expect((await get(stranger, `/apply/renew/${mine.award.id}`)).statusCode).toBe(404);
    expect((await t.postForm(`/apply/renew/${mine.award.id}`, stranger)).statusCode).toBe(404);
    expect((await getAward(t.db, mine.award.id))?.renewedBy).toBeNull();
    // Instant renewal needs no form.
    expect((await t.postForm(`/apply/renew/${mine.award.id}`, mine.session)).statusCode).toBe(303);
    expect((await getAward(t.db, mine.award.id))?.renewedBy).toBeTruthy();
  });

  it('the expiry reminder leads to the renewal', async () => {
    // Issued 5 days ago for a month: it expires within the reminder's 30 days.
    const { award, user } = await holder('review', true, new Date(Date.now() - 5 * 86_400_000));
    await sendExpiryNotices({}, { ...t.ctx, jobId: 'test' });
    const mail = await t.db
      .selectFrom('emails')
      .select(['text', 'html'])
      .where('toAddress', '=', user.email)
      .where('dedupeKey', '=', `expiry-notice:${award.id}`)
      .executeTakeFirstOrThrow();
    expect(mail.text).toContain(`${t.config.baseUrl}/apply/renew/${award.id}`);
    expect(mail.text).toContain('offers a renewal');
  });
});
