// The review queue: an organization's applications (never drafts: those are the applicant's
// alone), oldest submission first, filtered by template, state and age, with keyset pagination
// on (submitted_at, id) so page 200 costs what page 1 does (the applications_queue index serves
// the filter and the order together), and counts per state.
import type { Executor } from '../db/index.ts';
import type { ApplicationState } from '../applications/tables.ts';
import { isUuid } from '../util/checks.ts';

export const QUEUE_STATES = ['submitted', 'returned', 'approved', 'rejected', 'withdrawn'] as const;
export type QueueState = (typeof QUEUE_STATES)[number];
export const PAGE_SIZE = 50;

export interface QueueFilter {
  orgId: string;
  /** Only these templates (an external reviewer's grants); with `templateId`, both apply. */
  templateIds?: string[];
  templateId?: string;
  /** Default: submitted (waiting for a decision). 'all': every state but draft. */
  state?: QueueState | 'all';
  /** Waiting at least this many days since the submission. */
  minAgeDays?: number;
  /** The keyset cursor of the previous page's last row. */
  after?: string;
  limit?: number;
}

export interface QueueRow {
  id: string;
  templateId: string;
  templateName: string;
  applicantName: string;
  state: ApplicationState;
  submission: number;
  submittedAt: Date;
  renewsAwardId: string | null;
  /** Approvals of the current submission. */
  approvals: number;
}

export interface QueuePage {
  rows: QueueRow[];
  /** The cursor of the next page, or null on the last one. */
  next: string | null;
}

export const encodeCursor = (row: { submittedAt: Date; id: string }) =>
  Buffer.from(`${row.submittedAt.toISOString()}|${row.id}`).toString('base64url');

/** The cursor's position, or null when it is not one of ours (the first page is shown then). */
export function decodeCursor(cursor: string | undefined): { at: Date; id: string } | null {
  if (!cursor) return null;
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const date = new Date(at ?? '');
  if (Number.isNaN(date.getTime()) || !isUuid(id ?? '')) return null;
  return { at: date, id: id! };
}

function filtered(db: Executor, f: QueueFilter) {
  let q = db
    .selectFrom('applications as a')
    .where('a.orgId', '=', f.orgId)
    .where('a.submittedAt', 'is not', null);
  const state = f.state ?? 'submitted';
  // Every state: submitted_at alone leaves drafts out (applications_queue_all serves the order).
  if (state !== 'all') q = q.where('a.state', '=', state);
  if (f.templateIds) q = q.where('a.templateId', 'in', f.templateIds.length ? f.templateIds : [NONE]);
  if (f.templateId) q = q.where('a.templateId', '=', f.templateId);
  return q;
}
// A template id no row has: an external reviewer with no grants sees nothing.
const NONE = '00000000-0000-0000-0000-000000000000';

export async function queuePage(db: Executor, f: QueueFilter): Promise<QueuePage> {
  const limit = f.limit ?? PAGE_SIZE;
  let q = filtered(db, f)
    .innerJoin('badgeTemplates as t', 't.id', 'a.templateId')
    .select([
      'a.id',
      'a.templateId',
      't.name as templateName',
      'a.applicantName',
      'a.state',
      'a.submission',
      'a.submittedAt',
      'a.renewsAwardId',
    ]);
  if (f.minAgeDays && f.minAgeDays > 0)
    q = q.where('a.submittedAt', '<=', new Date(Date.now() - f.minAgeDays * 86_400_000));
  const after = decodeCursor(f.after);
  if (after) q = q.where((eb) => eb(eb.refTuple('a.submittedAt', 'a.id'), '>', eb.tuple(after.at, after.id)));
  const rows = await q
    .orderBy('a.submittedAt')
    .orderBy('a.id')
    .limit(limit + 1)
    .execute();
  const shown = rows.slice(0, limit);
  const approvals = await approvalCounts(db, shown);
  const page = shown.map((r) => ({
    ...r,
    submittedAt: r.submittedAt as Date,
    approvals: approvals.get(`${r.id}:${r.submission}`) ?? 0,
  }));
  const last = page.at(-1);
  return { rows: page, next: rows.length > limit && last ? encodeCursor(last) : null };
}

/**
 * Approvals of each row's current submission, in one query for the page (a subquery per row
 * cost PGlite more than the page's own query).
 */
async function approvalCounts(db: Executor, rows: { id: string; submission: number }[]) {
  const counts = new Map<string, number>();
  if (!rows.length) return counts;
  const found = await db
    .selectFrom('applicationApprovals')
    .select(['applicationId', 'submission', (eb) => eb.fn.countAll<number>().as('n')])
    .where(
      'applicationId',
      'in',
      rows.map((r) => r.id),
    )
    .groupBy(['applicationId', 'submission'])
    .execute();
  for (const r of found) counts.set(`${r.applicationId}:${r.submission}`, Number(r.n));
  return counts;
}

/** How many applications are in each state (the age filter and cursor aside), from the trigger-kept counts. */
export async function queueCounts(
  db: Executor,
  f: Omit<QueueFilter, 'state' | 'after' | 'minAgeDays'>,
): Promise<Record<QueueState, number>> {
  let q = db
    .selectFrom('applicationCounts')
    .select(['state', (eb) => eb.fn.sum<number>('n').as('n')])
    .where('orgId', '=', f.orgId)
    .groupBy('state');
  if (f.templateIds) q = q.where('templateId', 'in', f.templateIds.length ? f.templateIds : [NONE]);
  if (f.templateId) q = q.where('templateId', '=', f.templateId);
  const counts = Object.fromEntries(QUEUE_STATES.map((s) => [s, 0])) as Record<QueueState, number>;
  for (const r of await q.execute()) if (r.state in counts) counts[r.state as QueueState] = Number(r.n);
  return counts;
}
