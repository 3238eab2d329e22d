// `/manage/:slug/analytics`: per template, how badges were claimed, viewed and shared.
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { memberOf } from '../http/access.ts';
import { pageContext } from '../http/auth.ts';
import type { AppContext } from '../http/context.ts';
import { awardCountsByTemplate } from '../issuing/service.ts';
import { roleAtLeast } from '../orgs/access.ts';
import { ManageLayout } from '../ui/manage-layout.tsx';
import { listTemplates } from '../templates/service.ts';
import { EmptyState } from '../ui/components.tsx';
import { engagementByTemplate } from '../wallet/service.ts';
import { NETWORKS } from './links.ts';

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
    engagementByTemplate(ctx.db, orgId),
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

const NETWORK_LABEL: Record<string, string> = {
  'linkedin-profile': 'LinkedIn profile',
  linkedin: 'LinkedIn',
  x: 'X',
  facebook: 'Facebook',
  email: 'Email',
};

export function analyticsPages(app: FastifyInstance, ctx: AppContext) {
  app.get<{ Params: { slug: string } }>(
    '/manage/:slug/analytics',
    {
      config: { access: { role: 'viewer' } },
      schema: { hide: true, params: Type.Object({ slug: Type.String({ maxLength: 63 }) }) },
    },
    async (request, reply) => {
      const access = memberOf(request);
      const stats = await orgAnalytics(ctx, access.org.id);
      const networks = ['linkedin-profile', ...NETWORKS];
      return reply.html(
        <ManageLayout
          ctx={pageContext(request)}
          org={access.org}
          role={access.role}
          active="analytics"
          title="Analytics"
        >
          <h1>Analytics</h1>
          <p class="lead">
            How your badges are claimed, and how often their public pages are viewed and shared. Views by the
            earners themselves are not counted.
          </p>
          {stats.length === 0 ? (
            <EmptyState title="No templates yet" />
          ) : (
            <div class="table-wrap stack-on-phone">
              <table>
                <caption class="muted">Per badge template</caption>
                <thead>
                  <tr>
                    <th scope="col">Template</th>
                    <th scope="col">Issued</th>
                    <th scope="col">Accepted</th>
                    <th scope="col">Declined</th>
                    <th scope="col">Not yet claimed</th>
                    <th scope="col">Views</th>
                    {networks.map((n) => (
                      <th scope="col">Shares: {NETWORK_LABEL[n] ?? n}</th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {stats.map((s) => (
                    <tr>
                      <th scope="row" data-label="Template">
                        {/* The editor is for admins; everyone else gets the template's public page. */}
                        <a
                          href={
                            roleAtLeast(access.role, 'admin')
                              ? `/manage/${access.org.slug}/templates/${s.templateId}`
                              : `/orgs/${access.org.slug}/badges/${s.templateId}`
                          }
                        >
                          {s.name}
                        </a>
                      </th>
                      <td data-label="Issued">{s.issued}</td>
                      <td data-label="Accepted">{s.accepted}</td>
                      <td data-label="Declined">{s.rejected}</td>
                      <td data-label="Not yet claimed">{s.pending}</td>
                      <td data-label="Views">{s.views}</td>
                      {networks.map((n) => (
                        <td data-label={`Shares: ${NETWORK_LABEL[n] ?? n}`}>{s.shares[n] ?? 0}</td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </ManageLayout>,
      );
    },
  );
}
