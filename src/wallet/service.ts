import type { Selectable, Transaction } from 'kysely';
import type { Db } from '../db/index.ts';
import type { Database } from '../db/schema.ts';
import { LaurelError } from '../errors.ts';
import { getAward, reassignAwards } from '../issuing/service.ts';
import { isUuid } from '../util/checks.ts';
import { type AwardVisibility, assertOwnItem, assertRemovable, awardAccess } from './policy.ts';
import type { Visibility, WalletTables } from './tables.ts';

type Executor = Db | Transaction<Database>;
type Row = Selectable<WalletTables['wallet_items']>;

export interface WalletItem {
  id: string;
  userId: string;
  /** Set for a badge accepted on this platform. */
  awardId: string | null;
  /** Set for an imported badge: the credential as it was imported (JSON, a JWT or an OB 2.0 URL). */
  credentialText: string | null;
  format: string | null;
  sourceUrl: string | null;
  issuerName: string;
  issuerId: string | null;
  badgeName: string;
  badgeDescription: string | null;
  hasImage: boolean;
  imageType: string | null;
  imageUrl: string | null;
  validUntil: Date | null;
  visibility: Visibility;
  showRecipientName: boolean;
  addedAt: Date;
  updatedAt: Date;
  lastVerifiedAt: Date | null;
  lastReport: unknown;
}

const COLUMNS = [
  'id',
  'user_id',
  'award_id',
  'credential_text',
  'format',
  'source_url',
  'issuer_name',
  'issuer_id',
  'badge_name',
  'badge_description',
  'image_type',
  'image_url',
  'valid_until',
  'visibility',
  'show_recipient_name',
  'added_at',
  'updated_at',
  'last_verified_at',
  'last_report',
] as const;

function toItem(r: Pick<Row, (typeof COLUMNS)[number]>): WalletItem {
  return {
    id: r.id,
    userId: r.user_id,
    awardId: r.award_id,
    credentialText: r.credential_text,
    format: r.format,
    sourceUrl: r.source_url,
    issuerName: r.issuer_name,
    issuerId: r.issuer_id,
    badgeName: r.badge_name,
    badgeDescription: r.badge_description,
    hasImage: r.image_type !== null,
    imageType: r.image_type,
    imageUrl: r.image_url,
    validUntil: r.valid_until,
    visibility: r.visibility,
    showRecipientName: r.show_recipient_name,
    addedAt: r.added_at,
    updatedAt: r.updated_at,
    lastVerifiedAt: r.last_verified_at,
    lastReport: typeof r.last_report === 'string' ? JSON.parse(r.last_report) : r.last_report,
  };
}

/** The wallet entry of an award accepted here; accepting again is a no-op. Private by default. */
export async function addIssuedItem(
  db: Executor,
  input: {
    userId: string;
    awardId: string;
    badgeName: string;
    /** Kept beside the name so the wallet's search finds words of the description too. */
    badgeDescription?: string | null;
    issuerName: string;
    issuerId: string;
    validUntil: Date | null;
  },
): Promise<WalletItem> {
  await db
    .insertInto('wallet_items')
    .values({
      user_id: input.userId,
      award_id: input.awardId,
      badge_name: input.badgeName,
      badge_description: input.badgeDescription || null,
      issuer_name: input.issuerName,
      issuer_id: input.issuerId,
      valid_until: input.validUntil,
      // The earner's name shows on the badge's page by default once they make it public, as on
      // other badge platforms; they are asked when accepting and can hide it later.
      show_recipient_name: true,
    })
    .onConflict((oc) => oc.column('award_id').doNothing())
    .execute();
  const row = await db
    .selectFrom('wallet_items')
    .select(COLUMNS)
    .where('award_id', '=', input.awardId)
    .executeTakeFirstOrThrow();
  return toItem(row);
}

export interface ImportedItemInput {
  userId: string;
  credentialText: string;
  credentialHash: string;
  format: string;
  sourceUrl: string | null;
  issuerName: string;
  issuerId: string | null;
  badgeName: string;
  badgeDescription: string | null;
  image: { data: Buffer; type: string } | null;
  imageUrl: string | null;
  validUntil: Date | null;
  report: unknown;
}

/** Stores an imported badge; the same credential twice in one wallet is a CONFLICT. */
export async function addImportedItem(db: Db, input: ImportedItemInput): Promise<WalletItem> {
  const row = await db
    .insertInto('wallet_items')
    .values({
      user_id: input.userId,
      credential_text: input.credentialText,
      credential_hash: input.credentialHash,
      format: input.format,
      source_url: input.sourceUrl,
      issuer_name: input.issuerName,
      issuer_id: input.issuerId,
      badge_name: input.badgeName,
      badge_description: input.badgeDescription,
      image: input.image?.data ?? null,
      image_type: input.image?.type ?? null,
      image_url: input.imageUrl,
      valid_until: input.validUntil,
      last_verified_at: new Date(),
      last_report: JSON.stringify(input.report),
    })
    .onConflict((oc) =>
      oc.columns(['user_id', 'credential_hash']).where('credential_hash', 'is not', null).doNothing(),
    )
    .returning(COLUMNS)
    .executeTakeFirst();
  if (!row) throw new LaurelError('CONFLICT', 'This badge is already in your wallet.');
  return toItem(row);
}

export async function getWalletItem(db: Executor, id: string): Promise<WalletItem | null> {
  if (!isUuid(id)) return null;
  const row = await db.selectFrom('wallet_items').select(COLUMNS).where('id', '=', id).executeTakeFirst();
  return row ? toItem(row) : null;
}

/** An item of `userId`'s wallet; anyone else's item is NOT_FOUND, exactly like a missing one. */
export async function getOwnItem(db: Executor, userId: string, id: string): Promise<WalletItem> {
  return assertOwnItem(await getWalletItem(db, id), userId);
}

export async function getItemForAward(db: Executor, awardId: string): Promise<WalletItem | null> {
  if (!isUuid(awardId)) return null;
  const row = await db
    .selectFrom('wallet_items')
    .select(COLUMNS)
    .where('award_id', '=', awardId)
    .executeTakeFirst();
  return row ? toItem(row) : null;
}

export async function itemImage(db: Executor, id: string): Promise<{ data: Buffer; type: string } | null> {
  if (!isUuid(id)) return null;
  const row = await db
    .selectFrom('wallet_items')
    .select(['image', 'image_type'])
    .where('id', '=', id)
    .executeTakeFirst();
  return row?.image && row.image_type ? { data: Buffer.from(row.image), type: row.image_type } : null;
}

export async function listWalletItems(db: Executor, userId: string): Promise<WalletItem[]> {
  const rows = await db
    .selectFrom('wallet_items')
    .select(COLUMNS)
    .where('user_id', '=', userId)
    .orderBy('added_at', 'desc')
    .orderBy('id')
    .execute();
  return rows.map(toItem);
}

export async function listPublicItems(db: Executor, userId: string): Promise<WalletItem[]> {
  const rows = await db
    .selectFrom('wallet_items')
    .select(COLUMNS)
    .where('user_id', '=', userId)
    .where('visibility', '=', 'public')
    .orderBy('added_at', 'desc')
    .orderBy('id')
    .execute();
  return rows.map(toItem);
}

export async function setVisibility(
  db: Executor,
  userId: string,
  itemId: string,
  visibility: Visibility,
): Promise<WalletItem> {
  const item = await getOwnItem(db, userId, itemId);
  const row = await db
    .updateTable('wallet_items')
    .set({ visibility, updated_at: new Date() })
    .where('id', '=', item.id)
    .returning(COLUMNS)
    .executeTakeFirstOrThrow();
  return toItem(row);
}

export async function setShowRecipientName(
  db: Executor,
  userId: string,
  itemId: string,
  show: boolean,
): Promise<WalletItem> {
  const item = await getOwnItem(db, userId, itemId);
  const row = await db
    .updateTable('wallet_items')
    .set({ show_recipient_name: show, updated_at: new Date() })
    .where('id', '=', item.id)
    .returning(COLUMNS)
    .executeTakeFirstOrThrow();
  return toItem(row);
}

/** Removes an imported badge. A badge accepted here is declined through its claim page instead. */
export async function deleteImportedItem(db: Executor, userId: string, itemId: string): Promise<void> {
  const item = await getOwnItem(db, userId, itemId);
  assertRemovable(item);
  await db.deleteFrom('wallet_items').where('id', '=', item.id).execute();
}

export async function removeItemForAward(db: Executor, awardId: string): Promise<void> {
  if (!isUuid(awardId)) return;
  await db.deleteFrom('wallet_items').where('award_id', '=', awardId).execute();
}

export async function saveReport(db: Executor, itemId: string, report: unknown, at = new Date()) {
  await db
    .updateTable('wallet_items')
    .set({ last_report: JSON.stringify(report), last_verified_at: at })
    .where('id', '=', itemId)
    .execute();
}

/** Whether anyone may see the award's public representations (awardAccess for a visitor). */
export async function isAwardPublic(db: Db, awardId: string): Promise<boolean> {
  const visibility = await awardVisibility(db, awardId);
  const award = visibility ? await getAward(db, awardId) : null;
  return !!award && awardAccess(award, visibility, null) === 'public';
}

/** The privacy facts of an award's page in one small query (read on every public request, never cached). */
export async function awardVisibility(db: Executor, awardId: string): Promise<AwardVisibility | null> {
  if (!isUuid(awardId)) return null;
  const row = await db
    .selectFrom('wallet_items')
    .select(['id', 'user_id', 'visibility', 'show_recipient_name', 'updated_at'])
    .where('award_id', '=', awardId)
    .executeTakeFirst();
  return row
    ? {
        itemId: row.id,
        userId: row.user_id,
        visibility: row.visibility,
        showRecipientName: row.show_recipient_name,
        updatedAt: row.updated_at,
      }
    : null;
}

/** Merge hook: the wallet and accepted awards move to the surviving account (duplicate imports dropped). */
export async function moveWalletItems(
  trx: Transaction<Database>,
  fromUserId: string,
  toUserId: string,
): Promise<void> {
  await trx
    .deleteFrom('wallet_items')
    .where('user_id', '=', fromUserId)
    .where('credential_hash', 'is not', null)
    .where(
      'credential_hash',
      'in',
      trx.selectFrom('wallet_items').select('credential_hash').where('user_id', '=', toUserId),
    )
    .execute();
  await trx
    .updateTable('wallet_items')
    .set({ user_id: toUserId })
    .where('user_id', '=', fromUserId)
    .execute();
  // A badge page is shown only while its award's earner owns the wallet item: both move together.
  await reassignAwards(trx, fromUserId, toUserId);
}

/** Items (issued here or imported) whose validity ends after `from` and by `to`, soonest first. */
export async function listItemsExpiring(db: Executor, from: Date, to: Date, limit: number) {
  const rows = await db
    .selectFrom('wallet_items')
    .select(['id', 'user_id', 'award_id', 'badge_name', 'issuer_name', 'valid_until', 'last_report'])
    .where('valid_until', '>', from)
    .where('valid_until', '<=', to)
    .orderBy('valid_until')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    userId: r.user_id,
    awardId: r.award_id,
    badgeName: r.badge_name,
    issuerName: r.issuer_name,
    validUntil: r.valid_until!,
    lastReport: (typeof r.last_report === 'string' ? JSON.parse(r.last_report) : r.last_report) as unknown,
  }));
}
