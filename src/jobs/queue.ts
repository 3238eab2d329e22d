import { sql } from 'kysely';
import type { Db, Executor } from '../db/index.ts';

export interface NewJob {
  kind: string;
  payload: unknown;
  runAt?: Date;
  /** At most one job ever exists per key: a second enqueue with it does nothing. */
  dedupeKey?: string;
  /** Attempts before the job fails for good; null leaves giving up to the handler. */
  maxAttempts?: number | null;
}

export const DEFAULT_MAX_ATTEMPTS = 8;

/** Adds a job. Pass the caller's transaction so the job exists only if the change commits. */
export async function enqueueJob(db: Executor, job: NewJob): Promise<void> {
  await enqueueJobs(db, [job]);
}

/** Adds several jobs in multi-row statements (same rules as enqueueJob). */
export async function enqueueJobs(db: Executor, jobs: NewJob[]): Promise<void> {
  await writeJobs(db, jobs, false);
}

/**
 * Adds jobs like enqueueJobs, except that a job which failed for good under the same dedupe
 * key is put back in the queue with fresh attempts (retrying failed mail).
 */
export async function requeueJobs(db: Executor, jobs: NewJob[]): Promise<void> {
  await writeJobs(db, jobs, true);
}

/** What a retried job starts from: due now, no attempts, no lease, the clock of its retries reset. */
const freshAttempts = {
  failedAt: null,
  attempts: 0,
  firstRunAt: null,
  runAt: sql<Date>`now()`,
  lockedUntil: null,
  leaseId: null,
};

async function writeJobs(db: Executor, jobs: NewJob[], revive: boolean): Promise<void> {
  for (let i = 0; i < jobs.length; i += 1000)
    await db
      .insertInto('jobs')
      .values(
        jobs.slice(i, i + 1000).map((job) => ({
          kind: job.kind,
          payload: JSON.stringify(job.payload ?? null),
          runAt: job.runAt,
          maxAttempts: job.maxAttempts === undefined ? DEFAULT_MAX_ATTEMPTS : job.maxAttempts,
          dedupeKey: job.dedupeKey ?? null,
        })),
      )
      .onConflict((oc) =>
        revive
          ? oc.column('dedupeKey').doUpdateSet(freshAttempts).where('jobs.failedAt', 'is not', null)
          : oc.column('dedupeKey').doNothing(),
      )
      .execute();
}

export interface JobRow {
  id: string;
  kind: string;
  payload: unknown;
  attempts: number;
  maxAttempts: number | null;
  /** Names this claim: only its holder may renew the lease or record the outcome. */
  leaseId: string;
  /** When the job first ran (the start of its retries). */
  firstRunAt: Date;
}

/** Which kinds a worker lane takes: only these, or all but these. */
export interface KindFilter {
  only?: readonly string[];
  except?: readonly string[];
}

function kindCondition(kinds: KindFilter) {
  const parts = [];
  if (kinds.only) parts.push(sql`AND kind IN (${sql.join(kinds.only.map((k) => sql`${k}`))})`);
  if (kinds.except?.length)
    parts.push(sql`AND kind NOT IN (${sql.join(kinds.except.map((k) => sql`${k}`))})`);
  return sql.join(parts, sql` `);
}

/**
 * Takes one due job: FOR UPDATE SKIP LOCKED lets several workers share the table without
 * waiting on each other, and the lease (locked_until) returns the job to the queue if this
 * worker dies. The attempt is counted when taken, so a job that crashes its worker still
 * runs out of attempts. Each claim gets a new lease id, the fencing token of its holder.
 */
export async function claimJob(db: Db, leaseMs: number, kinds: KindFilter = {}): Promise<JobRow | null> {
  if (kinds.only?.length === 0) return null;
  const { rows } = await sql<{
    id: string;
    kind: string;
    payload: unknown;
    attempts: number;
    maxAttempts: number | null;
    leaseId: string;
    firstRunAt: Date;
  }>`
    UPDATE jobs SET locked_until = now() + make_interval(secs => ${leaseMs / 1000}),
      attempts = attempts + 1, lease_id = gen_random_uuid(), first_run_at = coalesce(first_run_at, now())
    WHERE id = (
      SELECT id FROM jobs
      WHERE done_at IS NULL AND failed_at IS NULL AND run_at <= now()
        AND (locked_until IS NULL OR locked_until < now()) ${kindCondition(kinds)}
      ORDER BY run_at
      LIMIT 1
      FOR UPDATE SKIP LOCKED
    )
    RETURNING id, kind, payload, attempts, max_attempts, lease_id, first_run_at`.execute(db);
  const r = rows[0];
  return r ? { ...r, firstRunAt: new Date(r.firstRunAt) } : null;
}

/** The open job as long as this claim still holds it. */
const heldBy = (db: Db, job: Pick<JobRow, 'id' | 'leaseId'>) =>
  db
    .updateTable('jobs')
    .where('id', '=', job.id)
    .where('leaseId', '=', job.leaseId)
    .where('doneAt', 'is', null)
    .where('failedAt', 'is', null);

/**
 * Renews the lease, never past `until` (the job's deadline). Returns false when the lease
 * is no longer this claim's: another worker took the job over after it ran out.
 */
export async function extendLease(
  db: Db,
  job: Pick<JobRow, 'id' | 'leaseId'>,
  leaseMs: number,
  until: Date,
): Promise<boolean> {
  const r = await heldBy(db, job)
    .set({
      lockedUntil: sql<Date>`least(now() + make_interval(secs => ${leaseMs / 1000}), ${until}::timestamptz)`,
    })
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Records success. Returns false (and changes nothing) when another worker holds the job now. */
export async function markJobDone(db: Db, job: Pick<JobRow, 'id' | 'leaseId'>): Promise<boolean> {
  const r = await heldBy(db, job)
    .set({ doneAt: new Date(), lockedUntil: null, lastError: null })
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/**
 * After a failure: due again after `retryInMs`, or failed for good when the failure is
 * permanent or the attempts have run out. 'lost': another worker holds the job now, and
 * its outcome is that worker's to record.
 */
export async function markJobFailed(
  db: Db,
  job: JobRow,
  error: string,
  retryInMs: number,
  permanent = false,
): Promise<'retry' | 'failed' | 'lost'> {
  const lastError = error.slice(0, 2000);
  const failed = permanent || (job.maxAttempts !== null && job.attempts >= job.maxAttempts);
  const r = await heldBy(db, job)
    .set(
      failed
        ? { failedAt: new Date(), lockedUntil: null, lastError: lastError }
        : {
            runAt: sql<Date>`now() + make_interval(secs => ${retryInMs / 1000})`,
            lockedUntil: null,
            lastError: lastError,
          },
    )
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) === 0) return 'lost';
  return failed ? 'failed' : 'retry';
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
    .set(freshAttempts)
    .where('id', '=', jobId)
    .where('failedAt', 'is not', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export interface JobCounts {
  pending: number;
  failed: number;
  done: number;
}

export async function jobCounts(db: Db): Promise<JobCounts> {
  return db
    .selectFrom('jobs')
    .select([
      sql<number>`count(*) FILTER (WHERE done_at IS NULL AND failed_at IS NULL)::int`.as('pending'),
      sql<number>`count(*) FILTER (WHERE failed_at IS NOT NULL)::int`.as('failed'),
      sql<number>`count(*) FILTER (WHERE done_at IS NOT NULL)::int`.as('done'),
    ])
    .executeTakeFirstOrThrow();
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
    .select(['id', 'kind', 'attempts', 'lastError', 'failedAt', 'createdAt'])
    .where('failedAt', 'is not', null)
    .orderBy('failedAt', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ ...r, failedAt: r.failedAt! }));
}
