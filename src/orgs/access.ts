import type { Db } from '../db/index.ts';
import { LaurelError } from '../errors.ts';
import { type Org, getOrgWithRole } from './service.ts';
import type { OrgRole } from './tables.ts';

/** The roles of a member, least to most. */
export const ORG_ROLES = [
  'viewer',
  'reviewer',
  'issuer',
  'admin',
  'owner',
] as const satisfies readonly OrgRole[];

export function roleAtLeast(role: OrgRole | null | undefined, needed: OrgRole): boolean {
  return !!role && ORG_ROLES.indexOf(role) >= ORG_ROLES.indexOf(needed);
}

export interface OrgAccess {
  org: Org;
  role: OrgRole;
}

/**
 * The one authorization rule for organization routes: the user must be a member with at
 * least `needed`. A non-member gets NOT_FOUND rather than FORBIDDEN for an org's private
 * pages, so membership of other organizations is not revealed.
 */
export async function requireOrgRole(
  db: Db,
  userId: string,
  slug: string,
  needed: OrgRole,
): Promise<OrgAccess> {
  const found = await getOrgWithRole(db, slug, userId);
  if (!found?.role) throw new LaurelError('NOT_FOUND', 'That organization does not exist.');
  if (!roleAtLeast(found.role, needed)) {
    throw new LaurelError(
      'FORBIDDEN',
      `This needs the ${needed} role in ${found.org.name}; you are ${found.role}.`,
    );
  }
  return { org: found.org, role: found.role };
}
