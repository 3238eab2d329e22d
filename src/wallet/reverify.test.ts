import { beforeAll, describe, expect, it } from 'vitest';
import type { makeUser } from '../accounts/testing.ts';
import { DIALECTS } from '../db/testing.ts';
import { useTestApp } from '../http/testing.ts';
import { revokeAward } from '../issuing/service.ts';
import { issueTestAward } from '../issuing/testing.ts';
import type { JobContext } from '../jobs/types.ts';
import { type VerificationReport, verifyOnPlatform } from '../verification/platform-verify.ts';
import { sendExpiryNotices } from './expiry.ts';
import { importBadge } from './import.ts';
import { importedItemsToReverify, reverifyImported } from './reverify.ts';
import { makeWalletBadge, signedCredential } from './testing.ts';

const HOUR = 3600_000;
const DAY = 24 * HOUR;

/** What a report says, without its wording or timings. */
const outcome = (r: VerificationReport | null) =>
  r && {
    verdict: r.verdict,
    status: r.status,
    steps: r.steps.map((s) => ({ id: s.id, result: s.result, code: s.code })),
  };

describe.each(DIALECTS)('re-verifying imported wallet badges on %s', (dialect) => {
  const t = useTestApp(dialect);
  let user: Awaited<ReturnType<typeof makeUser>>;
  const job = (): JobContext => ({ ...t.ctx, jobId: 'test' });

  beforeAll(async () => {
    user = await t.user({ email: 'earner@example.org' });
  });

  const item = (id: string) =>
    t.db
      .selectFrom('walletItems')
      .select(['lastVerifiedAt', 'lastReport', 'credentialText'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
  const setChecked = (id: string, at: Date | null, report: unknown = { marker: 'old' }) =>
    t.db
      .updateTable('walletItems')
      .set({ lastVerifiedAt: at, lastReport: JSON.stringify(report) })
      .where('id', '=', id)
      .execute();
  const reportOf = async (id: string) => {
    const r = (await item(id)).lastReport;
    return (typeof r === 'string' ? JSON.parse(r) : r) as VerificationReport;
  };

  it('renews the reports of stale imported badges, leaves fresh ones, each report the one verified alone', async () => {
    const elsewhere = await importBadge(t.ctx, user.id, {
      text: JSON.stringify(await signedCredential('earner@example.org', 'Elsewhere')),
    });
    const here = await issueTestAward(t.ctx, { recipientEmail: 'earner@example.org' });
    const asJson = await importBadge(t.ctx, user.id, {
      file: new TextEncoder().encode(here.award.credentialJson),
    });
    const asJwt = await importBadge(t.ctx, user.id, {
      text: (await issueTestAward(t.ctx, { recipientEmail: 'earner@example.org' })).award.credentialJwt!,
    });
    const hosted = await makeWalletBadge(t.ctx, user, { visibility: 'public' });
    const asUrl = await importBadge(t.ctx, user.id, {
      text: `${t.ctx.config.baseUrl}/ob2/assertions/${hosted.award.id}`,
    });
    const fresh = await importBadge(t.ctx, user.id, {
      text: JSON.stringify(await signedCredential('earner@example.org', 'Fresh')),
    });
    await revokeAward(t.ctx, here.award.id, 'Issued by mistake');

    const stale = [elsewhere, asJson, asJwt, asUrl];
    const now = Date.now();
    await setChecked(elsewhere.id, null);
    for (const [i, it] of stale.slice(1).entries())
      await setChecked(it.id, new Date(now - 3 * DAY + i * HOUR));
    const freshAt = new Date(now - HOUR);
    await setChecked(fresh.id, freshAt);
    await setChecked(hosted.item.id, new Date(now - 3 * DAY));

    // Never checked first, then the oldest; badges issued here and fresh imports are not picked.
    const picked = await importedItemsToReverify(t.db, new Date());
    expect(picked.map((p) => p.id)).toEqual(stale.map((s) => s.id));
    expect((await importedItemsToReverify(t.db, new Date(), 2)).map((p) => p.id)).toEqual([
      elsewhere.id,
      asJson.id,
    ]);

    const before = new Date();
    await reverifyImported({}, job());
    for (const s of stale) {
      const row = await item(s.id);
      expect(row.lastVerifiedAt!.getTime()).toBeGreaterThanOrEqual(before.getTime());
      const alone = await verifyOnPlatform(t.ctx, row.credentialText!);
      const stored = await reportOf(s.id);
      expect(stored).not.toHaveProperty('credential');
      expect(outcome(stored)).toEqual(outcome(alone));
      expect(stored.summary).toBe(alone.summary);
    }
    expect((await reportOf(asJson.id)).status).toBe('revoked');
    expect((await reportOf(asJson.id)).summary).toContain('Issued by mistake');
    expect((await reportOf(elsewhere.id)).verdict).toBe('valid');
    expect((await reportOf(asUrl.id)).verdict).toBe('valid');
    const untouched = await item(fresh.id);
    expect(untouched.lastVerifiedAt).toEqual(freshAt);
    expect(await reportOf(fresh.id)).toEqual({ marker: 'old' });
    expect(await importedItemsToReverify(t.db, new Date())).toEqual([]);
  });

  it('a badge its issuer revokes after the import shows revoked and gets no expiry notice', async () => {
    const earner = await t.user({ email: 'later@example.org' });
    const { award } = await issueTestAward(t.ctx, {
      recipientEmail: 'later@example.org',
      validUntil: new Date(Date.now() + 10 * DAY),
    });
    const imported = await importBadge(t.ctx, earner.id, {
      file: new TextEncoder().encode(award.credentialJson),
    });
    // The same badge, not revoked: its notice shows the job keeps what stays valid.
    const kept = await importBadge(t.ctx, earner.id, {
      text: (
        await issueTestAward(t.ctx, {
          recipientEmail: 'later@example.org',
          validUntil: new Date(Date.now() + 10 * DAY),
        })
      ).award.credentialJson,
    });
    expect((await reportOf(imported.id)).verdict).toBe('valid');
    await revokeAward(t.ctx, award.id, 'Wrong person');
    for (const i of [imported, kept])
      await setChecked(i.id, new Date(Date.now() - 2 * DAY), await reportOf(i.id));

    await reverifyImported({}, job());
    expect((await reportOf(imported.id)).status).toBe('revoked');
    const s = await t.session(earner.id);
    const revoked = await t.app.inject({ url: '/wallet?state=revoked', cookies: s.cookies });
    expect(revoked.body).toContain(`/wallet/${imported.id}`);
    await sendExpiryNotices({}, job());
    const notices = await t.db
      .selectFrom('emails')
      .select('dedupeKey')
      .where('toAddress', '=', 'later@example.org')
      .where('dedupeKey', 'like', 'expiry-notice:%')
      .execute();
    expect(notices.map((n) => n.dedupeKey)).toEqual([`expiry-notice:item:${kept.id}`]);
  });
});
