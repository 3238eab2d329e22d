// One upload: the preview before confirmation, then the live progress, and its rows.
import type { Member } from '../../../http/access.ts';
import { roleAtLeast } from '../../../orgs/access.ts';
import { Alert, EmptyState, PageHeader, Pill, PostButton } from '../../../ui/components.tsx';
import { count } from '../../../ui/count.ts';
import { DataTable, type DataTableProps } from '../../../ui/data-table.tsx';
import type { PageContext } from '../../../ui/layout.tsx';
import { ManageLayout } from '../../../ui/manage-layout.tsx';
import { BATCH_PAGE_ROWS, type RowView } from '../presenters.ts';
import { type BulkBatch, type BulkRow, progressOf } from '../service.ts';

const OUTCOME: Record<BulkRow['outcome'], [string, 'ok' | 'warn' | 'bad' | 'neutral']> = {
  pending: ['Ready', 'neutral'],
  invalid: ['Error', 'bad'],
  issued: ['Issued', 'ok'],
  duplicate: ['Skipped (duplicate)', 'warn'],
  failed: ['Failed', 'bad'],
};

function RowsTable(props: Pick<DataTableProps<BulkRow>, 'rows' | 'empty' | 'pager'>) {
  return (
    <DataTable
      {...props}
      stackOnPhone
      rowClass={(r) => (r.errors.length ? 'has-error' : undefined)}
      columns={[
        { label: 'Row', cell: (r) => r.rowNo },
        { label: 'Name', cell: (r) => r.name },
        { label: 'Email', cell: (r) => r.email },
        { label: 'Issued on', cell: (r) => r.issuedOn || 'today' },
        { label: 'Expires on', cell: (r) => r.expiresOn || 'template policy' },
        { label: 'Evidence', cell: (r) => <Evidence row={r} /> },
        { label: 'Status', cell: (r) => <Outcome row={r} /> },
      ]}
    />
  );
}

function Evidence(props: { row: BulkRow }) {
  const { evidenceUrl, narrative } = props.row;
  return (
    <>
      {evidenceUrl ? <div>{evidenceUrl}</div> : null}
      {narrative ? (
        <div class="muted">{narrative.length > 120 ? `${narrative.slice(0, 120)}…` : narrative}</div>
      ) : null}
    </>
  );
}

function Outcome(props: { row: BulkRow }) {
  const r = props.row;
  const [label, kind] = OUTCOME[r.outcome];
  return (
    <>
      <Pill kind={kind}>{label}</Pill>
      {r.errors.length ? (
        <ul class="errors">
          {r.errors.map((e) => (
            <li>{e.message}</li>
          ))}
        </ul>
      ) : null}
      {r.message ? <div class="muted">{r.message}</div> : null}
    </>
  );
}

/** The choice between every row and the rows with problems, and where this page starts. */
function RowsNav(props: { base: string; batch: BulkBatch; view: RowView; shown: number }) {
  const { view } = props;
  const first = (view.page - 1) * BATCH_PAGE_ROWS + 1;
  const tab = (show: RowView['show'], label: string) =>
    view.show === show ? (
      <strong aria-current="true">{label}</strong>
    ) : (
      <a href={`${props.base}?rows=${show}`}>{label}</a>
    );
  return (
    <p>
      {tab('all', `All rows (${props.batch.total})`)} ·{' '}
      {tab('problems', `Rows with problems (${view.problems})`)}
      {props.shown ? (
        <span class="muted">
          {' '}
          · showing {first}–{first + props.shown - 1} of {view.count}
        </span>
      ) : null}
    </p>
  );
}

export function BatchPage(props: {
  page: PageContext;
  access: Member;
  batch: BulkBatch;
  templateName: string;
  rows: BulkRow[];
  view: RowView;
  message?: string;
}) {
  const { access, batch, view } = props;
  const base = `/manage/${access.org.slug}/bulk/${batch.id}`;
  const p = progressOf(batch);
  const canAct = roleAtLeast(access.role, 'issuer');
  return (
    <ManageLayout ctx={props.page} org={access.org} role={access.role} active="bulk" title="Bulk issue">
      <PageHeader
        title={`${props.templateName}: ${batch.filename}`}
        breadcrumbs={[[`/manage/${access.org.slug}/bulk`, 'Bulk issue']]}
      />
      {props.message ? <Alert kind="error">{props.message}</Alert> : null}
      {batch.status === 'preview' ? (
        <>
          <Alert kind={p.invalid ? 'warning' : 'info'} title="Nothing has been issued yet.">
            {batch.valid} of {count(batch.total, 'row')} {batch.valid === 1 ? 'is' : 'are'} ready to issue
            {p.invalid
              ? `; ${count(p.invalid, 'row has', 'rows have')} errors and will be left out (fix the file and upload it again to include them)`
              : ''}
            .
          </Alert>
          {canAct ? (
            <div class="actions">
              {batch.valid > 0 ? (
                <PostButton action={`${base}/confirm`} csrfToken={props.page.csrfToken} formClass="inline">
                  Issue {count(batch.valid, 'badge')}
                </PostButton>
              ) : null}
              <PostButton
                action={`${base}/cancel`}
                csrfToken={props.page.csrfToken}
                class="secondary"
                formClass="inline"
              >
                Cancel
              </PostButton>
            </div>
          ) : null}
        </>
      ) : batch.status === 'cancelled' ? (
        <Alert kind="info">This upload was cancelled; nothing was issued.</Alert>
      ) : (
        <section aria-live="polite">
          {p.finished ? null : (
            // Without JavaScript the page refreshes itself; with it, app.js polls the JSON.
            <noscript>
              <meta http-equiv="refresh" content="3" />
            </noscript>
          )}
          {p.finished ? (
            <progress max={Math.max(p.total, 1)} value={p.done} aria-describedby="progress-label">
              {p.done} of {p.total}
            </progress>
          ) : (
            // app.js polls until the batch is done, then reloads once: a finished page must not
            // carry data-poll, or it would reload itself for ever.
            <progress
              max={Math.max(p.total, 1)}
              value={p.done}
              data-poll={`${base}/progress.json`}
              data-label="#progress-label"
              data-reload=""
              aria-describedby="progress-label"
            >
              {p.done} of {p.total}
            </progress>
          )}
          <p id="progress-label">{p.message}</p>
          {/* app.js puts each poll's number for data-tally in place of the trailing one. */}
          <ul class="inline-list">
            <li data-tally="issued">Issued: {p.issued}</li>
            <li data-tally="skipped">Skipped as duplicates: {p.skipped}</li>
            <li data-tally="failed">Failed: {p.failed}</li>
            <li data-tally="invalid">Left out for errors: {p.invalid}</li>
          </ul>
          {p.finished ? null : (
            <p>
              <a href={base}>Reload</a>
            </p>
          )}
        </section>
      )}
      <h2>Rows</h2>
      <RowsNav base={base} batch={batch} view={view} shown={props.rows.length} />
      <RowsTable
        rows={props.rows}
        empty={<EmptyState title={view.show === 'problems' ? 'No rows with problems.' : 'No rows.'} />}
        pager={
          view.count > BATCH_PAGE_ROWS && {
            base,
            query: { rows: view.show },
            page: view.page,
            hasNext: view.page * BATCH_PAGE_ROWS < view.count,
          }
        }
      />
    </ManageLayout>
  );
}
