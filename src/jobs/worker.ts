import type { AppContext } from '../http/context.ts';
import { mailSendDeadlineMs } from '../mail/deliver.ts';
import { EMAIL_JOB } from '../mail/outbox.ts';
import {
  type JobRow,
  type KindFilter,
  backoffMs,
  claimJob,
  enqueueJob,
  extendLease,
  markJobDone,
  markJobFailed,
} from './queue.ts';
import { type JobHandler, PermanentJobError } from './types.ts';

export interface WorkerLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface WorkerOptions {
  /** Jobs other than mail run at the same time by this worker (default: JOB_CONCURRENCY). */
  concurrency?: number;
  /** Emails sent at the same time by this worker (default: MAIL_CONCURRENCY), in slots of their own. */
  mailConcurrency?: number;
  /** Pause between looks at an empty queue. */
  pollMs?: number;
  /** How long a taken job stays invisible to other workers; renewed while it runs, up to its deadline. */
  leaseMs?: number;
  /**
   * The longest a job other than mail may run (mail's deadline follows SMTP_TIMEOUT). Past
   * it the worker stops renewing the lease, frees the slot and puts the job back for a retry.
   */
  deadlineMs?: number;
  /** First retry delay; doubles per attempt, with jitter, up to retryMaxMs. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Instead of the context's handlers (tests run a kind of their own). */
  handlers?: Record<string, JobHandler>;
  /** Enqueue the context's periodic jobs (default yes). */
  periodic?: boolean;
  log?: WorkerLog;
}

/** A set of worker slots for some job kinds, so slow kinds cannot take every slot. */
interface Lane {
  kinds: KindFilter;
  concurrency: number;
  deadlineMs: number;
}

type Options = ReturnType<typeof withDefaults>;
type Outcome = { ok: true } | { ok: false; error: unknown };

const silent: WorkerLog = { info() {}, warn() {}, error() {} };
/** The longest pause between looks at a database that keeps failing. */
const MAX_ERROR_BACKOFF_MS = 10_000;
/** How often a worker that ran jobs says how many, per kind (and once more when it stops). */
const TALLY_MS = 60_000;

/**
 * Runs the handler until it settles or the deadline passes, whichever is first. The lease
 * is renewed while the job runs but never past the deadline, so a job that hangs is
 * returned to the queue instead of holding it for ever. A handler abandoned at its
 * deadline may still finish in the background; it cannot record an outcome over the next
 * holder (see markJobDone), and handlers are idempotent.
 */
function runWithinDeadline(
  ctx: AppContext,
  job: JobRow,
  handler: JobHandler | undefined,
  deadlineMs: number,
  opts: Options,
): Promise<Outcome> {
  const deadline = new Date(Date.now() + deadlineMs);
  let held = true;
  const renew = setInterval(
    () => {
      if (held)
        extendLease(ctx.db, job, opts.leaseMs, deadline).then(
          (still) => {
            held = still;
          },
          () => {},
        );
    },
    Math.max(500, opts.leaseMs / 3),
  );
  renew.unref();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<Outcome>((resolve) => {
    timer = setTimeout(
      () =>
        resolve({
          ok: false,
          error: new Error(`Did not finish within ${deadlineMs / 1000} s; abandoned, to be tried again.`),
        }),
      deadlineMs,
    );
  });
  const run = (async () => {
    if (!handler) throw new Error(`No handler for job kind "${job.kind}".`);
    await handler(job.payload, { ...ctx, jobId: job.id, firstRunAt: job.firstRunAt });
  })().then(
    (): Outcome => ({ ok: true }),
    (error): Outcome => ({ ok: false, error }),
  );
  return Promise.race([run, expired]).finally(() => {
    clearInterval(renew);
    clearTimeout(timer);
  });
}

/** Runs one taken job to its end: done, retry later, or failed for good. Never throws. */
async function runJob(ctx: AppContext, job: JobRow, deadlineMs: number, opts: Options): Promise<void> {
  const fields = { jobId: job.id, kind: job.kind, attempts: job.attempts };
  try {
    const handlers = opts.handlers ?? ctx.jobs.handlers;
    const outcome = await runWithinDeadline(ctx, job, handlers[job.kind], deadlineMs, opts);
    if (outcome.ok) {
      if (!(await markJobDone(ctx.db, job)))
        opts.log.warn(fields, 'job finished after its lease passed to another worker; not recorded');
      return;
    }
    const error = outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
    const result = await markJobFailed(
      ctx.db,
      job,
      error,
      backoffMs(job.attempts, opts.retryBaseMs, opts.retryMaxMs),
      outcome.error instanceof PermanentJobError,
    );
    if (result === 'failed') opts.log.error({ ...fields, error }, 'job failed for good');
    else if (result === 'retry') opts.log.warn({ ...fields, error }, 'job failed; will retry');
    else
      opts.log.warn(
        { ...fields, error },
        'job failed after its lease passed to another worker; not recorded',
      );
  } catch (e) {
    // Most likely the database is away: the lease runs out and the job is taken again.
    opts.log.error({ ...fields, error: (e as Error).message }, 'could not record the outcome of a job');
  }
}

function withDefaults(ctx: AppContext, opts: WorkerOptions) {
  return {
    concurrency: Math.max(1, opts.concurrency ?? ctx.config.jobConcurrency),
    mailConcurrency: Math.max(1, opts.mailConcurrency ?? ctx.config.mailConcurrency),
    pollMs: opts.pollMs ?? 300,
    leaseMs: opts.leaseMs ?? 60_000,
    deadlineMs: opts.deadlineMs ?? 15 * 60_000,
    retryBaseMs: opts.retryBaseMs ?? 2_000,
    retryMaxMs: opts.retryMaxMs ?? 60 * 60_000,
    // Loaded on first use, so the queue itself does not pull in every feature.
    handlers: opts.handlers,
    periodic: opts.periodic ?? true,
    log: opts.log ?? silent,
  };
}

/** Mail in slots of its own, with a deadline that follows SMTP_TIMEOUT; everything else in the rest. */
function lanesOf(ctx: AppContext, opts: Options): Lane[] {
  return [
    {
      kinds: { only: [EMAIL_JOB] },
      concurrency: opts.mailConcurrency,
      deadlineMs: mailSendDeadlineMs(ctx.config),
    },
    { kinds: { except: [EMAIL_JOB] }, concurrency: opts.concurrency, deadlineMs: opts.deadlineMs },
  ];
}

const takes = (lane: Lane, kind: string) =>
  (!lane.kinds.only || lane.kinds.only.includes(kind)) && !lane.kinds.except?.includes(kind);

/** Enqueues each periodic task for the current period (a no-op when another process did). */
export async function enqueuePeriodic(ctx: AppContext, now = Date.now()): Promise<void> {
  for (const task of ctx.jobs.periodic) {
    const period = Math.floor(now / task.everyMs);
    await enqueueJob(ctx.db, {
      kind: task.kind,
      payload: {},
      runAt: new Date(period * task.everyMs),
      dedupeKey: `periodic:${task.kind}:${period}`,
      maxAttempts: 3,
    });
  }
}

/**
 * Starts the background worker: per lane, `concurrency` loops that each take a due job of
 * the lane's kinds, run it and look again at once while there is work, pausing `pollMs`
 * when the queue is empty. A database error (a restart, a failover) is logged and the loop
 * looks again after a growing pause: the worker outlives the database going away.
 */
export function startWorker(ctx: AppContext, options: WorkerOptions = {}): { stop(): Promise<void> } {
  const opts = withDefaults(ctx, options);
  let stopped = false;
  // Jobs this process ran, per kind: with several processes, the log shows how they share the work.
  const recent = new Map<string, number>();
  const total = new Map<string, number>();
  const tally = setInterval(() => {
    if (recent.size) opts.log.info({ jobs: Object.fromEntries(recent) }, 'jobs run in the last minute');
    recent.clear();
  }, TALLY_MS);
  tally.unref();
  const sleepers = new Set<() => void>();
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      sleepers.add(done);
    });

  const loop = async (lane: Lane) => {
    let errors = 0;
    while (!stopped) {
      let job: JobRow | null = null;
      try {
        job = await claimJob(ctx.db, Math.min(opts.leaseMs, lane.deadlineMs), lane.kinds);
        errors = 0;
      } catch (e) {
        if (stopped) break;
        errors++;
        const wait = Math.min(
          MAX_ERROR_BACKOFF_MS,
          Math.max(opts.pollMs, 250) * 2 ** Math.min(errors - 1, 8),
        );
        opts.log.error(
          { error: (e as Error).message, retryInMs: wait },
          'could not take a job; will look again',
        );
        await sleep(wait);
        continue;
      }
      if (!job) {
        await sleep(opts.pollMs);
        continue;
      }
      await runJob(ctx, job, lane.deadlineMs, opts);
      for (const counts of [recent, total]) counts.set(job.kind, (counts.get(job.kind) ?? 0) + 1);
    }
  };

  const scheduler = async () => {
    while (!stopped) {
      try {
        await enqueuePeriodic(ctx);
      } catch (e) {
        if (!stopped) opts.log.warn({ error: (e as Error).message }, 'could not enqueue periodic tasks');
      }
      await sleep(30_000);
    }
  };

  const loops = lanesOf(ctx, opts).flatMap((lane) =>
    Array.from({ length: lane.concurrency }, () => loop(lane)),
  );
  if (opts.periodic) loops.push(scheduler());
  let stopping: Promise<void> | undefined;
  return {
    stop() {
      stopping ??= (async () => {
        stopped = true;
        clearInterval(tally);
        for (const wake of [...sleepers]) wake();
        await Promise.all(loops);
        opts.log.info({ jobs: Object.fromEntries(total) }, 'background worker stopped');
      })();
      return stopping;
    },
  };
}

/**
 * For tests and the CLI: runs every due job of any kind (and any they make due) one at a
 * time until none is left; returns how many ran.
 */
export async function runJobsUntilIdle(ctx: AppContext, options: WorkerOptions = {}): Promise<number> {
  const opts = withDefaults(ctx, options);
  const lanes = lanesOf(ctx, opts);
  let count = 0;
  for (;;) {
    const job = await claimJob(ctx.db, opts.leaseMs);
    if (!job) return count;
    // Each kind keeps its lane's deadline.
    const lane = lanes.find((l) => takes(l, job.kind)) ?? lanes[lanes.length - 1]!;
    await runJob(ctx, job, lane.deadlineMs, opts);
    count++;
  }
}
