import { type Selectable, type Transaction, sql } from 'kysely';
import type { Db, Executor } from '../db/index.ts';
import type { Database } from '../db/schema.ts';
import { LaurelError } from '../errors.ts';
import { type Award, getAward, reassignAwards } from '../issuing/service.ts';
import { isUuid } from '../util/checks.ts';
import { type AwardVisibility, assertOwnItem, assertRemovable, awardAccess } from './policy.ts';
import type { Visibility, WalletTables } from './tables.ts';

type Row = Selectable<WalletTables['walletItems']>;

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
  'userId',
  'awardId',
  'credentialText',
  'format',
  'sourceUrl',
  'issuerName',
  'issuerId',
  'badgeName',
  'badgeDescription',
  'imageType',
  'imageUrl',
  'validUntil',
  'visibility',
  'showRecipientName',
  'addedAt',
  'updatedAt',
  'lastVerifiedAt',
  'lastReport',
] as const;

/** JSON columns come back parsed from Postgres and as text from PGlite. */
function parseJson(value: unknown): unknown {
  return typeof value === 'string' ? JSON.parse(value) : value;
}

function toItem(r: Pick<Row, (typeof COLUMNS)[number]>): WalletItem {
  return { ...r, hasImage: r.imageType !== null, lastReport: parseJson(r.lastReport) };
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
    .insertInto('walletItems')
    .values({
      ...input,
      badgeDescription: input.badgeDescription || null,
      // The earner's name shows on the badge's page by default once they make it public, as on
      // other badge platforms; they are asked when accepting and can hide it later.
      showRecipientName: true,
    })
    .onConflict((oc) => oc.column('awardId').doNothing())
    .execute();
  const row = await db
    .selectFrom('walletItems')
    .select(COLUMNS)
    .where('awardId', '=', input.awardId)
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
  const { image, report, ...columns } = input;
  const row = await db
    .insertInto('walletItems')
    .values({
      ...columns,
      image: image?.data ?? null,
      imageType: image?.type ?? null,
      lastVerifiedAt: new Date(),
      lastReport: JSON.stringify(report),
    })
    .onConflict((oc) =>
      oc.columns(['userId', 'credentialHash']).where('credentialHash', 'is not', null).doNothing(),
    )
    .returning(COLUMNS)
    .executeTakeFirst();
  if (!row) throw new LaurelError('CONFLICT', 'This badge is already in your wallet.');
  return toItem(row);
}

export async function getWalletItem(db: Executor, id: string): Promise<WalletItem | null> {
  if (!isUuid(id)) return null;
  const row = await db.selectFrom('walletItems').select(COLUMNS).where('id', '=', id).executeTakeFirst();
  return row ? toItem(row) : null;
}

/** An item of `userId`'s wallet; anyone else's item is NOT_FOUND, exactly like a missing one. */
export async function getOwnItem(db: Executor, userId: string, id: string): Promise<WalletItem> {
  return assertOwnItem(await getWalletItem(db, id), userId);
}

export async function getItemForAward(db: Executor, awardId: string): Promise<WalletItem | null> {
  if (!isUuid(awardId)) return null;
  const row = await db
    .selectFrom('walletItems')
    .select(COLUMNS)
    .where('awardId', '=', awardId)
    .executeTakeFirst();
  return row ? toItem(row) : null;
}

export async function itemImage(db: Executor, id: string): Promise<{ data: Buffer; type: string } | null> {
  if (!isUuid(id)) return null;
  const row = await db
    .selectFrom('walletItems')
    .select(['image', 'imageType'])
    .where('id', '=', id)
    .executeTakeFirst();
  return row?.image && row.imageType ? { data: Buffer.from(row.image), type: row.imageType } : null;
}

export async function listWalletItems(db: Executor, userId: string): Promise<WalletItem[]> {
  const rows = await db
    .selectFrom('walletItems')
    .select(COLUMNS)
    .where('userId', '=', userId)
    .orderBy('addedAt', 'desc')
    .orderBy('id')
    .execute();
  return rows.map(toItem);
}

/** An item as lists show it (the wallet, the profile, the API): no credential text or report. */
export type WalletSummary = Pick<
  WalletItem,
  | 'id'
  | 'awardId'
  | 'issuerName'
  | 'issuerId'
  | 'badgeName'
  | 'badgeDescription'
  | 'hasImage'
  | 'validUntil'
  | 'visibility'
  | 'showRecipientName'
  | 'addedAt'
>;

/** What decides the state of a badge issued here (see badgeState). */
export type AwardStanding = Pick<Award, 'id' | 'state' | 'revokedAt' | 'validUntil'>;

export interface WalletRow {
  item: WalletSummary;
  /** The award of a badge issued here, while the wallet's owner holds it (accepted, claimed by them). */
  award: AwardStanding | null;
  /** The last verification report of an imported badge (its state); null for one issued here. */
  report: unknown;
}

/**
 * A wallet's items with what their state is made of, in one query of the columns the lists show:
 * no signed credential, imported text or report of a badge issued here is read, so 200 badges
 * cost one small result. `itemId` narrows it to one item.
 */
export async function listWalletRows(db: Executor, userId: string, itemId?: string): Promise<WalletRow[]> {
  if (itemId !== undefined && !isUuid(itemId)) return [];
  let q = db
    .selectFrom('walletItems as w')
    .leftJoin('awards as a', (join) =>
      join
        .onRef('a.id', '=', 'w.awardId')
        .onRef('a.claimedBy', '=', 'w.userId')
        .on('a.state', '=', 'accepted'),
    )
    .select([
      'w.id',
      'w.awardId',
      'w.issuerName',
      'w.issuerId',
      'w.badgeName',
      'w.badgeDescription',
      'w.imageType',
      'w.validUntil',
      'w.visibility',
      'w.showRecipientName',
      'w.addedAt',
      'a.state',
      'a.revokedAt',
      'a.validUntil as awardValidUntil',
      // Only an imported badge's state comes from its report.
      sql<unknown>`CASE WHEN w.award_id IS NULL THEN w.last_report END`.as('report'),
    ])
    .where('w.userId', '=', userId);
  if (itemId !== undefined) q = q.where('w.id', '=', itemId);
  const rows = await q.orderBy('w.addedAt', 'desc').orderBy('w.id').execute();
  // Built field by field: 200 rows through object rest/spread cost milliseconds a page.
  return rows.map((r) => ({
    item: {
      id: r.id,
      awardId: r.awardId,
      issuerName: r.issuerName,
      issuerId: r.issuerId,
      badgeName: r.badgeName,
      badgeDescription: r.badgeDescription,
      hasImage: r.imageType !== null,
      validUntil: r.validUntil,
      visibility: r.visibility,
      showRecipientName: r.showRecipientName,
      addedAt: r.addedAt,
    },
    award:
      r.awardId && r.state
        ? { id: r.awardId, state: r.state, revokedAt: r.revokedAt, validUntil: r.awardValidUntil }
        : null,
    report: parseJson(r.report),
  }));
}

export async function listPublicItems(db: Executor, userId: string): Promise<WalletItem[]> {
  const rows = await db
    .selectFrom('walletItems')
    .select(COLUMNS)
    .where('userId', '=', userId)
    .where('visibility', '=', 'public')
    .orderBy('addedAt', 'desc')
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
    .updateTable('walletItems')
    .set({ visibility, updatedAt: new Date() })
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
    .updateTable('walletItems')
    .set({ showRecipientName: show, updatedAt: new Date() })
    .where('id', '=', item.id)
    .returning(COLUMNS)
    .executeTakeFirstOrThrow();
  return toItem(row);
}

/** Removes an imported badge. A badge accepted here is declined through its claim page instead. */
export async function deleteImportedItem(db: Executor, userId: string, itemId: string): Promise<void> {
  const item = await getOwnItem(db, userId, itemId);
  assertRemovable(item);
  await db.deleteFrom('walletItems').where('id', '=', item.id).execute();
}

export async function removeItemForAward(db: Executor, awardId: string): Promise<void> {
  if (!isUuid(awardId)) return;
  await db.deleteFrom('walletItems').where('awardId', '=', awardId).execute();
}

export async function saveReport(db: Executor, itemId: string, report: unknown, at = new Date()) {
  await db
    .updateTable('walletItems')
    .set({ lastReport: JSON.stringify(report), lastVerifiedAt: at })
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
    .selectFrom('walletItems')
    .select(['id as itemId', 'userId', 'visibility', 'showRecipientName', 'updatedAt'])
    .where('awardId', '=', awardId)
    .executeTakeFirst();
  return row ?? null;
}

/** Merge hook: the wallet and accepted awards move to the surviving account (duplicate imports dropped). */
export async function moveWalletItems(
  trx: Transaction<Database>,
  fromUserId: string,
  toUserId: string,
): Promise<void> {
  await trx
    .deleteFrom('walletItems')
    .where('userId', '=', fromUserId)
    .where('credentialHash', 'is not', null)
    .where(
      'credentialHash',
      'in',
      trx.selectFrom('walletItems').select('credentialHash').where('userId', '=', toUserId),
    )
    .execute();
  await trx.updateTable('walletItems').set({ userId: toUserId }).where('userId', '=', fromUserId).execute();
  // A badge page is shown only while its award's earner owns the wallet item: both move together.
  await reassignAwards(trx, fromUserId, toUserId);
}

/** Items (issued here or imported) whose validity ends after `from` and by `to`, soonest first. */
export async function listItemsExpiring(db: Executor, from: Date, to: Date, limit: number) {
  const rows = await db
    .selectFrom('walletItems')
    .select(['id', 'userId', 'awardId', 'badgeName', 'issuerName', 'validUntil', 'lastReport'])
    .where('validUntil', '>', from)
    .where('validUntil', '<=', to)
    .orderBy('validUntil')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ ...r, validUntil: r.validUntil!, lastReport: parseJson(r.lastReport) }));
}
