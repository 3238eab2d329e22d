// Factories for the review side's tests: a submitted application with files, and reviewers.
import { createHash } from 'node:crypto';
import { makeApplication, makeApplicationForm } from '../applications/testing.ts';
import type { AppContext } from '../http/context.ts';
import { makeMember } from '../orgs/testing.ts';

/** A submitted application (the applicant's address confirmed), optionally with files. */
export async function submittedApplication(
  ctx: AppContext,
  opts: Parameters<typeof makeApplication>[1] & {
    approvalsRequired?: number;
    cap?: number;
    files?: { filename: string; data: string; public?: boolean }[];
  } = {},
) {
  const made = await makeApplication(ctx, { state: 'submitted', ...opts });
  if (opts.approvalsRequired || opts.cap)
    await makeApplicationForm(ctx.db, made.template, {
      approvalsRequired: opts.approvalsRequired,
      cap: opts.cap,
    });
  for (const f of opts.files ?? []) {
    const data = Buffer.from(f.data);
    await ctx.db
      .insertInto('applicationFiles')
      .values({
        applicationId: made.application.id,
        questionId: 'certificate',
        filename: f.filename,
        contentType: 'application/pdf',
        size: data.length,
        sha256: createHash('sha256').update(data).digest('hex'),
        data,
        public: f.public ?? false,
      })
      .execute();
  }
  return made;
}

/** Reviewers of `org` (members with the reviewer role). */
export const makeReviewer = (
  ctx: AppContext,
  org: Parameters<typeof makeMember>[1],
  name = 'Rita Reviewer',
) => makeMember(ctx.db, org, 'reviewer', name);
