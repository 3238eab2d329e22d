// Issuing awards: one issuer's awards signed and written in one transaction (the form, the API
// and bulk CSV all end here), idempotent retries, and the claim email sent again.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Config } from '../config.ts';
import type { Database } from '../db/schema.ts';
import type { Db } from '../db/index.ts';
import { LaurelError, notFound } from '../errors.ts';
import type { AppContext } from '../http/context.ts';
import { enqueueEmail, enqueueEmails } from '../mail/outbox.ts';
import { getOrgById } from '../orgs/service.ts';
import { getSigningKey } from '../orgs/keys.ts';
import { issuerProfile } from '../orgs/presenters.ts';
import { allocateStatusIndices, type StatusSlot, statusListUrl } from '../status-lists/service.ts';
import { getTemplate, templateImage } from '../templates/service.ts';
import { achievementFor } from '../templates/presenters.ts';
import { validUntilFor } from '../templates/policy.ts';
import { isUuid } from '../util/checks.ts';
import { hashToken, sha256Hex } from '../util/hash.ts';
import { awardEmail } from './award-email.tsx';
import { type AwardFacts, type IssuerBundle, type SignedAward, signAwards } from './credential.ts';
import { checkResendable } from './policy.ts';
import { AWARD_COLUMNS, type Award, type AwardRow, getAward, toAward } from './service.ts';
import type { EvidenceItem } from './tables.ts';
import { type AwardFields, awardFieldErrors, normalizeAddress } from './validate.ts';

/** What issueAward returns: the award, and the claim link when this call created it. */
export type IssuedAward = Award & { claimUrl?: string; claimToken?: string; replayed?: boolean };

export interface IssueAwardInput extends AwardFields {
  orgId: string;
  templateId: string;
  idempotencyKey?: string;
  createdBy?: string;
  apiKeyId?: string;
  batchId?: string;
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
  /** Further evidence signed into the credential (application answers, public files, renewals). */
  evidence?: EvidenceItem[] | null;
  /**
   * Issued straight into this account's wallet, accepted (an approved application, a redeemed
   * code: the earner asked for it while signed in with the verified address it is issued to).
   */
  intoWalletOf?: string | null;
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

/** An award ready to be signed: its row without the credential texts, the claim token, the facts to sign. */
export interface StagedAward {
  row: Omit<AwardRow, 'credentialJson' | 'credentialJwt'>;
  token: string;
  draft: AwardDraft;
  facts: AwardFacts;
}

/**
 * Gives each draft its id, salt, claim token and status slot (from allocateStatusIndices), and
 * the facts its credential states. Pure: nothing is written or signed yet.
 */
export function stageAwards(
  config: Config,
  issuer: PreparedIssuer,
  drafts: AwardDraft[],
  slots: StatusSlot[],
  proofCreated = new Date(),
): StagedAward[] {
  const createdAt = new Date();
  return drafts.map((d, i) => {
    const slot = slots[i]!;
    const id = randomUUID();
    const salt = randomBytes(16).toString('hex');
    const token = newClaimToken();
    return {
      token,
      draft: d,
      facts: {
        awardId: id,
        email: d.recipientEmail,
        salt,
        issuedAt: d.issuedAt,
        validUntil: d.validUntil,
        evidenceUrl: d.evidenceUrl,
        evidenceNarrative: d.evidenceNarrative,
        evidence: d.evidence ?? null,
        statusListUrl: statusListUrl(config, issuer.org.slug, slot.listId),
        statusIndex: slot.index,
        proofCreated,
      },
      row: {
        id,
        orgId: issuer.org.id,
        templateId: issuer.template.id,
        recipientName: d.recipientName,
        recipientEmail: normalizeAddress(d.recipientEmail),
        salt,
        issuedAt: d.issuedAt,
        validUntil: d.validUntil,
        evidenceUrl: d.evidenceUrl,
        evidenceNarrative: d.evidenceNarrative,
        evidence: d.evidence?.length ? d.evidence : null,
        renewedBy: null,
        state: d.intoWalletOf ? 'accepted' : 'pending',
        revokedAt: null,
        revocationReason: null,
        revokedBy: null,
        claimedBy: d.intoWalletOf ?? null,
        claimedAt: d.intoWalletOf ? createdAt : null,
        claimTokenHash: hashToken(token),
        statusListId: slot.listId,
        statusIndex: slot.index,
        batchId: d.batchId ?? null,
        rowKey: d.rowKey ?? null,
        idempotencyKey: d.idempotencyKey ?? null,
        requestHash: d.requestHash ?? null,
        apiKeyId: d.apiKeyId ?? null,
        createdBy: d.createdBy ?? null,
        createdAt,
      },
    };
  });
}

/**
 * Stores signed awards inside the caller's transaction: one multi-row INSERT, then the award
 * emails. `signed[i]` is the credential of `staged[i]`. Rows whose row key or idempotency key
 * already exists are skipped (ON CONFLICT DO NOTHING) and send no email.
 */
export async function storeAwards(
  trx: Transaction<Database>,
  config: Config,
  issuer: PreparedIssuer,
  staged: StagedAward[],
  signed: SignedAward[],
): Promise<WrittenAward[]> {
  if (staged.length === 0) return [];
  const rows: AwardRow[] = staged.map((s, i) => ({ ...s.row, ...signed[i]! }));
  const inserted = await trx
    .insertInto('awards')
    // A jsonb column takes JSON text (an array would be sent as a PostgreSQL array).
    .values(rows.map((r) => ({ ...r, evidence: r.evidence ? JSON.stringify(r.evidence) : null })))
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .execute();
  const kept = new Set(inserted.map((r) => r.id));
  const keptIndices = rows.flatMap((row, i) => (kept.has(row.id) ? [i] : []));
  await enqueueEmails(
    trx,
    keptIndices.map((i) => {
      const row = rows[i]!;
      return awardEmail(
        {
          awardId: row.id,
          to: row.recipientEmail!,
          recipientName: row.recipientName!,
          orgName: issuer.org.name,
          badgeName: issuer.template.name,
          badgeDescription: issuer.template.description,
          claimUrl: awardClaimUrl(config, staged[i]!.token),
          walletUrl: row.claimedBy ? `${config.baseUrl}/wallet` : undefined,
          validUntil: row.validUntil,
          image: issuer.image,
        },
        `award:${row.id}`,
      );
    }),
  );
  return keptIndices.map((i) => ({
    award: toAward(rows[i]!),
    claimToken: staged[i]!.token,
    draft: staged[i]!.draft,
  }));
}

/**
 * Signs and stores several awards of one issuer inside the caller's transaction: status
 * indices in one statement, the signatures, then storeAwards. Bulk issuing runs the same
 * stages apart, so that signing happens outside its transactions and on every core.
 */
export async function writeAwards(
  trx: Transaction<Database>,
  config: Config,
  issuer: PreparedIssuer,
  drafts: AwardDraft[],
): Promise<WrittenAward[]> {
  if (drafts.length === 0) return [];
  const slots = await allocateStatusIndices(trx, issuer.org.id, drafts.length);
  const staged = stageAwards(config, issuer, drafts, slots);
  const signed = await signAwards(
    issuer.bundle,
    staged.map((s) => s.facts),
  );
  return storeAwards(trx, config, issuer, staged, signed);
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
  return sha256Hex(canonical);
}

async function findByIdempotencyKey(db: Db, orgId: string, key: string) {
  return db
    .selectFrom('awards')
    .select([...AWARD_COLUMNS, 'requestHash'])
    .where('orgId', '=', orgId)
    .where('idempotencyKey', '=', key)
    .executeTakeFirst();
}

function replay(
  row: AwardRow | (Pick<AwardRow, (typeof AWARD_COLUMNS)[number]> & { requestHash: string | null }),
  hash: string,
): IssuedAward {
  if (row.requestHash !== hash)
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
  checkResendable(award);
  const org = await getOrgById(ctx.db, award.orgId);
  const template = await getTemplate(ctx.db, award.templateId);
  if (!org || !template) throw notFound('That award');
  const image = (await templateImage(ctx.db, template.id, 'png')) ?? null;
  const token = newClaimToken();
  const claimUrl = awardClaimUrl(ctx.config, token);
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('awardClaimTokens')
      .values({ tokenHash: hashToken(token), awardId: awardId })
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
