import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import type { JobHandler } from '../jobs/types.ts';

/** Forgets request windows that have ended and budgets that have filled up again (the same as none). */
export async function forgetSpentLimits(db: Executor): Promise<void> {
  await db.deleteFrom('requestCounts').where('windowEnd', '<', sql<Date>`now()`).execute();
  await db.deleteFrom('costBudgets').where('fullAt', '<', sql<Date>`now()`).execute();
}

export const cleanupLimits: JobHandler = (_payload, ctx) => forgetSpentLimits(ctx.db);
