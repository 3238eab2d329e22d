import { sql } from 'kysely';
import type { JobHandler } from './types.ts';

/** Deletes what nobody needs any more: ended sessions, old tokens, old finished jobs and counters. */
export const cleanup: JobHandler = async (_payload, ctx) => {
  const { db } = ctx;
  await db.deleteFrom('sessions').where('expiresAt', '<', sql<Date>`now()`).execute();
  await db.deleteFrom('authTokens').where('expiresAt', '<', sql<Date>`now() - interval '1 day'`).execute();
  await db.deleteFrom('rateLimits').where('windowStart', '<', sql<Date>`now() - interval '1 day'`).execute();
  await db.deleteFrom('jobs').where('doneAt', '<', sql<Date>`now() - interval '14 days'`).execute();
};
