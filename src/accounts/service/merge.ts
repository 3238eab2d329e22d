// "I have another account": a link mailed to an address of the other account, a confirmation
// page, then every feature's rows move over and the other account is deleted.
import type { Transaction } from 'kysely';
import type { Db } from '../../db/index.ts';
import type { Database } from '../../db/schema.ts';
import type { AppContext, FeatureHooks } from '../../http/context.ts';
import { enqueueEmail } from '../../mail/outbox.ts';
import { parseEmail } from '../email-address.ts';
import { assertMergeLinkFor, assertOtherAccount, mergedProfile } from '../policy.ts';
import type { User } from '../presenters.ts';
import { limitSource, mailAllowed } from '../rate-limit.ts';
import { consumeAuthToken, createAuthToken, peekAuthToken } from '../tokens.ts';
import { mergeAccountMessage } from '../views/emails.tsx';
import { getUser, listEmails, markEmailVerified, ownerOf } from './users.ts';

/**
 * Emails a link to an address of the other account. Answers the same whether or not the
 * address has an account, so it reveals nothing.
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
    assertOtherAccount(owner.userId, userId);
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

/**
 * What a merge link would do, for the confirmation page (null: link not valid). With
 * `currentUserId`, a link made for another account is FORBIDDEN.
 */
export async function previewMerge(
  db: Db,
  token: string,
  currentUserId?: string,
): Promise<{ intoUserId: string; from: User; fromEmails: string[] } | null> {
  const t = await peekAuthToken(db, 'merge_account', token);
  if (!t?.userId) return null;
  const owner = await ownerOf(db, t.email);
  if (!owner || owner.userId === t.userId) return null;
  const from = await getUser(db, owner.userId);
  if (!from) return null;
  if (currentUserId !== undefined) assertMergeLinkFor(t.userId, currentUserId);
  const emails = (await listEmails(db, owner.userId)).map((e) => e.email);
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
    assertMergeLinkFor(t.userId, currentUserId);
    if (!(await consumeAuthToken(trx, 'merge_account', token))) return null;
    const owner = await ownerOf(trx, t.email);
    if (!owner || owner.userId === currentUserId) return null;
    await mergeAccounts(trx, ctx.hooks, owner.userId, currentUserId);
    await markEmailVerified(trx, currentUserId, t.email);
    return { mergedUserId: owner.userId };
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
    .select(['isAdmin', 'handle', 'bio'])
    .where('id', '=', fromUserId)
    .forUpdate()
    .executeTakeFirstOrThrow();
  await trx
    .updateTable('userEmails')
    .set({ userId: toUserId, isPrimary: false })
    .where('userId', '=', fromUserId)
    .execute();
  for (const hook of hooks.onAccountMerge) await hook(trx, fromUserId, toUserId);
  await trx.deleteFrom('users').where('id', '=', fromUserId).execute();
  const to = await trx
    .selectFrom('users')
    .select(['handle', 'bio', 'isAdmin'])
    .where('id', '=', toUserId)
    .executeTakeFirstOrThrow();
  await trx.updateTable('users').set(mergedProfile(to, from)).where('id', '=', toUserId).execute();
}
