// A month before a badge in a wallet expires, its earner gets one email (dedupe key per badge).
import { getUser } from '../accounts/service.ts';
import { renewUrl } from '../applications/apply/links.ts';
import { renewalOffer } from '../applications/apply/renewal.ts';
import type { JobHandler } from '../jobs/types.ts';
import { getAward } from '../issuing/service.ts';
import { emailText, paragraphs, renderEmail } from '../mail/layout.tsx';
import { enqueueEmail } from '../mail/outbox.ts';
import { reportState } from '../public/components.tsx';
import { formatDate } from '../ui/components.tsx';
import type { VerificationReport } from '../verification/platform-verify.ts';
import { listItemsExpiring } from './service.ts';

export const EXPIRY_NOTICE_DAYS = 30;

/** Periodic task: emails earners whose badges (issued here or imported) expire within 30 days. */
export const sendExpiryNotices: JobHandler = async (_payload, ctx) => {
  const now = new Date();
  const horizon = new Date(now.getTime() + EXPIRY_NOTICE_DAYS * 86_400_000);
  const items = await listItemsExpiring(ctx.db, now, horizon, 5000);
  for (const item of items) {
    let expires = item.validUntil;
    let dedupeKey = `expiry-notice:item:${item.id}`;
    if (item.awardId) {
      // The award is the truth for a badge issued here: it may have been revoked or renewed.
      const award = await getAward(ctx.db, item.awardId);
      if (award?.state !== 'accepted' || award.revokedAt || !award.validUntil) continue;
      expires = award.validUntil;
      dedupeKey = `expiry-notice:${award.id}`;
    } else if (reportState(item.lastReport as VerificationReport | null) === 'revoked') continue;
    const user = await getUser(ctx.db, item.userId);
    if (!user?.primaryEmail) continue;
    // Offered a renewal (applications/apply/renewal.ts): the email leads to it.
    const renewal = item.awardId ? await renewalOffer(ctx.db, item.awardId) : null;
    const url = renewal ? renewUrl(ctx.config, renewal.awardId) : `${ctx.config.baseUrl}/wallet/${item.id}`;
    const lines = [
      `Hello ${user.name},`,
      `Your badge “${item.badgeName}” from ${item.issuerName} expires on ${formatDate(expires)}.`,
      renewal
        ? `${item.issuerName} offers a renewal${renewal.how === 'instant' ? ', issued at once' : ' through a short application'}: renew it from the link below.`
        : 'After that date it still shows in your wallet and on its page, marked as expired. If the issuer offers a renewal, ask them before then.',
    ];
    await enqueueEmail(ctx.db, {
      to: user.primaryEmail,
      subject: `Your “${item.badgeName}” badge expires on ${formatDate(expires)}`,
      html: renderEmail({
        title: 'Your badge expires soon',
        preheader: `It expires on ${formatDate(expires)}`,
        body: paragraphs(lines),
        action: { label: renewal ? 'Renew' : 'See the badge', url },
      }),
      text: emailText([...lines, url]),
      dedupeKey,
    });
  }
};
