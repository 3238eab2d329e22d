import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import type { AccountTables } from './tables.ts';

export type TokenKind = AccountTables['authTokens']['kind'];

export const TOKEN_TTL_MS: Record<TokenKind, number> = {
  verify_email: 3 * 86_400_000,
  reset_password: 3_600_000,
  login_link: 15 * 60_000,
  merge_account: 3_600_000,
};

// Only the SHA-256 of a token is stored: a copy of the database holds no usable link.
const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export const looksLikeToken = (token: string) => /^[A-Za-z0-9_-]{43}$/.test(token);

export async function createAuthToken(
  db: Executor,
  input: { kind: TokenKind; userId: string | null; email: string; ttlMs?: number },
): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await db
    .insertInto('authTokens')
    .values({
      id: hashToken(token),
      kind: input.kind,
      userId: input.userId,
      email: input.email,
      expiresAt: new Date(Date.now() + (input.ttlMs ?? TOKEN_TTL_MS[input.kind])),
    })
    .execute();
  return token;
}

export interface TokenRecord {
  userId: string | null;
  email: string;
}

/** A token that is valid right now (unused, not expired), without using it. */
export async function peekAuthToken(
  db: Executor,
  kind: TokenKind,
  token: string,
): Promise<TokenRecord | null> {
  if (!looksLikeToken(token)) return null;
  const row = await db
    .selectFrom('authTokens')
    .select(['userId', 'email'])
    .where('id', '=', hashToken(token))
    .where('kind', '=', kind)
    .where('usedAt', 'is', null)
    .where('expiresAt', '>', sql<Date>`now()`)
    .executeTakeFirst();
  return row ?? null;
}

/** Uses a token: one UPDATE, so of two concurrent uses exactly one succeeds. */
export async function consumeAuthToken(
  db: Executor,
  kind: TokenKind,
  token: string,
): Promise<TokenRecord | null> {
  if (!looksLikeToken(token)) return null;
  const row = await db
    .updateTable('authTokens')
    .set({ usedAt: sql<Date>`now()` })
    .where('id', '=', hashToken(token))
    .where('kind', '=', kind)
    .where('usedAt', 'is', null)
    .where('expiresAt', '>', sql<Date>`now()`)
    .returning(['userId', 'email'])
    .executeTakeFirst();
  return row ?? null;
}

/**
 * Every unused link that logs into the account or resets its password stops working: after
 * a password or address change, a link mailed before it must not undo it.
 */
export async function revokeAccessLinks(db: Executor, userId: string): Promise<void> {
  await db
    .updateTable('authTokens')
    .set({ usedAt: sql<Date>`now()` })
    .where('userId', '=', userId)
    .where('kind', 'in', ['reset_password', 'login_link'])
    .where('usedAt', 'is', null)
    .execute();
}
