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
  'org_id',
  'template_id',
  'recipient_name',
  'recipient_email',
  'issued_at',
  'valid_until',
  'evidence_url',
  'evidence_narrative',
  'credential_json',
  'credential_jwt',
  'state',
  'revoked_at',
  'revocation_reason',
  'claimed_by',
  'claimed_at',
  'created_at',
  'status_list_id',
  'status_index',
  'batch_id',
  'api_key_id',
  'created_by',
] as const;

export function toAward(r: Pick<AwardRow, (typeof AWARD_COLUMNS)[number]>): Award {
  return {
    id: r.id,
    orgId: r.org_id,
    templateId: r.template_id,
    recipientName: r.recipient_name,
    recipientEmail: r.recipient_email,
    issuedAt: r.issued_at,
    validUntil: r.valid_until,
    evidenceUrl: r.evidence_url,
    evidenceNarrative: r.evidence_narrative,
    credentialJson: r.credential_json,
    credentialJwt: r.credential_jwt,
    state: r.state,
    revokedAt: r.revoked_at,
    revocationReason: r.revocation_reason,
    claimedBy: r.claimed_by,
    claimedAt: r.claimed_at,
    createdAt: r.created_at,
    statusListId: r.status_list_id,
    statusIndex: r.status_index,
    batchId: r.batch_id,
    apiKeyId: r.api_key_id,
    createdBy: r.created_by,
  };
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
    .select(['id', 'created_at'])
    .where('recipient_email', '=', normalizeAddress(award.recipientEmail))
    .where('org_id', '=', award.orgId)
    .where('template_id', '=', award.templateId)
    .where('id', '!=', award.id)
    .where('revoked_at', 'is', null)
    .where('created_at', '>=', new Date(award.createdAt.getTime() - REPEAT_WINDOW_MS))
    .where('created_at', '<=', award.createdAt)
    .orderBy('created_at', 'desc')
    .limit(20)
    .execute();
  return rows.map((r) => ({ id: r.id, createdAt: r.created_at }));
}

export async function getAward(db: Db, id: string): Promise<Award | null> {
  if (!isUuid(id)) return null;
  const row = await db.selectFrom('awards').select(AWARD_COLUMNS).where('id', '=', id).executeTakeFirst();
  return row ? toAward(row) : null;
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
      .where('claim_token_hash', '=', hash)
      .executeTakeFirst()) ??
    (await db
      .selectFrom('award_claim_tokens as t')
      .innerJoin('awards', 'awards.id', 't.award_id')
      .select(AWARD_COLUMNS.map((c) => `awards.${c}` as const))
      .where('t.token_hash', '=', hash)
      .executeTakeFirst());
  return row ? toAward(row) : null;
}

/**
 * The recipient accepts: the award is bound to their account. Accepting twice by the same user
 * is a no-op; a claim token is single-use, so another account gets CONFLICT.
 */
export async function acceptAward(db: Db, awardId: string, userId: string): Promise<Award> {
  const updated = await db
    .updateTable('awards')
    .set({ state: 'accepted', claimed_by: userId, claimed_at: new Date() })
    .where('id', '=', awardId)
    .where('state', '=', 'pending')
    .where('revoked_at', 'is', null)
    .returning(AWARD_COLUMNS)
    .executeTakeFirst();
  if (updated) return toAward(updated);
  const award = await getAward(db, awardId);
  if (!award) throw notFound('That award');
  return acceptRefusal(award, userId);
}

async function revokeInTransaction(
  trx: Transaction<Database>,
  awardId: string,
  set: Partial<{
    revocation_reason: string;
    revoked_by: string | null;
    state: AwardState;
    recipient_name: null;
    recipient_email: null;
    credential_json: string;
    credential_jwt: string;
    salt: string;
  }>,
): Promise<AwardRow | undefined> {
  const row = await trx
    .selectFrom('awards')
    .selectAll()
    .where('id', '=', awardId)
    .forUpdate()
    .executeTakeFirst();
  if (!row) return undefined;
  if (!row.revoked_at) await setStatusBit(trx, row.status_list_id, row.status_index);
  return trx
    .updateTable('awards')
    .set({ ...set, revoked_at: row.revoked_at ?? new Date() })
    .where('id', '=', awardId)
    .returningAll()
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
      revokeInTransaction(trx, awardId, { revocation_reason: why, revoked_by: byUserId ?? null }),
    );
  if (!row) throw notFound('That award');
  return toAward(row);
}

export const DECLINED_REASON = 'Declined by the recipient';

/**
 * The recipient declines: revoked ("Declined by the recipient"), and their personal data is
 * deleted for good — name, email, the salt and the signed texts that carry the salted hash.
 */
export async function rejectAward(ctx: AppContext, awardId: string): Promise<Award> {
  const row = await ctx.db.transaction().execute((trx) =>
    revokeInTransaction(trx, awardId, {
      revocation_reason: DECLINED_REASON,
      state: 'rejected',
      recipient_name: null,
      recipient_email: null,
      credential_json: '',
      credential_jwt: '',
      salt: '',
    }),
  );
  if (!row) throw notFound('That award');
  return toAward(row);
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
    .where('recipient_email', 'in', emails)
    .where('state', '=', 'pending')
    .where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('valid_until', 'is', null), eb('valid_until', '>', now)]))
    .orderBy('created_at', 'desc')
    .limit(200)
    .execute();
  return rows.map(toAward);
}

/**
 * The issuer id in each organization's most recent signed credential: what its badges carry.
 * One indexed look-up per organization that has issued anything.
 */
export async function lastIssuerIds(db: Db): Promise<{ orgId: string; issuerId: string }[]> {
  const { rows } = await sql<{ org_id: string; credential_json: string }>`
    SELECT o.org_id, a.credential_json
    FROM (SELECT DISTINCT org_id FROM awards) o
    CROSS JOIN LATERAL (
      SELECT credential_json FROM awards
      WHERE org_id = o.org_id AND credential_json <> ''
      ORDER BY created_at DESC LIMIT 1
    ) a`.execute(db);
  return rows.map((r) => {
    const issuer = (JSON.parse(r.credential_json) as { issuer?: string | { id?: string } }).issuer;
    return { orgId: r.org_id, issuerId: String(typeof issuer === 'string' ? issuer : (issuer?.id ?? '')) };
  });
}

/** The awards a user has accepted, newest first (rejected ones are gone). */
export async function listAwardsForUser(db: Db, userId: string): Promise<Award[]> {
  const rows = await db
    .selectFrom('awards')
    .select(AWARD_COLUMNS)
    .where('claimed_by', '=', userId)
    .where('state', '=', 'accepted')
    .orderBy('issued_at', 'desc')
    .execute();
  return rows.map(toAward);
}

/** How many awards of an org are in each state, per template (one grouped query). */
export async function awardCountsByTemplate(
  db: Db,
  orgId: string,
): Promise<Map<string, Record<AwardState, number>>> {
  const rows = await db
    .selectFrom('awards')
    .select(['template_id', 'state', (eb) => eb.fn.countAll<string>().as('n')])
    .where('org_id', '=', orgId)
    .groupBy(['template_id', 'state'])
    .execute();
  const out = new Map<string, Record<AwardState, number>>();
  for (const r of rows) {
    const counts = out.get(r.template_id) ?? { pending: 0, accepted: 0, rejected: 0 };
    counts[r.state] = Number(r.n);
    out.set(r.template_id, counts);
  }
  return out;
}

/** After an account merge: awards claimed by `fromUserId` now belong to `toUserId`. */
export async function reassignAwards(db: Db, fromUserId: string, toUserId: string): Promise<number> {
  const r = await db
    .updateTable('awards')
    .set({ claimed_by: toUserId })
    .where('claimed_by', '=', fromUserId)
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
  let q = db.selectFrom('awards').where('org_id', '=', orgId);
  if (query.q?.trim()) {
    const like = `%${query.q
      .trim()
      .toLowerCase()
      .replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where((eb) =>
      eb.or([eb(sql`lower(recipient_name)`, 'like', like), eb('recipient_email', 'like', like)]),
    );
  }
  if (query.templateId)
    q = isUuid(query.templateId)
      ? q.where('template_id', '=', query.templateId)
      : q.where(sql<boolean>`false`);
  const now = new Date();
  switch (query.state) {
    case 'revoked':
      q = q.where('revoked_at', 'is not', null).where('state', '!=', 'rejected');
      break;
    case 'expired':
      q = q.where('revoked_at', 'is', null).where('valid_until', '<', now);
      break;
    case 'pending':
    case 'accepted':
      q = q
        .where('state', '=', query.state)
        .where('revoked_at', 'is', null)
        .where((eb) => eb.or([eb('valid_until', 'is', null), eb('valid_until', '>=', now)]));
      break;
    case 'rejected':
      q = q.where('state', '=', 'rejected');
      break;
  }
  const [{ total }] = await q.select((eb) => eb.fn.countAll<number>().as('total')).execute();
  const rows = await q
    .select(AWARD_COLUMNS)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(Math.min(Math.max(query.limit ?? 25, 1), 200))
    .offset(Math.max(query.offset ?? 0, 0))
    .execute();
  return { items: rows.map(toAward), total: Number(total) };
}
