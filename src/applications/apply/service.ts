// The applicant's side of an application: who may apply, saving a draft (answers and files in one
// transaction), submitting, withdrawing, choosing public evidence, and what the applicant sees of
// their applications. Every change of state goes through lockApplication + moveTo.
import { type Selectable, sql } from 'kysely';
import { verifiedEmailsOf } from '../../accounts/service.ts';
import type { Db, Executor } from '../../db/index.ts';
import { LaurelError, notFound } from '../../errors.ts';
import type { AppContext } from '../../http/context.ts';
import { getOrgById, type Org } from '../../orgs/service.ts';
import { getTemplate, type Template } from '../../templates/service.ts';
import { formatDate } from '../../ui/components.tsx';
import { hashToken } from '../../util/hash.ts';
import { isUuid } from '../../util/checks.ts';
import {
  DEFAULT_FILE_LIMITS,
  type FileInfo,
  type IncomingFile,
  listFiles,
  removeFiles,
  setPublicFiles,
  storeFiles,
} from '../files.ts';
import { type Unavailable, availability } from '../manage/settings.ts';
import type { Answer, ApplicationTables } from '../tables.ts';
import { type ApplicationRow, lockApplication, moveTo, recordEvent } from '../transitions.ts';
import { answersFor, missingAnswers } from './answers.ts';
import { notifyApplicant } from './notify.ts';

export type Settings = Selectable<ApplicationTables['applicationSettings']>;
export type FormRow = Selectable<ApplicationTables['applicationForms']>;

/** A template someone may ask for, with what its form needs. */
export interface Target {
  template: Template;
  org: Org;
  settings: Settings;
  /** The newest form version (new applications are answered on it). */
  form: FormRow;
}

const OPEN_STATES = ['draft', 'submitted', 'returned'] as const;

export async function getSettings(db: Executor, templateId: string): Promise<Settings | null> {
  return (
    (await db
      .selectFrom('applicationSettings')
      .selectAll()
      .where('templateId', '=', templateId)
      .executeTakeFirst()) ?? null
  );
}

export async function currentForm(db: Executor, templateId: string): Promise<FormRow | null> {
  return (
    (await db
      .selectFrom('applicationForms')
      .selectAll()
      .where('templateId', '=', templateId)
      .orderBy('version', 'desc')
      .limit(1)
      .executeTakeFirst()) ?? null
  );
}

export async function getForm(db: Executor, id: string): Promise<FormRow> {
  return db.selectFrom('applicationForms').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

/** The template's form and settings, or NOT_FOUND when it takes no applications of any kind. */
export async function loadTarget(db: Db, templateId: string): Promise<Target> {
  const template = isUuid(templateId) ? await getTemplate(db, templateId) : null;
  const [settings, form] = template
    ? await Promise.all([getSettings(db, template.id), currentForm(db, template.id)])
    : [];
  const org = template ? await getOrgById(db, template.orgId) : null;
  if (!template || !settings || !form || !org || template.status !== 'active')
    throw notFound('That application form');
  return { template, org, settings, form };
}

/** Whether new applications may start now: `null` when they may, else why not. */
export async function closedReason(
  db: Executor,
  target: { template: Pick<Template, 'id' | 'name' | 'status'>; settings: Settings },
  who: { userId: string | null; invitationToken?: string | undefined },
  now = new Date(),
): Promise<{ reason: string | null; invitationId: string | null }> {
  const { settings, template } = target;
  const no = (reason: string) => ({ reason, invitationId: null });
  // The organization side's one rule of what is open (mode, status, form, dates, cap), worded here
  // with the badge's name and dates.
  const open = await availability(db, template, now);
  if (!open.open) {
    const name = `“${template.name}”`;
    const why: Record<Unavailable, string> = {
      closed: `${name} is not taking applications.`,
      inactive: `${name} is no longer issued.`,
      'no-form': `${name} is not taking applications yet.`,
      'not-yet': `Applications for ${name} open on ${formatDate(settings.opensAt)}.`,
      ended: `Applications for ${name} closed on ${formatDate(settings.closesAt)}.`,
      full: `${name} has accepted all the applications it can.`,
    };
    return no(why[open.reason]);
  }
  if (settings.mode === 'public') return { reason: null, invitationId: null };
  const invitationId = await invitationFor(db, template.id, who);
  return invitationId
    ? { reason: null, invitationId }
    : no(
        `Applications for “${template.name}” are by invitation only. Use the link in your invitation email.`,
      );
}

/**
 * The invitation that lets this person apply: the link's token (unless someone else already
 * applied with it), or an invitation sent to one of their confirmed addresses.
 */
async function invitationFor(
  db: Executor,
  templateId: string,
  who: { userId: string | null; invitationToken?: string | undefined },
): Promise<string | null> {
  const live = db
    .selectFrom('applicationInvitations')
    .select(['id', 'email'])
    .where('templateId', '=', templateId)
    .where('revokedAt', 'is', null);
  if (who.invitationToken) {
    const byToken = await live.where('tokenHash', '=', hashToken(who.invitationToken)).executeTakeFirst();
    if (byToken) {
      const usedBy = await db
        .selectFrom('applications')
        .select('applicantId')
        .where('invitationId', '=', byToken.id)
        .executeTakeFirst();
      if (!usedBy || usedBy.applicantId === who.userId) return byToken.id;
    }
  }
  if (!who.userId) return null;
  const emails = await verifiedEmailsOf(db, who.userId);
  if (!emails.length) return null;
  const byEmail = await live.where('email', 'in', emails).executeTakeFirst();
  return byEmail?.id ?? null;
}

/** The person's open application (draft, submitted or returned) for a template. */
export async function findOpen(
  db: Executor,
  userId: string,
  templateId: string,
): Promise<ApplicationRow | null> {
  return (
    (await db
      .selectFrom('applications')
      .selectAll()
      .where('applicantId', '=', userId)
      .where('templateId', '=', templateId)
      .where('state', 'in', OPEN_STATES)
      .executeTakeFirst()) ?? null
  );
}

export interface Applicant {
  id: string;
  name: string;
}

export interface DraftInput {
  answers: Record<string, Answer>;
  files: IncomingFile[];
  removeFileIds: string[];
  /** When given, exactly these files are public evidence. */
  publicFileIds?: string[] | undefined;
  invitationToken?: string | undefined;
}

/**
 * Saves the person's draft for `target` (creating it when they have none open): answers, removed
 * and new files, all or nothing. A submitted application is not edited (CONFLICT): it is being
 * reviewed; a returned one is, for its resubmission.
 */
export async function saveDraft(
  ctx: AppContext,
  applicant: Applicant,
  target: Target,
  input: DraftInput,
): Promise<ApplicationRow> {
  try {
    return await saveDraftOnce(ctx, applicant, target, input);
  } catch (e) {
    // Two first saves at once (two tabs, a double click): the one-open-application index lets one
    // create the draft; the other saves into it.
    if ((e as { code?: string }).code !== '23505') throw e;
    return saveDraftOnce(ctx, applicant, target, input);
  }
}

async function saveDraftOnce(
  ctx: AppContext,
  applicant: Applicant,
  target: Target,
  input: DraftInput,
): Promise<ApplicationRow> {
  const open = await findOpen(ctx.db, applicant.id, target.template.id);
  let invitationId: string | null = null;
  if (!open) {
    const gate = await closedReason(ctx.db, target, {
      userId: applicant.id,
      invitationToken: input.invitationToken,
    });
    if (gate.reason) throw new LaurelError('CONFLICT', gate.reason);
    invitationId = gate.invitationId;
  }
  const email =
    (await verifiedEmailsOf(ctx.db, applicant.id))[0] ?? (await primaryEmail(ctx.db, applicant.id));
  return ctx.db.transaction().execute(async (trx) => {
    let row = open ? await lockApplication(trx, open.id) : null;
    if (row && row.state === 'submitted')
      throw new LaurelError(
        'CONFLICT',
        'This application has been submitted and is waiting for review; it cannot be changed now.',
        [{ field: 'state', message: row.state }],
      );
    if (row && !['draft', 'returned'].includes(row.state)) row = null;
    const form = row ? await getForm(trx, row.formId) : target.form;
    const answers = answersFor(form.questions, input.answers);
    row = row
      ? await trx
          .updateTable('applications')
          .set({ answers: JSON.stringify(answers), updatedAt: new Date() })
          .where('id', '=', row.id)
          .returningAll()
          .executeTakeFirstOrThrow()
      : await trx
          .insertInto('applications')
          .values({
            orgId: target.org.id,
            templateId: target.template.id,
            formId: form.id,
            applicantId: applicant.id,
            applicantName: applicant.name,
            applicantEmail: email,
            answers: JSON.stringify(answers),
            invitationId,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
    await removeFiles(trx, row.id, input.removeFileIds);
    await storeFiles(trx, row.id, input.files, {
      questions: form.questions,
      limits: limitsOf(target.settings),
    });
    if (input.publicFileIds) await setPublicFiles(trx, row.id, input.publicFileIds);
    return row;
  });
}

const primaryEmail = async (db: Executor, userId: string) =>
  (
    await db
      .selectFrom('userEmails')
      .select('email')
      .where('userId', '=', userId)
      .orderBy('isPrimary', 'desc')
      .executeTakeFirstOrThrow()
  ).email;

export const limitsOf = (settings: Settings | null) =>
  settings
    ? { maxFileBytes: settings.maxFileBytes, maxApplicationBytes: settings.maxApplicationBytes }
    : DEFAULT_FILE_LIMITS;

/**
 * Submits the applicant's draft or returned application: every required question answered, and
 * the badge's address one the applicant has confirmed (the badge goes to it, straight into the
 * wallet). The first submission also needs the template still open; a resubmission does not.
 */
export async function submitApplication(
  ctx: AppContext,
  applicant: Applicant,
  applicationId: string,
): Promise<ApplicationRow> {
  const emails = await verifiedEmailsOf(ctx.db, applicant.id);
  return ctx.db.transaction().execute(async (trx) => {
    const row = await ownLocked(trx, applicant.id, applicationId);
    if (!emails.length)
      throw new LaurelError(
        'INVALID',
        'Confirm your email address before you submit: the badge is issued to it. Follow the link we emailed you, or send a new one from your account page.',
        [{ field: 'email', message: 'Confirm your email address first.' }],
      );
    const form = await getForm(trx, row.formId);
    const missing = missingAnswers(form.questions, row.answers, await listFiles(trx, row.id));
    if (missing.length)
      throw new LaurelError(
        'INVALID',
        'Some required questions are not answered yet. Your answers are saved.',
        missing,
      );
    if (row.state === 'draft' && !row.renewsAwardId) {
      const [template, settings] = await Promise.all([
        getTemplate(trx, row.templateId),
        getSettings(trx, row.templateId),
      ]);
      if (!template || !settings || template.status !== 'active')
        throw new LaurelError('CONFLICT', 'This badge is not taking applications any more.');
      const gate = await closedReason(trx, { template, settings }, { userId: applicant.id });
      // An invitation accepted when the draft began still counts (when all else is open).
      const invited =
        row.invitationId && settings.mode === 'invitation' && (await availability(trx, template)).open;
      if (gate.reason && !invited) throw new LaurelError('CONFLICT', gate.reason);
    }
    const email = emails.includes(row.applicantEmail) ? row.applicantEmail : emails[0]!;
    if (email !== row.applicantEmail || applicant.name !== row.applicantName)
      await trx
        .updateTable('applications')
        .set({ applicantEmail: email, applicantName: applicant.name })
        .where('id', '=', row.id)
        .execute();
    const moved = await moveTo(trx, { ...row, applicantEmail: email }, 'submit', {
      id: applicant.id,
      role: 'applicant',
    });
    await notifyApplicant(trx, ctx, moved, { kind: 'submitted' });
    return moved;
  });
}

export async function withdrawApplication(
  ctx: AppContext,
  applicantId: string,
  applicationId: string,
  reason: string | null,
) {
  return ctx.db.transaction().execute(async (trx) => {
    const row = await ownLocked(trx, applicantId, applicationId);
    return moveTo(trx, row, 'withdraw', { id: applicantId, role: 'applicant' }, reason);
  });
}

/** Which files are public evidence: the applicant decides, in any state (a link stops working when made private). */
export async function chooseEvidence(
  ctx: AppContext,
  applicantId: string,
  applicationId: string,
  publicIds: string[],
) {
  await ctx.db.transaction().execute(async (trx) => {
    const row = await ownLocked(trx, applicantId, applicationId);
    await setPublicFiles(trx, row.id, publicIds);
  });
}

/** A message from the applicant to the reviewers, on the thread (while the application is open). */
export async function replyToReviewers(
  ctx: AppContext,
  applicantId: string,
  applicationId: string,
  message: string,
) {
  await ctx.db.transaction().execute(async (trx) => {
    const row = await ownLocked(trx, applicantId, applicationId);
    if (!OPEN_STATES.includes(row.state as (typeof OPEN_STATES)[number]))
      throw new LaurelError('CONFLICT', 'This application is closed; messages can no longer be added.', [
        { field: 'state', message: row.state },
      ]);
    await recordEvent(trx, {
      applicationId: row.id,
      kind: 'message',
      actor: { id: applicantId, role: 'applicant' },
      message,
    });
  });
}

async function ownLocked(trx: Executor, applicantId: string, id: string): Promise<ApplicationRow> {
  if (!isUuid(id)) throw notFound('That application');
  const row = await lockApplication(trx as Parameters<typeof lockApplication>[0], id);
  // Someone else's application does not exist, as far as this person can tell.
  if (row.applicantId !== applicantId) throw notFound('That application');
  return row;
}

/** An application of this person (NOT_FOUND for anyone else's). */
export async function getOwnApplication(
  db: Executor,
  applicantId: string,
  id: string,
): Promise<ApplicationRow> {
  const row = isUuid(id)
    ? await db
        .selectFrom('applications')
        .selectAll()
        .where('id', '=', id)
        .where('applicantId', '=', applicantId)
        .executeTakeFirst()
    : undefined;
  if (!row) throw notFound('That application');
  return row;
}

/** One entry of the applicant's timeline: transitions and the messages addressed to them, never notes. */
export interface TimelineEntry {
  at: Date;
  kind: 'transition' | 'message';
  fromState: string | null;
  toState: string | null;
  message: string | null;
  /** Who: the applicant, the organization (a reviewer of either kind) or the platform. */
  by: 'you' | 'organization' | 'platform';
}

export interface ApplicationView {
  application: ApplicationRow;
  template: { id: string; name: string };
  org: { slug: string; name: string };
  form: FormRow;
  files: FileInfo[];
  timeline: TimelineEntry[];
}

export async function applicationView(db: Db, applicantId: string, id: string): Promise<ApplicationView> {
  const application = await getOwnApplication(db, applicantId, id);
  const [names, form, files, events] = await Promise.all([
    db
      .selectFrom('badgeTemplates')
      .innerJoin('orgs', 'orgs.id', 'badgeTemplates.orgId')
      .select(['badgeTemplates.id', 'badgeTemplates.name', 'orgs.slug', 'orgs.name as orgName'])
      .where('badgeTemplates.id', '=', application.templateId)
      .executeTakeFirstOrThrow(),
    getForm(db, application.formId),
    listFiles(db, application.id),
    db
      .selectFrom('applicationEvents')
      .select(['kind', 'actorRole', 'fromState', 'toState', 'message', 'createdAt'])
      .where('applicationId', '=', application.id)
      // Reviewer notes and approvals are the reviewers' own: never shown to the applicant.
      .where('kind', 'in', ['transition', 'message'])
      .orderBy('id')
      .execute(),
  ]);
  return {
    application,
    template: { id: names.id, name: names.name },
    org: { slug: names.slug, name: names.orgName },
    form,
    files,
    timeline: events.map((e) => ({
      at: e.createdAt,
      kind: e.kind as TimelineEntry['kind'],
      fromState: e.fromState,
      toState: e.toState,
      message: e.message,
      by: e.actorRole === 'applicant' ? 'you' : e.actorRole === 'system' ? 'platform' : 'organization',
    })),
  };
}

export interface MyApplication {
  id: string;
  state: ApplicationRow['state'];
  templateId: string;
  badgeName: string;
  orgName: string;
  renewal: boolean;
  submittedAt: Date | null;
  updatedAt: Date;
}

/** "My applications": newest first. */
export async function listMyApplications(db: Db, applicantId: string): Promise<MyApplication[]> {
  const rows = await db
    .selectFrom('applications')
    .innerJoin('badgeTemplates', 'badgeTemplates.id', 'applications.templateId')
    .innerJoin('orgs', 'orgs.id', 'applications.orgId')
    .select([
      'applications.id',
      'applications.state',
      'applications.templateId',
      'badgeTemplates.name as badgeName',
      'orgs.name as orgName',
      'applications.renewsAwardId',
      'applications.submittedAt',
      'applications.updatedAt',
    ])
    .where('applications.applicantId', '=', applicantId)
    .orderBy('applications.createdAt', 'desc')
    .limit(500)
    .execute();
  return rows.map(({ renewsAwardId, ...r }) => ({ ...r, renewal: renewsAwardId !== null }));
}

// Answers typed by a visitor before signing up: kept a day, under the hash of a cookie's token.
// Raw SQL: the table is this part's own (migration 0022), outside the feature's table types.
const PENDING_DAY_MS = 86_400_000;

export async function stashAnswers(
  db: Db,
  token: string,
  templateId: string,
  formId: string,
  answers: Record<string, Answer>,
) {
  await sql`DELETE FROM application_pending_answers WHERE created_at < ${new Date(Date.now() - PENDING_DAY_MS)}`.execute(
    db,
  );
  await sql`INSERT INTO application_pending_answers (token_hash, template_id, form_id, answers)
    VALUES (${hashToken(token)}, ${templateId}, ${formId}, ${JSON.stringify(answers)}::jsonb)
    ON CONFLICT (token_hash) DO UPDATE SET template_id = EXCLUDED.template_id, form_id = EXCLUDED.form_id,
      answers = EXCLUDED.answers, created_at = now()`.execute(db);
}

/** The answers stashed under `token` for this template, or null (they stay until taken). */
export async function readStashedAnswers(
  db: Db,
  token: string,
  templateId: string,
): Promise<Record<string, Answer> | null> {
  const found = await sql<{
    answers: Record<string, Answer> | string;
  }>`SELECT answers FROM application_pending_answers
    WHERE token_hash = ${hashToken(token)} AND template_id = ${templateId}
      AND created_at > ${new Date(Date.now() - PENDING_DAY_MS)}`.execute(db);
  return parsed(found.rows[0]?.answers);
}

const parsed = (a: Record<string, Answer> | string | undefined) =>
  a === undefined ? null : typeof a === 'string' ? (JSON.parse(a) as Record<string, Answer>) : a;

/** The answers stashed under `token` for this template (taken: they are deleted), or null. */
export async function takeStashedAnswers(
  db: Db,
  token: string,
  templateId: string,
): Promise<Record<string, Answer> | null> {
  const found = await sql<{
    answers: Record<string, Answer> | string;
  }>`DELETE FROM application_pending_answers
    WHERE token_hash = ${hashToken(token)} AND template_id = ${templateId}
      AND created_at > ${new Date(Date.now() - PENDING_DAY_MS)}
    RETURNING answers`.execute(db);
  return parsed(found.rows[0]?.answers);
}
