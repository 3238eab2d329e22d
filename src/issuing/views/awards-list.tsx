// The issued list of an organization: search, filters and each award's state and engagement.
import type { Member } from '../../http/access.ts';
import { roleAtLeast } from '../../orgs/access.ts';
import type { Template } from '../../templates/service.ts';
import { EmptyState, Field, PageHeader, Pager, Select, formatDate } from '../../ui/components.tsx';
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
  const { access, items, query } = props;
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
      <search>
        <form method="get" action={base} class="filters">
          <Field label="Search name or email" name="q" type="search" value={query.q ?? ''} />
          <Select
            label="Badge"
            name="templateId"
            value={query.templateId ?? ''}
            options={[
              { value: '', label: 'All badges' },
              ...props.templates.map((t) => ({ value: t.id, label: t.name })),
            ]}
          />
          <Select
            label="State"
            name="state"
            value={query.state ?? ''}
            options={[
              { value: '', label: 'Any state' },
              ...AWARD_FILTER_STATES.map((s) => ({ value: s, label: STATE_LABEL[s] })),
            ]}
          />
          <div class="actions">
            <button type="submit">Filter</button>
          </div>
        </form>
      </search>
      {items.length === 0 ? (
        <EmptyState title="No awards match." />
      ) : (
        <div class="table-wrap stack-on-phone">
          <table>
            <thead>
              <tr>
                <th scope="col">Recipient</th>
                <th scope="col">Badge</th>
                <th scope="col">Issued</th>
                <th scope="col">State</th>
                {props.engagement ? <th scope="col">Views</th> : null}
                {props.engagement ? <th scope="col">Shares</th> : null}
              </tr>
            </thead>
            <tbody>
              {items.map((a) => {
                const e = props.engagement?.get(a.id);
                return (
                  <tr>
                    <td data-label="Recipient">
                      <a href={`${base}/${a.id}`}>{a.recipientName ?? '(declined)'}</a>
                      <div class="muted">{a.recipientEmail ?? ''}</div>
                    </td>
                    <td data-label="Badge">{names.get(a.templateId) ?? 'Archived badge'}</td>
                    <td data-label="Issued">{formatDate(a.issuedAt)}</td>
                    <td data-label="State">
                      <StatePill award={a} />
                    </td>
                    {props.engagement ? <td data-label="Views">{e?.views ?? 0}</td> : null}
                    {props.engagement ? <td data-label="Shares">{e?.shares ?? 0}</td> : null}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <Pager base={base} query={query} page={props.pageNo} hasNext={props.hasNext} />
    </ManageLayout>
  );
}
