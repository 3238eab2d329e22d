import { sql, type Transaction } from 'kysely';
import type { Config } from '../config.ts';
import type { Database } from '../db/schema.ts';
import type { Db } from '../db/index.ts';
import { getOrgById } from '../orgs/service.ts';
import { getSigningKey } from '../orgs/keys.ts';
import { issuerDid } from '../orgs/presenters.ts';
import { signStatusListCredential } from './credential.ts';

export type StatusPurpose = 'revocation' | 'suspension';

export interface StatusSlot {
  listId: string;
  index: number;
}

export const statusListUrl = (config: Config, slug: string, listId: string) =>
  `${config.baseUrl}/orgs/${slug}/status/${listId}`;

/**
 * Hands out `count` fresh indices of the org's current list. The UPDATE takes the list row's
 * lock until the caller's transaction ends, so two transactions can never receive one index;
 * a rolled-back transaction leaves a gap, which is harmless (an unused bit stays 0).
 * Indices are sequential: the list's size (131072) is what gives herd privacy, not the order.
 */
export async function allocateStatusIndices(
  trx: Transaction<Database>,
  orgId: string,
  count: number,
  purpose: StatusPurpose = 'revocation',
): Promise<StatusSlot[]> {
  const slots: StatusSlot[] = [];
  let remaining = count;
  while (remaining > 0) {
    const current = await trx
      .selectFrom('statusLists')
      .select(['id', 'seq', 'capacity', 'nextIndex'])
      .where('orgId', '=', orgId)
      .where('purpose', '=', purpose)
      .orderBy('seq', 'desc')
      .limit(1)
      .forUpdate()
      .executeTakeFirst();
    if (!current || current.nextIndex >= current.capacity) {
      await trx
        .insertInto('statusLists')
        .values({ orgId: orgId, purpose, seq: current ? current.seq + 1 : 0 })
        .onConflict((oc) => oc.doNothing())
        .execute();
      continue;
    }
    const take = Math.min(remaining, current.capacity - current.nextIndex);
    await trx
      .updateTable('statusLists')
      .set({ nextIndex: current.nextIndex + take })
      .where('id', '=', current.id)
      .execute();
    for (let i = 0; i < take; i++) slots.push({ listId: current.id, index: current.nextIndex + i });
    remaining -= take;
  }
  return slots;
}

/**
 * Sets one entry to 1 and marks the signed list stale, in the caller's transaction. The
 * Bitstring spec numbers bits from the most significant bit of the first byte; PostgreSQL's
 * set_bit numbers them from the least significant bit of each byte, hence the flip.
 */
export async function setStatusBit(trx: Transaction<Database>, listId: string, index: number): Promise<void> {
  const pgBit = Math.floor(index / 8) * 8 + (7 - (index % 8));
  await sql`UPDATE status_lists SET bits = set_bit(bits, ${pgBit}::int, 1), version = version + 1
            WHERE id = ${listId}`.execute(trx);
}

export function readBit(bits: Uint8Array, index: number): boolean {
  return ((bits[index >> 3] ?? 0) & (0x80 >> (index & 7))) !== 0;
}

/**
 * The signed BitstringStatusListCredential as served. Re-signed lazily: when the stored
 * signature is for an older `version` than the bits, sign again now, so what is served always
 * reflects every revocation committed before this read.
 */
export async function getSignedStatusList(
  db: Db,
  config: Config,
  slug: string,
  listId: string,
): Promise<string | null> {
  const list = await db
    .selectFrom('statusLists')
    .select(['id', 'orgId', 'purpose', 'bits', 'version', 'signedCredential', 'signedVersion'])
    .where('id', '=', listId)
    .executeTakeFirst();
  if (!list) return null;
  const org = await getOrgById(db, list.orgId);
  if (!org || org.slug !== slug) return null;
  if (list.signedCredential && list.signedVersion === list.version) return list.signedCredential;
  const key = await getSigningKey(db, config, org.id);
  const text = await signStatusListCredential({
    id: statusListUrl(config, slug, list.id),
    issuer: issuerDid(config, slug),
    purpose: list.purpose,
    bits: new Uint8Array(list.bits),
    key,
    validFrom: new Date(),
  });
  // Only store it if nobody changed the bits meanwhile; otherwise the next read signs again.
  await db
    .updateTable('statusLists')
    .set({ signedCredential: text, signedVersion: list.version, signedAt: new Date() })
    .where('id', '=', list.id)
    .where('version', '=', list.version)
    .execute();
  return text;
}

/**
 * The list's version: it rises in the same transaction as every change to its bits, so anything
 * derived from the list can be kept under it and is never served once the list has changed.
 */
export async function statusListVersion(db: Db, listId: string): Promise<number | null> {
  const row = await db
    .selectFrom('statusLists')
    .select('version')
    .where('id', '=', listId)
    .executeTakeFirst();
  return row ? row.version : null;
}

/** The lists of one org (for the OB2 revocation list and the dashboard). */
export async function listStatusLists(db: Db, orgId: string) {
  return db
    .selectFrom('statusLists')
    .select(['id', 'purpose', 'seq', 'nextIndex', 'capacity'])
    .where('orgId', '=', orgId)
    .orderBy('seq')
    .execute();
}
