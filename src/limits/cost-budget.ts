// A token bucket in the database, so every process behind a load balancer spends from the same
// budget: one statement per look or charge. Time comes from the caller's clock (tests pass
// theirs); a clock a little behind another's only ever refills less.
import { type RawBuilder, sql } from 'kysely';
import type { Executor } from '../db/index.ts';

export interface BucketRule {
  /** Units a bucket holds when full (and a new one starts with). */
  capacity: number;
  /** Units given back per second. */
  refillPerSecond: number;
}

/** The balance at `t` of the stored row `cost_budgets`: what it held, refilled since, up to capacity. */
const refilled = (rule: BucketRule, t: Date) =>
  sql<number>`least(${rule.capacity}::float8, cost_budgets.tokens + greatest(0, extract(epoch from ${t}::timestamptz - cost_budgets.at))::float8 * ${rule.refillPerSecond}::float8)`;

/** When a bucket holding `tokens` at `at` is full again (the clean-up forgets it then). */
const fullAt = (rule: BucketRule, at: RawBuilder<Date> | Date, tokens: RawBuilder<number> | number) =>
  sql<Date>`${at}::timestamptz + make_interval(secs => greatest(0, ${rule.capacity}::float8 - ${tokens}::float8) / ${rule.refillPerSecond}::float8)`;

/** The balance of `key` at `now` (a full bucket when it has none). */
export async function balance(db: Executor, key: string, rule: BucketRule, now: number): Promise<number> {
  const row = await db
    .selectFrom('costBudgets')
    .select(refilled(rule, new Date(now)).as('tokens'))
    .where('key', '=', key)
    .executeTakeFirst();
  return row ? Number(row.tokens) : rule.capacity;
}

/** Takes `units` from `key` at `now`, atomically; the balance may go below zero. Returns the balance after. */
export async function spend(
  db: Executor,
  key: string,
  rule: BucketRule,
  units: number,
  now: number,
): Promise<number> {
  const t = new Date(now);
  const after = sql<number>`${refilled(rule, t)} - ${units}::float8`;
  const at = sql<Date>`greatest(cost_budgets.at, ${t}::timestamptz)`;
  const row = await db
    .insertInto('costBudgets')
    .values({
      key,
      tokens: rule.capacity - units,
      at: t,
      fullAt: fullAt(rule, t, rule.capacity - units),
    })
    .onConflict((oc) => oc.column('key').doUpdateSet({ tokens: after, at, fullAt: fullAt(rule, at, after) }))
    .returning('tokens')
    .executeTakeFirstOrThrow();
  return Number(row.tokens);
}
