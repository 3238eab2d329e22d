// Imported badges are verified again in the background, so an issuer's revocation shows in the
// wallet list (and stops the expiry notice, which reads the last report) without the earner
// opening each badge.
import type { Executor } from '../db/index.ts';
import type { JobHandler } from '../jobs/types.ts';
import { verifyManyOnPlatform } from '../verification/platform-verify.ts';
import { stripCredential } from './import.ts';
import { saveReport } from './service.ts';

/** An imported badge's report is renewed once it is older than this. */
export const REVERIFY_IMPORTED_AFTER_MS = 24 * 60 * 60_000;
/** Most items one run verifies; the rest wait for the next run, oldest first. */
export const REVERIFY_BATCH = 500;

/** Imported items whose report is missing or older than a day, the oldest first. */
export async function importedItemsToReverify(
  db: Executor,
  now: Date,
  limit = REVERIFY_BATCH,
): Promise<{ id: string; credentialText: string }[]> {
  const rows = await db
    .selectFrom('walletItems')
    .select(['id', 'credentialText'])
    .where('awardId', 'is', null)
    .where('credentialText', 'is not', null)
    .where((eb) =>
      eb.or([
        eb('lastVerifiedAt', 'is', null),
        eb('lastVerifiedAt', '<', new Date(now.getTime() - REVERIFY_IMPORTED_AFTER_MS)),
      ]),
    )
    .orderBy('lastVerifiedAt', (ob) => ob.asc().nullsFirst())
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.flatMap((r) => (r.credentialText ? [{ id: r.id, credentialText: r.credentialText }] : []));
}

/** Periodic task: verifies stale imported badges in one batch (shared fetches) and stores each report. */
export const reverifyImported: JobHandler = async (_payload, ctx) => {
  const items = await importedItemsToReverify(ctx.db, new Date());
  if (items.length === 0) return;
  const reports = await verifyManyOnPlatform(
    ctx,
    items.map((i) => i.credentialText),
  );
  const checkedAt = new Date();
  for (const [i, item] of items.entries())
    await saveReport(ctx.db, item.id, stripCredential(reports[i]!), checkedAt);
};
