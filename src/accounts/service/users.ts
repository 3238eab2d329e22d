// Accounts and their addresses: reading them, the profile, and the one place an address
// becomes verified.
import { type Transaction, sql } from 'kysely';
import type { Db } from '../../db/index.ts';
import type { Database } from '../../db/schema.ts';
import { LaurelError } from '../../errors.ts';
import type { Executor } from '../../db/index.ts';
import { isUuid } from '../../util/checks.ts';
import { normalizeEmail } from '../email-address.ts';
import { HANDLE_PATTERN, checkProfile, handleTaken } from '../policy.ts';
import { type User, type UserEmail, toUser, toUserEmail } from '../presenters.ts';
import { destroyOtherSessions } from '../sessions.ts';
import { revokeAccessLinks } from '../tokens.ts';

/** Runs `fn` in the caller's transaction, or in a new one. */
export async function inTransaction<T>(
  db: Executor,
  fn: (trx: Transaction<Database>) => Promise<T>,
): Promise<T> {
  if (db.isTransaction) return fn(db as Transaction<Database>);
  return db.transaction().execute(fn);
}

const userColumns = [
  'users.id',
  'users.name',
  'users.handle',
  'users.isAdmin',
  'users.profilePublic',
  'users.bio',
  'users.passwordHash',
  'users.createdAt',
] as const;

async function loadUser(db: Executor, where: { id?: string; handle?: string }): Promise<User | null> {
  let q = db
    .selectFrom('users')
    .leftJoin('userEmails', (j) =>
      j.onRef('userEmails.userId', '=', 'users.id').on('userEmails.isPrimary', '=', true),
    )
    .select([...userColumns, 'userEmails.email as primaryEmail']);
  if (where.id) q = q.where('users.id', '=', where.id);
  if (where.handle) q = q.where('users.handle', '=', where.handle);
  const r = await q.executeTakeFirst();
  return r ? toUser(r) : null;
}

export function getUser(db: Executor, id: string): Promise<User | null> {
  if (!isUuid(id)) return Promise.resolve(null);
  return loadUser(db, { id });
}

export function getUserByHandle(db: Executor, handle: string): Promise<User | null> {
  const h = handle.toLowerCase();
  if (!HANDLE_PATTERN.test(h)) return Promise.resolve(null);
  return loadUser(db, { handle: h });
}

/** The account that holds this address, verified. Unverified addresses prove nothing. */
export async function findUserByEmail(
  db: Executor,
  email: string,
): Promise<{ id: string; name: string } | null> {
  const row = await db
    .selectFrom('userEmails')
    .innerJoin('users', 'users.id', 'userEmails.userId')
    .select(['users.id', 'users.name'])
    .where('userEmails.email', '=', normalizeEmail(email))
    .where('userEmails.verifiedAt', 'is not', null)
    .executeTakeFirst();
  return row ?? null;
}

export async function verifiedEmailsOf(db: Executor, userId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('userEmails')
    .select('email')
    .where('userId', '=', userId)
    .where('verifiedAt', 'is not', null)
    .orderBy('isPrimary', 'desc')
    .orderBy('email')
    .execute();
  return rows.map((r) => r.email);
}

export async function listEmails(db: Executor, userId: string): Promise<UserEmail[]> {
  const rows = await db
    .selectFrom('userEmails')
    .selectAll()
    .where('userId', '=', userId)
    .orderBy('isPrimary', 'desc')
    .orderBy('createdAt')
    .execute();
  return rows.map(toUserEmail);
}

/** The account holding an address (verified or not), if any. */
export async function ownerOf(db: Executor, address: string) {
  return db
    .selectFrom('userEmails')
    .select(['userId', 'email'])
    .where('email', '=', address)
    .executeTakeFirst();
}

/**
 * Records that `userId` controls `email` (they followed a link sent to it, or an issuer
 * vouches for it). An unverified copy of the address on another account moves here; a
 * verified one elsewhere is a conflict.
 */
export async function markEmailVerified(db: Executor, userId: string, email: string): Promise<void> {
  const address = normalizeEmail(email);
  await inTransaction(db, async (trx) => {
    const existing = await trx
      .selectFrom('userEmails')
      .selectAll()
      .where('email', '=', address)
      .forUpdate()
      .executeTakeFirst();
    if (existing && existing.userId !== userId && existing.verifiedAt) {
      throw new LaurelError('CONFLICT', 'This address is already confirmed on another account.', [
        { field: 'email', message: 'belongs to another account' },
      ]);
    }
    const hasPrimary = await trx
      .selectFrom('userEmails')
      .select('id')
      .where('userId', '=', userId)
      .where('isPrimary', '=', true)
      .where('email', '!=', address)
      .executeTakeFirst();
    if (existing) {
      await trx
        .updateTable('userEmails')
        .set({
          userId: userId,
          verifiedAt: existing.verifiedAt ?? new Date(),
          isPrimary: existing.userId === userId ? existing.isPrimary || !hasPrimary : !hasPrimary,
        })
        .where('id', '=', existing.id)
        .execute();
    } else {
      await trx
        .insertInto('userEmails')
        .values({ userId: userId, email: address, verifiedAt: new Date(), isPrimary: !hasPrimary })
        .execute();
    }
  });
}

/**
 * After a credential changes (password, address): every mailed link that could log in or
 * reset the password stops working, and every other session ends (the one that made the
 * change, if any, stays).
 */
export async function credentialsChanged(db: Executor, userId: string, keepSessionId?: string) {
  await revokeAccessLinks(db, userId);
  await destroyOtherSessions(db, userId, keepSessionId);
}

export interface ProfileInput {
  name: string;
  handle: string;
  profilePublic: boolean;
  bio?: string;
}

export async function updateProfile(db: Db, userId: string, input: ProfileInput): Promise<void> {
  const name = input.name.trim();
  const handle = input.handle.trim().toLowerCase();
  const bio = (input.bio ?? '').trim();
  checkProfile({ name, handle, bio, profilePublic: input.profilePublic });
  if (handle) {
    const other = await db.selectFrom('users').select('id').where('handle', '=', handle).executeTakeFirst();
    if (other && other.id !== userId) throw handleTaken();
  }
  try {
    await db
      .updateTable('users')
      .set({ name, handle: handle || null, profilePublic: input.profilePublic, bio: bio || null })
      .where('id', '=', userId)
      .execute();
  } catch (e) {
    if ((e as { code?: string }).code === '23505') throw handleTaken();
    throw e;
  }
}

export async function countUsers(db: Db): Promise<number> {
  const r = await db.selectFrom('users').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
  return r.n;
}
