// Factories for tests that need a form or an application (real rows, through the real tables).
import { makeUser } from '../accounts/testing.ts';
import type { Db } from '../db/index.ts';
import type { AppContext } from '../http/context.ts';
import { makeOrg } from '../orgs/testing.ts';
import type { Org } from '../orgs/service.ts';
import type { Template } from '../templates/service.ts';
import { makeTemplate } from '../templates/testing.ts';
import type { ApplicationMode, ApplicationState, Question } from './tables.ts';
import type { ApplicationRow } from './transitions.ts';

export const TEST_QUESTIONS: Question[] = [
  { id: 'course', kind: 'short_text', label: 'Which course did you complete?', required: true },
  { id: 'summary', kind: 'long_text', label: 'What did you learn?', required: true },
  {
    id: 'certificate',
    kind: 'file',
    label: 'Your certificate',
    required: false,
    accept: ['application/pdf', 'image/png', 'image/jpeg'],
  },
  { id: 'honest', kind: 'attestation', label: 'I confirm this is my own work.', required: true },
];

/** Opens `template` to applications (public unless told) with a first form version. */
export async function makeApplicationForm(
  db: Db,
  template: Pick<Template, 'id' | 'orgId'>,
  opts: { mode?: ApplicationMode; approvalsRequired?: number; questions?: Question[]; cap?: number } = {},
) {
  await db
    .insertInto('applicationSettings')
    .values({
      templateId: template.id,
      orgId: template.orgId,
      mode: opts.mode ?? 'public',
      approvalsRequired: opts.approvalsRequired ?? 1,
      cap: opts.cap ?? null,
      updatedBy: null,
    })
    .onConflict((oc) =>
      oc.column('templateId').doUpdateSet({
        mode: opts.mode ?? 'public',
        approvalsRequired: opts.approvalsRequired ?? 1,
        cap: opts.cap ?? null,
      }),
    )
    .execute();
  const last = await db
    .selectFrom('applicationForms')
    .select((e) => e.fn.max('version').as('v'))
    .where('templateId', '=', template.id)
    .executeTakeFirst();
  return db
    .insertInto('applicationForms')
    .values({
      templateId: template.id,
      version: Number(last?.v ?? 0) + 1,
      instructions: 'Tell us about the training you completed.',
      questions: JSON.stringify(opts.questions ?? TEST_QUESTIONS),
      createdBy: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** An application in `state` (written directly: tests of the transitions start from any state). */
export async function makeApplication(
  ctx: AppContext,
  opts: { org?: Org; template?: Template; state?: ApplicationState; applicantEmail?: string } = {},
): Promise<{
  application: ApplicationRow;
  org: Org;
  template: Template;
  applicant: { id: string; email: string };
}> {
  const org = opts.org ?? (await makeOrg(ctx.db, { config: ctx.config }));
  const template = opts.template ?? (await makeTemplate(ctx, org));
  const form = await makeApplicationForm(ctx.db, template);
  const applicant = await makeUser(ctx.db, {
    ...(opts.applicantEmail ? { email: opts.applicantEmail } : {}),
  });
  const state = opts.state ?? 'draft';
  const application = await ctx.db
    .insertInto('applications')
    .values({
      orgId: org.id,
      templateId: template.id,
      formId: form.id,
      applicantId: applicant.id,
      applicantName: 'Ada Applicant',
      applicantEmail: applicant.email,
      state,
      answers: JSON.stringify({ course: 'First aid', summary: 'Bandages and CPR.', honest: true }),
      submission: state === 'draft' ? 0 : 1,
      submittedAt: state === 'draft' ? null : new Date(),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { application, org, template, applicant };
}
