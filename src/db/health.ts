import { sql } from 'kysely';
import type { Db } from './index.ts';

/**
 * Whether the database answers a trivial query within `timeoutMs`. Never throws and never
 * waits longer, so a health check keeps answering while the database is away or hanging.
 */
export async function databaseIsUp(db: Db, timeoutMs = 1_000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  const probe = sql`select 1`.execute(db).then(
    () => true,
    () => false,
  );
  try {
    return await Promise.race([probe, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
