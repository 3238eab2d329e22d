import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { testConfig } from '../config.ts';
import { DIALECTS, createTestDatabase, useTestDatabase } from '../db/testing.ts';
import { cleanup } from './maintenance.ts';
import { periodicTasks } from './schedule.ts';
import { enqueueJob, listFailedJobs, retryJob } from './queue.ts';
import type { JobHandler } from './types.ts';
import { enqueuePeriodic, runJobsUntilIdle, startWorker } from './worker.ts';

describe.each(DIALECTS)('job queue on %s', (dialect) => {
  const t = useTestDatabase(dialect);
  const ctx = () => ({ db: t.db, config: testConfig() });

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
    const rows = await t.db.selectFrom('jobs').select('payload').where('dedupe_key', '=', 'k1').execute();
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
    expect(after1.last_error).toBe('broken 1');
    expect(after1.run_at.getTime()).toBeGreaterThan(Date.now());
    expect(after1.failed_at).toBeNull();
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
    expect(done.done_at).not.toBeNull();
    expect(done.failed_at).toBeNull();
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

  it('enqueues a periodic task once per period however many processes ask', async () => {
    const now = Date.now();
    await enqueuePeriodic(ctx(), now);
    await enqueuePeriodic(ctx(), now + 1);
    const rows = await t.db.selectFrom('jobs').select(['kind', 'dedupe_key']).execute();
    expect(rows.map((r) => r.kind).sort()).toEqual(periodicTasks.map((p) => p.kind).sort());
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
      const ctx = { db: handle.db, config: testConfig() };
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
            .where('done_at', 'is', null)
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
