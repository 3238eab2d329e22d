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
import { createAppContext } from '../../features.ts';

const WORKER = fileURLToPath(new URL('../test-fixtures/bulk-worker.ts', import.meta.url));
const ROWS = 10_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('bulk issuing survives a worker killed mid-way', () => {
  let handle: DatabaseHandle | undefined;
  let child: ChildProcess | undefined;
  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await handle?.close();
  });

  /** A worker in its own process, as `npm start` runs one; resolves once it polls. */
  async function spawnWorker(url: string): Promise<ChildProcess> {
    const proc = spawn(process.execPath, ['--import', 'tsx', WORKER, url], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      proc.stdout!.on('data', (d) => String(d).includes('ready') && resolve());
      proc.once('exit', (code) => reject(new Error(`worker exited early (${code})`)));
    });
    return proc;
  }

  it('kill -9 twice during a 10,000-row issue: every row issued once, one email delivered each', async () => {
    const url = await createPostgresDatabase();
    handle = await openPostgres(url);
    await migrate(handle);
    const config = testConfig();
    const ctx = createAppContext(handle.db, config);
    const org = await makeOrg(ctx.db, { config });
    const template = await makeTemplate(ctx, org);
    const batchId = await createBatch(ctx, {
      orgId: org.id,
      templateId: template.id,
      filename: 'crash.csv',
      data: csvOf(ROWS),
      createdBy: null,
    });
    await confirmBatch(ctx, org.id, batchId);

    // Kill the worker without warning twice in the middle of the batch, each time after it has
    // made progress (issuing and sending award emails at once), then let a fresh one finish.
    const killedAt: number[] = [];
    for (const threshold of [ROWS / 5, ROWS / 2]) {
      child = await spawnWorker(url);
      for (;;) {
        const b = await getBatch(ctx.db, org.id, batchId);
        if (b.issued >= threshold) break;
        await sleep(50);
      }
      child.removeAllListeners('exit');
      child.kill('SIGKILL');
      await new Promise((r) => child!.once('exit', r));
      killedAt.push((await getBatch(ctx.db, org.id, batchId)).issued);
    }
    expect(killedAt[1]).toBeLessThan(ROWS);

    const worker = startWorker(ctx, { leaseMs: 2_000, pollMs: 50, periodic: false });
    try {
      for (;;) {
        const b = await getBatch(ctx.db, org.id, batchId);
        const { rows } = await sql<{ unsent: number }>`
          SELECT count(*)::int AS unsent FROM emails WHERE sent_at IS NULL`.execute(ctx.db);
        if (b.status === 'done' && rows[0]!.unsent === 0) break;
        await sleep(200);
      }
    } finally {
      await worker.stop();
    }
    expect(await getBatch(ctx.db, org.id, batchId)).toMatchObject({
      status: 'done',
      issued: ROWS,
      skipped: 0,
      failed: 0,
    });
    const { rows } = await sql<{ n: number; keys: number; pending: number; delivered: number; ids: number }>`
      SELECT (SELECT count(*)::int FROM awards WHERE org_id = ${org.id}) AS n,
             (SELECT count(DISTINCT row_key)::int FROM awards WHERE org_id = ${org.id}) AS keys,
             (SELECT count(*)::int FROM bulk_rows WHERE batch_id = ${batchId} AND outcome <> 'issued') AS pending,
             (SELECT count(*)::int FROM emails WHERE sent_at IS NOT NULL) AS delivered,
             (SELECT count(DISTINCT message_id)::int FROM emails WHERE sent_at IS NOT NULL) AS ids`.execute(
      ctx.db,
    );
    const perAward = await emailsPerAward(ctx.db, org.id);
    console.log(
      `bulk crash: ${ROWS} rows, killed at ${killedAt.join(' and ')} issued; ` +
        `${rows[0]!.n} awards, ${perAward.emails} emails queued, ${rows[0]!.delivered} delivered ` +
        `(${rows[0]!.ids} distinct Message-IDs), at most ${perAward.maxPerAward} per award`,
    );
    expect(rows[0]).toEqual({ n: ROWS, keys: ROWS, pending: 0, delivered: ROWS, ids: ROWS });
    expect(perAward).toEqual({ awards: ROWS, emails: ROWS, maxPerAward: 1 });
  }, 600_000);
});
