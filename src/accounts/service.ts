import { type Transaction, sql } from 'kysely';
import type { Config } from '../config.ts';
import type { Db } from '../db/index.ts';
import type { Database } from '../db/schema.ts';
import { type FieldError, LaurelError, invalid } from '../errors.ts';
import type { AppContext, FeatureHooks } from '../http/context.ts';
import type { Executor } from '../jobs/queue.ts';
import { enqueueEmail } from '../mail/outbox.ts';
import type { Device } from './device-cookie.ts';
import { checkEmail, normalizeEmail, parseEmail } from './email-address.ts';
import {
  accountExistsMessage,
  finishSignupMessage,
  loginLinkMessage,
  mergeAccountMessage,
  resetPasswordMessage,
  verifyEmailMessage,
} from './emails.tsx';
import { hashPassword, passwordProblems, verifyPassword } from './passwords.ts';
import {
  type Bucket,
  LIMITS,
  countFailures,
  enforce,
  limitSource,
  mailAllowed,
  sourceOf,
  spent,
  tooMany,
} from './rate-limit.ts';
import { destroyOtherSessions } from './sessions.ts';
import { consumeAuthToken, createAuthToken, peekAuthToken, revokeAccessLinks } from './tokens.ts';
import { isUuid } from '../util/checks.ts';

export interface User {
  id: string;
  name: string;
  handle: string | null;
  isAdmin: boolean;
  profilePublic: boolean;
  bio: string | null;
  hasPassword: boolean;
  primaryEmail: string | null;
  createdAt: Date;
}

export interface UserEmail {
  id: string;
  email: string;
  verified: boolean;
  primary: boolean;
  createdAt: Date;
}

export const HANDLE_PATTERN = /^[a-z0-9][a-z0-9-]{2,30}$/;
const RESERVED_HANDLES = new Set([
  'admin',
  'api',
  'me',
  'new',
  'edit',
  'settings',
  'laurel',
  'root',
  'support',
]);
function nameProblems(name: string): FieldError[] {
  if (!name) return [{ field: 'name', message: 'Enter your name.' }];
  if (name.length > 100) return [{ field: 'name', message: 'Use at most 100 characters.' }];
  return [];
}

/** Runs `fn` in the caller's transaction, or in a new one. */
async function inTransaction<T>(db: Executor, fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  if (db.isTransaction) return fn(db as Transaction<Database>);
  return db.transaction().execute(fn);
}

const userColumns = [
  'users.id',
  'users.name',
  'users.handle',
  'users.is_admin',
  'users.profile_public',
  'users.bio',
  'users.password_hash',
  'users.created_at',
] as const;

async function loadUser(db: Executor, where: { id?: string; handle?: string }): Promise<User | null> {
  let q = db
    .selectFrom('users')
    .leftJoin('user_emails', (j) =>
      j.onRef('user_emails.user_id', '=', 'users.id').on('user_emails.is_primary', '=', true),
    )
    .select([...userColumns, 'user_emails.email as primary_email']);
  if (where.id) q = q.where('users.id', '=', where.id);
  if (where.handle) q = q.where('users.handle', '=', where.handle);
  const r = await q.executeTakeFirst();
  if (!r) return null;
  return {
    id: r.id,
    name: r.name,
    handle: r.handle,
    isAdmin: r.is_admin,
    profilePublic: r.profile_public,
    bio: r.bio,
    hasPassword: r.password_hash !== null,
    primaryEmail: r.primary_email,
    createdAt: r.created_at,
  };
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
    .selectFrom('user_emails')
    .innerJoin('users', 'users.id', 'user_emails.user_id')
    .select(['users.id', 'users.name'])
    .where('user_emails.email', '=', normalizeEmail(email))
    .where('user_emails.verified_at', 'is not', null)
    .executeTakeFirst();
  return row ?? null;
}

export async function verifiedEmailsOf(db: Executor, userId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('user_emails')
    .select('email')
    .where('user_id', '=', userId)
    .where('verified_at', 'is not', null)
    .orderBy('is_primary', 'desc')
    .orderBy('email')
    .execute();
  return rows.map((r) => r.email);
}

export async function listEmails(db: Executor, userId: string): Promise<UserEmail[]> {
  const rows = await db
    .selectFrom('user_emails')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('is_primary', 'desc')
    .orderBy('created_at')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    email: r.email,
    verified: r.verified_at !== null,
    primary: r.is_primary,
    createdAt: r.created_at,
  }));
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
      .selectFrom('user_emails')
      .selectAll()
      .where('email', '=', address)
      .forUpdate()
      .executeTakeFirst();
    if (existing && existing.user_id !== userId && existing.verified_at) {
      throw new LaurelError('CONFLICT', 'This address is already confirmed on another account.', [
        { field: 'email', message: 'belongs to another account' },
      ]);
    }
    const hasPrimary = await trx
      .selectFrom('user_emails')
      .select('id')
      .where('user_id', '=', userId)
      .where('is_primary', '=', true)
      .where('email', '!=', address)
      .executeTakeFirst();
    if (existing) {
      await trx
        .updateTable('user_emails')
        .set({
          user_id: userId,
          verified_at: existing.verified_at ?? new Date(),
          is_primary: existing.user_id === userId ? existing.is_primary || !hasPrimary : !hasPrimary,
        })
        .where('id', '=', existing.id)
        .execute();
    } else {
      await trx
        .insertInto('user_emails')
        .values({ user_id: userId, email: address, verified_at: new Date(), is_primary: !hasPrimary })
        .execute();
    }
  });
}

export interface NewUser {
  name: string;
  email: string;
  password?: string;
  emailVerified?: boolean;
}

// Serializes account creation: two racing sign-ups can neither both be first nor both take
// one address.
const lockSignups = (trx: Transaction<Database>) => sql`SELECT pg_advisory_xact_lock(7348100)`.execute(trx);

/** Inserts an account with one primary address; the very first account becomes the administrator. */
async function insertUser(
  trx: Transaction<Database>,
  input: { name: string; email: string; passwordHash: string | null; verified: boolean },
): Promise<string> {
  const first = !(await trx.selectFrom('users').select('id').limit(1).executeTakeFirst());
  const user = await trx
    .insertInto('users')
    .values({
      name: input.name,
      password_hash: input.passwordHash,
      is_admin: first,
      handle: null,
      bio: null,
      merged_into: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await trx
    .insertInto('user_emails')
    .values({
      user_id: user.id,
      email: input.email,
      is_primary: true,
      verified_at: input.verified ? new Date() : null,
    })
    .execute();
  return user.id;
}

function newUserProblems(input: { name: string; email: string; password?: string }) {
  const name = input.name.trim();
  const checked = checkEmail(input.email);
  const errors = [
    ...nameProblems(name),
    ...checked.errors,
    ...(input.password !== undefined
      ? passwordProblems(input.password, 'password', { email: checked.email ?? undefined, name })
      : []),
  ];
  if (errors.length) throw invalid('Please correct the errors below.', errors);
  return { name, email: checked.email! };
}

/**
 * Creates an account with one (primary) email, refusing an address that is taken (for the
 * CLI, imports and tests; the sign-up form goes through signUp, which reveals nothing).
 */
export async function createUser(db: Executor, input: NewUser): Promise<User> {
  const { name, email } = newUserProblems(input);
  const passwordHash = input.password !== undefined ? await hashPassword(input.password) : null;
  const id = await inTransaction(db, async (trx) => {
    await lockSignups(trx);
    if (await ownerOf(trx, email)) {
      throw new LaurelError(
        'CONFLICT',
        'An account with this email already exists. Log in, or reset its password.',
        [{ field: 'email', message: 'An account with this email already exists.' }],
      );
    }
    return insertUser(trx, { name, email, passwordHash, verified: input.emailVerified ?? false });
  });
  return (await getUser(db, id))!;
}

/** Sends a confirmation link for `email` (an address of `userId`), in the caller's transaction. */
export async function sendVerification(
  db: Executor,
  config: Config,
  userId: string,
  name: string,
  email: string,
) {
  const token = await createAuthToken(db, { kind: 'verify_email', userId, email });
  await enqueueEmail(db, verifyEmailMessage(email, name, `${config.baseUrl}/verify-email/${token}`));
}

// A new account is finished from its mailbox, at leisure: a login link that lives a day.
const SIGNUP_LINK_TTL_MS = 86_400_000;

const withNextQuery = (url: string, next?: string) =>
  next && next !== '/' ? `${url}?next=${encodeURIComponent(next)}` : url;

/** Mails the link that confirms a new account's address and logs it in (then on to `next`). */
async function sendSignupLink(
  trx: Executor,
  config: Config,
  user: { id: string; name: string; email: string },
  next?: string,
) {
  const token = await createAuthToken(trx, {
    kind: 'login_link',
    userId: user.id,
    email: user.email,
    ttlMs: SIGNUP_LINK_TTL_MS,
  });
  const url = withNextQuery(`${config.baseUrl}/login/link/${token}`, next);
  await enqueueEmail(trx, finishSignupMessage(user.email, user.name, url));
}

/**
 * Sign-up from the form. Whether the address already has an account must not show, so the
 * answer is "check your email" either way: a new address gets a link that confirms it and
 * logs the new account in; an address that has an account gets a notice with a reset link
 * instead. Only the platform's very first account (no address to reveal yet) is logged in at
 * once, so its administrator can read the mailbox. Returns that first user, else null.
 */
export async function signUp(
  ctx: AppContext,
  input: { name: string; email: string; password: string },
  ip: string,
  next?: string,
): Promise<User | null> {
  const { name, email } = newUserProblems(input);
  await limitSource(ctx.db, 'signup', ip);
  // Hashed before looking, so a taken address takes as long as a free one.
  const passwordHash = await hashPassword(input.password);
  const sendable = await mailAllowed(ctx.db, 'access', email);
  const firstId = await ctx.db.transaction().execute(async (trx) => {
    await lockSignups(trx);
    if (!(await trx.selectFrom('users').select('id').limit(1).executeTakeFirst())) {
      const id = await insertUser(trx, { name, email, passwordHash, verified: false });
      await sendVerification(trx, ctx.config, id, name, email);
      return id;
    }
    if (!sendable) return null;
    const owner = await ownerOf(trx, email);
    if (owner) {
      const token = await createAuthToken(trx, { kind: 'reset_password', userId: owner.user_id, email });
      await enqueueEmail(trx, accountExistsMessage(email, `${ctx.config.baseUrl}/reset/${token}`));
    } else {
      const id = await insertUser(trx, { name, email, passwordHash, verified: false });
      await sendSignupLink(trx, ctx.config, { id, name, email }, next);
    }
    return null;
  });
  return firstId ? getUser(ctx.db, firstId) : null;
}

/** Follows a confirmation link. Returns the account, or null when the link is not valid any more. */
export async function confirmEmail(db: Db, token: string): Promise<{ userId: string; email: string } | null> {
  return db.transaction().execute(async (trx) => {
    const t = await consumeAuthToken(trx, 'verify_email', token);
    if (!t?.userId) return null;
    const still = await trx
      .selectFrom('user_emails')
      .select('id')
      .where('user_id', '=', t.userId)
      .where('email', '=', t.email)
      .executeTakeFirst();
    if (!still) return null;
    await markEmailVerified(trx, t.userId, t.email);
    return { userId: t.userId, email: t.email };
  });
}

async function hasVerifiedEmail(db: Executor, userId: string): Promise<boolean> {
  return (await verifiedEmailsOf(db, userId)).length > 0;
}

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
    .selectFrom('user_emails')
    .innerJoin('users', 'users.id', 'user_emails.user_id')
    .select(['users.id', 'users.name', 'users.password_hash', 'users.is_admin'])
    .where('user_emails.email', '=', address)
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
      if (!(await verifyPassword(row?.password_hash, password)) || !row) return false;
      // The platform's administrator is exempt: on a fresh install without mail, the link
      // would land in a mailbox only they can open.
      unconfirmed = !row.is_admin && !(await hasVerifiedEmail(db, row.id));
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

async function ownerOf(db: Executor, address: string) {
  return db
    .selectFrom('user_emails')
    .select(['user_id', 'email'])
    .where('email', '=', address)
    .executeTakeFirst();
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
      userId: owner.user_id,
      email: address,
    });
    await enqueueEmail(trx, resetPasswordMessage(address, `${ctx.config.baseUrl}/reset/${token}`));
  });
}

export const resetTokenValid = async (db: Db, token: string) =>
  (await peekAuthToken(db, 'reset_password', token)) !== null;

/**
 * After a credential changes (password, address): every mailed link that could log in or
 * reset the password stops working, and every other session ends (the one that made the
 * change, if any, stays).
 */
async function credentialsChanged(db: Executor, userId: string, keepSessionId?: string) {
  await revokeAccessLinks(db, userId);
  await destroyOtherSessions(db, userId, keepSessionId);
}

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
    if (owner?.user_id !== t.userId) return null;
    await trx.updateTable('users').set({ password_hash: hash }).where('id', '=', t.userId).execute();
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
    const token = await createAuthToken(trx, { kind: 'login_link', userId: owner.user_id, email: address });
    await enqueueEmail(
      trx,
      loginLinkMessage(address, withNextQuery(`${ctx.config.baseUrl}/login/link/${token}`, next)),
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
    if (owner?.user_id !== t.userId) return null;
    await markEmailVerified(trx, t.userId, t.email);
    return t.userId;
  });
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
  const errors = [...nameProblems(name)];
  if (handle && (!HANDLE_PATTERN.test(handle) || RESERVED_HANDLES.has(handle))) {
    errors.push({
      field: 'handle',
      message: RESERVED_HANDLES.has(handle)
        ? 'This handle is reserved. Choose another one.'
        : '3 to 31 characters: lower-case letters, digits and hyphens, starting with a letter or digit.',
    });
  }
  if (bio.length > 500) errors.push({ field: 'bio', message: 'Use at most 500 characters.' });
  if (input.profilePublic && !handle) {
    errors.push({ field: 'handle', message: 'Choose a handle to give your public profile an address.' });
  }
  if (errors.length) throw invalid('Please correct the errors below.', errors);
  if (handle) {
    const other = await db.selectFrom('users').select('id').where('handle', '=', handle).executeTakeFirst();
    if (other && other.id !== userId) {
      throw invalid('Please correct the errors below.', [
        { field: 'handle', message: 'This handle is taken.' },
      ]);
    }
  }
  try {
    await db
      .updateTable('users')
      .set({ name, handle: handle || null, profile_public: input.profilePublic, bio: bio || null })
      .where('id', '=', userId)
      .execute();
  } catch (e) {
    if ((e as { code?: string }).code === '23505') {
      throw invalid('Please correct the errors below.', [
        { field: 'handle', message: 'This handle is taken.' },
      ]);
    }
    throw e;
  }
}

/** Adds an address to the account (unverified) and sends its confirmation link. */
export async function addEmail(ctx: AppContext, userId: string, email: string): Promise<void> {
  const address = parseEmail(email);
  await enforce(ctx.db, { scope: 'add-email', value: userId, rule: LIMITS.addressesPerAccount });
  await ctx.db.transaction().execute(async (trx) => {
    const count = await trx
      .selectFrom('user_emails')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('user_id', '=', userId)
      .executeTakeFirstOrThrow();
    if (count.n >= 20) throw invalid('An account holds at most 20 addresses.');
    const taken = await ownerOf(trx, address);
    if (taken) {
      throw invalid('Please correct the errors below.', [
        {
          field: 'email',
          message:
            taken.user_id === userId
              ? 'This address is already on your account.'
              : 'This address belongs to another account. To bring it here, merge that account into this one.',
        },
      ]);
    }
    await trx
      .insertInto('user_emails')
      .values({ user_id: userId, email: address, is_primary: false, verified_at: null })
      .execute();
    const user = await trx
      .selectFrom('users')
      .select('name')
      .where('id', '=', userId)
      .executeTakeFirstOrThrow();
    await sendVerification(trx, ctx.config, userId, user.name, address);
  });
}

export async function resendVerification(ctx: AppContext, userId: string, emailId: string, ip: string) {
  const row = await ctx.db
    .selectFrom('user_emails')
    .innerJoin('users', 'users.id', 'user_emails.user_id')
    .select(['user_emails.email', 'user_emails.verified_at', 'users.name'])
    .where('user_emails.id', '=', emailId)
    .where('user_emails.user_id', '=', userId)
    .executeTakeFirst();
  if (!row) throw new LaurelError('NOT_FOUND', 'This address is not on your account.');
  if (row.verified_at) return;
  await limitSource(ctx.db, 'verify', ip);
  if (!(await mailAllowed(ctx.db, 'verify', row.email))) return;
  await ctx.db.transaction().execute((trx) => sendVerification(trx, ctx.config, userId, row.name, row.email));
}

export async function makePrimaryEmail(db: Db, userId: string, emailId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('user_emails')
      .select(['id', 'verified_at'])
      .where('id', '=', emailId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    if (!row) throw new LaurelError('NOT_FOUND', 'This address is not on your account.');
    if (!row.verified_at) throw invalid('Confirm this address before making it your primary one.');
    await trx.updateTable('user_emails').set({ is_primary: false }).where('user_id', '=', userId).execute();
    await trx.updateTable('user_emails').set({ is_primary: true }).where('id', '=', emailId).execute();
  });
}

/** Removes a secondary address; like a password change, it ends other sessions and mailed links. */
export async function removeEmail(
  db: Db,
  userId: string,
  emailId: string,
  keepSessionId?: string,
): Promise<void> {
  const row = await db
    .selectFrom('user_emails')
    .select(['id', 'is_primary'])
    .where('id', '=', emailId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (!row) throw new LaurelError('NOT_FOUND', 'This address is not on your account.');
  if (row.is_primary)
    throw invalid('Your primary address cannot be removed. Make another one primary first.');
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('user_emails').where('id', '=', emailId).execute();
    await credentialsChanged(trx, userId, keepSessionId);
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
    .select('password_hash')
    .where('id', '=', userId)
    .executeTakeFirstOrThrow();
  // Wrong current passwords count like failed logins: a borrowed session cannot guess at leisure.
  const known = await countFailures(
    db,
    [{ scope: 'password-check', value: userId, rule: LIMITS.loginFailuresPerAccountSource }],
    async () => !row.password_hash || verifyPassword(row.password_hash, input.current),
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
    await trx.updateTable('users').set({ password_hash: hash }).where('id', '=', userId).execute();
    await credentialsChanged(trx, userId, keepSessionId);
  });
}

/**
 * "I have another account": emails a link to an address of the other account. Answers the
 * same whether or not the address has an account, so it reveals nothing.
 */
export async function requestMerge(
  ctx: AppContext,
  userId: string,
  email: string,
  ip: string,
): Promise<void> {
  const address = parseEmail(email);
  await limitSource(ctx.db, 'merge', ip);
  if (!(await mailAllowed(ctx.db, 'merge', address))) return;
  await ctx.db.transaction().execute(async (trx) => {
    const owner = await ownerOf(trx, address);
    if (!owner) return;
    if (owner.user_id === userId) {
      throw invalid('Please correct the errors below.', [
        { field: 'email', message: 'This address is already on your account.' },
      ]);
    }
    const me = await trx
      .selectFrom('users')
      .select('name')
      .where('id', '=', userId)
      .executeTakeFirstOrThrow();
    const token = await createAuthToken(trx, { kind: 'merge_account', userId, email: address });
    await enqueueEmail(
      trx,
      mergeAccountMessage(address, me.name, `${ctx.config.baseUrl}/account/merge/${token}`),
    );
  });
}

/** What a merge link would do, for the confirmation page (null: link not valid). */
export async function previewMerge(
  db: Db,
  token: string,
): Promise<{ intoUserId: string; from: User; fromEmails: string[] } | null> {
  const t = await peekAuthToken(db, 'merge_account', token);
  if (!t?.userId) return null;
  const owner = await ownerOf(db, t.email);
  if (!owner || owner.user_id === t.userId) return null;
  const from = await getUser(db, owner.user_id);
  if (!from) return null;
  const emails = (await listEmails(db, owner.user_id)).map((e) => e.email);
  return { intoUserId: t.userId, from, fromEmails: emails };
}

/**
 * Merges the account that holds the link's address into the signed-in account: its
 * addresses move over, every feature's merge hook moves its rows, then it is deleted.
 */
export async function confirmMerge(
  ctx: Pick<AppContext, 'db' | 'hooks'>,
  token: string,
  currentUserId: string,
): Promise<{ mergedUserId: string } | null> {
  return ctx.db.transaction().execute(async (trx) => {
    const t = await peekAuthToken(trx, 'merge_account', token);
    if (!t?.userId) return null;
    if (t.userId !== currentUserId) {
      throw new LaurelError(
        'FORBIDDEN',
        'This merge link was made for another account. Log in to that account to use it.',
      );
    }
    if (!(await consumeAuthToken(trx, 'merge_account', token))) return null;
    const owner = await ownerOf(trx, t.email);
    if (!owner || owner.user_id === currentUserId) return null;
    await mergeAccounts(trx, ctx.hooks, owner.user_id, currentUserId);
    await markEmailVerified(trx, currentUserId, t.email);
    return { mergedUserId: owner.user_id };
  });
}

export async function mergeAccounts(
  trx: Transaction<Database>,
  hooks: FeatureHooks,
  fromUserId: string,
  toUserId: string,
): Promise<void> {
  const from = await trx
    .selectFrom('users')
    .select(['is_admin', 'handle', 'bio'])
    .where('id', '=', fromUserId)
    .forUpdate()
    .executeTakeFirstOrThrow();
  await trx
    .updateTable('user_emails')
    .set({ user_id: toUserId, is_primary: false })
    .where('user_id', '=', fromUserId)
    .execute();
  for (const hook of hooks.onAccountMerge) await hook(trx, fromUserId, toUserId);
  await trx.deleteFrom('users').where('id', '=', fromUserId).execute();
  // What only the merged account had carries over: admin rights, and a handle if this one has none.
  const to = await trx
    .selectFrom('users')
    .select(['handle', 'bio', 'is_admin'])
    .where('id', '=', toUserId)
    .executeTakeFirstOrThrow();
  await trx
    .updateTable('users')
    .set({
      is_admin: to.is_admin || from.is_admin,
      handle: to.handle ?? from.handle,
      bio: to.bio ?? from.bio,
    })
    .where('id', '=', toUserId)
    .execute();
}

/** `laurel admin create`: creates a platform administrator, or promotes the account of that address. */
export async function createOrPromoteAdmin(
  db: Db,
  input: { email: string; password: string; name?: string },
): Promise<{ userId: string; created: boolean }> {
  const address = parseEmail(input.email);
  const owner = await ownerOf(db, address);
  if (owner) {
    const problems = passwordProblems(input.password);
    if (problems.length) throw invalid(problems[0]!.message, problems);
    const hash = await hashPassword(input.password);
    await db.transaction().execute(async (trx) => {
      await trx
        .updateTable('users')
        .set({ is_admin: true, password_hash: hash })
        .where('id', '=', owner.user_id)
        .execute();
      await markEmailVerified(trx, owner.user_id, address);
      await credentialsChanged(trx, owner.user_id);
    });
    return { userId: owner.user_id, created: false };
  }
  const user = await createUser(db, {
    name: input.name ?? address.split('@')[0]!,
    email: address,
    password: input.password,
    emailVerified: true,
  });
  await db.updateTable('users').set({ is_admin: true }).where('id', '=', user.id).execute();
  return { userId: user.id, created: true };
}

export async function countUsers(db: Db): Promise<number> {
  const r = await db.selectFrom('users').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
  return r.n;
}
