// The dashboard of an organization: counts and next steps for the member’s role.
import { PageHeader, StatCard } from '../../ui/components.tsx';
import type { PageContext } from '../../ui/layout.tsx';
import { ManageLayout } from '../../ui/manage-layout.tsx';
import { roleAtLeast } from '../access.ts';
import type { Org } from '../service.ts';
import type { OrgRole } from '../tables.ts';

export function OverviewPage(props: {
  ctx: PageContext;
  org: Org;
  role: OrgRole;
  counts: { draft: number; active: number; archived: number };
  members: number;
  awards: { issued: number; pending: number };
}) {
  const { org, role, counts } = props;
  const base = `/manage/${org.slug}`;
  return (
    <ManageLayout ctx={props.ctx} org={org} role={role} active="overview" title="Overview">
      <PageHeader title={org.name} lead={`You are ${role} of this organization.`} />
      <div class="grid" style="margin-bottom:1rem">
        <StatCard label="active templates" value={counts.active} href={`${base}/templates`} />
        <StatCard label="drafts" value={counts.draft} />
        <StatCard label="archived" value={counts.archived} />
        <StatCard label="badges issued" value={props.awards.issued} href={`${base}/awards`} />
        <StatCard label="waiting to be claimed" value={props.awards.pending} />
        <StatCard label="members" value={props.members} />
      </div>
      <h2>Next steps</h2>
      <ul>
        {roleAtLeast(role, 'admin') ? (
          <li>
            <a href={`${base}/templates/new`}>Design a badge template</a>
          </li>
        ) : null}
        {roleAtLeast(role, 'issuer') ? (
          <li>
            <a href={`${base}/issue`}>Issue a badge</a> or <a href={`${base}/bulk`}>issue from a CSV file</a>
          </li>
        ) : null}
        <li>
          <a href={`${base}/awards`}>See issued badges</a>
        </li>
        <li>
          <a href={`/orgs/${org.slug}`}>View the public page</a>
        </li>
      </ul>
    </ManageLayout>
  );
}
