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
    .select(['id', 'to_address', 'subject', 'attempts', 'failed_at', 'last_error'])
    .where('failed_at', 'is not', null)
    .where('sent_at', 'is', null)
    .orderBy('failed_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    to: r.to_address,
    subject: r.subject,
    attempts: r.attempts,
    failedAt: r.failed_at!,
    reason: r.last_error ?? '',
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
      .set({ failed_at: null })
      .where('failed_at', 'is not', null)
      .where('sent_at', 'is', null)
      .returning('id')
      .execute();
    await requeueJobs(
      trx,
      rows.map((r) => emailJob(r.id)),
    );
    return rows.length;
  });
}
