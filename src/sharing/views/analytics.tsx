// `/manage/:slug/analytics`: the figures per template, in one table.
import type { Org } from '../../orgs/service.ts';
import { roleAtLeast } from '../../orgs/access.ts';
import type { OrgRole } from '../../orgs/tables.ts';
import { EmptyState } from '../../ui/components.tsx';
import type { PageContext } from '../../ui/layout.tsx';
import { ManageLayout } from '../../ui/manage-layout.tsx';
import { NETWORKS } from '../links.ts';
import type { TemplateStats } from '../service.ts';

const NETWORK_LABEL: Record<string, string> = {
  'linkedin-profile': 'LinkedIn profile',
  linkedin: 'LinkedIn',
  x: 'X',
  facebook: 'Facebook',
  email: 'Email',
};

export function AnalyticsPage(props: { ctx: PageContext; org: Org; role: OrgRole; stats: TemplateStats[] }) {
  const { org, role, stats } = props;
  const networks = ['linkedin-profile', ...NETWORKS];
  return (
    <ManageLayout ctx={props.ctx} org={org} role={role} active="analytics" title="Analytics">
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
                        roleAtLeast(role, 'admin')
                          ? `/manage/${org.slug}/templates/${s.templateId}`
                          : `/orgs/${org.slug}/badges/${s.templateId}`
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
    </ManageLayout>
  );
}
