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
import type { AwardState, IssuingTables } from './tables.ts';
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
  /** The exact signed text (Data Integrity proof); empty once rejected. */
  credentialJson: string;
  /** The exact compact VC-JWT; empty once rejected. */
  credentialJwt: string;
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
  'credentialJson',
  'credentialJwt',
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

/** The awards a user has accepted, newest first (rejected ones are gone). */
export async function listAwardsForUser(db: Db, userId: string): Promise<Award[]> {
  const rows = await db
    .selectFrom('awards')
    .select(AWARD_COLUMNS)
    .where('claimedBy', '=', userId)
    .where('state', '=', 'accepted')
    .orderBy('issuedAt', 'desc')
    .execute();
  return rows;
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

export interface AwardQuery {
  q?: string;
  templateId?: string;
  state?: AwardFilterState;
  limit?: number;
  offset?: number;
}

/** The issued list of an org: search by name or email, filter by template and state. */
export async function listOrgAwards(
  db: Db,
  orgId: string,
  query: AwardQuery,
): Promise<{ items: Award[]; total: number }> {
  let q = db.selectFrom('awards').where('orgId', '=', orgId);
  if (query.q?.trim()) {
    const like = `%${query.q
      .trim()
      .toLowerCase()
      .replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where((eb) =>
      eb.or([eb(sql`lower(recipient_name)`, 'like', like), eb('recipientEmail', 'like', like)]),
    );
  }
  if (query.templateId)
    q = isUuid(query.templateId)
      ? q.where('templateId', '=', query.templateId)
      : q.where(sql<boolean>`false`);
  const now = new Date();
  switch (query.state) {
    case 'revoked':
      q = q.where('revokedAt', 'is not', null).where('state', '!=', 'rejected');
      break;
    case 'expired':
      q = q.where('revokedAt', 'is', null).where('validUntil', '<', now);
      break;
    case 'pending':
    case 'accepted':
      q = q
        .where('state', '=', query.state)
        .where('revokedAt', 'is', null)
        .where((eb) => eb.or([eb('validUntil', 'is', null), eb('validUntil', '>=', now)]));
      break;
    case 'rejected':
      q = q.where('state', '=', 'rejected');
      break;
  }
  const [{ total }] = await q.select((eb) => eb.fn.countAll<number>().as('total')).execute();
  const rows = await q
    .select(AWARD_COLUMNS)
    .orderBy('createdAt', 'desc')
    .orderBy('id')
    .limit(Math.min(Math.max(query.limit ?? 25, 1), 200))
    .offset(Math.max(query.offset ?? 0, 0))
    .execute();
  return { items: rows, total: Number(total) };
}
