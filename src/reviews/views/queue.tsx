// The review queue: counts per state, filters (template, state, age), the applications oldest
// first, and a link to the next page (keyset: the cursor of this page's last row).
import type { SafeHtml } from '@laurel/jsx';
import { STATE_LABELS } from '../../applications/policy.ts';
import type { Member } from '../../http/access.ts';
import { EmptyState, FilterForm, FilterSelect, PageHeader, Pill, formatDate } from '../../ui/components.tsx';
import { DataTable } from '../../ui/data-table.tsx';
import type { PageContext } from '../../ui/layout.tsx';
import { ManageLayout } from '../../ui/manage-layout.tsx';
import { QUEUE_STATES, type QueueRow, type QueueState } from '../queue.ts';

export interface QueueView {
  /** The address of this list (its filters and pages are links to it). */
  base: string;
  templates: { id: string; name: string }[];
  filter: { template?: string; state?: string; age?: string };
  counts: Record<QueueState, number>;
  rows: QueueRow[];
  next: string | null;
}

const AGES = [
  { value: '1', label: 'Waiting 1 day or more' },
  { value: '7', label: 'Waiting 7 days or more' },
  { value: '30', label: 'Waiting 30 days or more' },
];

export const reviewPath = (id: string) => `/reviews/${id}`;

const waiting = (since: Date, now: number) => {
  const days = Math.floor((now - since.getTime()) / 86_400_000);
  return days < 1 ? 'today' : days === 1 ? '1 day' : `${days} days`;
};

function link(base: string, query: Record<string, string | undefined>) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v) q.set(k, v);
  const s = q.toString();
  return s ? `${base}?${s}` : base;
}

/** The counts, filters, table and pager of a queue (the organization's or an external reviewer's). */
export function QueueBody(p: QueueView): SafeHtml {
  const state = p.filter.state || 'submitted';
  const now = Date.now();
  return (
    <>
      <nav
        aria-label="Applications by state"
        class="row"
        style="flex-wrap:wrap;gap:.5rem 1.25rem;margin-bottom:1rem"
      >
        {QUEUE_STATES.map((s) => (
          <a
            href={link(p.base, { template: p.filter.template, state: s })}
            aria-current={s === state ? 'page' : undefined}
            style={s === state ? 'font-weight:700' : undefined}
          >
            {STATE_LABELS[s]}: {p.counts[s]}
          </a>
        ))}
      </nav>
      <FilterForm action={p.base} button="Show">
        <FilterSelect
          label="Badge"
          name="template"
          value={p.filter.template}
          all="Every badge"
          options={p.templates.map((t) => ({ value: t.id, label: t.name }))}
        />
        <FilterSelect
          label="State"
          name="state"
          value={p.filter.state === 'submitted' ? '' : p.filter.state}
          all={STATE_LABELS.submitted}
          options={[
            ...QUEUE_STATES.filter((s) => s !== 'submitted').map((s) => ({
              value: s,
              label: STATE_LABELS[s],
            })),
            { value: 'all', label: 'Every state' },
          ]}
        />
        <FilterSelect label="Age" name="age" value={p.filter.age} all="Any age" options={AGES} />
      </FilterForm>
      <DataTable
        rows={p.rows}
        stackOnPhone
        caption="Oldest submission first"
        empty={<EmptyState title="No applications here." />}
        columns={[
          {
            label: 'Applicant',
            rowHeader: true,
            cell: (r) => <a href={reviewPath(r.id)}>{r.applicantName}</a>,
          },
          { label: 'Badge', cell: (r) => r.templateName },
          {
            label: 'Submitted',
            cell: (r) => (
              <>
                {formatDate(r.submittedAt)} <span class="muted">({waiting(r.submittedAt, now)})</span>
              </>
            ),
          },
          {
            label: 'State',
            cell: (r) => (
              <>
                <Pill kind={r.state === 'approved' ? 'ok' : r.state === 'rejected' ? 'bad' : 'neutral'}>
                  {STATE_LABELS[r.state]}
                </Pill>
                {r.submission > 1 ? <span class="muted"> resubmitted ({r.submission})</span> : null}
                {r.renewsAwardId ? <span class="muted"> renewal</span> : null}
              </>
            ),
          },
          { label: 'Approvals', cell: (r) => String(r.approvals) },
        ]}
      />
      {p.next ? (
        <nav class="pager" aria-label="Pages">
          <a href={link(p.base, p.filter)}>← First page</a>
          <a href={link(p.base, { ...p.filter, cursor: p.next })}>Next page →</a>
        </nav>
      ) : null}
    </>
  );
}

export function QueuePage(props: { ctx: PageContext; access: Member; queue: QueueView }) {
  const { access } = props;
  return (
    <ManageLayout ctx={props.ctx} org={access.org} role={access.role} active="reviews" title="Applications">
      <PageHeader
        title="Applications"
        lead="People asking for your badges. Open one to read it, write to the applicant, and approve, return it for revision or reject it."
        actions={
          access.role === 'admin' || access.role === 'owner' ? (
            <a class="button secondary" href={`/manage/${access.org.slug}/reviewers`}>
              External reviewers
            </a>
          ) : undefined
        }
      />
      <QueueBody {...props.queue} />
    </ManageLayout>
  );
}
