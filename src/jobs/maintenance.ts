import { sql } from 'kysely';
import type { JobHandler } from './types.ts';

/** Deletes what nobody needs any more: ended sessions, old tokens, old finished jobs and counters. */
export const cleanup: JobHandler = async (_payload, ctx) => {
  const { db } = ctx;
  await db.deleteFrom('sessions').where('expires_at', '<', sql<Date>`now()`).execute();
  await db.deleteFrom('auth_tokens').where('expires_at', '<', sql<Date>`now() - interval '1 day'`).execute();
  await db
    .deleteFrom('rate_limits')
    .where('window_start', '<', sql<Date>`now() - interval '1 day'`)
    .execute();
  await db.deleteFrom('jobs').where('done_at', '<', sql<Date>`now() - interval '14 days'`).execute();
};
