// A simulated clock for queue tests. The queue compares its timestamps with the database's
// now(), so moving every open job's timestamps back by some time is the same as that time
// passing: tests cover hours of retries without waiting for them.
import { sql } from 'kysely';
import type { Db } from '../db/index.ts';

/** Lets `ms` pass for every job not yet done or failed. */
export async function advanceQueueClock(db: Db, ms: number): Promise<void> {
  const by = sql`make_interval(secs => ${ms / 1000})`;
  await sql`UPDATE jobs SET run_at = run_at - ${by}, created_at = created_at - ${by},
      first_run_at = first_run_at - ${by}, locked_until = locked_until - ${by}
    WHERE done_at IS NULL AND failed_at IS NULL`.execute(db);
}

/** Lets time pass until the next open job is due; returns how much passed (0: one is due now). */
export async function advanceToNextDue(db: Db): Promise<number> {
  const { rows } = await sql<{ waitMs: number | null }>`
    SELECT (extract(epoch FROM min(greatest(run_at, coalesce(locked_until, run_at))) - now()) * 1000)::float8 AS wait_ms
    FROM jobs WHERE done_at IS NULL AND failed_at IS NULL`.execute(db);
  const wait = Math.max(0, Math.ceil(rows[0]?.waitMs ?? 0));
  if (wait > 0) await advanceQueueClock(db, wait);
  return wait;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it holds (for what a worker does in the background); fails after `ms`. */
export async function waitFor(
  what: string,
  check: () => Promise<boolean> | boolean,
  ms = 10_000,
): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}
