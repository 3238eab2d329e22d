// Claiming: the award email's single-use link, accepting into the wallet, declining for good,
// from the link or from the wallet (reminders: reminders.ts).
import { markEmailVerified, verifiedEmailsOf } from '../accounts/service.ts';
import { LaurelError } from '../errors.ts';
import type { AppContext } from '../http/context.ts';
import { type Award, acceptAward, findAwardByClaimToken, getAward, rejectAward } from '../issuing/service.ts';
import { type Org, getOrgById } from '../orgs/service.ts';
import { issuerDid } from '../orgs/presenters.ts';
import { type Template, getTemplate } from '../templates/service.ts';
import { declinableAward, isAddressedTo, refuse } from './policy.ts';
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
    emailIsViewers: isAddressedTo(award, emails),
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
  if (
    (claim?.kind !== 'open' && claim?.kind !== 'expired') ||
    !isAddressedTo(claim.award, await verifiedEmailsOf(ctx.db, userId))
  )
    throw new LaurelError('NOT_FOUND', 'That badge is not waiting for you.');
  return claim;
}

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
  await declineAward(ctx, declinableAward(item));
}

async function declineAward(ctx: AppContext, awardId: string) {
  await rejectAward(ctx, awardId);
  await removeItemForAward(ctx.db, awardId);
}
