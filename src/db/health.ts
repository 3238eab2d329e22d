import { sql } from 'kysely';
import { type Db, livenessOf } from './index.ts';

/** A query that succeeded this recently, with no connection-level failure since, means "up". */
export const RECENT_SUCCESS_MS = 1_000;

/**
 * Whether the database answers. Up without a query when one succeeded within the last
 * RECENT_SUCCESS_MS and no connection-level failure happened since (the handle notes both);
 * otherwise a trivial query within `timeoutMs`, one at a time: concurrent callers share the probe
 * in flight. Never throws and never waits longer, so a health check keeps answering while the
 * database is away or hanging.
 */
export function databaseIsUp(db: Db, timeoutMs = 1_000): Promise<boolean> {
  const liveness = livenessOf(db);
  const now = Date.now();
  if (liveness.lastSuccess > liveness.lastFailure && now - liveness.lastSuccess <= RECENT_SUCCESS_MS)
    return Promise.resolve(true);
  if (!liveness.probe) {
    liveness.probe = probe(db, timeoutMs).then((up) => {
      liveness.probe = undefined;
      if (up) liveness.lastSuccess = Math.max(liveness.lastSuccess, Date.now());
      else liveness.lastFailure = Date.now();
      return up;
    });
  }
  return liveness.probe;
}

async function probe(db: Db, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  const answer = sql`select 1`.execute(db).then(
    () => true,
    () => false,
  );
  try {
    return await Promise.race([answer, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
