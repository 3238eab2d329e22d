import type { FastifyRequest } from 'fastify';
import { requireUser } from '../http/auth.ts';
import type { AppContext, CurrentUser } from '../http/context.ts';
import { requireOrgRole } from '../orgs/access.ts';
import { getOrgById, type Org } from '../orgs/service.ts';
import type { OrgRole } from '../orgs/tables.ts';
import { notFound } from '../errors.ts';

export interface ManageAccess {
  user: CurrentUser;
  org: Org;
  role: OrgRole;
}

/** The rule of every dashboard page: a signed-in member of the org with at least `needed`. */
export async function manageAccess(
  ctx: AppContext,
  request: FastifyRequest,
  slug: string,
  needed: OrgRole,
): Promise<ManageAccess> {
  const user = requireUser(request);
  const access = await requireOrgRole(ctx.db, user.id, slug, needed);
  const org = await getOrgById(ctx.db, access.org.id);
  if (!org) throw notFound('That organization');
  return { user, org, role: access.role };
}

/** Form bodies arrive as strings (or absent); this reads one field as a trimmed string. */
export const field = (body: unknown, name: string): string => {
  const v = (body as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' ? v.trim() : '';
};
