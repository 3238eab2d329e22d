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
      'org_id',
      'template_id',
      'recipient_email',
      'salt',
      'issued_at',
      'valid_until',
      'evidence_url',
      'evidence_narrative',
      'state',
      'revoked_at',
      'revocation_reason',
      'claimed_by',
    ])
    .where('id', '=', awardId.toLowerCase())
    .executeTakeFirst();
  if (
    !row?.recipient_email ||
    !awardAccess({ state: row.state, claimedBy: row.claimed_by }, visibility, viewerId)
  )
    return { kind: 'missing' };
  const org = await getOrgById(db, row.org_id);
  if (!org) return { kind: 'missing' };
  const identity = `sha256$${sha256Hex(row.recipient_email + row.salt)}`;
  const evidence =
    row.evidence_url || row.evidence_narrative
      ? [
          {
            type: 'Evidence',
            ...(row.evidence_url ? { id: row.evidence_url } : {}),
            ...(row.evidence_narrative ? { narrative: row.evidence_narrative } : {}),
          },
        ]
      : undefined;
  return {
    kind: 'assertion',
    revoked: row.revoked_at !== null,
    assertion: {
      '@context': OB2_CONTEXT,
      type: 'Assertion',
      id: ob2AssertionUrl(config, row.id),
      recipient: { type: 'email', hashed: true, salt: row.salt, identity },
      badge: `${config.baseUrl}/orgs/${org.slug}/badges/${row.template_id}/badgeclass.json`,
      verification: { type: 'HostedBadge' },
      issuedOn: isoSeconds(row.issued_at),
      ...(row.valid_until ? { expires: isoSeconds(row.valid_until) } : {}),
      image: `${config.baseUrl}/c/${row.id}/image.png?ob=2`,
      ...(evidence ? { evidence } : {}),
      ...(row.revoked_at
        ? { revoked: true, revocationReason: row.revocation_reason ?? 'Revoked by the issuer' }
        : {}),
    },
  };
}

/** The org's OB 2.0 RevocationList: every revoked or declined assertion with its reason. */
export async function ob2RevocationList(db: Db, config: Config, org: { id: string; slug: string }) {
  const rows = await db
    .selectFrom('awards')
    .select(['id', 'revocation_reason'])
    .where('org_id', '=', org.id)
    .where('revoked_at', 'is not', null)
    .orderBy('revoked_at')
    .execute();
  return {
    '@context': OB2_CONTEXT,
    id: `${config.baseUrl}/orgs/${org.slug}/ob2/revocations.json`,
    type: 'RevocationList',
    issuer: `${config.baseUrl}/orgs/${org.slug}/issuer.json`,
    revokedAssertions: rows.map((r) => ({
      id: ob2AssertionUrl(config, r.id),
      revocationReason: r.revocation_reason ?? 'Revoked by the issuer',
    })),
  };
}
