import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { testConfig } from '../config.ts';
import { DIALECTS, createTestDatabase, useTestDatabase } from '../db/testing.ts';
import { cleanup } from './maintenance.ts';
import { jobRegistry } from '../features.ts';
import {
  claimJob,
  enqueueJob,
  extendLease,
  listFailedJobs,
  markJobDone,
  markJobFailed,
  retryJob,
} from './queue.ts';
import { sleep, waitFor } from './testing.ts';
import { type JobHandler, PermanentJobError } from './types.ts';
import { enqueuePeriodic, runJobsUntilIdle, startWorker } from './worker.ts';
import { createAppContext } from '../features.ts';

/** A promise and the function that settles it: a handler that runs until the test lets it end. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => {
    open = r;
  });
  return { open, opened };
}

describe.each(DIALECTS)('job queue on %s', (dialect) => {
  const t = useTestDatabase(dialect);
  const ctx = () => createAppContext(t.db, testConfig());

  it('runs a due job once and leaves a future one alone', async () => {
    const seen: unknown[] = [];
    const handlers: Record<string, JobHandler> = { 'test.echo': async (p) => void seen.push(p) };
    await enqueueJob(t.db, { kind: 'test.echo', payload: { n: 1 } });
    await enqueueJob(t.db, { kind: 'test.echo', payload: { n: 2 }, runAt: new Date(Date.now() + 3_600_000) });
    expect(await runJobsUntilIdle(ctx(), { handlers })).toBe(1);
    expect(seen).toEqual([{ n: 1 }]);
    expect(await runJobsUntilIdle(ctx(), { handlers })).toBe(0);
    await t.db.deleteFrom('jobs').execute();
  });

  it('ignores a second job with the same dedupe key', async () => {
    await enqueueJob(t.db, { kind: 'test.a', payload: 1, dedupeKey: 'k1' });
    await enqueueJob(t.db, { kind: 'test.a', payload: 2, dedupeKey: 'k1' });
    const rows = await t.db.selectFrom('jobs').select('payload').where('dedupeKey', '=', 'k1').execute();
    expect(rows.map((r) => r.payload)).toEqual([1]);
    await t.db.deleteFrom('jobs').execute();
  });

  it('enqueues nothing when the transaction rolls back', async () => {
    await expect(
      t.db.transaction().execute(async (trx) => {
        await enqueueJob(trx, { kind: 'test.a', payload: {} });
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    const n = await t.db
      .selectFrom('jobs')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(0);
  });

  it('retries a failing job with backoff, then fails it for good and lets an admin retry it', async () => {
    let calls = 0;
    const handlers: Record<string, JobHandler> = {
      'test.flaky': async () => {
        calls++;
        throw new Error(`broken ${calls}`);
      },
    };
    await enqueueJob(t.db, { kind: 'test.flaky', payload: {}, maxAttempts: 3 });
    expect(await runJobsUntilIdle(ctx(), { handlers })).toBe(1);
    const after1 = await t.db.selectFrom('jobs').selectAll().executeTakeFirstOrThrow();
    expect(after1.attempts).toBe(1);
    expect(after1.lastError).toBe('broken 1');
    expect(after1.runAt.getTime()).toBeGreaterThan(Date.now());
    expect(after1.failedAt).toBeNull();
    // Make it due again twice: the third attempt is the last.
    for (let i = 0; i < 2; i++) {
      await sql`UPDATE jobs SET run_at = now() - interval '1 second'`.execute(t.db);
      await runJobsUntilIdle(ctx(), { handlers });
    }
    const failed = await listFailedJobs(t.db);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ kind: 'test.flaky', attempts: 3, lastError: 'broken 3' });
    expect(await runJobsUntilIdle(ctx(), { handlers })).toBe(0);
    expect(await retryJob(t.db, failed[0]!.id)).toBe(true);
    handlers['test.flaky'] = async () => {};
    expect(await runJobsUntilIdle(ctx(), { handlers })).toBe(1);
    const done = await t.db.selectFrom('jobs').selectAll().executeTakeFirstOrThrow();
    expect(done.doneAt).not.toBeNull();
    expect(done.failedAt).toBeNull();
    await t.db.deleteFrom('jobs').execute();
  });

  it('makes a job of a crashed worker due again when its lease ends', async () => {
    await enqueueJob(t.db, { kind: 'test.lease', payload: {} });
    // A worker takes it and dies: the lease is set but the job never finishes.
    await sql`UPDATE jobs SET locked_until = now() + interval '1 hour', attempts = 1`.execute(t.db);
    const handlers: Record<string, JobHandler> = { 'test.lease': async () => {} };
    expect(await runJobsUntilIdle(ctx(), { handlers })).toBe(0);
    await sql`UPDATE jobs SET locked_until = now() - interval '1 second'`.execute(t.db);
    expect(await runJobsUntilIdle(ctx(), { handlers })).toBe(1);
    await t.db.deleteFrom('jobs').execute();
  });

  it('lets only the worker holding the current lease renew it or record the outcome', async () => {
    await enqueueJob(t.db, { kind: 'test.fenced', payload: {} });
    const first = (await claimJob(t.db, 60_000))!;
    // Its lease runs out (the worker stalled) and another worker takes the job over.
    await sql`UPDATE jobs SET locked_until = now() - interval '1 second'`.execute(t.db);
    const second = (await claimJob(t.db, 60_000))!;
    expect(second.id).toBe(first.id);
    expect(second.leaseId).not.toBe(first.leaseId);
    expect(await extendLease(t.db, first, 60_000, new Date(Date.now() + 3_600_000))).toBe(false);
    expect(await markJobDone(t.db, first)).toBe(false);
    expect(await markJobFailed(t.db, first, 'late failure', 1_000)).toBe('lost');
    const meanwhile = await t.db.selectFrom('jobs').selectAll().executeTakeFirstOrThrow();
    expect([meanwhile.doneAt, meanwhile.failedAt, meanwhile.lastError]).toEqual([null, null, null]);
    expect(await markJobDone(t.db, second)).toBe(true);
    await t.db.deleteFrom('jobs').execute();
  });

  it('fails a job for good at once when its handler says the failure is permanent', async () => {
    const handlers: Record<string, JobHandler> = {
      'test.permanent': async () => {
        throw new PermanentJobError('no such mailbox');
      },
    };
    await enqueueJob(t.db, { kind: 'test.permanent', payload: {}, maxAttempts: 5 });
    await runJobsUntilIdle(ctx(), { handlers });
    const row = await t.db.selectFrom('jobs').selectAll().executeTakeFirstOrThrow();
    expect(row.attempts).toBe(1);
    expect(row.failedAt).not.toBeNull();
    expect(row.lastError).toBe('no such mailbox');
    await t.db.deleteFrom('jobs').execute();
  });

  it('abandons a job that hangs at its deadline, never renewing its lease past it, and frees the slot', async () => {
    const hanging = gate();
    const ran: string[] = [];
    const handlers: Record<string, JobHandler> = {
      'test.hang': async () => {
        ran.push('hang');
        await hanging.opened;
      },
      'test.next': async () => void ran.push('next'),
    };
    await enqueueJob(t.db, { kind: 'test.hang', payload: {} });
    const worker = startWorker(ctx(), {
      handlers,
      concurrency: 1,
      pollMs: 20,
      leaseMs: 600,
      deadlineMs: 1_500,
      retryBaseMs: 3_600_000,
      periodic: false,
    });
    try {
      await waitFor('the hanging job', () => ran.includes('hang'));
      await enqueueJob(t.db, { kind: 'test.next', payload: {} });
      // While it hangs the lease is renewed (the worker is alive), but never past the deadline.
      const leases: number[] = [];
      while (!ran.includes('next')) {
        const { rows } = await sql<{ pastDeadlineMs: number | null }>`
          SELECT (extract(epoch FROM locked_until - first_run_at) * 1000)::float8 AS past_deadline_ms
          FROM jobs WHERE kind = 'test.hang'`.execute(t.db);
        if (rows[0]?.pastDeadlineMs != null) leases.push(rows[0].pastDeadlineMs);
        await sleep(50);
      }
      expect(Math.max(...leases)).toBeGreaterThan(600);
      expect(Math.max(...leases)).toBeLessThanOrEqual(1_500 + 50);
      const hung = await t.db
        .selectFrom('jobs')
        .selectAll()
        .where('kind', '=', 'test.hang')
        .executeTakeFirstOrThrow();
      expect(hung.lastError).toMatch(/Did not finish within 1.5 s/);
      expect([hung.attempts, hung.failedAt, hung.doneAt, hung.lockedUntil]).toEqual([1, null, null, null]);
      expect(hung.runAt.getTime()).toBeGreaterThan(Date.now());
    } finally {
      hanging.open();
      await worker.stop();
    }
    await t.db.deleteFrom('jobs').execute();
  });

  it('keeps mail in slots of its own: hung sends do not hold up other jobs', async () => {
    const hanging = gate();
    let sending = 0;
    const others: number[] = [];
    const handlers: Record<string, JobHandler> = {
      'email.send': async () => {
        sending++;
        await hanging.opened;
      },
      'test.other': async () => void others.push(Date.now()),
    };
    for (let n = 0; n < 4; n++) await enqueueJob(t.db, { kind: 'email.send', payload: { n } });
    const worker = startWorker(ctx(), {
      handlers,
      concurrency: 1,
      mailConcurrency: 2,
      pollMs: 20,
      periodic: false,
    });
    try {
      await waitFor('both mail slots busy', () => sending === 2);
      const at = Date.now();
      for (let n = 0; n < 3; n++) await enqueueJob(t.db, { kind: 'test.other', payload: { n } });
      await waitFor('the other jobs', () => others.length === 3, 3_000);
      expect(Math.max(...others) - at).toBeLessThan(1_000);
      expect(sending).toBe(2);
    } finally {
      hanging.open();
      await worker.stop();
    }
    await t.db.deleteFrom('jobs').execute();
  });

  it('keeps polling through database errors, logs them and resumes by itself', async () => {
    const logged: string[] = [];
    const log = { info() {}, warn() {}, error: (_: object, msg: string) => void logged.push(msg) };
    let cutRuns = 0;
    const handlers: Record<string, JobHandler> = {
      // The database goes away while this job runs: its outcome cannot be recorded.
      'test.cut': async () => {
        if (++cutRuns === 1) await sql`ALTER TABLE jobs RENAME TO jobs_away`.execute(t.db);
      },
    };
    await enqueueJob(t.db, { kind: 'test.cut', payload: {} });
    const worker = startWorker(ctx(), { handlers, pollMs: 20, leaseMs: 500, periodic: false, log });
    try {
      await waitFor(
        'failed looks at the queue',
        () => logged.filter((m) => m.includes('take a job')).length >= 3,
      );
      expect(logged).toContain('could not record the outcome of a job');
      await sql`ALTER TABLE jobs_away RENAME TO jobs`.execute(t.db);
      // Back: the job whose outcome was lost runs again once its lease ends, and is done.
      await waitFor('the job done', async () => {
        const row = await t.db.selectFrom('jobs').select('doneAt').executeTakeFirst();
        return Boolean(row?.doneAt);
      });
      expect(cutRuns).toBe(2);
    } finally {
      await worker.stop();
      await sql`ALTER TABLE IF EXISTS jobs_away RENAME TO jobs`.execute(t.db);
    }
    await t.db.deleteFrom('jobs').execute();
  });

  it('enqueues a periodic task once per period however many processes ask', async () => {
    const now = Date.now();
    await enqueuePeriodic(ctx(), now);
    await enqueuePeriodic(ctx(), now + 1);
    const rows = await t.db.selectFrom('jobs').select(['kind', 'dedupeKey']).execute();
    expect(rows.map((r) => r.kind).sort()).toEqual(
      jobRegistry()
        .periodic.map((p) => p.kind)
        .sort(),
    );
    await t.db.deleteFrom('jobs').where('kind', '!=', 'maintenance.cleanup').execute();
    expect(await runJobsUntilIdle(ctx(), { handlers: { 'maintenance.cleanup': cleanup } })).toBe(1);
    await t.db.deleteFrom('jobs').execute();
  });

  it('runs jobs in the background and stops cleanly', async () => {
    const seen: number[] = [];
    let resolveAll!: () => void;
    const all = new Promise<void>((r) => {
      resolveAll = r;
    });
    const handlers: Record<string, JobHandler> = {
      'test.bg': async (p: { n: number }) => {
        seen.push(p.n);
        if (seen.length === 5) resolveAll();
      },
    };
    const worker = startWorker(ctx(), { handlers, pollMs: 20, periodic: false });
    for (let n = 0; n < 5; n++) await enqueueJob(t.db, { kind: 'test.bg', payload: { n } });
    await all;
    await worker.stop();
    expect(seen.sort()).toEqual([0, 1, 2, 3, 4]);
    await t.db.deleteFrom('jobs').execute();
  });
});

describe('several workers on PostgreSQL', () => {
  it('process 200 jobs, each exactly once', async () => {
    const handle = await createTestDatabase('postgres');
    try {
      const ctx = createAppContext(handle.db, testConfig());
      const runs = new Map<number, number>();
      const handlers: Record<string, JobHandler> = {
        'test.count': async (p: { n: number }) => {
          runs.set(p.n, (runs.get(p.n) ?? 0) + 1);
          await new Promise((r) => setTimeout(r, 1));
        },
      };
      await handle.db
        .insertInto('jobs')
        .values(
          Array.from({ length: 200 }, (_, n) => ({ kind: 'test.count', payload: JSON.stringify({ n }) })),
        )
        .execute();
      const finished = new Promise<void>((resolve) => {
        const check = setInterval(async () => {
          const open = await handle.db
            .selectFrom('jobs')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('doneAt', 'is', null)
            .executeTakeFirstOrThrow();
          if (Number(open.n) === 0) {
            clearInterval(check);
            resolve();
          }
        }, 50);
      });
      const a = startWorker(ctx, { handlers, concurrency: 3, pollMs: 20, periodic: false });
      const b = startWorker(ctx, { handlers, concurrency: 3, pollMs: 20, periodic: false });
      await finished;
      await Promise.all([a.stop(), b.stop()]);
      expect(runs.size).toBe(200);
      expect([...runs.values()].every((c) => c === 1)).toBe(true);
    } finally {
      await handle.close();
    }
  });
});
