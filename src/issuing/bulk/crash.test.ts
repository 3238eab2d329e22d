import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { testConfig } from '../../config.ts';
import { createPostgresDatabase } from '../../db/testing.ts';
import { type DatabaseHandle, openPostgres } from '../../db/index.ts';
import { migrate } from '../../db/migrate.ts';
import { startWorker } from '../../jobs/worker.ts';
import { makeOrg } from '../../orgs/testing.ts';
import { makeTemplate } from '../../templates/testing.ts';
import { csvOf, emailsPerAward } from '../test-support.ts';
import { confirmBatch, createBatch, getBatch } from './service.ts';

const WORKER = fileURLToPath(new URL('../test-fixtures/bulk-worker.ts', import.meta.url));
const ROWS = 3_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('bulk issuing survives a worker killed mid-way', () => {
  let handle: DatabaseHandle | undefined;
  let child: ChildProcess | undefined;
  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await handle?.close();
  });

  it('issues every row exactly once, with exactly one email per award', async () => {
    const url = await createPostgresDatabase();
    handle = await openPostgres(url);
    await migrate(handle);
    const config = testConfig();
    const ctx = { db: handle.db, config };
    const org = await makeOrg(ctx.db, { config });
    const template = await makeTemplate(ctx.db, org);
    const batchId = await createBatch(ctx, {
      orgId: org.id,
      templateId: template.id,
      filename: 'crash.csv',
      data: csvOf(ROWS),
      createdBy: null,
    });
    await confirmBatch(ctx, org.id, batchId);

    child = spawn(process.execPath, ['--import', 'tsx', WORKER, url], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      child!.stdout!.on('data', (d) => String(d).includes('ready') && resolve());
      child!.on('exit', (code) => reject(new Error(`worker exited early (${code})`)));
    });
    // Let it get going, then kill it without warning in the middle of the batch.
    for (;;) {
      const b = await getBatch(ctx.db, org.id, batchId);
      if (b.issued >= 300) break;
      await sleep(50);
    }
    child.kill('SIGKILL');
    await new Promise((r) => child!.once('exit', r));
    const atKill = await getBatch(ctx.db, org.id, batchId);
    expect(atKill.issued).toBeLessThan(ROWS);

    const worker = startWorker(ctx, { leaseMs: 2_000, pollMs: 50, periodic: false });
    try {
      for (;;) {
        const b = await getBatch(ctx.db, org.id, batchId);
        if (b.status === 'done') break;
        await sleep(200);
      }
      // The award emails' send jobs are irrelevant here; what counts is the outbox rows.
    } finally {
      await worker.stop();
    }
    expect(await getBatch(ctx.db, org.id, batchId)).toMatchObject({
      status: 'done',
      issued: ROWS,
      skipped: 0,
      failed: 0,
    });
    const { rows } = await sql<{ n: number; keys: number; pending: number }>`
      SELECT (SELECT count(*)::int FROM awards WHERE org_id = ${org.id}) AS n,
             (SELECT count(DISTINCT row_key)::int FROM awards WHERE org_id = ${org.id}) AS keys,
             (SELECT count(*)::int FROM bulk_rows WHERE batch_id = ${batchId} AND outcome <> 'issued') AS pending`.execute(
      ctx.db,
    );
    expect(rows[0]).toEqual({ n: ROWS, keys: ROWS, pending: 0 });
    expect(await emailsPerAward(ctx.db, org.id)).toEqual({ awards: ROWS, emails: ROWS, max_per_award: 1 });
  }, 600_000);
});
