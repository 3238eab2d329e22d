// Claiming: the award email's single-use link, accepting into the wallet, declining for good,
// and the reminder and expiry emails.
import { sql } from 'kysely';
import { markEmailVerified, verifiedEmailsOf } from '../accounts/service.ts';
import { LaurelError } from '../errors.ts';
import type { AppContext } from '../http/context.ts';
import {
  type Award,
  acceptAward,
  findAwardByClaimToken,
  getAward,
  rejectAward,
  resendClaimEmail,
} from '../issuing/service.ts';
import { enqueueJobs } from '../jobs/queue.ts';
import type { JobHandler } from '../jobs/types.ts';
import { type Org, getOrgById, issuerDid } from '../orgs/service.ts';
import { type Template, getTemplate } from '../templates/service.ts';
import {
  type WalletItem,
  addIssuedItem,
  getItemForAward,
  getOwnItem,
  removeItemForAward,
} from '../wallet/service.ts';

export type Claim =
  /** No award has this token. */
  | { kind: 'unknown' }
  /** Accepted by another account: nothing of the badge is shown. */
  | { kind: 'used' }
  /** Accepted by this viewer: the wallet item. */
  | { kind: 'mine'; itemId: string; awardId: string }
  | { kind: 'rejected' }
  | { kind: 'revoked'; reason: string | null }
  | { kind: 'expired'; award: Award; org: Org; template: Template }
  | {
      kind: 'open';
      award: Award;
      org: Org;
      template: Template;
      /** The award's email is among the signed-in viewer's verified addresses. */
      emailIsViewers: boolean;
    };

/** What the claim page should show for `token`, seen by `viewerId` (null: not signed in). */
export async function lookupClaim(ctx: AppContext, token: string, viewerId: string | null): Promise<Claim> {
  const award = await findAwardByClaimToken(ctx.db, token);
  return award ? claimOf(ctx, award, viewerId) : { kind: 'unknown' };
}

/** The claim rule for one award, however the viewer reached it (a link, or their wallet). */
async function claimOf(ctx: AppContext, award: Award, viewerId: string | null): Promise<Claim> {
  if (award.state === 'rejected') return { kind: 'rejected' };
  if (award.state === 'accepted') {
    if (viewerId && award.claimedBy === viewerId) {
      // The wallet item is written right after the award is accepted; should that write have
      // failed, the earner's next visit creates it.
      const item = (await getItemForAward(ctx.db, award.id)) ?? (await walletItemFor(ctx, award, viewerId));
      if (item) return { kind: 'mine', itemId: item.id, awardId: award.id };
    }
    return { kind: 'used' };
  }
  if (award.revokedAt) return { kind: 'revoked', reason: award.revocationReason };
  const [org, template] = await Promise.all([
    getOrgById(ctx.db, award.orgId),
    getTemplate(ctx.db, award.templateId),
  ]);
  if (!org || !template) return { kind: 'unknown' };
  if (award.validUntil && award.validUntil < new Date()) return { kind: 'expired', award, org, template };
  const emails = viewerId ? await verifiedEmailsOf(ctx.db, viewerId) : [];
  return {
    kind: 'open',
    award,
    org,
    template,
    emailIsViewers: award.recipientEmail !== null && emails.includes(award.recipientEmail),
  };
}

async function walletItemFor(ctx: AppContext, award: Award, userId: string): Promise<WalletItem | null> {
  const [org, template] = await Promise.all([
    getOrgById(ctx.db, award.orgId),
    getTemplate(ctx.db, award.templateId),
  ]);
  if (!org || !template) return null;
  return addIssuedItem(ctx.db, {
    userId,
    awardId: award.id,
    badgeName: template.name,
    badgeDescription: template.description,
    issuerName: org.name,
    issuerId: issuerDid(ctx.config, org.slug),
    validUntil: award.validUntil,
  });
}

/** The error for a claim that cannot be shown or acted on. */
export function refuse(claim: Claim): never {
  switch (claim.kind) {
    case 'unknown':
      throw new LaurelError('NOT_FOUND', 'This claim link is not valid.');
    case 'used':
      throw new LaurelError('CONFLICT', 'This claim link has already been used.');
    case 'rejected':
      throw new LaurelError('GONE', 'This badge was declined and no longer exists.');
    case 'revoked':
      throw new LaurelError('GONE', 'The issuer has revoked this badge.');
    case 'expired':
      throw new LaurelError('GONE', 'This badge has expired, and its claim link with it.');
    default:
      throw new LaurelError('CONFLICT', 'This badge is already in your wallet.');
  }
}

/**
 * Accepts with the claim link. Holding the link proves the award's address is the viewer's: it
 * is added to their account as verified (refused when another account has confirmed it).
 * Returns the new wallet item (private).
 */
export async function acceptClaim(ctx: AppContext, token: string, userId: string): Promise<WalletItem> {
  const claim = await lookupClaim(ctx, token, userId);
  if (claim.kind === 'mine') return getOwnItem(ctx.db, userId, claim.itemId);
  if (claim.kind !== 'open') refuse(claim);
  if (!claim.emailIsViewers && claim.award.recipientEmail)
    await markEmailVerified(ctx.db, userId, claim.award.recipientEmail);
  return acceptOpen(ctx, claim.award.id, userId);
}

/**
 * The claim of an award sent to a confirmed address of `userId`, reached from their wallet
 * without the link: the confirmed address is the proof the link gives. Any other award is
 * NOT_FOUND, as if it did not exist.
 */
async function ownPendingClaim(ctx: AppContext, awardId: string, userId: string) {
  const award = await getAward(ctx.db, awardId);
  const claim = award ? await claimOf(ctx, award, userId) : null;
  if ((claim?.kind !== 'open' && claim?.kind !== 'expired') || !(await addressedTo(ctx, claim.award, userId)))
    throw new LaurelError('NOT_FOUND', 'That badge is not waiting for you.');
  return claim;
}

const addressedTo = async (ctx: AppContext, award: Award, userId: string) =>
  award.recipientEmail !== null && (await verifiedEmailsOf(ctx.db, userId)).includes(award.recipientEmail);

/** Accepts, from the wallet, a badge sent to one of the account's confirmed addresses. */
export async function acceptPendingAward(
  ctx: AppContext,
  awardId: string,
  userId: string,
): Promise<WalletItem> {
  const claim = await ownPendingClaim(ctx, awardId, userId);
  if (claim.kind !== 'open') refuse(claim);
  return acceptOpen(ctx, claim.award.id, userId);
}

/** Declines, from the wallet, a badge sent to one of the account's confirmed addresses. */
export async function declinePendingAward(ctx: AppContext, awardId: string, userId: string): Promise<void> {
  const claim = await ownPendingClaim(ctx, awardId, userId);
  await declineAward(ctx, claim.award.id);
}

/** Binds an open award to the account and puts it in their wallet (private). */
async function acceptOpen(ctx: AppContext, awardId: string, userId: string): Promise<WalletItem> {
  const award = await acceptAward(ctx.db, awardId, userId);
  const item = await walletItemFor(ctx, award, userId);
  if (!item) throw new LaurelError('NOT_FOUND', 'This badge’s organization or template no longer exists.');
  return item;
}

/** Declines with the claim link: revoked, personal data deleted; cannot be undone. */
export async function rejectClaim(ctx: AppContext, token: string): Promise<void> {
  const award = await findAwardByClaimToken(ctx.db, token);
  const claim = await lookupClaim(ctx, token, null);
  if (!award || (claim.kind !== 'open' && claim.kind !== 'expired')) refuse(claim);
  await declineAward(ctx, award.id);
}

/** The earner declines a badge they accepted earlier (from their wallet). */
export async function declineOwnAward(ctx: AppContext, userId: string, itemId: string): Promise<void> {
  const item = await getOwnItem(ctx.db, userId, itemId);
  if (!item.awardId) throw new LaurelError('CONFLICT', 'Only a badge issued here can be declined.');
  await declineAward(ctx, item.awardId);
}

async function declineAward(ctx: AppContext, awardId: string) {
  await rejectAward(ctx, awardId);
  await removeItemForAward(ctx.db, awardId);
}

// ---------------------------------------------------------------------------------------------
// Reminders for unclaimed badges, after each of the org's reminder days (default 7 and 30).
// ---------------------------------------------------------------------------------------------

export const DEFAULT_REMINDER_DAYS = [7, 30];

const REMINDER_PAGE = 1000;
type DueReminder = { id: string; created_at: Date; day: number };

/**
 * One page of the pending, unrevoked, unexpired awards whose latest due reminder day (the
 * org's days, else the defaults) has no reminder sent yet, after `cursor` in creation order.
 */
async function dueReminders(
  ctx: AppContext,
  cursor: { createdAt: Date; id: string } | null,
): Promise<DueReminder[]> {
  const defaults = sql.raw(`ARRAY[${DEFAULT_REMINDER_DAYS.join(',')}]::int[]`);
  const { rows } = await sql<DueReminder>`
    SELECT a.id, a.created_at, due.day
    FROM awards a
    JOIN orgs o ON o.id = a.org_id
    CROSS JOIN LATERAL (
      SELECT max(d) AS day
      FROM unnest(CASE WHEN cardinality(o.reminder_days) > 0 THEN o.reminder_days ELSE ${defaults} END) AS d
      WHERE a.created_at <= now() - make_interval(days => d)
    ) AS due
    WHERE a.state = 'pending' AND a.revoked_at IS NULL AND a.recipient_email IS NOT NULL
      AND (a.valid_until IS NULL OR a.valid_until > now())
      AND due.day IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM claim_reminders r WHERE r.award_id = a.id AND r.day = due.day)
      ${cursor ? sql`AND (a.created_at, a.id) > (${cursor.createdAt}, ${cursor.id}::uuid)` : sql``}
    ORDER BY a.created_at, a.id
    LIMIT ${REMINDER_PAGE}`.execute(ctx.db);
  return rows;
}

/**
 * Periodic task: enqueues one reminder job per award and due day (the latest day due only),
 * page by page, so old unclaimed awards never crowd out newer ones.
 */
export const enqueueClaimReminders: JobHandler = async (_payload, ctx) => {
  let cursor: { createdAt: Date; id: string } | null = null;
  for (;;) {
    const rows = await dueReminders(ctx, cursor);
    await enqueueJobs(
      ctx.db,
      rows.map((r) => ({
        kind: 'claims.reminder',
        payload: { awardId: r.id, day: r.day },
        dedupeKey: `claim-reminder:${r.id}:${r.day}`,
      })),
    );
    if (rows.length < REMINDER_PAGE) return;
    const last = rows[rows.length - 1]!;
    cursor = { createdAt: last.created_at, id: last.id };
  }
};

/**
 * Sends one reminder (a fresh claim link). The row in claim_reminders makes it once per award
 * and day even when the job runs again; a failed send removes the row so a retry can send.
 */
export const sendClaimReminder: JobHandler = async (payload: { awardId: string; day: number }, ctx) => {
  const award = await getAward(ctx.db, payload.awardId);
  if (award?.state !== 'pending' || award.revokedAt || !award.recipientEmail) return;
  const inserted = await ctx.db
    .insertInto('claim_reminders')
    .values({ award_id: award.id, day: payload.day })
    .onConflict((oc) => oc.columns(['award_id', 'day']).doNothing())
    .returning('award_id')
    .executeTakeFirst();
  if (!inserted) return;
  try {
    await resendClaimEmail(ctx, award.id, { reminder: true });
  } catch (e) {
    await ctx.db
      .deleteFrom('claim_reminders')
      .where('award_id', '=', award.id)
      .where('day', '=', payload.day)
      .execute();
    throw e;
  }
};
