import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { testConfig } from '../../config.ts';
import { DIALECTS, useTestDatabase } from '../../db/testing.ts';
import type { AppContext } from '../../http/context.ts';
import { runJobsUntilIdle } from '../../jobs/worker.ts';
import { makeOrg } from '../../orgs/testing.ts';
import { makeTemplate } from '../../templates/testing.ts';
import { csvOf, emailsPerAward } from '../test-support.ts';
import { batchRows, CHUNK_ROWS, confirmBatch, createBatch, getBatch, runBulkStep } from './service.ts';
import { createAppContext } from '../../features.ts';

describe.each(DIALECTS)('bulk issuing on %s', (dialect) => {
  const t = useTestDatabase(dialect);
  const config = testConfig();
  let ctx: AppContext;
  beforeAll(() => {
    ctx = createAppContext(t.db, config);
  });

  it('previews every row with its errors, issues only after confirmation, and never twice', async () => {
    const org = await makeOrg(t.db, { config });
    const template = await makeTemplate(ctx, org);
    const csv = Buffer.from(
      [
        '\ufeffName,Email,issued_on,expires_on,evidence_url,narrative',
        'Jörg Müller,jorg@example.org,2026-01-10,2030-01-10,https://example.org/j,"Led the ""Alpha"" project, twice"',
        'No Mail,,,,,',
        'Twice,JORG@example.org,,,,',
        'Ann,ann@example.org,,,,',
        '',
      ].join('\r\n'),
    );
    const batchId = await createBatch(ctx, {
      orgId: org.id,
      templateId: template.id,
      filename: 'a.csv',
      data: csv,
      createdBy: null,
    });
    const batch = await getBatch(t.db, org.id, batchId);
    expect(batch).toMatchObject({ status: 'preview', total: 4, valid: 2 });
    expect((await batchRows(t.db, batchId)).map((r) => r.outcome)).toEqual([
      'pending',
      'invalid',
      'invalid',
      'pending',
    ]);
    await runJobsUntilIdle(ctx);
    expect((await emailsPerAward(t.db, org.id)).awards).toBe(0);

    await confirmBatch(ctx, org.id, batchId);
    await runJobsUntilIdle(ctx);
    expect(await getBatch(t.db, org.id, batchId)).toMatchObject({
      status: 'done',
      issued: 2,
      skipped: 0,
      failed: 0,
    });
    const rows = await batchRows(t.db, batchId);
    expect(rows.map((r) => r.outcome)).toEqual(['issued', 'invalid', 'invalid', 'issued']);
    const award = await t.db
      .selectFrom('awards')
      .select(['recipientName', 'evidenceNarrative', 'validUntil', 'issuedAt'])
      .where('id', '=', rows[0]!.awardId!)
      .executeTakeFirstOrThrow();
    expect(award).toMatchObject({
      recipientName: 'Jörg Müller',
      evidenceNarrative: 'Led the "Alpha" project, twice',
    });
    expect(award.issuedAt.toISOString()).toBe('2026-01-10T00:00:00.000Z');
    expect(award.validUntil?.toISOString()).toBe('2030-01-10T00:00:00.000Z');
    expect(await emailsPerAward(t.db, org.id)).toEqual({ awards: 2, emails: 2, maxPerAward: 1 });

    // The same file again: the preview says so, and issuing it adds nothing.
    const again = await createBatch(ctx, {
      orgId: org.id,
      templateId: template.id,
      filename: 'a.csv',
      data: csv,
      createdBy: null,
    });
    expect((await batchRows(t.db, again)).filter((r) => r.message?.includes('Issued before'))).toHaveLength(
      2,
    );
    await confirmBatch(ctx, org.id, again);
    await runJobsUntilIdle(ctx);
    expect(await getBatch(t.db, org.id, again)).toMatchObject({ status: 'done', issued: 0, skipped: 2 });
    expect(await emailsPerAward(t.db, org.id)).toEqual({ awards: 2, emails: 2, maxPerAward: 1 });
  });

  it('refuses an inactive template and a file without the needed columns', async () => {
    const org = await makeOrg(t.db, { config });
    const draft = await makeTemplate(ctx, org, { status: 'draft' });
    const active = await makeTemplate(ctx, org);
    await expect(
      createBatch(ctx, {
        orgId: org.id,
        templateId: draft.id,
        filename: 'a.csv',
        data: csvOf(2),
        createdBy: null,
      }),
    ).rejects.toMatchObject({ code: 'INVALID', fields: [{ field: 'templateId' }] });
    await expect(
      createBatch(ctx, {
        orgId: org.id,
        templateId: active.id,
        filename: 'a.csv',
        data: Buffer.from('who,where\n'),
        createdBy: null,
      }),
    ).rejects.toMatchObject({ code: 'INVALID', fields: [{ field: 'file' }] });
  });

  it('two runners of one step at once (a lease that ran out) still issue each row once', async () => {
    const org = await makeOrg(t.db, { config });
    const template = await makeTemplate(ctx, org);
    const rows = CHUNK_ROWS * 2 + 7;
    const batchId = await createBatch(ctx, {
      orgId: org.id,
      templateId: template.id,
      filename: 'twice.csv',
      data: csvOf(rows),
      createdBy: null,
    });
    await confirmBatch(ctx, org.id, batchId);
    // Both read the same pending rows and sign them; each chunk is stored by whichever locks it first.
    await Promise.all([runBulkStep(ctx, { batchId, step: 0 }), runBulkStep(ctx, { batchId, step: 0 })]);
    await runJobsUntilIdle(ctx);
    expect(await getBatch(t.db, org.id, batchId)).toMatchObject({
      status: 'done',
      issued: rows,
      skipped: 0,
      failed: 0,
    });
    expect((await batchRows(t.db, batchId)).every((r) => r.outcome === 'issued' && r.awardId)).toBe(true);
    expect(await emailsPerAward(t.db, org.id)).toEqual({ awards: rows, emails: rows, maxPerAward: 1 });
  });

  it.runIf(dialect === 'postgres')(
    'issues 10,000 rows through the job, each exactly once with one email',
    async () => {
      const org = await makeOrg(t.db, { config });
      const template = await makeTemplate(ctx, org);
      const batchId = await createBatch(ctx, {
        orgId: org.id,
        templateId: template.id,
        filename: 'big.csv',
        data: csvOf(10_000),
        createdBy: null,
      });
      await confirmBatch(ctx, org.id, batchId);
      // Two runners at once, as two worker processes would.
      await Promise.all([runJobsUntilIdle(ctx), runJobsUntilIdle(ctx)]);
      await runJobsUntilIdle(ctx);
      expect(await getBatch(t.db, org.id, batchId)).toMatchObject({
        status: 'done',
        issued: 10_000,
        skipped: 0,
        failed: 0,
      });
      const { rows } = await sql<{ n: number; distinctKeys: number; distinctSlots: number }>`
        SELECT count(*)::int AS n, count(DISTINCT row_key)::int AS distinct_keys,
               count(DISTINCT (status_list_id, status_index))::int AS distinct_slots
        FROM awards WHERE org_id = ${org.id}`.execute(t.db);
      expect(rows[0]).toEqual({ n: 10_000, distinctKeys: 10_000, distinctSlots: 10_000 });
      expect(await emailsPerAward(t.db, org.id)).toEqual({
        awards: 10_000,
        emails: 10_000,
        maxPerAward: 1,
      });
    },
    300_000,
  );
});
