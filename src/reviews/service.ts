// The review of one application: what a reviewer reads (answers by the questions of the form
// version it was answered on, files, thread, timeline, approvals of this round), the decisions
// and the thread. Every decision runs in one transaction holding the application's row lock
// (lockApplication), so two reviewers deciding at once are serialized: the second sees the
// first's outcome, and an application is issued at most one award.
import { normalizeEmail } from '../accounts/email-address.ts';
import { listEmails } from '../accounts/service.ts';
import { type FileInfo, listFiles } from '../applications/files.ts';
import { applicationUrl } from '../applications/apply/links.ts';
import { notifyApplicant } from '../applications/apply/notify.ts';
import { STATE_LABELS, nextState } from '../applications/policy.ts';
import type { ActorRole, Answer, EventKind, Question } from '../applications/tables.ts';
import {
  type Actor,
  type ApplicationRow,
  lockApplication,
  moveTo,
  recordEvent,
} from '../applications/transitions.ts';
import type { Db, Executor } from '../db/index.ts';
import { LaurelError, invalid, notFound } from '../errors.ts';
import type { AppContext } from '../http/context.ts';
import { issueIntoWallet } from '../issuing/direct.ts';
import { emailText, paragraphs, renderEmail } from '../mail/layout.tsx';
import { enqueueEmail } from '../mail/outbox.ts';
import { prepareIssuer } from '../issuing/issue.ts';
import { answersNarrative, evidenceFor } from './evidence.ts';

export type Decision = 'approve' | 'return' | 'reject';
export const DECISIONS: readonly Decision[] = ['approve', 'return', 'reject'];

export interface TimelineEvent {
  id: number;
  kind: EventKind;
  actorRole: ActorRole;
  actorName: string | null;
  fromState: string | null;
  toState: string | null;
  message: string | null;
  createdAt: Date;
}

export interface Review {
  application: ApplicationRow;
  org: { id: string; slug: string; name: string };
  templateName: string;
  form: { version: number; instructions: string; questions: Question[] };
  files: FileInfo[];
  /** Oldest first: transitions, approvals, messages to the applicant and private notes. */
  events: TimelineEvent[];
  /** Approvals of the current submission. */
  approvals: { reviewerId: string; reviewerName: string; createdAt: Date }[];
  approvalsRequired: number;
  renews: { awardId: string; issuedAt: Date } | null;
}

async function approvalsRequired(db: Executor, templateId: string): Promise<number> {
  const s = await db
    .selectFrom('applicationSettings')
    .select('approvalsRequired')
    .where('templateId', '=', templateId)
    .executeTakeFirst();
  return s?.approvalsRequired ?? 1;
}

async function renewedAward(db: Executor, awardId: string | null) {
  if (!awardId) return null;
  const a = await db
    .selectFrom('awards')
    .select(['id', 'issuedAt'])
    .where('id', '=', awardId)
    .executeTakeFirst();
  return a ? { awardId: a.id, issuedAt: a.issuedAt } : null;
}

export async function loadReview(db: Db, applicationId: string): Promise<Review> {
  const row = await db
    .selectFrom('applications as a')
    .innerJoin('applicationForms as f', 'f.id', 'a.formId')
    .innerJoin('badgeTemplates as t', 't.id', 'a.templateId')
    .innerJoin('orgs as o', 'o.id', 'a.orgId')
    .selectAll('a')
    .select([
      'f.version as formVersion',
      'f.instructions as formInstructions',
      'f.questions as formQuestions',
      't.name as templateName',
      'o.slug as orgSlug',
      'o.name as orgName',
    ])
    .where('a.id', '=', applicationId)
    .executeTakeFirst();
  if (!row || row.state === 'draft') throw notFound('That application');
  const { formVersion, formInstructions, formQuestions, templateName, orgSlug, orgName, ...application } =
    row;
  const [files, events, approvals, required, renews] = await Promise.all([
    listFiles(db, application.id),
    db
      .selectFrom('applicationEvents as e')
      .leftJoin('users as u', 'u.id', 'e.actorId')
      .select([
        'e.id',
        'e.kind',
        'e.actorRole',
        'u.name as actorName',
        'e.fromState',
        'e.toState',
        'e.message',
        'e.createdAt',
      ])
      .where('e.applicationId', '=', application.id)
      .orderBy('e.id')
      .execute(),
    db
      .selectFrom('applicationApprovals as p')
      .innerJoin('users as u', 'u.id', 'p.reviewerId')
      .select(['p.reviewerId', 'u.name as reviewerName', 'p.createdAt'])
      .where('p.applicationId', '=', application.id)
      .where('p.submission', '=', application.submission)
      .orderBy('p.createdAt')
      .execute(),
    approvalsRequired(db, application.templateId),
    renewedAward(db, application.renewsAwardId),
  ]);
  return {
    application,
    org: { id: application.orgId, slug: orgSlug, name: orgName },
    templateName,
    form: { version: formVersion, instructions: formInstructions, questions: formQuestions },
    files,
    events: events.map((e) => ({ ...e, id: Number(e.id) })),
    approvals,
    approvalsRequired: required,
    renews,
  };
}

export interface DecisionOutcome {
  application: ApplicationRow;
  /** Set when this decision issued the badge. */
  awardId: string | null;
  /** Approvals of the round after this decision, and how many the template requires. */
  approvals: number;
  required: number;
}

/**
 * Approve, return for revision or reject. A return needs what to change and a rejection its
 * reason (both shown to the applicant). With N approvals required, each approval before the last
 * is recorded and keeps the application submitted; the last one moves it to approved and issues
 * the badge into the applicant's wallet in the same transaction. Illegal moves (the application
 * was decided meanwhile, withdrawn, returned) throw CONFLICT naming the current state.
 */
export async function decide(
  ctx: AppContext,
  input: {
    applicationId: string;
    decision: Decision;
    message?: string | null;
    reviewer: Actor & { id: string };
  },
): Promise<DecisionOutcome> {
  const message = input.message?.trim() || null;
  if (!message && input.decision !== 'approve')
    throw invalid('Please correct the errors below.', [
      {
        field: 'message',
        message:
          input.decision === 'return'
            ? 'Say what the applicant should change.'
            : 'Give the reason; the applicant will see it.',
      },
    ]);
  const current = await ctx.db
    .selectFrom('applications')
    .select(['orgId', 'templateId'])
    .where('id', '=', input.applicationId)
    .executeTakeFirst();
  if (!current) throw notFound('That application');
  // Loaded and checked before the transaction (keys, images): the lock is held only for the write.
  const issuer =
    input.decision === 'approve' ? await prepareIssuer(ctx, current.orgId, current.templateId) : null;

  return ctx.db.transaction().execute(async (trx) => {
    const row = await lockApplication(trx, input.applicationId);
    // A member may apply for their organization's badge, but never decide on it themselves.
    if (row.applicantId === input.reviewer.id)
      throw new LaurelError(
        'FORBIDDEN',
        'You cannot decide on your own application: another reviewer has to.',
      );
    if (input.decision !== 'approve') {
      const moved = await moveTo(trx, row, input.decision, input.reviewer, message);
      await notifyApplicant(trx, ctx, moved, {
        kind: input.decision === 'return' ? 'returned' : 'rejected',
        message,
      });
      // A return or rejection ends the round: no approvals count any more.
      return {
        application: moved,
        awardId: null,
        approvals: 0,
        required: await approvalsRequired(trx, row.templateId),
      };
    }
    nextState('approve', row.state); // CONFLICT with the current state unless submitted
    const added = await trx
      .insertInto('applicationApprovals')
      .values({ applicationId: row.id, submission: row.submission, reviewerId: input.reviewer.id })
      .onConflict((oc) => oc.doNothing())
      .returning('reviewerId')
      .executeTakeFirst();
    if (!added)
      throw new LaurelError('CONFLICT', 'You have already approved this submission.', [
        { field: 'state', message: row.state },
      ]);
    const required = await approvalsRequired(trx, row.templateId);
    const { n } = await trx
      .selectFrom('applicationApprovals')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('applicationId', '=', row.id)
      .where('submission', '=', row.submission)
      .executeTakeFirstOrThrow();
    const approvals = Number(n);
    if (approvals < required) {
      await recordEvent(trx, { applicationId: row.id, kind: 'approval', actor: input.reviewer, message });
      return { application: row, awardId: null, approvals, required };
    }
    const awardId = await issueFor(trx, ctx, row, issuer!);
    const moved = await moveTo(trx, row, 'approve', input.reviewer, message, { awardId });
    await notifyApplicant(trx, ctx, moved, { kind: 'approved', message });
    return { application: moved, awardId, approvals, required };
  });
}

type Trx = Parameters<typeof lockApplication>[0];

/** The award of an approved application, with its evidence; a renewal marks the credential it renews. */
async function issueFor(
  trx: Trx,
  ctx: AppContext,
  row: ApplicationRow,
  issuer: Awaited<ReturnType<typeof prepareIssuer>>,
): Promise<string> {
  await checkCap(trx, row.templateId);
  const address = normalizeEmail(row.applicantEmail);
  const confirmed = (await listEmails(trx, row.applicantId)).some(
    (e) => e.verified && normalizeEmail(e.email) === address,
  );
  if (!confirmed)
    throw new LaurelError(
      'CONFLICT',
      `The applicant’s address ${row.applicantEmail} is no longer confirmed on their account; the badge cannot be issued to it.`,
    );
  const form = await trx
    .selectFrom('applicationForms')
    .select('questions')
    .where('id', '=', row.formId)
    .executeTakeFirstOrThrow();
  const renews = await renewedAward(trx, row.renewsAwardId);
  const { award } = await issueIntoWallet(trx, ctx, issuer, {
    userId: row.applicantId,
    recipientName: row.applicantName,
    recipientEmail: address,
    evidenceNarrative: answersNarrative(form.questions, row.answers as Record<string, Answer>),
    evidence: evidenceFor(ctx.config, {
      files: await listFiles(trx, row.id),
      questions: form.questions,
    }),
    renews,
  });
  return award.id;
}

/**
 * A template's cap on accepted applications. The settings row is locked so two approvals of
 * different applications cannot both take the last place.
 */
async function checkCap(trx: Trx, templateId: string): Promise<void> {
  const settings = await trx
    .selectFrom('applicationSettings')
    .select('cap')
    .where('templateId', '=', templateId)
    .forUpdate()
    .executeTakeFirst();
  if (!settings?.cap) return;
  const { n } = await trx
    .selectFrom('applications')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('templateId', '=', templateId)
    .where('state', '=', 'approved')
    .executeTakeFirstOrThrow();
  if (Number(n) >= settings.cap)
    throw new LaurelError(
      'CONFLICT',
      `This badge accepts at most ${settings.cap} applications, and that many are approved already.`,
      [{ field: 'state', message: 'submitted' }],
    );
}

/**
 * Adds to the thread: a message to the applicant (they see it and get an email) or a private
 * note (reviewers only). Allowed on any state but a draft.
 */
export async function addToThread(
  ctx: AppContext,
  input: { applicationId: string; kind: 'message' | 'note'; text: string; actor: Actor },
): Promise<void> {
  const text = input.text.trim();
  if (!text)
    throw invalid('Please correct the errors below.', [
      { field: 'text', message: 'Write something to send.' },
    ]);
  await ctx.db.transaction().execute(async (trx) => {
    const row = await lockApplication(trx, input.applicationId);
    if (row.state === 'draft') throw notFound('That application');
    await recordEvent(trx, { applicationId: row.id, kind: input.kind, actor: input.actor, message: text });
    if (input.kind === 'message') await mailMessage(trx, ctx, row, text);
  });
}

/** A reviewer's message, mailed to the applicant with a link to their application's page. */
async function mailMessage(trx: Trx, ctx: AppContext, row: ApplicationRow, text: string): Promise<void> {
  const t = await trx
    .selectFrom('badgeTemplates')
    .innerJoin('orgs', 'orgs.id', 'badgeTemplates.orgId')
    .select(['badgeTemplates.name as badge', 'orgs.name as org'])
    .where('badgeTemplates.id', '=', row.templateId)
    .executeTakeFirstOrThrow();
  const url = applicationUrl(ctx.config, row.id);
  const subject = `A message about your application for “${t.badge}”`;
  const lines = [
    `Hello ${row.applicantName},`,
    `${t.org} wrote about your application for the “${t.badge}” badge:`,
    text,
  ];
  await enqueueEmail(trx, {
    to: row.applicantEmail,
    subject,
    html: renderEmail({
      title: subject,
      body: paragraphs(lines),
      action: { label: 'See your application', url },
    }),
    text: emailText([...lines, url]),
  });
}

export const stateLabel = (state: string) => STATE_LABELS[state as keyof typeof STATE_LABELS] ?? state;
