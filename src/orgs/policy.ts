// Rules about an organization's members, called by the services: who may hand out which role,
// that an organization always keeps an owner, and that joining never lowers a role.
import { LaurelError } from '../errors.ts';
import { ORG_ROLES, roleAtLeast } from './access.ts';
import type { OrgRole } from './tables.ts';

export const LAST_OWNER = 'An organization needs at least one owner: make someone else owner first.';

export const isOrgRole = (v: string): v is OrgRole => (ORG_ROLES as readonly string[]).includes(v);

/** Only an owner may grant the owner role, or change or remove an owner. */
export function assertMayAssignRole(actorRole: OrgRole, targetRole: OrgRole | null, newRole?: OrgRole): void {
  if (actorRole !== 'owner' && (targetRole === 'owner' || newRole === 'owner')) {
    throw new LaurelError('FORBIDDEN', 'Only an owner can grant or change the owner role.');
  }
}

/** The last owner can be neither demoted (`newRole`) nor removed (no `newRole`). */
export function assertKeepsAnOwner(currentRole: OrgRole, owners: number, newRole?: OrgRole): void {
  if (currentRole === 'owner' && newRole !== 'owner' && owners <= 1) {
    throw new LaurelError('CONFLICT', LAST_OWNER);
  }
}

/** Whether a member's row may be changed by `actorRole` at all (what the members page offers). */
export function mayChangeMember(actorRole: OrgRole, memberRole: OrgRole, owners: number): boolean {
  const lastOwner = memberRole === 'owner' && owners === 1;
  return !lastOwner && (actorRole === 'owner' || memberRole !== 'owner');
}

/** Roles `actorRole` may hand out: everything below owner, and owner only by an owner. */
export const grantableRoles = (actorRole: OrgRole): OrgRole[] =>
  ORG_ROLES.filter((r) => r !== 'owner' || actorRole === 'owner');

/** An invitation or a merge never demotes: the role a member ends with. */
export const higherRole = (current: OrgRole | null, offered: OrgRole): OrgRole =>
  current && roleAtLeast(current, offered) ? current : offered;
