import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../db/index.ts';
import { LaurelError } from '../errors.ts';

export interface Limit {
  limit: number;
  windowMs: number;
}

export const LIMITS = {
  loginPerEmail: { limit: 10, windowMs: 15 * 60_000 },
  loginPerIp: { limit: 30, windowMs: 15 * 60_000 },
  mailPerEmail: { limit: 5, windowMs: 15 * 60_000 },
  mailPerIp: { limit: 20, windowMs: 15 * 60_000 },
} satisfies Record<string, Limit>;

// Keys carry no address in clear: a hash is enough to count.
const keyOf = (scope: string, value: string) =>
  `${scope}:${createHash('sha256').update(value).digest('hex').slice(0, 32)}`;

/**
 * Counts one attempt in a fixed window and says whether it is allowed. The counters live in
 * the database, so every process behind a load balancer sees the same numbers.
 */
export async function hit(db: Db, scope: string, value: string, rule: Limit): Promise<boolean> {
  const start = new Date(Math.floor(Date.now() / rule.windowMs) * rule.windowMs);
  const row = await db
    .insertInto('rate_limits')
    .values({ key: keyOf(scope, value), window_start: start, hits: 1 })
    .onConflict((oc) => oc.columns(['key', 'window_start']).doUpdateSet({ hits: sql`rate_limits.hits + 1` }))
    .returning('hits')
    .executeTakeFirstOrThrow();
  return row.hits <= rule.limit;
}

/** Counts an attempt against each rule; RATE_LIMITED (429) when any is over. */
export async function enforce(db: Db, checks: [scope: string, value: string, rule: Limit][]): Promise<void> {
  let allowed = true;
  for (const [scope, value, rule] of checks) if (!(await hit(db, scope, value, rule))) allowed = false;
  if (!allowed) {
    throw new LaurelError(
      'RATE_LIMITED',
      'Too many attempts in a short time. Please wait 15 minutes and try again.',
    );
  }
}
