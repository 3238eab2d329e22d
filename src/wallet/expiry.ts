// A month before a badge in a wallet expires, its earner gets one email (dedupe key per badge).
import { getUser } from '../accounts/service.ts';
import type { JobHandler } from '../jobs/types.ts';
import { getAward } from '../issuing/service.ts';
import { emailText, paragraphs, renderEmail } from '../mail/layout.tsx';
import { enqueueEmail } from '../mail/outbox.ts';
import { reportState } from '../public/components.tsx';
import { formatDate } from '../ui/components.tsx';
import type { VerificationReport } from '../verification/platform-verify.ts';

export const EXPIRY_NOTICE_DAYS = 30;

/** Periodic task: emails earners whose badges (issued here or imported) expire within 30 days. */
export const sendExpiryNotices: JobHandler = async (_payload, ctx) => {
  const now = new Date();
  const horizon = new Date(now.getTime() + EXPIRY_NOTICE_DAYS * 86_400_000);
  const items = await ctx.db
    .selectFrom('wallet_items')
    .select(['id', 'user_id', 'award_id', 'badge_name', 'issuer_name', 'valid_until', 'last_report'])
    .where('valid_until', '>', now)
    .where('valid_until', '<=', horizon)
    .orderBy('valid_until')
    .limit(5000)
    .execute();
  for (const item of items) {
    let expires = item.valid_until!;
    let dedupeKey = `expiry-notice:item:${item.id}`;
    if (item.award_id) {
      // The award is the truth for a badge issued here: it may have been revoked or renewed.
      const award = await getAward(ctx.db, item.award_id);
      if (award?.state !== 'accepted' || award.revokedAt || !award.validUntil) continue;
      expires = award.validUntil;
      dedupeKey = `expiry-notice:${award.id}`;
    } else if (reportState(parseReport(item.last_report)) === 'revoked') continue;
    const user = await getUser(ctx.db, item.user_id);
    if (!user?.primaryEmail) continue;
    const url = `${ctx.config.baseUrl}/wallet/${item.id}`;
    const lines = [
      `Hello ${user.name},`,
      `Your badge “${item.badge_name}” from ${item.issuer_name} expires on ${formatDate(expires)}.`,
      'After that date it still shows in your wallet and on its page, marked as expired. If the issuer offers a renewal, ask them before then.',
    ];
    await enqueueEmail(ctx.db, {
      to: user.primaryEmail,
      subject: `Your “${item.badge_name}” badge expires on ${formatDate(expires)}`,
      html: renderEmail({
        title: 'Your badge expires soon',
        preheader: `It expires on ${formatDate(expires)}`,
        body: paragraphs(lines),
        action: { label: 'See the badge', url },
      }),
      text: emailText([...lines, url]),
      dedupeKey,
    });
  }
};

const parseReport = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v) as VerificationReport | null;
