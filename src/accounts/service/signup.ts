// New accounts: sign-up from the form (which reveals nothing about taken addresses), accounts
// made by the CLI, imports and tests, and the platform administrator.
import { type Transaction, sql } from 'kysely';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/index.ts';
import type { Database } from '../../db/schema.ts';
import { LaurelError, invalid } from '../../errors.ts';
import type { AppContext } from '../../http/context.ts';
import type { Executor } from '../../db/index.ts';
import { enqueueEmail } from '../../mail/outbox.ts';
import { checkEmail, parseEmail } from '../email-address.ts';
import { withNext } from '../next.ts';
import { hashPassword, passwordProblems } from '../passwords.ts';
import { nameProblems } from '../policy.ts';
import type { User } from '../presenters.ts';
import { limitSource, mailAllowed } from '../rate-limit.ts';
import { createAuthToken } from '../tokens.ts';
import { accountExistsMessage, finishSignupMessage } from '../views/emails.tsx';
import { sendVerification } from './emails.ts';
import { credentialsChanged, getUser, inTransaction, markEmailVerified, ownerOf } from './users.ts';

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
      passwordHash: input.passwordHash,
      isAdmin: first,
      handle: null,
      bio: null,
      mergedInto: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await trx
    .insertInto('userEmails')
    .values({
      userId: user.id,
      email: input.email,
      isPrimary: true,
      verifiedAt: input.verified ? new Date() : null,
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

// A new account is finished from its mailbox, at leisure: a login link that lives a day.
const SIGNUP_LINK_TTL_MS = 86_400_000;

/** Mails the link that confirms a new account's address and logs it in (then on to `next`). */
export async function sendSignupLink(
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
  const url = withNext(`${config.baseUrl}/login/link/${token}`, next);
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
      const token = await createAuthToken(trx, { kind: 'reset_password', userId: owner.userId, email });
      await enqueueEmail(trx, accountExistsMessage(email, `${ctx.config.baseUrl}/reset/${token}`));
    } else {
      const id = await insertUser(trx, { name, email, passwordHash, verified: false });
      await sendSignupLink(trx, ctx.config, { id, name, email }, next);
    }
    return null;
  });
  return firstId ? getUser(ctx.db, firstId) : null;
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
        .set({ isAdmin: true, passwordHash: hash })
        .where('id', '=', owner.userId)
        .execute();
      await markEmailVerified(trx, owner.userId, address);
      await credentialsChanged(trx, owner.userId);
    });
    return { userId: owner.userId, created: false };
  }
  const user = await createUser(db, {
    name: input.name ?? address.split('@')[0]!,
    email: address,
    password: input.password,
    emailVerified: true,
  });
  await db.updateTable('users').set({ isAdmin: true }).where('id', '=', user.id).execute();
  return { userId: user.id, created: true };
}
