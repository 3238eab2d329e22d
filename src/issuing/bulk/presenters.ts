// What the bulk pages show of a batch: which of its rows, a page at a time.
import type { BulkBatch, BulkRow } from './service.ts';

/** Rows per page of a batch: a 10,000-row file stays a page the browser renders at once. */
export const BATCH_PAGE_ROWS = 200;
export const MAX_CSV_MB = 10;

/** The outcomes the "rows with problems" view lists. */
export const PROBLEM_OUTCOMES: BulkRow['outcome'][] = ['invalid', 'failed'];

/** Which rows of a batch the page lists, and how many there are in that view. */
export interface RowView {
  show: 'all' | 'problems';
  page: number;
  count: number;
  problems: number;
}

/**
 * The rows view asked for, or the default: while issuing, the rows that need attention; the
 * preview and the result list them all.
 */
export function rowView(
  batch: BulkBatch,
  problems: number,
  asked: { rows?: RowView['show']; page?: number },
): RowView {
  const running = batch.status === 'queued' || batch.status === 'running';
  const show = asked.rows ?? (running ? 'problems' : 'all');
  return { show, page: asked.page ?? 1, problems, count: show === 'problems' ? problems : batch.total };
}
