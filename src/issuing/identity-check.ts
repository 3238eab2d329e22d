// An organization's did:web is derived from PUBLIC_URL on every use, so it follows PUBLIC_URL
// until the first badge is issued. After that, the badges carry the old identifier, and only a
// server answering at the old address can prove them: a changed PUBLIC_URL is worth a warning.
import type { AppContext } from '../http/context.ts';
import { getOrgById } from '../orgs/service.ts';
import { issuerDid } from '../orgs/presenters.ts';
import { lastIssuerIds } from './service.ts';

export interface IdentityChange {
  slug: string;
  issuedAs: string;
  now: string;
}

/** Organizations whose latest badge names another issuer identifier than PUBLIC_URL gives now. */
export async function issuerIdentityChanges(ctx: AppContext): Promise<IdentityChange[]> {
  const changes: IdentityChange[] = [];
  for (const { orgId, issuerId } of await lastIssuerIds(ctx.db)) {
    const org = await getOrgById(ctx.db, orgId);
    if (!org) continue;
    const now = issuerDid(ctx.config, org.slug);
    if (issuerId !== now) changes.push({ slug: org.slug, issuedAs: issuerId, now });
  }
  return changes;
}

export const identityChangeWarning = (c: IdentityChange) =>
  `Organization ${c.slug} issued badges as ${c.issuedAs}, but with PUBLIC_URL as set now it is ${c.now}. ` +
  'Verifiers resolve the identifier inside each badge, so the badges issued so far verify only while their ' +
  'old address still reaches this server: set PUBLIC_URL back to it, unless the move is intended.';
