// Renewing a badge that expires: through review (a renewal application prefilled from the last
// one, pointing at the credential it renews) or, when the template allows it, re-issued at once
// within its window around the expiry date. Either way the previous credential is not revoked:
// the new one cites it as evidence and it shows "renewed by …".
import { type Insertable, type Transaction, sql } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { Db, Executor } from '../../db/index.ts';
import { LaurelError, notFound } from '../../errors.ts';
import type { AppContext } from '../../http/context.ts';
import { issueIntoWallet } from '../../issuing/direct.ts';
import { prepareIssuer } from '../../issuing/issue.ts';
import { type Award, getAward } from '../../issuing/service.ts';
import { getTemplate } from '../../templates/service.ts';
import { formatDate } from '../../ui/components.tsx';
import { isUuid } from '../../util/checks.ts';
import { getItemForAward } from '../../wallet/service.ts';
import type { Answer, ApplicationTables, Question } from '../tables.ts';
import type { ApplicationRow } from '../transitions.ts';
import { recordEvent } from '../transitions.ts';
import { answersFor } from './answers.ts';
import { notifyApplicant } from './notify.ts';
import { currentForm, findOpen, getSettings } from './service.ts';

const DAY_MS = 86_400_000;

export interface RenewalOffer {
  awardId: string;
  templateId: string;
  badgeName: string;
  validUntil: Date;
  /** `instant`: re-issued on request now; `review`: a renewal application. */
  how: 'instant' | 'review';
}

/**
 * What renewal this award's holder is offered, or null: the badge expires, is not revoked or
 * renewed already, and its template's renewal is not off. Instant renewal holds within its window
 * (that many days either side of the expiry date); outside it, a renewal is reviewed — when the
 * template has a form to review.
 */
export async function renewalOffer(
  db: Executor,
  awardId: string,
  now = new Date(),
): Promise<RenewalOffer | null> {
  const award = isUuid(awardId) ? await getAward(db, awardId) : null;
  if (!award?.validUntil || award.revokedAt || award.renewedBy || award.state !== 'accepted') return null;
  const [settings, template, form] = await Promise.all([
    getSettings(db, award.templateId),
    getTemplate(db, award.templateId),
    currentForm(db, award.templateId),
  ]);
  if (!settings || settings.renewal === 'off' || template?.status !== 'active') return null;
  const window = settings.renewalWindowDays * DAY_MS;
  const inWindow = Math.abs(award.validUntil.getTime() - now.getTime()) <= window;
  const how = settings.renewal === 'instant' && inWindow ? 'instant' : 'review';
  if (how === 'review' && !form) return null;
  return {
    awardId: award.id,
    templateId: award.templateId,
    badgeName: template.name,
    validUntil: award.validUntil,
    how,
  };
}

/** The offer for a badge in this person's wallet (NOT_FOUND for anyone else's badge). */
export async function ownRenewalOffer(db: Db, userId: string, awardId: string): Promise<RenewalOffer | null> {
  const item = isUuid(awardId) ? await getItemForAward(db, awardId) : null;
  if (!item || item.userId !== userId) throw notFound('That badge');
  return renewalOffer(db, awardId);
}

export type RenewalOutcome =
  | { kind: 'instant'; walletItemId: string }
  | { kind: 'review'; applicationId: string };

/**
 * Renews the person's badge: at once, or by starting (or finding) their renewal application. An
 * instant renewal locks the old award's row, so two clicks at once renew it once.
 */
export async function renew(
  ctx: AppContext,
  user: { id: string; name: string },
  awardId: string,
): Promise<RenewalOutcome> {
  const offer = await ownRenewalOffer(ctx.db, user.id, awardId);
  if (!offer)
    throw new LaurelError('CONFLICT', 'This badge cannot be renewed here. Ask its issuer about renewing it.');
  return offer.how === 'instant' ? renewAtOnce(ctx, user, offer) : startRenewal(ctx, user, offer);
}

async function renewAtOnce(
  ctx: AppContext,
  user: { id: string; name: string },
  offer: RenewalOffer,
): Promise<RenewalOutcome> {
  const old = (await getAward(ctx.db, offer.awardId))!;
  const issuer = await prepareIssuer(ctx, old.orgId, old.templateId);
  const form = await currentForm(ctx.db, old.templateId);
  const last = await lastAnswers(ctx.db, user.id, old.templateId, old.id);
  return ctx.db.transaction().execute(async (trx) => {
    const locked = await trx
      .selectFrom('awards')
      .select(['renewedBy', 'revokedAt', 'recipientEmail', 'recipientName'])
      .where('id', '=', old.id)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (locked.renewedBy || locked.revokedAt)
      throw new LaurelError('CONFLICT', 'This badge has been renewed already.');
    const { award, item } = await issueIntoWallet(trx, ctx, issuer, {
      userId: user.id,
      recipientName: locked.recipientName ?? user.name,
      recipientEmail: locked.recipientEmail ?? '',
      evidenceNarrative: `Renewal of the badge valid until ${formatDate(old.validUntil)}.`,
      renews: { awardId: old.id, issuedAt: old.issuedAt },
      createdBy: null,
    });
    // The renewal shows among the person's applications, with its timeline, when the template has a form.
    if (form) {
      const now = new Date();
      const row = await insertRenewal(trx, old, form, user, last, {
        recipientName: locked.recipientName,
        recipientEmail: locked.recipientEmail,
        // Written as approved at once (never open, so it never stands beside an open application).
        state: 'approved',
        submission: 1,
        submittedAt: now,
        decidedAt: now,
        awardId: award.id,
      });
      const applicant = { id: user.id, role: 'applicant' } as const;
      await recordEvent(trx, {
        applicationId: row.id,
        kind: 'transition',
        actor: applicant,
        fromState: 'draft',
        toState: 'submitted',
        message: 'Renewal requested.',
      });
      await recordEvent(trx, {
        applicationId: row.id,
        kind: 'transition',
        actor: { id: null, role: 'system' },
        fromState: 'submitted',
        toState: 'approved',
        message: 'Renewed at once: this badge renews without review near its expiry.',
      });
      await notifyApplicant(trx, ctx, row, { kind: 'renewed' });
    }
    return { kind: 'instant', walletItemId: item.id };
  });
}

/** The application row of a renewal, prefilled from the last answers; `extra` for one written decided. */
function insertRenewal(
  trx: Transaction<Database>,
  old: Award,
  form: { id: string; questions: Question[] },
  user: { id: string; name: string },
  last: { answers: Record<string, Answer> } | null | undefined,
  extra: { recipientName: string | null; recipientEmail: string | null } & Partial<
    Pick<
      Insertable<ApplicationTables['applications']>,
      'state' | 'submission' | 'submittedAt' | 'decidedAt' | 'awardId'
    >
  >,
) {
  const { recipientName, recipientEmail, ...decided } = extra;
  return trx
    .insertInto('applications')
    .values({
      orgId: old.orgId,
      templateId: old.templateId,
      formId: form.id,
      applicantId: user.id,
      applicantName: recipientName ?? user.name,
      applicantEmail: recipientEmail ?? '',
      answers: JSON.stringify(answersFor(form.questions, last?.answers ?? {})),
      renewsAwardId: old.id,
      ...decided,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

async function startRenewal(
  ctx: AppContext,
  user: { id: string; name: string },
  offer: RenewalOffer,
): Promise<RenewalOutcome> {
  const open = await findOpen(ctx.db, user.id, offer.templateId);
  if (open) {
    if (open.renewsAwardId === offer.awardId || open.state !== 'submitted')
      return { kind: 'review', applicationId: open.id };
    throw new LaurelError('CONFLICT', 'You already have an application for this badge waiting for review.');
  }
  const form = (await currentForm(ctx.db, offer.templateId))!;
  const old = (await getAward(ctx.db, offer.awardId))!;
  const last = await lastAnswers(ctx.db, user.id, offer.templateId, offer.awardId);
  return ctx.db.transaction().execute(async (trx) => {
    const row = await insertRenewal(trx, old, form, user, last, {
      recipientName: old.recipientName,
      recipientEmail: old.recipientEmail,
    });
    // The last application's files come along for the questions the current form still asks.
    if (last) {
      const fileQuestions = form.questions.filter((q) => q.kind === 'file').map((q) => q.id);
      if (fileQuestions.length)
        await sql`INSERT INTO application_files (application_id, question_id, filename, content_type, size, sha256, data, public)
          SELECT ${row.id}, question_id, filename, content_type, size, sha256, data, public FROM application_files
          WHERE application_id = ${last.id} AND question_id IN (${sql.join(fileQuestions)})`.execute(trx);
    }
    return { kind: 'review', applicationId: row.id };
  });
}

/** The application that earned this award, else the person's latest one for the template. */
async function lastAnswers(
  db: Db,
  userId: string,
  templateId: string,
  awardId: string,
): Promise<(Pick<ApplicationRow, 'id' | 'answers'> & { answers: Record<string, Answer> }) | null> {
  const row = await db
    .selectFrom('applications')
    .select(['id', 'answers'])
    .where('applicantId', '=', userId)
    .where('templateId', '=', templateId)
    .orderBy(sql`case when award_id = ${awardId} then 0 else 1 end`)
    .orderBy('createdAt', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ?? null;
}
