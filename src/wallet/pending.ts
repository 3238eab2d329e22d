// Badges waiting in the wallet: sent to a confirmed address of the account, not yet accepted or
// declined (accepting and declining go through the claim service, as from the email's link).
import { type Static, Type } from 'typebox';
import { verifiedEmailsOf } from '../accounts/service.ts';
import type { AppContext } from '../http/context.ts';
import { type Award, listPendingAwardsTo } from '../issuing/service.ts';
import { getOrgById, orgUrl } from '../orgs/service.ts';
import { getTemplate } from '../templates/service.ts';

export interface PendingBadge {
  award: Award;
  badgeName: string;
  badgeDescription: string;
  issuerName: string;
  issuerUrl: string;
  imageUrl: string;
}

export async function pendingBadges(ctx: AppContext, userId: string): Promise<PendingBadge[]> {
  const awards = await listPendingAwardsTo(ctx.db, await verifiedEmailsOf(ctx.db, userId));
  // Most waiting badges come from a few templates of a few organizations: each is read once.
  const orgs = new Map<string, ReturnType<typeof getOrgById>>();
  const templates = new Map<string, ReturnType<typeof getTemplate>>();
  const once = <T>(map: Map<string, Promise<T>>, id: string, load: (id: string) => Promise<T>) => {
    if (!map.has(id)) map.set(id, load(id));
    return map.get(id)!;
  };
  const badges = await Promise.all(
    awards.map(async (award) => {
      const [org, template] = await Promise.all([
        once(orgs, award.orgId, (id) => getOrgById(ctx.db, id)),
        once(templates, award.templateId, (id) => getTemplate(ctx.db, id)),
      ]);
      if (!org || !template) return null;
      return {
        award,
        badgeName: template.name,
        badgeDescription: template.description,
        issuerName: org.name,
        issuerUrl: orgUrl(ctx.config, org.slug),
        imageUrl: `/orgs/${org.slug}/badges/${template.id}/image.png`,
      };
    }),
  );
  return badges.filter((b) => b !== null);
}

/** A waiting badge as the wallet API shows it. */
export const PendingBadgeSchema = Type.Object({
  awardId: Type.String({ format: 'uuid' }),
  name: Type.String(),
  description: Type.String(),
  issuer: Type.Object({ name: Type.String(), url: Type.String() }),
  imageUrl: Type.String(),
  recipientEmail: Type.String({ description: 'The confirmed address of mine it was sent to.' }),
  issuedAt: Type.String({ format: 'date-time' }),
  validUntil: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

export function presentPending(ctx: AppContext, b: PendingBadge): Static<typeof PendingBadgeSchema> {
  return {
    awardId: b.award.id,
    name: b.badgeName,
    description: b.badgeDescription,
    issuer: { name: b.issuerName, url: b.issuerUrl },
    imageUrl: `${ctx.config.baseUrl}${b.imageUrl}`,
    recipientEmail: b.award.recipientEmail ?? '',
    issuedAt: b.award.issuedAt.toISOString(),
    validUntil: b.award.validUntil?.toISOString() ?? null,
  };
}
