import type { Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';

/**
 * Merge hook: redemptions move with the wallet to the surviving account. Where both accounts
 * redeemed the same set, the survivor's stays (both badges stay in the wallet).
 */
export async function moveRedemptions(trx: Transaction<Database>, fromUserId: string, toUserId: string) {
  await trx
    .deleteFrom('claimCodeRedemptions')
    .where('userId', '=', fromUserId)
    .where(
      'setId',
      'in',
      trx.selectFrom('claimCodeRedemptions').select('setId').where('userId', '=', toUserId),
    )
    .execute();
  await trx
    .updateTable('claimCodeRedemptions')
    .set({ userId: toUserId })
    .where('userId', '=', fromUserId)
    .execute();
}
