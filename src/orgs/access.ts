import type { Db } from '../db/index.ts';
import { LaurelError } from '../errors.ts';
import type { OrgRole } from './tables.ts';

const RANK: Record<OrgRole, number> = { viewer: 1, issuer: 2, admin: 3, owner: 4 };

export function roleAtLeast(role: OrgRole | null | undefined, needed: OrgRole): boolean {
  return !!role && RANK[role] >= RANK[needed];
}

export interface OrgAccess {
  org: { id: string; slug: string; name: string };
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
  const row = await db
    .selectFrom('orgs')
    .leftJoin('org_members', (j) =>
      j.onRef('org_members.org_id', '=', 'orgs.id').on('org_members.user_id', '=', userId),
    )
    .select(['orgs.id', 'orgs.slug', 'orgs.name', 'org_members.role'])
    .where('orgs.slug', '=', slug)
    .executeTakeFirst();
  if (!row?.role) throw new LaurelError('NOT_FOUND', 'That organization does not exist.');
  if (!roleAtLeast(row.role, needed)) {
    throw new LaurelError('FORBIDDEN', `This needs the ${needed} role in ${row.name}; you are ${row.role}.`);
  }
  return { org: { id: row.id, slug: row.slug, name: row.name }, role: row.role };
}
