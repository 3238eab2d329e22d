// Reminders for unclaimed badges, after each of the org's reminder days (default 7 and 30): a
// periodic job finds the awards due, and one job per award and day sends a fresh claim link.
import { sql } from 'kysely';
import type { AppContext } from '../http/context.ts';
import { getAward } from '../issuing/service.ts';
import { resendClaimEmail } from '../issuing/issue.ts';
import { enqueueJobs } from '../jobs/queue.ts';
import type { JobHandler } from '../jobs/types.ts';

export const DEFAULT_REMINDER_DAYS = [7, 30];

const REMINDER_PAGE = 1000;
type DueReminder = { id: string; createdAt: Date; day: number };

/**
 * One page of the pending, unrevoked, unexpired awards whose latest due reminder day (the
 * org's days, else the defaults) has no reminder sent yet, after `cursor` in creation order.
 */
async function dueReminders(
  ctx: AppContext,
  cursor: { createdAt: Date; id: string } | null,
): Promise<DueReminder[]> {
  const defaults = sql.raw(`ARRAY[${DEFAULT_REMINDER_DAYS.join(',')}]::int[]`);
  const { rows } = await sql<DueReminder>`
    SELECT a.id, a.created_at, due.day
    FROM awards a
    JOIN orgs o ON o.id = a.org_id
    CROSS JOIN LATERAL (
      SELECT max(d) AS day
      FROM unnest(CASE WHEN cardinality(o.reminder_days) > 0 THEN o.reminder_days ELSE ${defaults} END) AS d
      WHERE a.created_at <= now() - make_interval(days => d)
    ) AS due
    WHERE a.state = 'pending' AND a.revoked_at IS NULL AND a.recipient_email IS NOT NULL
      AND (a.valid_until IS NULL OR a.valid_until > now())
      AND due.day IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM claim_reminders r WHERE r.award_id = a.id AND r.day = due.day)
      ${cursor ? sql`AND (a.created_at, a.id) > (${cursor.createdAt}, ${cursor.id}::uuid)` : sql``}
    ORDER BY a.created_at, a.id
    LIMIT ${REMINDER_PAGE}`.execute(ctx.db);
  return rows;
}

/**
 * Periodic task: enqueues one reminder job per award and due day (the latest day due only),
 * page by page, so old unclaimed awards never crowd out newer ones.
 */
export const enqueueClaimReminders: JobHandler = async (_payload, ctx) => {
  let cursor: { createdAt: Date; id: string } | null = null;
  for (;;) {
    const rows = await dueReminders(ctx, cursor);
    await enqueueJobs(
      ctx.db,
      rows.map((r) => ({
        kind: 'claims.reminder',
        payload: { awardId: r.id, day: r.day },
        dedupeKey: `claim-reminder:${r.id}:${r.day}`,
      })),
    );
    if (rows.length < REMINDER_PAGE) return;
    const last = rows[rows.length - 1]!;
    cursor = { createdAt: last.createdAt, id: last.id };
  }
};

/**
 * Sends one reminder (a fresh claim link). The row in claim_reminders makes it once per award
 * and day even when the job runs again; a failed send removes the row so a retry can send.
 */
export const sendClaimReminder: JobHandler = async (payload: { awardId: string; day: number }, ctx) => {
  const award = await getAward(ctx.db, payload.awardId);
  if (award?.state !== 'pending' || award.revokedAt || !award.recipientEmail) return;
  const inserted = await ctx.db
    .insertInto('claimReminders')
    .values({ awardId: award.id, day: payload.day })
    .onConflict((oc) => oc.columns(['awardId', 'day']).doNothing())
    .returning('awardId')
    .executeTakeFirst();
  if (!inserted) return;
  try {
    await resendClaimEmail(ctx, award.id, { reminder: true });
  } catch (e) {
    await ctx.db
      .deleteFrom('claimReminders')
      .where('awardId', '=', award.id)
      .where('day', '=', payload.day)
      .execute();
    throw e;
  }
};
