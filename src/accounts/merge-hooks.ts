import type { Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import { moveMemberships } from '../orgs/service.ts';
import { moveWalletItems } from '../wallet/service.ts';

/**
 * Runs when one account is merged into another, inside the merge transaction, before the
 * merged account is deleted. A feature that keeps per-user rows appends one hook here that
 * moves them from `fromUserId` to `toUserId`. One line per feature.
 */
export const mergeHooks: ((
  trx: Transaction<Database>,
  fromUserId: string,
  toUserId: string,
) => Promise<void>)[] = [moveMemberships, moveWalletItems];
