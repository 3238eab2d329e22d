import type { AppContext } from '../http/context.ts';
import { closeMailTransports } from '../mail/deliver.ts';
import {
  type JobRow,
  backoffMs,
  claimJob,
  enqueueJob,
  extendLease,
  markJobDone,
  markJobFailed,
} from './queue.ts';
import { periodicTasks } from './schedule.ts';
import type { JobHandler } from './types.ts';

export interface WorkerLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface WorkerOptions {
  /** Jobs run at the same time by this worker. */
  concurrency?: number;
  /** Pause between looks at an empty queue. */
  pollMs?: number;
  /** How long a taken job stays invisible to other workers; renewed while it runs. */
  leaseMs?: number;
  /** First retry delay; doubles per attempt, with jitter, up to retryMaxMs. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  handlers?: Record<string, JobHandler>;
  /** Enqueue the periodic tasks of schedule.ts (default yes). */
  periodic?: boolean;
  log?: WorkerLog;
}

const silent: WorkerLog = { info() {}, warn() {}, error() {} };
let running = 0;

/** Runs one taken job to its end: done, retry later, or failed for good. */
async function runJob(ctx: AppContext, job: JobRow, opts: ReturnType<typeof withDefaults>) {
  const handlers = opts.handlers ?? (await import('./handlers.ts')).jobHandlers;
  const handler = handlers[job.kind];
  const renew = setInterval(
    () => {
      extendLease(ctx.db, job.id, opts.leaseMs).catch(() => {});
    },
    Math.max(1_000, opts.leaseMs / 3),
  );
  renew.unref();
  try {
    if (!handler) throw new Error(`No handler for job kind "${job.kind}".`);
    await handler(job.payload, { ...ctx, jobId: job.id });
    clearInterval(renew);
    await markJobDone(ctx.db, job.id);
  } catch (e) {
    clearInterval(renew);
    const message = e instanceof Error ? e.message : String(e);
    const outcome = await markJobFailed(
      ctx.db,
      job,
      message,
      backoffMs(job.attempts, opts.retryBaseMs, opts.retryMaxMs),
    );
    const fields = { jobId: job.id, kind: job.kind, attempts: job.attempts, error: message };
    if (outcome === 'failed') opts.log.error(fields, 'job failed for good');
    else opts.log.warn(fields, 'job failed; will retry');
  }
}

function withDefaults(opts: WorkerOptions) {
  return {
    concurrency: Math.max(1, opts.concurrency ?? 2),
    pollMs: opts.pollMs ?? 300,
    leaseMs: opts.leaseMs ?? 5 * 60_000,
    retryBaseMs: opts.retryBaseMs ?? 2_000,
    retryMaxMs: opts.retryMaxMs ?? 60 * 60_000,
    // Loaded on first use, so the queue itself does not pull in every feature.
    handlers: opts.handlers,
    periodic: opts.periodic ?? true,
    log: opts.log ?? silent,
  };
}

/** Enqueues each periodic task for the current period (a no-op when another process did). */
export async function enqueuePeriodic(ctx: AppContext, now = Date.now()): Promise<void> {
  for (const task of periodicTasks) {
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
 * Starts the background worker: `concurrency` loops that each take a due job, run it and
 * look again at once while there is work, pausing `pollMs` when the queue is empty.
 */
export function startWorker(ctx: AppContext, options: WorkerOptions = {}): { stop(): Promise<void> } {
  const opts = withDefaults(options);
  let stopped = false;
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

  const loop = async () => {
    while (!stopped) {
      let job: JobRow | null = null;
      try {
        job = await claimJob(ctx.db, opts.leaseMs);
      } catch (e) {
        if (stopped) break;
        opts.log.error({ error: (e as Error).message }, 'could not take a job');
        await sleep(Math.max(opts.pollMs, 1_000));
        continue;
      }
      if (!job) {
        await sleep(opts.pollMs);
        continue;
      }
      try {
        await runJob(ctx, job, opts);
      } catch (e) {
        // The database went away before the outcome was written: the lease runs out and the job runs again.
        if (stopped) break;
        opts.log.error(
          { jobId: job.id, error: (e as Error).message },
          'could not record the outcome of a job',
        );
        await sleep(Math.max(opts.pollMs, 1_000));
      }
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

  running++;
  const loops = Array.from({ length: opts.concurrency }, loop);
  if (opts.periodic) loops.push(scheduler());
  let stopping: Promise<void> | undefined;
  return {
    stop() {
      stopping ??= (async () => {
        stopped = true;
        for (const wake of [...sleepers]) wake();
        await Promise.all(loops);
        if (--running === 0) closeMailTransports();
      })();
      return stopping;
    },
  };
}

/** For tests and the CLI: runs every due job (and any they make due) until none is left; returns how many ran. */
export async function runJobsUntilIdle(ctx: AppContext, options: WorkerOptions = {}): Promise<number> {
  const opts = withDefaults(options);
  let count = 0;
  for (;;) {
    const job = await claimJob(ctx.db, opts.leaseMs);
    if (!job) return count;
    await runJob(ctx, job, opts);
    count++;
  }
}
