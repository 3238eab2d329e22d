import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { sql, type Selectable, type Transaction } from 'kysely';
import type { Config } from '../config.ts';
import type { Database } from '../db/schema.ts';
import type { Db } from '../db/index.ts';
import { LaurelError, notFound } from '../errors.ts';
import type { AppContext } from '../http/context.ts';
import { enqueueEmail, enqueueEmails } from '../mail/outbox.ts';
import { getOrgById, getSigningKey, issuerProfile } from '../orgs/service.ts';
import { allocateStatusIndices, setStatusBit, statusListUrl } from '../status-lists/service.ts';
import { achievementFor, getTemplate, templateImage, validUntilFor } from '../templates/service.ts';
import { awardEmail } from './award-email.tsx';
import { type IssuerBundle, signAward } from './credential.ts';
import type { AwardState, IssuingTables } from './tables.ts';
import { awardFieldErrors, normalizeAddress } from './validate.ts';
import { isUuid } from '../util/checks.ts';
import { hashToken } from '../util/hash.ts';

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

/** What issueAward returns: the award, and the claim link when this call created it. */
export type IssuedAward = Award & { claimUrl?: string; claimToken?: string; replayed?: boolean };

export interface IssueAwardInput {
  orgId: string;
  templateId: string;
  recipientName: string;
  recipientEmail: string;
  issuedAt?: Date;
  validUntil?: Date | null;
  evidenceUrl?: string | null;
  evidenceNarrative?: string | null;
  idempotencyKey?: string;
  createdBy?: string;
  apiKeyId?: string;
  batchId?: string;
}

type AwardRow = Selectable<IssuingTables['awards']>;

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

export const awardClaimUrl = (config: Config, token: string) => `${config.baseUrl}/claim/${token}`;
export const newClaimToken = () => randomBytes(32).toString('base64url');

/** Everything constant for the awards of one template, loaded and checked once (outside any transaction). */
export interface PreparedIssuer {
  org: { id: string; slug: string; name: string };
  template: { id: string; name: string; description: string };
  bundle: IssuerBundle;
  image: Buffer | null;
  validUntilFor(issuedAt: Date): Date | null;
}

export async function prepareIssuer(
  ctx: AppContext,
  orgId: string,
  templateId: string,
): Promise<PreparedIssuer> {
  const org = await getOrgById(ctx.db, orgId);
  if (!org) throw notFound('That organization');
  const template = isUuid(templateId) ? await getTemplate(ctx.db, templateId) : null;
  if (!template || template.orgId !== orgId)
    throw new LaurelError('INVALID', 'Choose a badge template of this organization.', [
      { field: 'templateId', message: 'There is no such badge template in this organization.' },
    ]);
  if (template.status !== 'active')
    throw new LaurelError('INVALID', 'This badge template is not active.', [
      {
        field: 'templateId',
        message: `“${template.name}” is ${template.status}; only active templates can be issued.`,
      },
    ]);
  const key = await getSigningKey(ctx.db, ctx.config, orgId);
  return {
    org: { id: org.id, slug: org.slug, name: org.name },
    template: { id: template.id, name: template.name, description: template.description ?? '' },
    bundle: {
      issuer: issuerProfile(ctx.config, org) as unknown as Record<string, unknown>,
      achievement: achievementFor(ctx.config, org, template) as Record<string, unknown>,
      credentialName: template.name,
      key,
    },
    image: (await templateImage(ctx.db, template.id, 'png')) ?? null,
    validUntilFor: (issuedAt) => validUntilFor(template, issuedAt),
  };
}

/** One award to write, already validated. */
export interface AwardDraft {
  recipientName: string;
  recipientEmail: string;
  issuedAt: Date;
  validUntil: Date | null;
  evidenceUrl: string | null;
  evidenceNarrative: string | null;
  rowKey?: string | null;
  idempotencyKey?: string | null;
  requestHash?: string | null;
  createdBy?: string | null;
  apiKeyId?: string | null;
  batchId?: string | null;
}

export interface WrittenAward {
  award: Award;
  claimToken: string;
  draft: AwardDraft;
}

/**
 * Signs and stores several awards of one issuer inside the caller's transaction: status
 * indices in one statement, one multi-row INSERT, then the award emails. Rows whose row key
 * or idempotency key already exists are skipped (ON CONFLICT DO NOTHING) and send no email.
 */
export async function writeAwards(
  trx: Transaction<Database>,
  config: Config,
  issuer: PreparedIssuer,
  drafts: AwardDraft[],
): Promise<WrittenAward[]> {
  if (drafts.length === 0) return [];
  const slots = await allocateStatusIndices(trx, issuer.org.id, drafts.length);
  const rows: (AwardRow & { token: string; draft: AwardDraft })[] = [];
  for (let i = 0; i < drafts.length; i++) {
    const d = drafts[i]!;
    const slot = slots[i]!;
    const id = randomUUID();
    const salt = randomBytes(16).toString('hex');
    const signed = await signAward(issuer.bundle, {
      awardId: id,
      email: d.recipientEmail,
      salt,
      issuedAt: d.issuedAt,
      validUntil: d.validUntil,
      evidenceUrl: d.evidenceUrl,
      evidenceNarrative: d.evidenceNarrative,
      statusListUrl: statusListUrl(config, issuer.org.slug, slot.listId),
      statusIndex: slot.index,
    });
    const token = newClaimToken();
    rows.push({
      id,
      org_id: issuer.org.id,
      template_id: issuer.template.id,
      recipient_name: d.recipientName,
      recipient_email: normalizeAddress(d.recipientEmail),
      salt,
      issued_at: d.issuedAt,
      valid_until: d.validUntil,
      evidence_url: d.evidenceUrl,
      evidence_narrative: d.evidenceNarrative,
      credential_json: signed.credentialJson,
      credential_jwt: signed.credentialJwt,
      state: 'pending',
      revoked_at: null,
      revocation_reason: null,
      revoked_by: null,
      claimed_by: null,
      claimed_at: null,
      claim_token_hash: hashToken(token),
      status_list_id: slot.listId,
      status_index: slot.index,
      batch_id: d.batchId ?? null,
      row_key: d.rowKey ?? null,
      idempotency_key: d.idempotencyKey ?? null,
      request_hash: d.requestHash ?? null,
      api_key_id: d.apiKeyId ?? null,
      created_by: d.createdBy ?? null,
      created_at: new Date(),
      token,
      draft: d,
    });
  }
  const inserted = await trx
    .insertInto('awards')
    .values(rows.map(({ token: _t, draft: _d, ...row }) => row))
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .execute();
  const kept = new Set(inserted.map((r) => r.id));
  const keptRows = rows.filter((row) => kept.has(row.id));
  await enqueueEmails(
    trx,
    keptRows.map((row) =>
      awardEmail(
        {
          awardId: row.id,
          to: row.recipient_email!,
          recipientName: row.recipient_name!,
          orgName: issuer.org.name,
          badgeName: issuer.template.name,
          badgeDescription: issuer.template.description,
          claimUrl: awardClaimUrl(config, row.token),
          validUntil: row.valid_until,
          image: issuer.image,
        },
        `award:${row.id}`,
      ),
    ),
  );
  return keptRows.map((row) => ({ award: toAward(row), claimToken: row.token, draft: row.draft }));
}

function requestHashOf(input: IssueAwardInput): string {
  const canonical = JSON.stringify([
    input.templateId,
    input.recipientName.trim(),
    normalizeAddress(input.recipientEmail),
    input.issuedAt?.toISOString() ?? null,
    input.validUntil?.toISOString() ?? null,
    input.evidenceUrl ?? null,
    input.evidenceNarrative ?? null,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

async function findByIdempotencyKey(db: Db, orgId: string, key: string) {
  return db
    .selectFrom('awards')
    .select([...AWARD_COLUMNS, 'request_hash'])
    .where('org_id', '=', orgId)
    .where('idempotency_key', '=', key)
    .executeTakeFirst();
}

function replay(
  row: AwardRow | (Pick<AwardRow, (typeof AWARD_COLUMNS)[number]> & { request_hash: string | null }),
  hash: string,
): IssuedAward {
  if (row.request_hash !== hash)
    throw new LaurelError(
      'CONFLICT',
      'This Idempotency-Key was already used for a different request; use a new key for a new award.',
    );
  return { ...toAward(row), replayed: true };
}

/**
 * Issues one award: validates, signs (Data Integrity + VC-JWT), stores the exact texts,
 * allocates a status index and queues the award email, all in one transaction. With an
 * idempotency key, a repeat of the same request returns the first award (`replayed`), and a
 * different request under the same key is a CONFLICT.
 */
export async function issueAward(ctx: AppContext, input: IssueAwardInput): Promise<IssuedAward> {
  const issuedAt = input.issuedAt ?? new Date();
  const fieldErrors = awardFieldErrors({ ...input, issuedAt });
  if (input.idempotencyKey !== undefined && !/^[\x21-\x7e]{1,200}$/.test(input.idempotencyKey))
    fieldErrors.push({
      field: 'idempotencyKey',
      message: 'The Idempotency-Key must be 1–200 visible ASCII characters.',
    });
  if (fieldErrors.length) throw new LaurelError('INVALID', 'The award could not be issued.', fieldErrors);

  const hash = requestHashOf(input);
  if (input.idempotencyKey) {
    const existing = await findByIdempotencyKey(ctx.db, input.orgId, input.idempotencyKey);
    if (existing) return replay(existing, hash);
  }
  const issuer = await prepareIssuer(ctx, input.orgId, input.templateId);
  const draft: AwardDraft = {
    recipientName: input.recipientName.trim(),
    recipientEmail: normalizeAddress(input.recipientEmail),
    issuedAt,
    validUntil: input.validUntil ?? issuer.validUntilFor(issuedAt),
    evidenceUrl: input.evidenceUrl?.trim() || null,
    evidenceNarrative: input.evidenceNarrative?.trim() || null,
    idempotencyKey: input.idempotencyKey ?? null,
    requestHash: input.idempotencyKey ? hash : null,
    createdBy: input.createdBy ?? null,
    apiKeyId: input.apiKeyId ?? null,
    batchId: input.batchId ?? null,
  };
  if (draft.validUntil && draft.validUntil.getTime() <= issuedAt.getTime())
    throw new LaurelError('INVALID', 'The award could not be issued.', [
      {
        field: 'validUntil',
        // Only the template's fixed expiry date can get here without an expiry date given.
        message: input.validUntil
          ? 'The expiry date must be after the issue date.'
          : `This badge’s template makes every badge expire on ${draft.validUntil.toISOString().slice(0, 10)}, which is not after the issue date: give a later expiry date, or change the template’s expiry.`,
      },
    ]);
  const [written] = await ctx.db
    .transaction()
    .execute((trx) => writeAwards(trx, ctx.config, issuer, [draft]));
  if (!written) {
    // Lost a race with the same Idempotency-Key: the other request's award is the answer.
    const existing = input.idempotencyKey
      ? await findByIdempotencyKey(ctx.db, input.orgId, input.idempotencyKey)
      : undefined;
    if (existing) return replay(existing, hash);
    throw new LaurelError('CONFLICT', 'The award could not be stored; please try again.');
  }
  return {
    ...written.award,
    claimToken: written.claimToken,
    claimUrl: awardClaimUrl(ctx.config, written.claimToken),
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
  if (award.state === 'accepted' && award.claimedBy === userId) return award;
  if (award.state === 'rejected')
    throw new LaurelError('GONE', 'This badge was declined and no longer exists.');
  if (award.revokedAt) throw new LaurelError('GONE', 'This badge has been revoked by its issuer.');
  throw new LaurelError('CONFLICT', 'This badge has already been claimed by another account.');
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
  if (current.revokedAt) throw new LaurelError('CONFLICT', 'This award is already revoked.');
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

/**
 * Sends the claim email again with a fresh link, for the issuer's "re-send" button and the
 * reminders. Earlier links keep working: a person may well click the first email's.
 */
export async function resendClaimEmail(
  ctx: AppContext,
  awardId: string,
  opts: { reminder?: boolean } = {},
): Promise<{ claimUrl: string }> {
  const award = await getAward(ctx.db, awardId);
  if (!award) throw notFound('That award');
  if (award.state !== 'pending' || award.revokedAt || !award.recipientEmail)
    throw new LaurelError('CONFLICT', 'Only a pending, unrevoked award can be sent again.');
  const org = await getOrgById(ctx.db, award.orgId);
  const template = await getTemplate(ctx.db, award.templateId);
  if (!org || !template) throw notFound('That award');
  const image = (await templateImage(ctx.db, template.id, 'png')) ?? null;
  const token = newClaimToken();
  const claimUrl = awardClaimUrl(ctx.config, token);
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('award_claim_tokens')
      .values({ token_hash: hashToken(token), award_id: awardId })
      .execute();
    await enqueueEmail(
      trx,
      awardEmail(
        {
          awardId,
          to: award.recipientEmail!,
          recipientName: award.recipientName ?? '',
          orgName: org.name,
          badgeName: template.name,
          badgeDescription: template.description ?? '',
          claimUrl,
          validUntil: award.validUntil,
          image,
          reminder: opts.reminder,
        },
        `award:${awardId}:resend:${hashToken(token).slice(0, 16)}`,
      ),
    );
  });
  return { claimUrl };
}

export type AwardFilterState = AwardState | 'revoked' | 'expired';

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

/** The display state of an award: rejected and revoked win over expired, expired over the claim state. */
export function displayState(award: Award, now = new Date()): AwardFilterState {
  if (award.state === 'rejected') return 'rejected';
  if (award.revokedAt) return 'revoked';
  if (award.validUntil && award.validUntil < now) return 'expired';
  return award.state;
}
