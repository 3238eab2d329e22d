// Who may review an application: a member of its organization with at least the reviewer role,
// or an external reviewer of its template (accepted, not revoked). Anyone else, and everyone for
// a draft (the applicant's alone), hears that it does not exist: the ids of other
// organizations' applications are not confirmed to strangers.
import type { Executor } from '../db/index.ts';
import { notFound } from '../errors.ts';
import { roleAtLeast } from '../orgs/access.ts';
import { getOrgRole } from '../orgs/members.ts';
import type { OrgRole } from '../orgs/tables.ts';
import { isUuid } from '../util/checks.ts';
import { isExternalReviewer } from './reviewers.ts';

export interface ReviewAccess {
  applicationId: string;
  orgId: string;
  templateId: string;
  /** `reviewer`: a member (with their role); `external`: invited for this template only. */
  kind: 'reviewer' | 'external';
  orgRole: OrgRole | null;
}

export async function reviewAccess(
  db: Executor,
  userId: string,
  applicationId: string,
): Promise<ReviewAccess> {
  const app = isUuid(applicationId)
    ? await db
        .selectFrom('applications')
        .select(['id', 'orgId', 'templateId', 'state'])
        .where('id', '=', applicationId)
        .executeTakeFirst()
    : undefined;
  if (!app || app.state === 'draft') throw notFound('That application');
  const role = await getOrgRole(db, app.orgId, userId);
  const base = { applicationId: app.id, orgId: app.orgId, templateId: app.templateId, orgRole: role };
  if (roleAtLeast(role, 'reviewer')) return { ...base, kind: 'reviewer' };
  if (await isExternalReviewer(db, userId, app.templateId)) return { ...base, kind: 'external' };
  throw notFound('That application');
}

/** For organization routes (a member or an API key of `orgId`): the application must be the organization's. */
export async function orgApplication(db: Executor, orgId: string, applicationId: string): Promise<void> {
  const app = await db
    .selectFrom('applications')
    .select(['orgId', 'state'])
    .where('id', '=', applicationId)
    .executeTakeFirst();
  if (!app || app.orgId !== orgId || app.state === 'draft') throw notFound('That application');
}
