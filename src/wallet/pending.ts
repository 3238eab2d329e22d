// Badges waiting in the wallet: sent to a confirmed address of the account, not yet accepted or
// declined (accepting and declining go through the claim service, as from the email's link).
import { verifiedEmailsOf } from '../accounts/service.ts';
import type { AppContext } from '../http/context.ts';
import { type Award, listPendingAwardsTo } from '../issuing/service.ts';
import { getOrgById } from '../orgs/service.ts';
import { orgUrl } from '../orgs/presenters.ts';
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
