// An account's addresses: adding one, confirming it by its emailed link, making it primary,
// removing it.
import { sql } from 'kysely';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/index.ts';
import { LaurelError } from '../../errors.ts';
import type { AppContext } from '../../http/context.ts';
import type { Executor } from '../../db/index.ts';
import { enqueueEmail } from '../../mail/outbox.ts';
import { parseEmail } from '../email-address.ts';
import { assertAddressFree, assertCanBePrimary, assertRemovable, assertRoomForAddress } from '../policy.ts';
import { LIMITS, enforce, limitSource, mailAllowed } from '../rate-limit.ts';
import { consumeAuthToken, createAuthToken } from '../tokens.ts';
import { verifyEmailMessage } from '../views/emails.tsx';
import { credentialsChanged, markEmailVerified, ownerOf } from './users.ts';

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

/** Follows a confirmation link. Returns the account, or null when the link is not valid any more. */
export async function confirmEmail(db: Db, token: string): Promise<{ userId: string; email: string } | null> {
  return db.transaction().execute(async (trx) => {
    const t = await consumeAuthToken(trx, 'verify_email', token);
    if (!t?.userId) return null;
    const still = await trx
      .selectFrom('userEmails')
      .select('id')
      .where('userId', '=', t.userId)
      .where('email', '=', t.email)
      .executeTakeFirst();
    if (!still) return null;
    await markEmailVerified(trx, t.userId, t.email);
    return { userId: t.userId, email: t.email };
  });
}

/** Adds an address to the account (unverified) and sends its confirmation link. */
export async function addEmail(ctx: AppContext, userId: string, email: string): Promise<void> {
  const address = parseEmail(email);
  await enforce(ctx.db, { scope: 'add-email', value: userId, rule: LIMITS.addressesPerAccount });
  await ctx.db.transaction().execute(async (trx) => {
    const count = await trx
      .selectFrom('userEmails')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('userId', '=', userId)
      .executeTakeFirstOrThrow();
    assertRoomForAddress(count.n);
    assertAddressFree(await ownerOf(trx, address), userId);
    await trx
      .insertInto('userEmails')
      .values({ userId: userId, email: address, isPrimary: false, verifiedAt: null })
      .execute();
    const user = await trx
      .selectFrom('users')
      .select('name')
      .where('id', '=', userId)
      .executeTakeFirstOrThrow();
    await sendVerification(trx, ctx.config, userId, user.name, address);
  });
}

const notOnAccount = () => new LaurelError('NOT_FOUND', 'This address is not on your account.');

/** An address of this account (NOT_FOUND for anyone else's). */
async function ownAddress(db: Executor, userId: string, emailId: string) {
  const row = await db
    .selectFrom('userEmails')
    .select(['id', 'verifiedAt', 'isPrimary'])
    .where('id', '=', emailId)
    .where('userId', '=', userId)
    .executeTakeFirst();
  if (!row) throw notOnAccount();
  return row;
}

export async function resendVerification(ctx: AppContext, userId: string, emailId: string, ip: string) {
  const row = await ctx.db
    .selectFrom('userEmails')
    .innerJoin('users', 'users.id', 'userEmails.userId')
    .select(['userEmails.email', 'userEmails.verifiedAt', 'users.name'])
    .where('userEmails.id', '=', emailId)
    .where('userEmails.userId', '=', userId)
    .executeTakeFirst();
  if (!row) throw notOnAccount();
  if (row.verifiedAt) return;
  await limitSource(ctx.db, 'verify', ip);
  if (!(await mailAllowed(ctx.db, 'verify', row.email))) return;
  await ctx.db.transaction().execute((trx) => sendVerification(trx, ctx.config, userId, row.name, row.email));
}

export async function makePrimaryEmail(db: Db, userId: string, emailId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    assertCanBePrimary(await ownAddress(trx, userId, emailId));
    await trx.updateTable('userEmails').set({ isPrimary: false }).where('userId', '=', userId).execute();
    await trx.updateTable('userEmails').set({ isPrimary: true }).where('id', '=', emailId).execute();
  });
}

/** Removes a secondary address; like a password change, it ends other sessions and mailed links. */
export async function removeEmail(
  db: Db,
  userId: string,
  emailId: string,
  keepSessionId?: string,
): Promise<void> {
  assertRemovable(await ownAddress(db, userId, emailId));
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('userEmails').where('id', '=', emailId).execute();
    await credentialsChanged(trx, userId, keepSessionId);
  });
}
