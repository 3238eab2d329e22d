import { type Selectable, sql } from 'kysely';
import type { Db } from '../../db/index.ts';
import { LaurelError, notFound } from '../../errors.ts';
import type { AppContext } from '../../http/context.ts';
import { enqueueJob } from '../../jobs/queue.ts';
import { getTemplate } from '../../templates/service.ts';
import type { SignedAward } from '../credential.ts';
import {
  type AwardDraft,
  type PreparedIssuer,
  prepareIssuer,
  type StagedAward,
  stageAwards,
  storeAwards,
} from '../issue.ts';
import { signingPoolSlot } from '../signing-pool.ts';
import { allocateStatusIndices } from '../../status-lists/service.ts';
import type { IssuingTables } from '../tables.ts';
import { parseDate } from '../validate.ts';
import { readRecipientsCsv, rowKey } from './csv.ts';
import { boundHeapGrowth } from './heap.ts';
import { count } from '../../ui/count.ts';
import { isUuid } from '../../util/checks.ts';

/** Rows per transaction: a crash loses at most one uncommitted chunk. */
export const CHUNK_ROWS = 250;
/** Rows per job step (one job): the step's rows are read at once, and its lease stays short. */
export const STEP_ROWS = 2_500;
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
  boundHeapGrowth();
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

/** One chunk of a step: its rows checked, their awards staged (status slots taken) and being signed. */
interface Chunk {
  rowNos: number[];
  failed: { rowNo: number; message: string }[];
  staged: (StagedAward & { rowNo: number })[];
  signed: Promise<SignedAward[]>;
}

/** Checks each row against the template, stages the good ones (slots in a short transaction of their own). */
async function stageChunk(
  ctx: AppContext,
  batch: BulkBatch,
  issuer: PreparedIssuer | { problem: string },
  rows: BulkRow[],
): Promise<Chunk> {
  const rowNos = rows.map((r) => r.rowNo);
  if (!('org' in issuer))
    return {
      rowNos,
      failed: rows.map((r) => ({ rowNo: r.rowNo, message: issuer.problem })),
      staged: [],
      signed: Promise.resolve([]),
    };
  const failed: Chunk['failed'] = [];
  const drafts: (AwardDraft & { rowNo: number })[] = [];
  for (const r of rows) {
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
  // Taken and committed before signing, so no transaction stays open while the chunk is signed.
  // A crash before the awards are stored leaves unused indices: a gap, harmless (bits stay 0).
  const slots = drafts.length
    ? await ctx.db.transaction().execute((trx) => allocateStatusIndices(trx, batch.orgId, drafts.length))
    : [];
  const staged = stageAwards(ctx.config, issuer, drafts, slots).map((s, i) => ({
    ...s,
    rowNo: drafts[i]!.rowNo,
  }));
  const signed = ctx.runtime.get(signingPoolSlot).sign(
    issuer.bundle,
    staged.map((s) => s.facts),
  );
  // Awaited by writeChunk; a failure is that chunk's (the step fails and is retried).
  signed.catch(() => {});
  return { rowNos, failed, staged, signed };
}

/**
 * Stores a signed chunk in one transaction: the rows still pending are locked (a row another
 * runner holds or has finished is left to it), their awards inserted with ON CONFLICT on the
 * row key, the emails queued, the row outcomes and batch counters updated.
 */
async function writeChunk(
  ctx: AppContext,
  batch: BulkBatch,
  issuer: PreparedIssuer | { problem: string },
  chunk: Chunk,
): Promise<void> {
  const signed = await chunk.signed;
  await ctx.db.transaction().execute(async (trx) => {
    const locked = await trx
      .selectFrom('bulkRows')
      .select('rowNo')
      .where('batchId', '=', batch.id)
      .where('rowNo', 'in', chunk.rowNos)
      .where('outcome', '=', 'pending')
      .forUpdate()
      .skipLocked()
      .execute();
    if (locked.length === 0) return;
    const mine = new Set(locked.map((r) => r.rowNo));
    const keep = chunk.staged.flatMap((s, i) => (mine.has(s.rowNo) ? [i] : []));
    const written =
      'org' in issuer
        ? await storeAwards(
            trx,
            ctx.config,
            issuer,
            keep.map((i) => chunk.staged[i]!),
            keep.map((i) => signed[i]!),
          )
        : [];
    // The awards kept (not skipped as already issued), found by id.
    const stored = new Set(written.map((w) => w.award.id));
    const outcomes: {
      rowNo: number;
      outcome: BulkRow['outcome'];
      awardId: string | null;
      message: string | null;
    }[] = [];
    for (const i of keep) {
      const { rowNo, row } = chunk.staged[i]!;
      outcomes.push(
        stored.has(row.id)
          ? { rowNo, outcome: 'issued', awardId: row.id, message: null }
          : { rowNo, outcome: 'duplicate', awardId: null, message: 'Already issued; skipped.' },
      );
    }
    for (const f of chunk.failed)
      if (mine.has(f.rowNo))
        outcomes.push({ rowNo: f.rowNo, outcome: 'failed', awardId: null, message: f.message });
    if (outcomes.length) {
      const values = sql.join(
        outcomes.map(
          (o) => sql`(${o.rowNo}::int, ${o.outcome}::text, ${o.awardId}::uuid, ${o.message}::text)`,
        ),
      );
      await sql`UPDATE bulk_rows AS b SET outcome = v.outcome, award_id = v.award_id, message = v.message
                FROM (VALUES ${values}) AS v(row_no, outcome, award_id, message)
                WHERE b.batch_id = ${batch.id} AND b.row_no = v.row_no`.execute(trx);
    }
    const count = (o: BulkRow['outcome']) => outcomes.filter((x) => x.outcome === o).length;
    await trx
      .updateTable('bulkBatches')
      .set((eb) => ({
        status: 'running',
        issued: eb('issued', '+', count('issued')),
        skipped: eb('skipped', '+', count('duplicate')),
        failed: eb('failed', '+', count('failed')),
      }))
      .where('id', '=', batch.id)
      .execute();
  });
}

/**
 * The `bulk.issue` job: issues up to STEP_ROWS pending rows, CHUNK_ROWS per transaction, then
 * queues the next step (or marks the batch done). Chunk k+1 is signed on the signing pool's
 * threads while chunk k is written. Idempotent: a re-run after a crash finds the committed rows
 * no longer pending, and an award whose row key exists is never issued again.
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
  boundHeapGrowth();
  let issuer: PreparedIssuer | { problem: string };
  try {
    issuer = await prepareIssuer(ctx, batch.orgId, batch.templateId);
  } catch (e) {
    if (!(e instanceof LaurelError) || e.code === 'UNAVAILABLE') throw e;
    issuer = { problem: e.fields[0]?.message ?? e.message };
  }
  const rows = await ctx.db
    .selectFrom('bulkRows')
    .selectAll()
    .where('batchId', '=', batch.id)
    .where('outcome', '=', 'pending')
    .orderBy('rowNo')
    .limit(STEP_ROWS)
    .execute();
  let next = rows.length ? await stageChunk(ctx, batch, issuer, rows.slice(0, CHUNK_ROWS)) : undefined;
  for (let at = CHUNK_ROWS; next; at += CHUNK_ROWS) {
    // The next chunk is staged while this one is written: on PostgreSQL on a second connection,
    // on PGlite first (its one connection takes them in order), so it is signed meanwhile.
    const staging =
      at < rows.length ? stageChunk(ctx, batch, issuer, rows.slice(at, at + CHUNK_ROWS)) : undefined;
    staging?.catch(() => {});
    await writeChunk(ctx, batch, issuer, next);
    next = await staging;
    // PGlite runs in this thread and answers in microtasks: let requests and other jobs in between chunks.
    await new Promise((resolve) => setImmediate(resolve));
  }
  const finished = await ctx.db
    .updateTable('bulkBatches')
    .set({ status: 'done', finishedAt: new Date() })
    .where('id', '=', batch.id)
    .where('status', 'in', ['queued', 'running'])
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('bulkRows')
            .select('rowNo')
            .where('batchId', '=', batch.id)
            .where('outcome', '=', 'pending'),
        ),
      ),
    )
    .executeTakeFirst();
  if (Number(finished.numUpdatedRows) === 0)
    await enqueueJob(ctx.db, {
      kind: BULK_JOB,
      payload: { batchId: batch.id, step: payload.step + 1 },
      dedupeKey: `${BULK_JOB}:${batch.id}:${payload.step + 1}`,
    });
}

/** The handler registered for `bulk.issue` in src/jobs/handlers.ts. */
export const bulkIssueJob = (payload: { batchId: string; step: number }, ctx: AppContext) =>
  runBulkStep(ctx, payload);
