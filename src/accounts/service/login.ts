// Getting in: password (throttled), emailed login links, password reset and change.
import type { Db } from '../../db/index.ts';
import { invalid } from '../../errors.ts';
import type { AppContext } from '../../http/context.ts';
import { enqueueEmail } from '../../mail/outbox.ts';
import type { Device } from '../device-cookie.ts';
import { normalizeEmail, parseEmail } from '../email-address.ts';
import { withNext } from '../next.ts';
import { hashPassword, passwordProblems, verifyPassword } from '../passwords.ts';
import { mayLogInUnconfirmed } from '../policy.ts';
import type { User } from '../presenters.ts';
import {
  type Bucket,
  LIMITS,
  countFailures,
  limitSource,
  mailAllowed,
  sourceOf,
  spent,
  tooMany,
} from '../rate-limit.ts';
import { consumeAuthToken, createAuthToken, peekAuthToken } from '../tokens.ts';
import { loginLinkMessage, resetPasswordMessage } from '../views/emails.tsx';
import { sendSignupLink } from './signup.ts';
import { credentialsChanged, getUser, markEmailVerified, ownerOf, verifiedEmailsOf } from './users.ts';

export const LOGIN_LOCKED =
  'Too many failed attempts to log in. Wait 15 minutes, or log in with a link by email, or reset your password.';

/**
 * Email + password. Throttling (OWASP's guidance against both guessing and lockout): only
 * failed attempts are counted, after the password is checked, so the right password is never
 * refused because of someone else's wrong ones. Failures are limited per source (an IPv4
 * address or an IPv6 /64) and per account and source; across all sources the account has a
 * larger budget that browsers holding its device cookie (a previous successful login there)
 * do not draw on, so a distributed attacker cannot lock its owner out. An address without an
 * account is counted the same way, and a right password on an account that never confirmed an
 * address is a failure too (its link is mailed again; otherwise signing up with someone's
 * address and then logging in would tell whether it was free), so nothing reveals whether an
 * account exists. Over a limit: RATE_LIMITED, with the password left unchecked.
 */
export async function logIn(
  ctx: AppContext,
  email: string,
  password: string,
  from: { ip: string; device?: Device | null },
): Promise<User | null> {
  const { db } = ctx;
  const address = normalizeEmail(email);
  const row = await db
    .selectFrom('userEmails')
    .innerJoin('users', 'users.id', 'userEmails.userId')
    .select(['users.id', 'users.name', 'users.passwordHash', 'users.isAdmin'])
    .where('userEmails.email', '=', address)
    .executeTakeFirst();
  const account = row?.id ?? address;
  const source = sourceOf(from.ip);
  const device: Bucket | null =
    row && from.device?.userId === row.id
      ? { scope: 'login-device', value: from.device.nonce, rule: LIMITS.loginFailuresPerDevice }
      : null;
  const trusted = device !== null && !(await spent(db, device));
  const buckets: Bucket[] = [
    { scope: 'login-source', value: source, rule: LIMITS.loginFailuresPerSource },
    {
      scope: 'login-account-source',
      value: `${account} ${source}`,
      rule: LIMITS.loginFailuresPerAccountSource,
    },
    trusted ? device : { scope: 'login-account', value: account, rule: LIMITS.loginFailuresPerAccount },
  ];
  let unconfirmed = false;
  const ok = await countFailures(
    db,
    buckets,
    async () => {
      if (!(await verifyPassword(row?.passwordHash, password)) || !row) return false;
      unconfirmed = !mayLogInUnconfirmed(row) && (await verifiedEmailsOf(db, row.id)).length === 0;
      return !unconfirmed;
    },
    () => tooMany(LOGIN_LOCKED),
  );
  if (unconfirmed && row && (await mailAllowed(db, 'access', address))) {
    await db
      .transaction()
      .execute((trx) => sendSignupLink(trx, ctx.config, { id: row.id, name: row.name, email: address }));
  }
  return ok && row ? getUser(db, row.id) : null;
}

/**
 * Checks an address for a mailed link and counts the request: per source (429 when spent) and
 * per address (when spent, nothing is sent, and the answer is the same: the link sent last, at
 * most one short window ago, still works). Null when nothing is to be sent.
 */
async function addressToMail(
  ctx: AppContext,
  email: string,
  ip: string,
  scope: string,
): Promise<string | null> {
  const address = parseEmail(email);
  await limitSource(ctx.db, scope, ip);
  return (await mailAllowed(ctx.db, 'access', address)) ? address : null;
}

/** Emails a reset link when the address has an account; the caller answers the same either way. */
export async function requestPasswordReset(ctx: AppContext, email: string, ip: string): Promise<void> {
  const address = await addressToMail(ctx, email, ip, 'reset');
  if (!address) return;
  await ctx.db.transaction().execute(async (trx) => {
    const owner = await ownerOf(trx, address);
    if (!owner) return;
    const token = await createAuthToken(trx, {
      kind: 'reset_password',
      userId: owner.userId,
      email: address,
    });
    await enqueueEmail(trx, resetPasswordMessage(address, `${ctx.config.baseUrl}/reset/${token}`));
  });
}

export const resetTokenValid = async (db: Db, token: string) =>
  (await peekAuthToken(db, 'reset_password', token)) !== null;

/**
 * Sets a new password from a reset link. The link proves the address, so it becomes
 * verified; every session of the account and every other mailed link end. Returns the user
 * id (null: link not valid).
 */
export async function resetPassword(db: Db, token: string, password: string): Promise<string | null> {
  const problems = passwordProblems(password);
  if (problems.length) throw invalid('Please choose another password.', problems);
  const hash = await hashPassword(password);
  return db.transaction().execute(async (trx) => {
    const t = await consumeAuthToken(trx, 'reset_password', token);
    if (!t?.userId) return null;
    const owner = await ownerOf(trx, t.email);
    if (owner?.userId !== t.userId) return null;
    await trx.updateTable('users').set({ passwordHash: hash }).where('id', '=', t.userId).execute();
    await markEmailVerified(trx, t.userId, t.email);
    await credentialsChanged(trx, t.userId);
    return t.userId;
  });
}

/** Emails a one-time login link when the address has an account. */
export async function requestLoginLink(
  ctx: AppContext,
  email: string,
  ip: string,
  next?: string,
): Promise<void> {
  const address = await addressToMail(ctx, email, ip, 'link');
  if (!address) return;
  await ctx.db.transaction().execute(async (trx) => {
    const owner = await ownerOf(trx, address);
    if (!owner) return;
    const token = await createAuthToken(trx, { kind: 'login_link', userId: owner.userId, email: address });
    await enqueueEmail(
      trx,
      loginLinkMessage(address, withNext(`${ctx.config.baseUrl}/login/link/${token}`, next)),
    );
  });
}

export const loginLinkValid = async (db: Db, token: string) =>
  (await peekAuthToken(db, 'login_link', token)) !== null;

/** Uses a login link: the user id to start a session for (the address is now verified), or null. */
export async function useLoginLink(db: Db, token: string): Promise<string | null> {
  return db.transaction().execute(async (trx) => {
    const t = await consumeAuthToken(trx, 'login_link', token);
    if (!t?.userId) return null;
    const owner = await ownerOf(trx, t.email);
    if (owner?.userId !== t.userId) return null;
    await markEmailVerified(trx, t.userId, t.email);
    return t.userId;
  });
}

/**
 * Changes the password (the current one is required when there is one); other sessions and
 * every mailed login or reset link end.
 */
export async function changePassword(
  db: Db,
  userId: string,
  input: { current: string; next: string },
  keepSessionId?: string,
): Promise<void> {
  const row = await db
    .selectFrom('users')
    .select('passwordHash')
    .where('id', '=', userId)
    .executeTakeFirstOrThrow();
  // Wrong current passwords count like failed logins: a borrowed session cannot guess at leisure.
  const known = await countFailures(
    db,
    [{ scope: 'password-check', value: userId, rule: LIMITS.loginFailuresPerAccountSource }],
    async () => !row.passwordHash || verifyPassword(row.passwordHash, input.current),
    () => tooMany(LOGIN_LOCKED),
  );
  if (!known) {
    throw invalid('Please correct the errors below.', [
      { field: 'current', message: 'This is not your current password.' },
    ]);
  }
  const problems = passwordProblems(input.next, 'next');
  if (problems.length) throw invalid('Please correct the errors below.', problems);
  const hash = await hashPassword(input.next);
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('users').set({ passwordHash: hash }).where('id', '=', userId).execute();
    await credentialsChanged(trx, userId, keepSessionId);
  });
}
