// One upload: the preview before confirmation, then the live progress, and its rows.
import type { Member } from '../../../http/access.ts';
import { Alert, CsrfField, EmptyState, PageHeader, Pager, Pill } from '../../../ui/components.tsx';
import { count } from '../../../ui/count.ts';
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

// Each heading also labels its cells when the rows stack into cards on a phone.
const ROW_COLUMNS = ['Row', 'Name', 'Email', 'Issued on', 'Expires on', 'Evidence', 'Status'] as const;
const [C_ROW, C_NAME, C_EMAIL, C_ISSUED, C_EXPIRES, C_EVIDENCE, C_STATUS] = ROW_COLUMNS;

function RowsTable(props: { rows: BulkRow[] }) {
  return (
    <div class="table-wrap stack-on-phone">
      <table>
        <thead>
          <tr>
            {ROW_COLUMNS.map((c) => (
              <th scope="col">{c}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((r) => {
            const [label, kind] = OUTCOME[r.outcome];
            return (
              <tr class={r.errors.length ? 'has-error' : undefined}>
                <td data-label={C_ROW}>{r.row_no}</td>
                <td data-label={C_NAME}>{r.name}</td>
                <td data-label={C_EMAIL}>{r.email}</td>
                <td data-label={C_ISSUED}>{r.issued_on || 'today'}</td>
                <td data-label={C_EXPIRES}>{r.expires_on || 'template policy'}</td>
                <td data-label={C_EVIDENCE}>
                  {r.evidence_url ? <div>{r.evidence_url}</div> : null}
                  {r.narrative ? (
                    <div class="muted">
                      {r.narrative.length > 120 ? `${r.narrative.slice(0, 120)}…` : r.narrative}
                    </div>
                  ) : null}
                </td>
                <td data-label={C_STATUS}>
                  <Pill kind={kind}>{label}</Pill>
                  {r.errors.length ? (
                    <ul class="errors">
                      {r.errors.map((e) => (
                        <li>{e.message}</li>
                      ))}
                    </ul>
                  ) : null}
                  {r.message ? <div class="muted">{r.message}</div> : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
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
  const canAct = access.role !== 'viewer';
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
                <form method="post" action={`${base}/confirm`} class="inline">
                  <CsrfField token={props.page.csrfToken} />
                  <button type="submit">Issue {count(batch.valid, 'badge')}</button>
                </form>
              ) : null}
              <form method="post" action={`${base}/cancel`} class="inline">
                <CsrfField token={props.page.csrfToken} />
                <button type="submit" class="secondary">
                  Cancel
                </button>
              </form>
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
      {props.rows.length ? (
        <RowsTable rows={props.rows} />
      ) : (
        <EmptyState title={view.show === 'problems' ? 'No rows with problems.' : 'No rows.'} />
      )}
      {view.count > BATCH_PAGE_ROWS ? (
        <Pager
          base={base}
          query={{ rows: view.show }}
          page={view.page}
          hasNext={view.page * BATCH_PAGE_ROWS < view.count}
        />
      ) : null}
    </ManageLayout>
  );
}
