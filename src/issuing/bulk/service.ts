import { type Selectable, sql } from 'kysely';
import type { Db } from '../../db/index.ts';
import { LaurelError, notFound } from '../../errors.ts';
import type { AppContext } from '../../http/context.ts';
import { enqueueJob } from '../../jobs/queue.ts';
import { getTemplate } from '../../templates/service.ts';
import { type AwardDraft, type PreparedIssuer, prepareIssuer, writeAwards } from '../issue.ts';
import type { IssuingTables } from '../tables.ts';
import { parseDate } from '../validate.ts';
import { readRecipientsCsv, rowKey } from './csv.ts';
import { count } from '../../ui/count.ts';
import { isUuid } from '../../util/checks.ts';

/** Rows per job step: one transaction each, so a crash loses at most one uncommitted chunk. */
export const CHUNK_ROWS = 100;
export const BULK_JOB = 'bulk.issue';

export type BulkBatch = Selectable<IssuingTables['bulkBatches']>;
export type BulkRow = Selectable<IssuingTables['bulkRows']>;

/**
 * Reads an upload into a batch in `preview` state: every row stored with its errors, nothing
 * issued. Rows whose key was issued before are marked so the preview says they will be skipped.
 */
export async function createBatch(
  ctx: AppContext,
  input: { orgId: string; templateId: string; filename: string; data: Buffer; createdBy: string | null },
): Promise<string> {
  const template = isUuid(input.templateId) ? await getTemplate(ctx.db, input.templateId) : null;
  if (!template || template.orgId !== input.orgId || template.status !== 'active')
    throw new LaurelError('INVALID', 'Choose an active badge template.', [
      { field: 'templateId', message: 'Choose an active badge template of this organization.' },
    ]);
  const rows = readRecipientsCsv(input.data);
  const keyed = rows.map((r) => ({ ...r, key: rowKey(input.orgId, input.templateId, r) }));
  const issuedBefore = new Set<string>();
  for (let i = 0; i < keyed.length; i += 1000) {
    const keys = keyed.slice(i, i + 1000).map((r) => r.key);
    const found = await ctx.db
      .selectFrom('awards')
      .select('rowKey')
      .where('orgId', '=', input.orgId)
      .where('rowKey', 'in', keys)
      .execute();
    for (const f of found) issuedBefore.add(f.rowKey!);
  }
  const valid = keyed.filter((r) => r.errors.length === 0).length;
  return ctx.db.transaction().execute(async (trx) => {
    const batch = await trx
      .insertInto('bulkBatches')
      .values({
        orgId: input.orgId,
        templateId: input.templateId,
        filename: input.filename.slice(0, 200) || 'upload.csv',
        status: 'preview',
        total: keyed.length,
        valid,
        createdBy: input.createdBy,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (let i = 0; i < keyed.length; i += 500) {
      await trx
        .insertInto('bulkRows')
        .values(
          keyed.slice(i, i + 500).map(({ key, errors, ...r }) => ({
            ...r,
            batchId: batch.id,
            rowKey: key,
            errors: JSON.stringify(errors),
            outcome: errors.length ? ('invalid' as const) : ('pending' as const),
            message: errors.length === 0 && issuedBefore.has(key) ? 'Issued before; will be skipped.' : null,
          })),
        )
        .execute();
    }
    return batch.id;
  });
}

export async function getBatch(db: Db, orgId: string, batchId: string): Promise<BulkBatch> {
  const batch = isUuid(batchId)
    ? await db
        .selectFrom('bulkBatches')
        .selectAll()
        .where('id', '=', batchId)
        .where('orgId', '=', orgId)
        .executeTakeFirst()
    : undefined;
  if (!batch) throw notFound('That upload');
  return batch;
}

export async function listBatches(db: Db, orgId: string, limit = 20): Promise<BulkBatch[]> {
  return db
    .selectFrom('bulkBatches')
    .selectAll()
    .where('orgId', '=', orgId)
    .orderBy('createdAt', 'desc')
    .limit(limit)
    .execute();
}

export async function batchRows(
  db: Db,
  batchId: string,
  opts: { outcome?: BulkRow['outcome'][]; limit?: number; offset?: number } = {},
): Promise<BulkRow[]> {
  let q = db.selectFrom('bulkRows').selectAll().where('batchId', '=', batchId);
  if (opts.outcome?.length) q = q.where('outcome', 'in', opts.outcome);
  return q
    .orderBy('rowNo')
    .limit(opts.limit ?? 100_000)
    .offset(opts.offset ?? 0)
    .execute();
}

/** Confirms a previewed batch: it is queued for the worker, in one transaction with the job row. */
export async function confirmBatch(ctx: AppContext, orgId: string, batchId: string): Promise<void> {
  const batch = await getBatch(ctx.db, orgId, batchId);
  if (batch.status !== 'preview') return;
  if (batch.valid === 0) throw new LaurelError('INVALID', 'There are no valid rows to issue in this file.');
  await ctx.db.transaction().execute(async (trx) => {
    const r = await trx
      .updateTable('bulkBatches')
      .set({ status: 'queued', confirmedAt: new Date() })
      .where('id', '=', batchId)
      .where('status', '=', 'preview')
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) return;
    await enqueueJob(trx, {
      kind: BULK_JOB,
      payload: { batchId, step: 0 },
      dedupeKey: `${BULK_JOB}:${batchId}:0`,
    });
  });
}

export async function cancelBatch(db: Db, orgId: string, batchId: string): Promise<void> {
  await getBatch(db, orgId, batchId);
  await db
    .updateTable('bulkBatches')
    .set({ status: 'cancelled', finishedAt: new Date() })
    .where('id', '=', batchId)
    .where('status', '=', 'preview')
    .execute();
}

export interface BatchProgress {
  status: BulkBatch['status'];
  total: number;
  valid: number;
  invalid: number;
  issued: number;
  skipped: number;
  failed: number;
  done: number;
  finished: boolean;
  message: string;
}

export function progressOf(b: BulkBatch): BatchProgress {
  const done = b.issued + b.skipped + b.failed;
  const finished = b.status === 'done' || b.status === 'cancelled';
  return {
    status: b.status,
    total: b.valid,
    valid: b.valid,
    invalid: b.total - b.valid,
    issued: b.issued,
    skipped: b.skipped,
    failed: b.failed,
    done,
    finished,
    message: finished
      ? `Finished: ${b.issued} issued, ${b.skipped} skipped as duplicates, ${b.failed} failed.`
      : `${done} of ${count(b.valid, 'row')} processed (${b.issued} issued, ${b.skipped} skipped, ${b.failed} failed).`,
  };
}

/**
 * The `bulk.issue` job: issues the next chunk of pending rows in one transaction (signing,
 * one multi-row INSERT with ON CONFLICT on the row key, the award emails, the row outcomes,
 * the batch counters) and queues the next step. Idempotent: a re-run after a crash finds the
 * committed rows no longer pending, and an award whose row key exists is never issued again.
 */
export async function runBulkStep(
  ctx: AppContext,
  payload: { batchId: string; step: number },
): Promise<void> {
  const batch = await ctx.db
    .selectFrom('bulkBatches')
    .selectAll()
    .where('id', '=', payload.batchId)
    .executeTakeFirst();
  if (!batch || batch.status === 'preview' || batch.status === 'done' || batch.status === 'cancelled') return;
  let issuer: PreparedIssuer | null = null;
  let issuerProblem = '';
  try {
    issuer = await prepareIssuer(ctx, batch.orgId, batch.templateId);
  } catch (e) {
    if (!(e instanceof LaurelError) || e.code === 'UNAVAILABLE') throw e;
    issuerProblem = e.fields[0]?.message ?? e.message;
  }
  await ctx.db.transaction().execute(async (trx) => {
    const rows = await trx
      .selectFrom('bulkRows')
      .selectAll()
      .where('batchId', '=', batch.id)
      .where('outcome', '=', 'pending')
      .orderBy('rowNo')
      .limit(CHUNK_ROWS)
      .forUpdate()
      .skipLocked()
      .execute();
    if (rows.length === 0) {
      await trx
        .updateTable('bulkBatches')
        .set({ status: 'done', finishedAt: new Date() })
        .where('id', '=', batch.id)
        .where('status', 'in', ['queued', 'running'])
        .execute();
      return;
    }
    const failed: { rowNo: number; message: string }[] = [];
    const drafts: (AwardDraft & { rowNo: number })[] = [];
    for (const r of rows) {
      if (!issuer) {
        failed.push({ rowNo: r.rowNo, message: issuerProblem });
        continue;
      }
      const issuedAt = (r.issuedOn && parseDate(r.issuedOn)) || new Date();
      const validUntil = r.expiresOn ? parseDate(r.expiresOn) : issuer.validUntilFor(issuedAt);
      if (validUntil && validUntil.getTime() <= issuedAt.getTime()) {
        failed.push({
          rowNo: r.rowNo,
          message: 'The template’s expiry policy gives an expiry before the issue date.',
        });
        continue;
      }
      drafts.push({
        rowNo: r.rowNo,
        recipientName: r.name,
        recipientEmail: r.email,
        issuedAt,
        validUntil,
        evidenceUrl: r.evidenceUrl || null,
        evidenceNarrative: r.narrative || null,
        rowKey: r.rowKey,
        createdBy: batch.createdBy,
        batchId: batch.id,
      });
    }
    const written = issuer ? await writeAwards(trx, ctx.config, issuer, drafts) : [];
    const awardByKey = new Map(written.map((w) => [w.draft.rowKey!, w.award.id]));
    const issuedRows = drafts.filter((d) => awardByKey.has(d.rowKey!));
    const duplicateRows = drafts.filter((d) => !awardByKey.has(d.rowKey!));
    if (issuedRows.length) {
      const values = sql.join(
        issuedRows.map((d) => sql`(${d.rowNo}::int, ${awardByKey.get(d.rowKey!)}::uuid)`),
      );
      await sql`UPDATE bulk_rows AS b SET outcome = 'issued', award_id = v.award_id, message = NULL
                FROM (VALUES ${values}) AS v(row_no, award_id)
                WHERE b.batch_id = ${batch.id} AND b.row_no = v.row_no`.execute(trx);
    }
    if (duplicateRows.length)
      await trx
        .updateTable('bulkRows')
        .set({ outcome: 'duplicate', message: 'Already issued; skipped.' })
        .where('batchId', '=', batch.id)
        .where(
          'rowNo',
          'in',
          duplicateRows.map((d) => d.rowNo),
        )
        .execute();
    for (const f of failed)
      await trx
        .updateTable('bulkRows')
        .set({ outcome: 'failed', message: f.message })
        .where('batchId', '=', batch.id)
        .where('rowNo', '=', f.rowNo)
        .execute();
    await trx
      .updateTable('bulkBatches')
      .set((eb) => ({
        status: 'running',
        issued: eb('issued', '+', issuedRows.length),
        skipped: eb('skipped', '+', duplicateRows.length),
        failed: eb('failed', '+', failed.length),
      }))
      .where('id', '=', batch.id)
      .execute();
    await enqueueJob(trx, {
      kind: BULK_JOB,
      payload: { batchId: batch.id, step: payload.step + 1 },
      dedupeKey: `${BULK_JOB}:${batch.id}:${payload.step + 1}`,
    });
  });
}

/** The handler registered for `bulk.issue` in src/jobs/handlers.ts. */
export const bulkIssueJob = (payload: { batchId: string; step: number }, ctx: AppContext) =>
  runBulkStep(ctx, payload);
