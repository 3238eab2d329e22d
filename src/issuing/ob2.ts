// Open Badges 2.0 hosted verification: the assertion lives at its own URL and the issuer's
// revocation list beside the issuer profile.
import type { Config } from '../config.ts';
import type { Db } from '../db/index.ts';
import { getOrgById } from '../orgs/service.ts';
import { awardAccess } from '../wallet/policy.ts';
import { awardVisibility } from '../wallet/service.ts';
import { isUuid } from '../util/checks.ts';
import { sha256Hex } from '../util/hash.ts';
import { isoSeconds } from '../util/dates.ts';
import { evidenceItems, evidenceObject } from './credential.ts';

export const OB2_CONTEXT = 'https://w3id.org/openbadges/v2';
export const ob2AssertionUrl = (config: Config, awardId: string) =>
  `${config.baseUrl}/ob2/assertions/${awardId}`;

export type Ob2Answer =
  | { kind: 'assertion'; assertion: Record<string, unknown>; revoked: boolean }
  | { kind: 'missing' };

/**
 * The hosted assertion of an award, under the same rule as every other representation of it
 * (awardAccess): unclaimed, declined or private, it is missing (404) for everyone but its earner,
 * like an award that never existed. A revoked award keeps its assertion with `revoked: true` and
 * the reason; OB 2.0 hosts answer 410 Gone for it, so verifiers that only read the status see it.
 */
export async function ob2AssertionFor(
  db: Db,
  config: Config,
  awardId: string,
  viewerId: string | null = null,
): Promise<Ob2Answer> {
  if (!isUuid(awardId)) return { kind: 'missing' };
  const visibility = await awardVisibility(db, awardId.toLowerCase());
  if (!visibility) return { kind: 'missing' };
  const row = await db
    .selectFrom('awards')
    .select([
      'id',
      'orgId',
      'templateId',
      'recipientEmail',
      'salt',
      'issuedAt',
      'validUntil',
      'evidenceUrl',
      'evidenceNarrative',
      'evidence',
      'state',
      'revokedAt',
      'revocationReason',
      'claimedBy',
    ])
    .where('id', '=', awardId.toLowerCase())
    .executeTakeFirst();
  if (
    !row?.recipientEmail ||
    !awardAccess({ state: row.state, claimedBy: row.claimedBy }, visibility, viewerId)
  )
    return { kind: 'missing' };
  const org = await getOrgById(db, row.orgId);
  if (!org) return { kind: 'missing' };
  const identity = `sha256$${sha256Hex(row.recipientEmail + row.salt)}`;
  const items = evidenceItems(row);
  const evidence = items.length ? items.map((e) => evidenceObject(e, 'Evidence')) : undefined;
  return {
    kind: 'assertion',
    revoked: row.revokedAt !== null,
    assertion: {
      '@context': OB2_CONTEXT,
      type: 'Assertion',
      id: ob2AssertionUrl(config, row.id),
      recipient: { type: 'email', hashed: true, salt: row.salt, identity },
      badge: `${config.baseUrl}/orgs/${org.slug}/badges/${row.templateId}/badgeclass.json`,
      verification: { type: 'HostedBadge' },
      issuedOn: isoSeconds(row.issuedAt),
      ...(row.validUntil ? { expires: isoSeconds(row.validUntil) } : {}),
      image: `${config.baseUrl}/c/${row.id}/image.png?ob=2`,
      ...(evidence ? { evidence } : {}),
      ...(row.revokedAt
        ? { revoked: true, revocationReason: row.revocationReason ?? 'Revoked by the issuer' }
        : {}),
    },
  };
}

/** The org's OB 2.0 RevocationList: every revoked or declined assertion with its reason. */
export async function ob2RevocationList(db: Db, config: Config, org: { id: string; slug: string }) {
  const rows = await db
    .selectFrom('awards')
    .select(['id', 'revocationReason'])
    .where('orgId', '=', org.id)
    .where('revokedAt', 'is not', null)
    .orderBy('revokedAt')
    .execute();
  return {
    '@context': OB2_CONTEXT,
    id: `${config.baseUrl}/orgs/${org.slug}/ob2/revocations.json`,
    type: 'RevocationList',
    issuer: `${config.baseUrl}/orgs/${org.slug}/issuer.json`,
    revokedAssertions: rows.map((r) => ({
      id: ob2AssertionUrl(config, r.id),
      revocationReason: r.revocationReason ?? 'Revoked by the issuer',
    })),
  };
}
