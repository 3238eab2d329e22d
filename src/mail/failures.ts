// Mail that failed for good, for the administrator: the list with the reasons, and "retry all".
import type { Db } from '../db/index.ts';
import { requeueJobs } from '../jobs/queue.ts';
import { emailJob } from './outbox.ts';

export interface FailedMail {
  id: string;
  to: string;
  subject: string;
  attempts: number;
  failedAt: Date;
  reason: string;
}

/** The most recently failed emails first, each with the reason it failed. */
export async function listFailedMail(db: Db, limit = 50): Promise<FailedMail[]> {
  const rows = await db
    .selectFrom('emails')
    .select(['id', 'toAddress as to', 'subject', 'attempts', 'failedAt', 'lastError'])
    .where('failedAt', 'is not', null)
    .where('sentAt', 'is', null)
    .orderBy('failedAt', 'desc')
    .limit(limit)
    .execute();
  return rows.map(({ failedAt, lastError, ...r }) => ({
    ...r,
    failedAt: failedAt!,
    reason: lastError ?? '',
  }));
}

/**
 * Puts every failed email back in the queue with a fresh retry period (after the
 * administrator fixed the SMTP settings, or the recipient's server recovered). Returns how
 * many. The reason stays until the next attempt replaces it.
 */
export async function retryFailedMail(db: Db): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const rows = await trx
      .updateTable('emails')
      .set({ failedAt: null })
      .where('failedAt', 'is not', null)
      .where('sentAt', 'is', null)
      .returning('id')
      .execute();
    await requeueJobs(
      trx,
      rows.map((r) => emailJob(r.id)),
    );
    return rows.length;
  });
}
