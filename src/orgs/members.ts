// The members of an organization and their roles. The rules (only an owner touches owners, an
// organization keeps an owner, joining never demotes) are in policy.ts.
import type { Transaction } from 'kysely';
import type { Db } from '../db/index.ts';
import type { Database } from '../db/schema.ts';
import { notFound } from '../errors.ts';
import { assertKeepsAnOwner, assertMayAssignRole, higherRole } from './policy.ts';
import type { Handle } from './service.ts';
import type { OrgRole } from './tables.ts';

export interface Member {
  userId: string;
  name: string;
  email: string | null;
  role: OrgRole;
  since: Date;
}

export async function listMembers(db: Handle, orgId: string): Promise<Member[]> {
  const rows = await db
    .selectFrom('org_members')
    .innerJoin('users', 'users.id', 'org_members.user_id')
    .leftJoin('user_emails', (j) =>
      j.onRef('user_emails.user_id', '=', 'users.id').on('user_emails.is_primary', '=', true),
    )
    .select(['users.id', 'users.name', 'user_emails.email', 'org_members.role', 'org_members.created_at'])
    .where('org_members.org_id', '=', orgId)
    .orderBy('users.name')
    .execute();
  return rows.map((r) => ({ userId: r.id, name: r.name, email: r.email, role: r.role, since: r.created_at }));
}

export async function getOrgRole(db: Handle, orgId: string, userId: string): Promise<OrgRole | null> {
  const row = await db
    .selectFrom('org_members')
    .select('role')
    .where('org_id', '=', orgId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row?.role ?? null;
}

/** Adds the user with `role`, or changes the role of an existing member (never below the last owner). */
export async function addMember(db: Handle, orgId: string, userId: string, role: OrgRole): Promise<void> {
  const current = await getOrgRole(db, orgId, userId);
  if (current) {
    if (current !== role) await changeRole(db, orgId, userId, role);
    return;
  }
  await db.insertInto('org_members').values({ org_id: orgId, user_id: userId, role }).execute();
}

async function ownerCount(db: Handle, orgId: string): Promise<number> {
  const r = await db
    .selectFrom('org_members')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('org_id', '=', orgId)
    .where('role', '=', 'owner')
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/**
 * Runs `fn` holding a lock on the organization row, so that two concurrent demotions or
 * removals cannot both see "another owner exists" and leave none.
 */
async function withOrgLock<T>(db: Handle, orgId: string, fn: (trx: Handle) => Promise<T>): Promise<T> {
  const locked = async (trx: Handle) => {
    await trx.selectFrom('orgs').select('id').where('id', '=', orgId).forUpdate().executeTakeFirst();
    return fn(trx);
  };
  return db.isTransaction ? locked(db) : (db as Db).transaction().execute(locked);
}

/** The member's current role, once the rules allow `by` (when given) to change it to `role` (none: remove). */
async function checkedRole(trx: Handle, orgId: string, userId: string, by?: OrgRole, role?: OrgRole) {
  const current = await getOrgRole(trx, orgId, userId);
  if (!current) throw notFound('That member');
  if (by) assertMayAssignRole(by, current, role);
  if (current === 'owner') assertKeepsAnOwner(current, await ownerCount(trx, orgId), role);
  return current;
}

/** Changes a member's role; `by`, the acting member's role, when a member (not the system) acts. */
export async function changeRole(
  db: Handle,
  orgId: string,
  userId: string,
  role: OrgRole,
  by?: OrgRole,
): Promise<void> {
  await withOrgLock(db, orgId, async (trx) => {
    await checkedRole(trx, orgId, userId, by, role);
    await trx
      .updateTable('org_members')
      .set({ role })
      .where('org_id', '=', orgId)
      .where('user_id', '=', userId)
      .execute();
  });
}

export async function removeMember(db: Handle, orgId: string, userId: string, by?: OrgRole): Promise<void> {
  await withOrgLock(db, orgId, async (trx) => {
    await checkedRole(trx, orgId, userId, by);
    await trx.deleteFrom('org_members').where('org_id', '=', orgId).where('user_id', '=', userId).execute();
  });
}

/**
 * Account merge (see src/accounts/merge-hooks.ts): the memberships of `fromUserId` move to
 * `toUserId`; where both were members, the higher role stays.
 */
export async function moveMemberships(trx: Transaction<Database>, fromUserId: string, toUserId: string) {
  const rows = await trx
    .selectFrom('org_members')
    .select(['org_id', 'role'])
    .where('user_id', '=', fromUserId)
    .execute();
  for (const r of rows) {
    const existing = await getOrgRole(trx, r.org_id, toUserId);
    if (!existing) {
      await trx
        .insertInto('org_members')
        .values({ org_id: r.org_id, user_id: toUserId, role: r.role })
        .execute();
    } else if (higherRole(existing, r.role) !== existing) {
      await trx
        .updateTable('org_members')
        .set({ role: r.role })
        .where('org_id', '=', r.org_id)
        .where('user_id', '=', toUserId)
        .execute();
    }
  }
  await trx.deleteFrom('org_members').where('user_id', '=', fromUserId).execute();
}
