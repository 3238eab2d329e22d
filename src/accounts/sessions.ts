import { randomBytes } from 'node:crypto';
import type { Db, Executor } from '../db/index.ts';
import type { CurrentUser } from '../http/context.ts';
import { hashToken } from '../util/hash.ts';

export const SESSION_COOKIE = 'laurel_session';
const SESSION_DAYS = 30;

/** Starts a session; returns the cookie value (a random token whose hash is the row id). */
export async function createSession(db: Db, userId: string, userAgent?: string): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await db
    .insertInto('sessions')
    .values({
      id: hashToken(token),
      userId: userId,
      expiresAt: new Date(Date.now() + SESSION_DAYS * 86_400_000),
      userAgent: userAgent?.slice(0, 300) ?? null,
    })
    .execute();
  return token;
}

export async function loadSession(db: Db, token: string): Promise<CurrentUser | null> {
  const id = hashToken(token);
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.userId')
    .select([
      'sessions.id as sessionId',
      'users.id',
      'users.name',
      'users.handle',
      'users.isAdmin',
      'sessions.expiresAt',
    ])
    .where('sessions.id', '=', id)
    .executeTakeFirst();
  if (!row || row.expiresAt.getTime() < Date.now()) return null;
  const { expiresAt: _, ...user } = row;
  return user;
}

export async function destroySession(db: Db, sessionId: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', sessionId).execute();
}

/** After a credential change: every other session of the user ends. */
export async function destroyOtherSessions(
  db: Executor,
  userId: string,
  keepSessionId?: string,
): Promise<void> {
  let q = db.deleteFrom('sessions').where('userId', '=', userId);
  if (keepSessionId) q = q.where('id', '!=', keepSessionId);
  await q.execute();
}
