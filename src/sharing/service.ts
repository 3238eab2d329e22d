// Sharing analytics: per template of an organization, how its badges were claimed, viewed and shared.
import type { AppContext } from '../http/context.ts';
import { awardCountsByTemplate } from '../issuing/service.ts';
import { listTemplates } from '../templates/service.ts';
import { engagementByTemplate } from '../wallet/engagement.ts';

export interface TemplateStats {
  templateId: string;
  name: string;
  issued: number;
  accepted: number;
  rejected: number;
  pending: number;
  views: number;
  shares: Record<string, number>;
}

/** Claim and engagement figures per template of an org. */
export async function orgAnalytics(ctx: AppContext, orgId: string): Promise<TemplateStats[]> {
  const [templates, awards, engagement] = await Promise.all([
    listTemplates(ctx.db, orgId),
    awardCountsByTemplate(ctx.db, orgId),
    engagementByTemplate(ctx, orgId),
  ]);
  return templates.map((t) => {
    const mine = awards.get(t.id) ?? { pending: 0, accepted: 0, rejected: 0 };
    const counts = engagement.get(t.id) ?? {};
    const shares: Record<string, number> = {};
    for (const [kind, n] of Object.entries(counts)) if (kind.startsWith('share:')) shares[kind.slice(6)] = n;
    return {
      templateId: t.id,
      name: t.name,
      issued: mine.pending + mine.accepted + mine.rejected,
      accepted: mine.accepted,
      rejected: mine.rejected,
      pending: mine.pending,
      views: counts.view ?? 0,
      shares,
    };
  });
}
