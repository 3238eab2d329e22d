// The issued list of an organization: search, filters and each award's state and engagement.
import type { Member } from '../../http/access.ts';
import { roleAtLeast } from '../../orgs/access.ts';
import type { Template } from '../../templates/service.ts';
import { EmptyState, Field, FilterForm, FilterSelect, PageHeader, formatDate } from '../../ui/components.tsx';
import { DataTable } from '../../ui/data-table.tsx';
import type { PageContext } from '../../ui/layout.tsx';
import { ManageLayout } from '../../ui/manage-layout.tsx';
import { AWARD_FILTER_STATES } from '../policy.ts';
import type { Award } from '../service.ts';
import { STATE_LABEL, StatePill } from './state.tsx';

export function AwardsList(props: {
  page: PageContext;
  access: Member;
  templates: Template[];
  items: Award[];
  total: number;
  pageNo: number;
  hasNext: boolean;
  query: { q?: string; templateId?: string; state?: string };
  engagement: Map<string, { views: number; shares: number }> | null;
}) {
  const { access, items, query, engagement } = props;
  const names = new Map(props.templates.map((t) => [t.id, t.name]));
  const base = `/manage/${access.org.slug}/awards`;
  return (
    <ManageLayout ctx={props.page} org={access.org} role={access.role} active="awards" title="Issued badges">
      <PageHeader
        title="Issued badges"
        lead={`${props.total} award${props.total === 1 ? '' : 's'} match.`}
        actions={
          roleAtLeast(access.role, 'issuer') ? (
            <>
              <a class="button" href={`/manage/${access.org.slug}/issue`}>
                Issue a badge
              </a>
              <a class="button secondary" href={`/manage/${access.org.slug}/bulk`}>
                Bulk issue
              </a>
            </>
          ) : undefined
        }
      />
      <FilterForm action={base} button="Filter">
        <Field label="Search name or email" name="q" type="search" value={query.q ?? ''} />
        <FilterSelect
          label="Badge"
          name="templateId"
          value={query.templateId}
          all="All badges"
          options={props.templates.map((t) => ({ value: t.id, label: t.name }))}
        />
        <FilterSelect
          label="State"
          name="state"
          value={query.state}
          all="Any state"
          options={AWARD_FILTER_STATES.map((s) => ({ value: s, label: STATE_LABEL[s] }))}
        />
      </FilterForm>
      <DataTable
        rows={items}
        stackOnPhone
        empty={<EmptyState title="No awards match." />}
        pager={{ base, query, page: props.pageNo, hasNext: props.hasNext }}
        columns={[
          {
            label: 'Recipient',
            cell: (a) => (
              <>
                <a href={`${base}/${a.id}`}>{a.recipientName ?? '(declined)'}</a>
                <div class="muted">{a.recipientEmail ?? ''}</div>
              </>
            ),
          },
          { label: 'Badge', cell: (a) => names.get(a.templateId) ?? 'Archived badge' },
          { label: 'Issued', cell: (a) => formatDate(a.issuedAt) },
          { label: 'State', cell: (a) => <StatePill award={a} /> },
          engagement && { label: 'Views', cell: (a) => engagement.get(a.id)?.views ?? 0 },
          engagement && { label: 'Shares', cell: (a) => engagement.get(a.id)?.shares ?? 0 },
        ]}
      />
    </ManageLayout>
  );
}
