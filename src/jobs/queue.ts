import { type Transaction, sql } from 'kysely';
import type { Db } from '../db/index.ts';
import type { Database } from '../db/schema.ts';

export type Executor = Db | Transaction<Database>;

export interface NewJob {
  kind: string;
  payload: unknown;
  runAt?: Date;
  /** At most one job ever exists per key: a second enqueue with it does nothing. */
  dedupeKey?: string;
  maxAttempts?: number;
}

export const DEFAULT_MAX_ATTEMPTS = 8;

/** Adds a job. Pass the caller's transaction so the job exists only if the change commits. */
export async function enqueueJob(db: Executor, job: NewJob): Promise<void> {
  await enqueueJobs(db, [job]);
}

/** Adds several jobs in multi-row statements (same rules as enqueueJob). */
export async function enqueueJobs(db: Executor, jobs: NewJob[]): Promise<void> {
  for (let i = 0; i < jobs.length; i += 1000)
    await db
      .insertInto('jobs')
      .values(
        jobs.slice(i, i + 1000).map((job) => ({
          kind: job.kind,
          payload: JSON.stringify(job.payload ?? null),
          run_at: job.runAt,
          max_attempts: job.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
          dedupe_key: job.dedupeKey ?? null,
        })),
      )
      .onConflict((oc) => oc.column('dedupe_key').doNothing())
      .execute();
}

export interface JobRow {
  id: string;
  kind: string;
  payload: unknown;
  attempts: number;
  maxAttempts: number;
}

/**
 * Takes one due job: FOR UPDATE SKIP LOCKED lets several workers share the table without
 * waiting on each other, and the lease (locked_until) returns the job to the queue if this
 * worker dies. The attempt is counted when taken, so a job that crashes its worker still
 * runs out of attempts.
 */
export async function claimJob(db: Db, leaseMs: number): Promise<JobRow | null> {
  const { rows } = await sql<{
    id: string;
    kind: string;
    payload: unknown;
    attempts: number;
    max_attempts: number;
  }>`
    UPDATE jobs SET locked_until = now() + make_interval(secs => ${leaseMs / 1000}), attempts = attempts + 1
    WHERE id = (
      SELECT id FROM jobs
      WHERE done_at IS NULL AND failed_at IS NULL AND run_at <= now()
        AND (locked_until IS NULL OR locked_until < now())
      ORDER BY run_at
      LIMIT 1
      FOR UPDATE SKIP LOCKED
    )
    RETURNING id, kind, payload, attempts, max_attempts`.execute(db);
  const r = rows[0];
  return r
    ? { id: r.id, kind: r.kind, payload: r.payload, attempts: r.attempts, maxAttempts: r.max_attempts }
    : null;
}

export async function extendLease(db: Db, jobId: string, leaseMs: number): Promise<void> {
  await sql`UPDATE jobs SET locked_until = now() + make_interval(secs => ${leaseMs / 1000})
    WHERE id = ${jobId} AND done_at IS NULL`.execute(db);
}

export async function markJobDone(db: Db, jobId: string): Promise<void> {
  await db
    .updateTable('jobs')
    .set({ done_at: new Date(), locked_until: null, last_error: null })
    .where('id', '=', jobId)
    .execute();
}

/** After a failure: due again after `retryInMs`, or failed for good once attempts run out. */
export async function markJobFailed(
  db: Db,
  job: JobRow,
  error: string,
  retryInMs: number,
): Promise<'retry' | 'failed'> {
  const lastError = error.slice(0, 2000);
  if (job.attempts >= job.maxAttempts) {
    await db
      .updateTable('jobs')
      .set({ failed_at: new Date(), locked_until: null, last_error: lastError })
      .where('id', '=', job.id)
      .execute();
    return 'failed';
  }
  await db
    .updateTable('jobs')
    .set({
      run_at: sql<Date>`now() + make_interval(secs => ${retryInMs / 1000})`,
      locked_until: null,
      last_error: lastError,
    })
    .where('id', '=', job.id)
    .execute();
  return 'retry';
}

/** Exponential backoff with jitter (between half and all of the step), capped. */
export function backoffMs(attempts: number, baseMs = 2_000, maxMs = 3_600_000): number {
  const step = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(step / 2 + Math.random() * (step / 2));
}

/** A failed job gets a fresh set of attempts (the admin's retry button). */
export async function retryJob(db: Db, jobId: string): Promise<boolean> {
  const r = await db
    .updateTable('jobs')
    .set({ failed_at: null, attempts: 0, run_at: sql<Date>`now()`, locked_until: null })
    .where('id', '=', jobId)
    .where('failed_at', 'is not', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export interface JobCounts {
  pending: number;
  failed: number;
  done: number;
}

export async function jobCounts(db: Db): Promise<JobCounts> {
  const r = await db
    .selectFrom('jobs')
    .select([
      sql<number>`count(*) FILTER (WHERE done_at IS NULL AND failed_at IS NULL)::int`.as('pending'),
      sql<number>`count(*) FILTER (WHERE failed_at IS NOT NULL)::int`.as('failed'),
      sql<number>`count(*) FILTER (WHERE done_at IS NOT NULL)::int`.as('done'),
    ])
    .executeTakeFirstOrThrow();
  return { pending: r.pending, failed: r.failed, done: r.done };
}

export interface FailedJob {
  id: string;
  kind: string;
  attempts: number;
  lastError: string | null;
  failedAt: Date;
  createdAt: Date;
}

export async function listFailedJobs(db: Db, limit = 50): Promise<FailedJob[]> {
  const rows = await db
    .selectFrom('jobs')
    .select(['id', 'kind', 'attempts', 'last_error', 'failed_at', 'created_at'])
    .where('failed_at', 'is not', null)
    .orderBy('failed_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    attempts: r.attempts,
    lastError: r.last_error,
    failedAt: r.failed_at!,
    createdAt: r.created_at,
  }));
}
