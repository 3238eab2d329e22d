// The issued list of an organization: search, filters and each award's state and engagement.
import type { Member } from '../../http/access.ts';
import { roleAtLeast } from '../../orgs/access.ts';
import type { Template } from '../../templates/service.ts';
import { EmptyState, Field, FilterForm, FilterSelect, PageHeader, formatDate } from '../../ui/components.tsx';
import { DataTable } from '../../ui/data-table.tsx';
import type { PageContext } from '../../ui/layout.tsx';
import { ManageLayout } from '../../ui/manage-layout.tsx';
import { AWARD_FILTER_STATES } from '../policy.ts';
import type { AwardRowSummary } from '../service.ts';
import { STATE_LABEL, StatePill } from './state.tsx';

const numbers = new Intl.NumberFormat('en-US');

/** "1 award matches", "25 awards match", "More than 1,000 awards match". */
export function matchingText(m: { count: number; more: boolean }): string {
  if (m.more) return `More than ${numbers.format(m.count)} awards match.`;
  return m.count === 1 ? '1 award matches.' : `${numbers.format(m.count)} awards match.`;
}

/** Newer / older links: a page is named by the award it follows or precedes, not by a number. */
function KeysetPager(props: {
  base: string;
  query: Record<string, string | undefined>;
  newer: string | null;
  older: string | null;
}) {
  if (!props.newer && !props.older) return null;
  const link = (key: 'after' | 'before', id: string) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(props.query)) if (v) q.set(k, v);
    q.set(key, id);
    return `${props.base}?${q}`;
  };
  return (
    <nav class="pager" aria-label="Pages">
      {props.newer ? <a href={link('before', props.newer)}>← Newer</a> : <span />}
      <span>Newest first</span>
      {props.older ? <a href={link('after', props.older)}>Older →</a> : <span />}
    </nav>
  );
}

export function AwardsList(props: {
  page: PageContext;
  access: Member;
  templates: Template[];
  items: AwardRowSummary[];
  /** Matches counted up to a cap: `more` says there are more than `count`. */
  matching: { count: number; more: boolean };
  /** Cursors of the newer and older pages (award ids), null at either end. */
  newer: string | null;
  older: string | null;
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
        lead={matchingText(props.matching)}
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
        pager={false}
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
      <KeysetPager base={base} query={query} newer={props.newer} older={props.older} />
    </ManageLayout>
  );
}
