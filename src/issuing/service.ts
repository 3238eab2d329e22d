// Awards as stored: reading them, the recipient's accept and decline, revocation, and the lists
// the dashboard, the wallet and other features read. Issuing itself is in issue.ts.
import { type Selectable, sql, type Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Db } from '../db/index.ts';
import { LaurelError, notFound } from '../errors.ts';
import type { AppContext } from '../http/context.ts';
import { setStatusBit } from '../status-lists/service.ts';
import { isUuid } from '../util/checks.ts';
import { hashToken } from '../util/hash.ts';
import { type AwardFilterState, acceptRefusal, awardOfOrg, checkRevocable } from './policy.ts';
import type { AwardState, EvidenceItem, IssuingTables } from './tables.ts';
import { normalizeAddress } from './validate.ts';

export interface Award {
  id: string;
  orgId: string;
  templateId: string;
  /** Null once the recipient rejected the award (their personal data is deleted). */
  recipientName: string | null;
  recipientEmail: string | null;
  issuedAt: Date;
  validUntil: Date | null;
  evidenceUrl: string | null;
  evidenceNarrative: string | null;
  /** Further evidence signed into the credential (applications, renewals). */
  evidence: EvidenceItem[] | null;
  /** The exact signed text (Data Integrity proof); empty once rejected. */
  credentialJson: string;
  /** The exact compact VC-JWT; empty once rejected. */
  credentialJwt: string;
  /** The award that renewed this one (it stays valid; its page says so). */
  renewedBy: string | null;
  state: AwardState;
  revokedAt: Date | null;
  revocationReason: string | null;
  claimedBy: string | null;
  claimedAt: Date | null;
  createdAt: Date;
  statusListId: string;
  statusIndex: number;
  batchId: string | null;
  apiKeyId: string | null;
  createdBy: string | null;
}

export type AwardRow = Selectable<IssuingTables['awards']>;

export const AWARD_COLUMNS = [
  'id',
  'orgId',
  'templateId',
  'recipientName',
  'recipientEmail',
  'issuedAt',
  'validUntil',
  'evidenceUrl',
  'evidenceNarrative',
  'evidence',
  'credentialJson',
  'credentialJwt',
  'renewedBy',
  'state',
  'revokedAt',
  'revocationReason',
  'claimedBy',
  'claimedAt',
  'createdAt',
  'statusListId',
  'statusIndex',
  'batchId',
  'apiKeyId',
  'createdBy',
] as const;

type AwardColumn = (typeof AWARD_COLUMNS)[number];

/** The award of a wider row (a join, a row built for insertion): its salt and token hashes stay behind. */
export function toAward(r: Pick<AwardRow, AwardColumn>): Award {
  return Object.fromEntries(AWARD_COLUMNS.map((c) => [c, r[c]])) as Pick<AwardRow, AwardColumn>;
}

/** How far back an award of the same template to the same address counts as a likely repeat. */
export const REPEAT_WINDOW_MS = 24 * 3600_000;

/**
 * Earlier live awards of the same template to the same (normalized) address, in the 24 hours
 * before `award` was created, newest first: a request that repeats one of them is probably a
 * retry without an Idempotency-Key. Revoked and declined awards do not count (re-issuing after
 * a revocation is deliberate).
 */
export async function findRecentRepeats(
  db: Db,
  award: Pick<Award, 'id' | 'orgId' | 'templateId' | 'recipientEmail' | 'createdAt'>,
): Promise<{ id: string; createdAt: Date }[]> {
  if (!award.recipientEmail) return [];
  const rows = await db
    .selectFrom('awards')
    .select(['id', 'createdAt'])
    .where('recipientEmail', '=', normalizeAddress(award.recipientEmail))
    .where('orgId', '=', award.orgId)
    .where('templateId', '=', award.templateId)
    .where('id', '!=', award.id)
    .where('revokedAt', 'is', null)
    .where('createdAt', '>=', new Date(award.createdAt.getTime() - REPEAT_WINDOW_MS))
    .where('createdAt', '<=', award.createdAt)
    .orderBy('createdAt', 'desc')
    .limit(20)
    .execute();
  return rows;
}

export async function getAward(db: Db, id: string): Promise<Award | null> {
  if (!isUuid(id)) return null;
  return (
    (await db.selectFrom('awards').select(AWARD_COLUMNS).where('id', '=', id).executeTakeFirst()) ?? null
  );
}

/** An award of one organization: another organization's reads as missing (NOT_FOUND). */
export async function getOrgAward(db: Db, orgId: string, id: string): Promise<Award> {
  return awardOfOrg(await getAward(db, id), orgId);
}

export async function findAwardByClaimToken(db: Db, token: string): Promise<Award | null> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
  const hash = hashToken(token);
  // Two indexed look-ups (the first email's link, then later ones) rather than one OR.
  const row =
    (await db
      .selectFrom('awards')
      .select(AWARD_COLUMNS)
      .where('claimTokenHash', '=', hash)
      .executeTakeFirst()) ??
    (await db
      .selectFrom('awardClaimTokens as t')
      .innerJoin('awards', 'awards.id', 't.awardId')
      .select(AWARD_COLUMNS.map((c) => `awards.${c}` as const))
      .where('t.tokenHash', '=', hash)
      .executeTakeFirst());
  return row ?? null;
}

/**
 * The recipient accepts: the award is bound to their account. Accepting twice by the same user
 * is a no-op; a claim token is single-use, so another account gets CONFLICT.
 */
export async function acceptAward(db: Db, awardId: string, userId: string): Promise<Award> {
  const updated = await db
    .updateTable('awards')
    .set({ state: 'accepted', claimedBy: userId, claimedAt: new Date() })
    .where('id', '=', awardId)
    .where('state', '=', 'pending')
    .where('revokedAt', 'is', null)
    .returning(AWARD_COLUMNS)
    .executeTakeFirst();
  if (updated) return updated;
  const award = await getAward(db, awardId);
  if (!award) throw notFound('That award');
  return acceptRefusal(award, userId);
}

async function revokeInTransaction(
  trx: Transaction<Database>,
  awardId: string,
  set: Partial<{
    revocationReason: string;
    revokedBy: string | null;
    state: AwardState;
    recipientName: null;
    recipientEmail: null;
    credentialJson: string;
    credentialJwt: string;
    salt: string;
  }>,
): Promise<Award | undefined> {
  const row = await trx
    .selectFrom('awards')
    .selectAll()
    .where('id', '=', awardId)
    .forUpdate()
    .executeTakeFirst();
  if (!row) return undefined;
  if (!row.revokedAt) await setStatusBit(trx, row.statusListId, row.statusIndex);
  return trx
    .updateTable('awards')
    .set({ ...set, revokedAt: row.revokedAt ?? new Date() })
    .where('id', '=', awardId)
    .returning(AWARD_COLUMNS)
    .executeTakeFirst();
}

/**
 * Revokes: the award's bit in the org's status list is set in the same transaction, so the
 * next fetch of the (lazily re-signed) list shows it.
 */
export async function revokeAward(
  ctx: AppContext,
  awardId: string,
  reason: string,
  byUserId?: string,
): Promise<Award> {
  const why = reason.trim();
  if (!why || why.length > 500)
    throw new LaurelError('INVALID', 'Give a reason for the revocation.', [
      {
        field: 'reason',
        message: why
          ? 'The reason is too long (500 characters at most).'
          : 'Enter a reason; it is shown to verifiers.',
      },
    ]);
  const current = await getAward(ctx.db, awardId);
  if (!current) throw notFound('That award');
  checkRevocable(current);
  const row = await ctx.db
    .transaction()
    .execute((trx) =>
      revokeInTransaction(trx, awardId, { revocationReason: why, revokedBy: byUserId ?? null }),
    );
  if (!row) throw notFound('That award');
  return row;
}

export const DECLINED_REASON = 'Declined by the recipient';

/**
 * The recipient declines: revoked ("Declined by the recipient"), and their personal data is
 * deleted for good — name, email, the salt and the signed texts that carry the salted hash.
 */
export async function rejectAward(ctx: AppContext, awardId: string): Promise<Award> {
  const row = await ctx.db.transaction().execute((trx) =>
    revokeInTransaction(trx, awardId, {
      revocationReason: DECLINED_REASON,
      state: 'rejected',
      recipientName: null,
      recipientEmail: null,
      credentialJson: '',
      credentialJwt: '',
      salt: '',
    }),
  );
  if (!row) throw notFound('That award');
  return row;
}

/**
 * Awards waiting for a decision at any of `emails` (normalized, confirmed addresses of one
 * account): pending, not revoked, not expired; newest first.
 */
export async function listPendingAwardsTo(db: Db, emails: string[], now = new Date()): Promise<Award[]> {
  if (emails.length === 0) return [];
  const rows = await db
    .selectFrom('awards')
    .select(AWARD_COLUMNS)
    .where('recipientEmail', 'in', emails)
    .where('state', '=', 'pending')
    .where('revokedAt', 'is', null)
    .where((eb) => eb.or([eb('validUntil', 'is', null), eb('validUntil', '>', now)]))
    .orderBy('createdAt', 'desc')
    .limit(200)
    .execute();
  return rows;
}

/**
 * The issuer id in each organization's most recent signed credential: what its badges carry.
 * One indexed look-up per organization that has issued anything.
 */
export async function lastIssuerIds(db: Db): Promise<{ orgId: string; issuerId: string }[]> {
  const { rows } = await sql<{ orgId: string; credentialJson: string }>`
    SELECT o.org_id, a.credential_json
    FROM (SELECT DISTINCT org_id FROM awards) o
    CROSS JOIN LATERAL (
      SELECT credential_json FROM awards
      WHERE org_id = o.org_id AND credential_json <> ''
      ORDER BY created_at DESC LIMIT 1
    ) a`.execute(db);
  return rows.map((r) => {
    const issuer = (JSON.parse(r.credentialJson) as { issuer?: string | { id?: string } }).issuer;
    return { orgId: r.orgId, issuerId: String(typeof issuer === 'string' ? issuer : (issuer?.id ?? '')) };
  });
}

/** How many awards of an org are in each state, per template (one grouped query). */
export async function awardCountsByTemplate(
  db: Db,
  orgId: string,
): Promise<Map<string, Record<AwardState, number>>> {
  const rows = await db
    .selectFrom('awards')
    .select(['templateId', 'state', (eb) => eb.fn.countAll<string>().as('n')])
    .where('orgId', '=', orgId)
    .groupBy(['templateId', 'state'])
    .execute();
  const out = new Map<string, Record<AwardState, number>>();
  for (const r of rows) {
    const counts = out.get(r.templateId) ?? { pending: 0, accepted: 0, rejected: 0 };
    counts[r.state] = Number(r.n);
    out.set(r.templateId, counts);
  }
  return out;
}

/** After an account merge: awards claimed by `fromUserId` now belong to `toUserId`. */
export async function reassignAwards(db: Db, fromUserId: string, toUserId: string): Promise<number> {
  const r = await db
    .updateTable('awards')
    .set({ claimedBy: toUserId })
    .where('claimedBy', '=', fromUserId)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** What the issued list filters on: a search of name or email, a template, a display state. */
export interface AwardFilter {
  q?: string;
  templateId?: string;
  state?: AwardFilterState;
}

export interface AwardQuery extends AwardFilter {
  limit?: number;
  offset?: number;
}

/**
 * The awards of an org matching `filter`. Each filter has an index to read (migration 0018):
 * the template one, the revoked one, and trigrams for the search, so a `LIKE '%…%'` over
 * 100,000 awards reads the matching rows only.
 */
function filteredAwards(db: Db, orgId: string, filter: AwardFilter, now = new Date()) {
  let q = db.selectFrom('awards').where('orgId', '=', orgId);
  if (filter.q?.trim()) {
    const like = `%${filter.q
      .trim()
      .toLowerCase()
      .replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where((eb) =>
      eb.or([eb(sql`lower(recipient_name)`, 'like', like), eb('recipientEmail', 'like', like)]),
    );
  }
  if (filter.templateId)
    q = isUuid(filter.templateId)
      ? q.where('templateId', '=', filter.templateId)
      : q.where(sql<boolean>`false`);
  switch (filter.state) {
    case 'revoked':
      q = q.where('revokedAt', 'is not', null).where('state', '!=', 'rejected');
      break;
    case 'expired':
      q = q.where('revokedAt', 'is', null).where('validUntil', '<', now);
      break;
    case 'pending':
    case 'accepted':
      q = q
        .where('state', '=', filter.state)
        .where('revokedAt', 'is', null)
        .where((eb) => eb.or([eb('validUntil', 'is', null), eb('validUntil', '>=', now)]));
      break;
    case 'rejected':
      // A declined award is revoked too: the revoked index holds it.
      q = q.where('state', '=', 'rejected').where('revokedAt', 'is not', null);
      break;
  }
  return q;
}

/** The issued list of an org (the API): search by name or email, filter by template and state, exact total. */
export async function listOrgAwards(
  db: Db,
  orgId: string,
  query: AwardQuery,
): Promise<{ items: Award[]; total: number }> {
  const q = filteredAwards(db, orgId, query);
  const [{ total }] = await q.select((eb) => eb.fn.countAll<number>().as('total')).execute();
  const rows = await q
    .select(AWARD_COLUMNS)
    .orderBy('createdAt', 'desc')
    .orderBy('id', 'desc')
    .limit(Math.min(Math.max(query.limit ?? 25, 1), 200))
    .offset(Math.max(query.offset ?? 0, 0))
    .execute();
  return { items: rows, total: Number(total) };
}

/** What a row of the issued list shows: no signed texts. */
export const AWARD_ROW_COLUMNS = [
  'id',
  'templateId',
  'recipientName',
  'recipientEmail',
  'issuedAt',
  'validUntil',
  'state',
  'revokedAt',
] as const;
export type AwardRowSummary = Pick<Award, (typeof AWARD_ROW_COLUMNS)[number]>;

/**
 * Where a page of the issued list starts: the rows older than the award `after`, or newer than
 * the award `before` (the previous page). A cursor is an award id: the page reads on from that
 * award's place in (created_at, id) order in the index, however deep, instead of skipping rows.
 */
export interface AwardPageQuery extends AwardFilter {
  after?: string;
  before?: string;
  limit: number;
}

export interface AwardPage {
  items: AwardRowSummary[];
  /** The cursor of the previous (newer) page, null on the first page. */
  newer: string | null;
  /** The cursor of the next (older) page, null on the last page. */
  older: string | null;
}

/** One page of the issued list, newest first (keyset pagination over the list's indexes). */
export async function pageOrgAwards(db: Db, orgId: string, query: AwardPageQuery): Promise<AwardPage> {
  const limit = Math.min(Math.max(query.limit, 1), 200);
  const cursor = query.before ?? query.after;
  const backwards = query.before !== undefined;
  let q = filteredAwards(db, orgId, query);
  if (cursor !== undefined) {
    if (!isUuid(cursor)) return pageOrgAwards(db, orgId, { ...query, after: undefined, before: undefined });
    // The cursor's creation time is read inside the comparison (at full precision; a JS Date
    // would cut it to milliseconds), as a row comparison the index scan starts from.
    q = q.where(
      sql`(created_at, id)`,
      backwards ? '>' : '<',
      sql`((SELECT c.created_at FROM awards c WHERE c.id = ${cursor} AND c.org_id = ${orgId}), ${cursor}::uuid)`,
    );
  }
  const order = backwards ? 'asc' : 'desc';
  const rows = await q
    .select(AWARD_ROW_COLUMNS)
    .orderBy('createdAt', order)
    .orderBy('id', order)
    .limit(limit + 1)
    .execute();
  const more = rows.length > limit;
  const items = rows.slice(0, limit);
  // Back at the newest end (or an unknown cursor): the first page, full.
  if (cursor !== undefined && (items.length === 0 || (backwards && !more)))
    return pageOrgAwards(db, orgId, { ...query, after: undefined, before: undefined });
  if (backwards) items.reverse();
  const hasNewer = backwards ? more : cursor !== undefined;
  const hasOlder = backwards || more;
  return {
    items,
    newer: hasNewer ? (items[0]?.id ?? null) : null,
    older: hasOlder ? (items.at(-1)?.id ?? null) : null,
  };
}

/** Above this many matches the issued list says "more than" rather than counting every row. */
export const AWARD_COUNT_CAP = 1000;
/**
 * A search counts to a lower cap: its matches are spread over the whole list, so each one counted
 * costs a row read (for a common name the planner scans in order until the cap is reached).
 */
export const SEARCH_COUNT_CAP = 100;

/**
 * How many awards match, counted up to `cap` (then `more`): a page view of a large
 * organization reads at most `cap` index entries instead of all of them.
 */
export async function countOrgAwards(
  db: Db,
  orgId: string,
  filter: AwardFilter,
  cap = filter.q?.trim() ? SEARCH_COUNT_CAP : AWARD_COUNT_CAP,
): Promise<{ count: number; more: boolean }> {
  const matches = filteredAwards(db, orgId, filter)
    .select(sql<number>`1`.as('one'))
    .limit(cap + 1)
    .as('m');
  const row = await db
    .selectFrom(matches)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const n = Number(row.n);
  return n > cap ? { count: cap, more: true } : { count: n, more: false };
}
