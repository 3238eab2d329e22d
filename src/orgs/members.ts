// The members of an organization and their roles. The rules (only an owner touches owners, an
// organization keeps an owner, joining never demotes) are in policy.ts.
import type { Transaction } from 'kysely';
import type { Db, Executor } from '../db/index.ts';
import type { Database } from '../db/schema.ts';
import { notFound } from '../errors.ts';
import { assertKeepsAnOwner, assertMayAssignRole, higherRole } from './policy.ts';
import type { OrgRole } from './tables.ts';

export interface Member {
  userId: string;
  name: string;
  email: string | null;
  role: OrgRole;
  since: Date;
}

export async function listMembers(db: Executor, orgId: string): Promise<Member[]> {
  return db
    .selectFrom('orgMembers')
    .innerJoin('users', 'users.id', 'orgMembers.userId')
    .leftJoin('userEmails', (j) =>
      j.onRef('userEmails.userId', '=', 'users.id').on('userEmails.isPrimary', '=', true),
    )
    .select([
      'users.id as userId',
      'users.name',
      'userEmails.email',
      'orgMembers.role',
      'orgMembers.createdAt as since',
    ])
    .where('orgMembers.orgId', '=', orgId)
    .orderBy('users.name')
    .execute();
}

export async function getOrgRole(db: Executor, orgId: string, userId: string): Promise<OrgRole | null> {
  const row = await db
    .selectFrom('orgMembers')
    .select('role')
    .where('orgId', '=', orgId)
    .where('userId', '=', userId)
    .executeTakeFirst();
  return row?.role ?? null;
}

/** Adds the user with `role`, or changes the role of an existing member (never below the last owner). */
export async function addMember(db: Executor, orgId: string, userId: string, role: OrgRole): Promise<void> {
  const current = await getOrgRole(db, orgId, userId);
  if (current) {
    if (current !== role) await changeRole(db, orgId, userId, role);
    return;
  }
  await db.insertInto('orgMembers').values({ orgId: orgId, userId: userId, role }).execute();
}

async function ownerCount(db: Executor, orgId: string): Promise<number> {
  const r = await db
    .selectFrom('orgMembers')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('orgId', '=', orgId)
    .where('role', '=', 'owner')
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/**
 * Runs `fn` holding a lock on the organization row, so that two concurrent demotions or
 * removals cannot both see "another owner exists" and leave none.
 */
async function withOrgLock<T>(db: Executor, orgId: string, fn: (trx: Executor) => Promise<T>): Promise<T> {
  const locked = async (trx: Executor) => {
    await trx.selectFrom('orgs').select('id').where('id', '=', orgId).forUpdate().executeTakeFirst();
    return fn(trx);
  };
  return db.isTransaction ? locked(db) : (db as Db).transaction().execute(locked);
}

/** The member's current role, once the rules allow `by` (when given) to change it to `role` (none: remove). */
async function checkedRole(trx: Executor, orgId: string, userId: string, by?: OrgRole, role?: OrgRole) {
  const current = await getOrgRole(trx, orgId, userId);
  if (!current) throw notFound('That member');
  if (by) assertMayAssignRole(by, current, role);
  if (current === 'owner') assertKeepsAnOwner(current, await ownerCount(trx, orgId), role);
  return current;
}

/** Changes a member's role; `by`, the acting member's role, when a member (not the system) acts. */
export async function changeRole(
  db: Executor,
  orgId: string,
  userId: string,
  role: OrgRole,
  by?: OrgRole,
): Promise<void> {
  await withOrgLock(db, orgId, async (trx) => {
    await checkedRole(trx, orgId, userId, by, role);
    await trx
      .updateTable('orgMembers')
      .set({ role })
      .where('orgId', '=', orgId)
      .where('userId', '=', userId)
      .execute();
  });
}

export async function removeMember(db: Executor, orgId: string, userId: string, by?: OrgRole): Promise<void> {
  await withOrgLock(db, orgId, async (trx) => {
    await checkedRole(trx, orgId, userId, by);
    await trx.deleteFrom('orgMembers').where('orgId', '=', orgId).where('userId', '=', userId).execute();
  });
}

/**
 * Account merge (see src/accounts/merge-hooks.ts): the memberships of `fromUserId` move to
 * `toUserId`; where both were members, the higher role stays.
 */
export async function moveMemberships(trx: Transaction<Database>, fromUserId: string, toUserId: string) {
  const rows = await trx
    .selectFrom('orgMembers')
    .select(['orgId', 'role'])
    .where('userId', '=', fromUserId)
    .execute();
  for (const r of rows) {
    const existing = await getOrgRole(trx, r.orgId, toUserId);
    if (!existing) {
      await trx.insertInto('orgMembers').values({ orgId: r.orgId, userId: toUserId, role: r.role }).execute();
    } else if (higherRole(existing, r.role) !== existing) {
      await trx
        .updateTable('orgMembers')
        .set({ role: r.role })
        .where('orgId', '=', r.orgId)
        .where('userId', '=', toUserId)
        .execute();
    }
  }
  await trx.deleteFrom('orgMembers').where('userId', '=', fromUserId).execute();
}
