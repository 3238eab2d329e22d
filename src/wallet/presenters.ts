// What leaves the wallet: its entries with their current state (pages, the public profile), the
// badge and waiting-badge shapes of the JSON API, and what an imported badge shares.
import { type Static, Type } from 'typebox';
import type { AppContext } from '../http/context.ts';
import { type BadgeState, badgeState } from '../public/badge-view.ts';
import { importedBadgeUrl, reportState } from '../public/components.tsx';
import { type ShareableBadge, qrSvg } from '../sharing/links.ts';
import type { VerificationReport } from '../verification/platform-verify.ts';
import { credentialIdOf } from './import.ts';
import type { PendingBadge } from './pending.ts';
import {
  type AwardStanding,
  type WalletItem,
  type WalletRow,
  type WalletSummary,
  listWalletRows,
} from './service.ts';

export type ItemState = BadgeState | 'unverified';

export interface WalletEntry {
  item: WalletSummary;
  award: AwardStanding | null;
  state: ItemState;
}

function entryOf({ item, award, report }: WalletRow, now: Date): WalletEntry {
  let state: ItemState;
  if (award) state = badgeState(award, now);
  else {
    state = reportState(report as VerificationReport | null);
    if (state === 'valid' && item.validUntil && item.validUntil < now) state = 'expired';
  }
  return { item, award, state };
}

/**
 * Every item of a wallet with its current state (issued: from the award; imported: from the last
 * report), read on every call: a revocation, a privacy change or an expiry shows at once.
 */
export async function walletEntries(ctx: AppContext, userId: string): Promise<WalletEntry[]> {
  const now = new Date();
  return (await listWalletRows(ctx.db, userId)).map((row) => entryOf(row, now));
}

/** The one entry of a wallet for `itemId` (an item the caller already checked is the user's). */
export async function walletEntry(ctx: AppContext, userId: string, itemId: string): Promise<WalletEntry> {
  const [row] = await listWalletRows(ctx.db, userId, itemId);
  return entryOf(row!, new Date());
}

export const itemImageSrc = (item: Pick<WalletItem, 'id' | 'awardId' | 'hasImage'>) =>
  item.awardId ? `/c/${item.awardId}/image.png` : item.hasImage ? `/wallet/${item.id}/image` : null;

/** A badge of the wallet as the JSON API shows it. */
export const BadgeSchema = Type.Object({
  id: Type.String({ description: 'The wallet item id.' }),
  awardId: Type.Union([Type.String(), Type.Null()], {
    description: 'Set for a badge issued on this platform.',
  }),
  imported: Type.Boolean(),
  name: Type.String(),
  issuer: Type.Object({ name: Type.String(), id: Type.Union([Type.String(), Type.Null()]) }),
  state: Type.Union([
    Type.Literal('valid'),
    Type.Literal('expired'),
    Type.Literal('revoked'),
    Type.Literal('unverified'),
  ]),
  visibility: Type.Union([Type.Literal('private'), Type.Literal('public')]),
  showRecipientName: Type.Boolean(),
  publicUrl: Type.Union([Type.String(), Type.Null()], { description: 'The public page, while public.' }),
  validUntil: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  addedAt: Type.String({ format: 'date-time' }),
});

/** `handle`: the owner's, which gives a public imported badge its address. */
export function presentBadge(
  ctx: AppContext,
  e: WalletEntry,
  handle: string | null,
): Static<typeof BadgeSchema> {
  const { item } = e;
  return {
    id: item.id,
    awardId: item.awardId,
    imported: item.awardId === null,
    name: item.badgeName,
    issuer: { name: item.issuerName, id: item.issuerId },
    state: e.state,
    visibility: item.visibility,
    showRecipientName: item.showRecipientName,
    publicUrl:
      item.visibility !== 'public'
        ? null
        : item.awardId
          ? `${ctx.config.baseUrl}/c/${item.awardId}`
          : handle
            ? importedBadgeUrl(ctx.config.baseUrl, handle, item.id)
            : null,
    validUntil: (e.award?.validUntil ?? item.validUntil)?.toISOString() ?? null,
    addedAt: item.addedAt.toISOString(),
  };
}

/** A waiting badge as the wallet API shows it. */
export const PendingBadgeSchema = Type.Object({
  awardId: Type.String({ format: 'uuid' }),
  name: Type.String(),
  description: Type.String(),
  issuer: Type.Object({ name: Type.String(), url: Type.String() }),
  imageUrl: Type.String(),
  recipientEmail: Type.String({ description: 'The confirmed address of mine it was sent to.' }),
  issuedAt: Type.String({ format: 'date-time' }),
  validUntil: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

export function presentPending(ctx: AppContext, b: PendingBadge): Static<typeof PendingBadgeSchema> {
  return {
    awardId: b.award.id,
    name: b.badgeName,
    description: b.badgeDescription,
    issuer: { name: b.issuerName, url: b.issuerUrl },
    imageUrl: `${ctx.config.baseUrl}${b.imageUrl}`,
    recipientEmail: b.award.recipientEmail ?? '',
    issuedAt: b.award.issuedAt.toISOString(),
    validUntil: b.award.validUntil?.toISOString() ?? null,
  };
}

/** What an imported badge shares once public (built before rendering: the QR code is made asynchronously). */
export interface ImportedShare {
  badge: ShareableBadge;
  qrSrc: string;
}

export async function importedShareOf(
  ctx: AppContext,
  item: WalletItem,
  handle: string,
  report: VerificationReport | null,
): Promise<ImportedShare> {
  const url = importedBadgeUrl(ctx.config.baseUrl, handle, item.id);
  const badge: ShareableBadge = {
    url,
    credentialId: credentialIdOf(item.credentialText ?? '') ?? url,
    badgeName: item.badgeName,
    issuerName: item.issuerName,
    linkedinOrgId: null,
    issuedAt: report?.validFrom ? new Date(report.validFrom) : item.addedAt,
    validUntil: item.validUntil,
    // Served to anyone while the badge is public; no frameable card exists for imported badges.
    imageUrl: item.hasImage ? `${ctx.config.baseUrl}/wallet/${item.id}/image` : null,
    cardUrl: null,
  };
  const svg = await qrSvg(url);
  return { badge, qrSrc: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}` };
}
