/**
 * Factories for tests of every feature: an account, and the cookies + CSRF token that make
 * `app.inject` requests act as that account.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { Config } from '../config.ts';
import type { Db } from '../db/index.ts';
import { CSRF_COOKIE } from '../http/csrf.ts';
import { type User, createUser } from './service.ts';
import { SESSION_COOKIE, createSession } from './sessions.ts';

export const TEST_PASSWORD = 'correct horse battery staple';

export async function makeUser(
  db: Db,
  input: { name?: string; email?: string; password?: string; admin?: boolean; verified?: boolean } = {},
): Promise<User & { email: string; password: string }> {
  const email = input.email ?? `user-${randomBytes(5).toString('hex')}@example.org`;
  const password = input.password ?? TEST_PASSWORD;
  const user = await createUser(db, {
    name: input.name ?? 'Test User',
    email,
    password,
    emailVerified: input.verified ?? true,
  });
  if (input.admin !== undefined)
    await db.updateTable('users').set({ is_admin: input.admin }).where('id', '=', user.id).execute();
  return { ...user, isAdmin: input.admin ?? user.isAdmin, email: email.trim().toLowerCase(), password };
}

export interface TestSession {
  /** Pass as `cookies` to app.inject. */
  cookies: Record<string, string>;
  /** Put in a form's `_csrf` field or the `x-csrf-token` header. */
  csrf: string;
}

/** A signed-in session for `userId` (no user: just a CSRF cookie and token, as for a visitor). */
export async function sessionFor(db: Db, config: Config, userId?: string): Promise<TestSession> {
  const csrfValue = randomBytes(24).toString('base64url');
  const csrf = createHmac('sha256', config.secret).update(`csrf:${csrfValue}`).digest('base64url');
  const cookies: Record<string, string> = { [CSRF_COOKIE]: csrfValue };
  if (userId) cookies[SESSION_COOKIE] = await createSession(db, userId);
  return { cookies, csrf };
}

/** A urlencoded form body with the CSRF field, for `app.inject({ payload, headers: FORM })`. */
export function formBody(session: TestSession, fields: Record<string, string>): string {
  return new URLSearchParams({ _csrf: session.csrf, ...fields }).toString();
}

export const FORM = { 'content-type': 'application/x-www-form-urlencoded' } as const;
