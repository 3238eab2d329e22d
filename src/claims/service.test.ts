import { describe, expect, it } from 'vitest';
import { markEmailVerified, verifiedEmailsOf } from '../accounts/service.ts';
import { makeUser } from '../accounts/testing.ts';
import { enqueueClaimReminders, sendClaimReminder } from './reminders.ts';
import { acceptClaim, lookupClaim, rejectClaim } from './service.ts';
import { testConfig } from '../config.ts';
import { DIALECTS, useTestDatabase } from '../db/testing.ts';
import type { AppContext } from '../http/context.ts';
import { getAward } from '../issuing/service.ts';
import { issueTestAward } from '../issuing/testing.ts';
import type { Org } from '../orgs/service.ts';
import { makeOrg } from '../orgs/testing.ts';
import { getItemForAward, isAwardPublic, setVisibility } from '../wallet/service.ts';
import { createAppContext } from '../features.ts';

describe.each(DIALECTS)('claims on %s', (dialect) => {
  const t = useTestDatabase(dialect);
  const ctx = (): AppContext => createAppContext(t.db, testConfig());
  const job = () => ({ ...ctx(), jobId: 'test' });
  /** An award issued `days` ago (of `org`, or of a new organization). */
  const agedAward = async (days: number, org?: Org) => {
    const { award } = await issueTestAward(ctx(), org ? { org } : {});
    await t.db
      .updateTable('awards')
      .set({ createdAt: new Date(Date.now() - days * 86_400_000) })
      .where('id', '=', award.id)
      .execute();
    return award.id;
  };

  it('accepting with the claim link makes a private wallet item; the link is single-use', async () => {
    const user = await makeUser(t.db);
    const { award, claimToken } = await issueTestAward(ctx(), { recipientEmail: 'Claim.Me@Example.org' });
    expect((await lookupClaim(ctx(), claimToken, user.id)).kind).toBe('open');
    const item = await acceptClaim(ctx(), claimToken, user.id);
    expect(item.visibility).toBe('private');
    expect(item.awardId).toBe(award.id);
    expect(await isAwardPublic(t.db, award.id)).toBe(false);
    // The link proved the address: it is now a verified email of the account.
    expect(await verifiedEmailsOf(t.db, user.id)).toContain('claim.me@example.org');
    // Accepting again is a no-op for the same person, refused for anyone else.
    expect((await acceptClaim(ctx(), claimToken, user.id)).id).toBe(item.id);
    const other = await makeUser(t.db);
    expect((await lookupClaim(ctx(), claimToken, other.id)).kind).toBe('used');
    await expect(acceptClaim(ctx(), claimToken, other.id)).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await getAward(t.db, award.id))?.claimedBy).toBe(user.id);
    await setVisibility(t.db, user.id, item.id, 'public');
    expect(await isAwardPublic(t.db, award.id)).toBe(true);
    await expect(setVisibility(t.db, other.id, item.id, 'private')).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('recreates a missing wallet item when the earner comes back to the link', async () => {
    const user = await makeUser(t.db);
    const { award, claimToken } = await issueTestAward(ctx(), { recipientEmail: user.email });
    await acceptClaim(ctx(), claimToken, user.id);
    await t.db.deleteFrom('walletItems').where('awardId', '=', award.id).execute();
    const claim = await lookupClaim(ctx(), claimToken, user.id);
    expect(claim.kind).toBe('mine');
    expect((await getItemForAward(t.db, award.id))?.userId).toBe(user.id);
  });

  it('refuses an address confirmed on another account', async () => {
    const owner = await makeUser(t.db, { email: 'taken@example.org' });
    const user = await makeUser(t.db);
    const { claimToken } = await issueTestAward(ctx(), { recipientEmail: 'taken@example.org' });
    await expect(acceptClaim(ctx(), claimToken, user.id)).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await acceptClaim(ctx(), claimToken, owner.id)).userId).toBe(owner.id);
  });

  it('declining revokes, deletes the personal data and removes nothing else', async () => {
    const { award, claimToken } = await issueTestAward(ctx());
    await rejectClaim(ctx(), claimToken);
    const after = await getAward(t.db, award.id);
    expect(after).toMatchObject({ state: 'rejected', recipientName: null, recipientEmail: null });
    expect(after?.revokedAt).not.toBeNull();
    expect((await lookupClaim(ctx(), claimToken, null)).kind).toBe('rejected');
    await expect(rejectClaim(ctx(), claimToken)).rejects.toMatchObject({ code: 'GONE' });
    expect(await getItemForAward(t.db, award.id)).toBeNull();
  });

  it('an expired badge cannot be claimed', async () => {
    const user = await makeUser(t.db);
    const { claimToken } = await issueTestAward(ctx(), {
      issuedAt: new Date(Date.now() - 60 * 86_400_000),
      validUntil: new Date(Date.now() - 86_400_000),
    });
    expect((await lookupClaim(ctx(), claimToken, user.id)).kind).toBe('expired');
    await expect(acceptClaim(ctx(), claimToken, user.id)).rejects.toMatchObject({ code: 'GONE' });
  });

  it('sends each claim reminder once, after the latest reminder day due', async () => {
    const { award } = await issueTestAward(ctx(), { recipientEmail: 'remind@example.org' });
    await t.db
      .updateTable('awards')
      .set({ createdAt: new Date(Date.now() - 8 * 86_400_000) })
      .where('id', '=', award.id)
      .execute();
    await enqueueClaimReminders({}, job());
    await enqueueClaimReminders({}, job());
    const jobs = await t.db
      .selectFrom('jobs')
      .select(['payload'])
      .where('kind', '=', 'claims.reminder')
      .execute();
    const mine = jobs.filter((j) => JSON.stringify(j.payload).includes(award.id));
    expect(mine).toHaveLength(1);
    await sendClaimReminder({ awardId: award.id, day: 7 }, job());
    await sendClaimReminder({ awardId: award.id, day: 7 }, job());
    const mails = await t.db
      .selectFrom('emails')
      .select('subject')
      .where('toAddress', '=', 'remind@example.org')
      .execute();
    expect(mails.filter((m) => m.subject.startsWith('Reminder'))).toHaveLength(1);
  });

  it('reminder days are the organization’s own when it set them, else 7 and 30', async () => {
    const own = await makeOrg(t.db, { config: ctx().config, reminderDays: [3, 10] });
    const aged = agedAward;
    const ownFour = await aged(4, own);
    const ownEleven = await aged(11, own);
    const defaultFour = await aged(4);
    const defaultThirtyOne = await aged(31);
    await enqueueClaimReminders({}, job());
    const jobs = await t.db
      .selectFrom('jobs')
      .select('payload')
      .where('kind', '=', 'claims.reminder')
      .execute();
    const dayFor = (awardId: string) =>
      jobs
        .map(
          (j) =>
            (typeof j.payload === 'string' ? JSON.parse(j.payload) : j.payload) as {
              awardId: string;
              day: number;
            },
        )
        .filter((p) => p.awardId === awardId)
        .map((p) => p.day);
    expect(dayFor(ownFour)).toEqual([3]);
    expect(dayFor(ownEleven)).toEqual([10]);
    expect(dayFor(defaultFour)).toEqual([]);
    expect(dayFor(defaultThirtyOne)).toEqual([30]);
  });

  it('skips awards whose latest reminder went out, expired ones and revoked ones, at any age', async () => {
    const aged = agedAward;
    const reminded = await aged(400);
    await t.db.insertInto('claimReminders').values({ awardId: reminded, day: 30 }).execute();
    const expired = await aged(8);
    await t.db
      .updateTable('awards')
      .set({ validUntil: new Date(Date.now() - 86_400_000) })
      .where('id', '=', expired)
      .execute();
    const revoked = await aged(8);
    await t.db.updateTable('awards').set({ revokedAt: new Date() }).where('id', '=', revoked).execute();
    const due = await aged(400);
    await enqueueClaimReminders({}, job());
    const payloads = (
      await t.db.selectFrom('jobs').select('payload').where('kind', '=', 'claims.reminder').execute()
    ).map((j) => JSON.stringify(j.payload));
    for (const id of [reminded, expired, revoked]) expect(payloads.some((p) => p.includes(id))).toBe(false);
    expect(payloads.filter((p) => p.includes(due))).toHaveLength(1);
    expect(payloads.find((p) => p.includes(due))).toContain('"day":30');
  });

  it('markEmailVerified is what a claim through sign-up relies on', async () => {
    const user = await makeUser(t.db, { verified: false, email: 'new@example.org' });
    const { claimToken } = await issueTestAward(ctx(), { recipientEmail: 'new@example.org' });
    const claim = await lookupClaim(ctx(), claimToken, user.id);
    expect(claim.kind === 'open' && claim.emailIsViewers).toBe(false);
    await acceptClaim(ctx(), claimToken, user.id);
    expect(await verifiedEmailsOf(t.db, user.id)).toContain('new@example.org');
    await markEmailVerified(t.db, user.id, 'new@example.org');
  });
});
