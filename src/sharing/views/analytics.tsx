// `/manage/:slug/analytics`: the figures per template, in one table.
import type { Org } from '../../orgs/service.ts';
import { roleAtLeast } from '../../orgs/access.ts';
import type { OrgRole } from '../../orgs/tables.ts';
import { EmptyState } from '../../ui/components.tsx';
import { DataTable } from '../../ui/data-table.tsx';
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
      <DataTable
        rows={stats}
        stackOnPhone
        caption="Per badge template"
        empty={<EmptyState title="No templates yet" />}
        columns={[
          {
            label: 'Template',
            rowHeader: true,
            // The editor is for admins; everyone else gets the template's public page.
            cell: (s) => (
              <a
                href={
                  roleAtLeast(role, 'admin')
                    ? `/manage/${org.slug}/templates/${s.templateId}`
                    : `/orgs/${org.slug}/badges/${s.templateId}`
                }
              >
                {s.name}
              </a>
            ),
          },
          { label: 'Issued', cell: (s) => s.issued },
          { label: 'Accepted', cell: (s) => s.accepted },
          { label: 'Declined', cell: (s) => s.rejected },
          { label: 'Not yet claimed', cell: (s) => s.pending },
          { label: 'Views', cell: (s) => s.views },
          ...networks.map((n) => ({
            label: `Shares: ${NETWORK_LABEL[n] ?? n}`,
            cell: (s: TemplateStats) => s.shares[n] ?? 0,
          })),
        ]}
      />
    </ManageLayout>
  );
}
