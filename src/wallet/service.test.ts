import { describe, expect, it } from 'vitest';
import { makeUser } from '../accounts/testing.ts';
import { acceptClaim } from '../claims/service.ts';
import { testConfig } from '../config.ts';
import { DIALECTS, useTestDatabase } from '../db/testing.ts';
import type { AppContext } from '../http/context.ts';
import { getAward, revokeAward } from '../issuing/service.ts';
import { issueTestAward } from '../issuing/testing.ts';
import { sendExpiryNotices } from './expiry.ts';
import { addImportedItem, listWalletItems, moveWalletItems } from './service.ts';
import { createAppContext } from '../features.ts';
import { engagementByTemplate, engagementCounts, recordEngagement } from './engagement.ts';
import { walletEntries, walletEntry } from './presenters.ts';

describe.each(DIALECTS)('wallet on %s', (dialect) => {
  const t = useTestDatabase(dialect);
  const ctx = (): AppContext => createAppContext(t.db, testConfig());
  const job = () => ({ ...ctx(), jobId: 'test' });

  it('counts views and shares, per award and per template', async () => {
    const c = ctx();
    const { award, template, org } = await issueTestAward(c);
    recordEngagement(c, award, 'view');
    recordEngagement(c, award, 'view');
    recordEngagement(c, award, 'share:linkedin');
    recordEngagement(c, award, 'not a kind');
    const counts = await engagementCounts(c, [award.id, 'not-an-id']);
    expect(counts.get(award.id)).toEqual({ views: 2, shares: 1 });
    recordEngagement(c, award, 'view');
    expect((await engagementByTemplate(c, org.id)).get(template.id)).toEqual({
      view: 3,
      'share:linkedin': 1,
    });
  });

  it('writes the buffered counts when its context closes', async () => {
    const c = ctx();
    const { award } = await issueTestAward(c);
    recordEngagement(c, award, 'view');
    await c.runtime.close();
    expect((await engagementCounts(ctx(), [award.id])).get(award.id)).toEqual({ views: 1, shares: 0 });
  });

  it('lists a wallet in one read, without signed texts, each state as of that read', async () => {
    const c = ctx();
    const user = await makeUser(t.db);
    const accept = async () => {
      const { claimToken, award } = await issueTestAward(c, { recipientEmail: user.email });
      return { award, item: await acceptClaim(c, claimToken, user.id) };
    };
    const valid = await accept();
    const revoked = await accept();
    const expired = await accept();
    const imported = await addImportedItem(t.db, {
      userId: user.id,
      credentialText: '{"name":"Elsewhere"}',
      credentialHash: 'elsewhere',
      format: 'ob3-json',
      sourceUrl: null,
      issuerName: 'Elsewhere',
      issuerId: null,
      badgeName: 'Elsewhere',
      badgeDescription: null,
      image: null,
      imageUrl: null,
      validUntil: new Date(Date.now() - 86_400_000),
      report: { verdict: 'valid', status: 'valid', summary: '', steps: [] },
    });
    const states = async () =>
      new Map((await walletEntries(c, user.id)).map((e) => [e.item.id, e.state] as const));
    expect([...(await states()).values()]).toEqual(['expired', 'valid', 'valid', 'valid']);

    await revokeAward(c, revoked.award.id, 'Issued in error');
    await t.db
      .updateTable('awards')
      .set({ validUntil: new Date(Date.now() - 1000) })
      .where('id', '=', expired.award.id)
      .execute();
    const now = await states();
    expect(now.get(valid.item.id)).toBe('valid');
    expect(now.get(revoked.item.id)).toBe('revoked');
    expect(now.get(expired.item.id)).toBe('expired');
    expect(now.get(imported.id)).toBe('expired');

    const entries = await walletEntries(c, user.id);
    expect(entries.every((e) => !('credentialText' in e.item) && !('lastReport' in e.item))).toBe(true);
    for (const e of entries) expect(await walletEntry(c, user.id, e.item.id)).toEqual(e);
  });

  it('moves wallet items on an account merge', async () => {
    const a = await makeUser(t.db);
    const b = await makeUser(t.db);
    const { claimToken, award } = await issueTestAward(ctx(), { recipientEmail: a.email });
    await acceptClaim(ctx(), claimToken, a.id);
    await t.db.transaction().execute((trx) => moveWalletItems(trx, a.id, b.id));
    expect(await listWalletItems(t.db, a.id)).toHaveLength(0);
    expect(await listWalletItems(t.db, b.id)).toHaveLength(1);
    expect((await getAward(t.db, award.id))?.claimedBy).toBe(b.id);
  });

  it('emails an earner once, 30 days before a badge expires', async () => {
    const user = await makeUser(t.db);
    const { claimToken } = await issueTestAward(ctx(), {
      recipientEmail: user.email,
      validUntil: new Date(Date.now() + 10 * 86_400_000),
    });
    await acceptClaim(ctx(), claimToken, user.id);
    await sendExpiryNotices({}, job());
    await sendExpiryNotices({}, job());
    const mails = await t.db
      .selectFrom('emails')
      .select('subject')
      .where('toAddress', '=', user.email)
      .execute();
    expect(mails.filter((m) => m.subject.includes('expires'))).toHaveLength(1);
  });

  it('emails an earner once before an imported badge expires, not when it was revoked', async () => {
    const user = await makeUser(t.db);
    const imported = (name: string, status: string) =>
      addImportedItem(t.db, {
        userId: user.id,
        credentialText: `{"name":"${name}"}`,
        credentialHash: name,
        format: 'ob3-json',
        sourceUrl: null,
        issuerName: 'Elsewhere',
        issuerId: null,
        badgeName: name,
        badgeDescription: null,
        image: null,
        imageUrl: null,
        validUntil: new Date(Date.now() + 5 * 86_400_000),
        report: { verdict: status === 'revoked' ? 'invalid' : 'valid', status, summary: '', steps: [] },
      });
    await imported('Imported Current', 'valid');
    await imported('Imported Revoked', 'revoked');
    await sendExpiryNotices({}, job());
    await sendExpiryNotices({}, job());
    const subjects = (
      await t.db.selectFrom('emails').select('subject').where('toAddress', '=', user.email).execute()
    ).map((m) => m.subject);
    expect(subjects.filter((m) => m.includes('Imported Current'))).toHaveLength(1);
    expect(subjects.filter((m) => m.includes('Imported Revoked'))).toHaveLength(0);
  });
});
