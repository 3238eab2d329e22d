// Bulk issuing from a CSV: upload → preview (every row with its errors, nothing issued) →
// confirm → a background job issues in chunks → progress.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type Static, Type } from 'typebox';
import { LaurelError } from '../../errors.ts';
import { pageContext } from '../../http/auth.ts';
import type { AppContext } from '../../http/context.ts';
import { isUploadedFile } from '../../http/multipart.ts';
import { ManageLayout } from '../../ui/manage-layout.tsx';
import { listTemplates, type Template } from '../../templates/service.ts';
import {
  Alert,
  CsrfField,
  EmptyState,
  FormErrors,
  PageHeader,
  Pager,
  Pill,
  Select,
  formatDate,
  UploadForm,
} from '../../ui/components.tsx';
import type { FieldError } from '../../errors.ts';
import { count } from '../../ui/count.ts';
import { type Member, memberOf } from '../../http/access.ts';
import { field } from '../../orgs/forms.ts';
import {
  type BulkBatch,
  type BulkRow,
  batchRows,
  cancelBatch,
  confirmBatch,
  createBatch,
  getBatch,
  listBatches,
  progressOf,
} from './service.ts';
import { SAMPLE_CSV, SAMPLE_CSV_NAME } from './sample.ts';

const SlugParams = Type.Object({ slug: Type.String({ maxLength: 63 }) });
const BatchParams = Type.Object({
  slug: Type.String({ maxLength: 63 }),
  batchId: Type.String({ maxLength: 64 }),
});
const BatchQuery = Type.Object({
  rows: Type.Optional(Type.Union([Type.Literal('all'), Type.Literal('problems')])),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
});
const AnyBody = Type.Object({}, { additionalProperties: true });
/** Rows per page of a batch: a 10,000-row file stays a page the browser renders at once. */
export const BATCH_PAGE_ROWS = 200;
const PROBLEMS: BulkRow['outcome'][] = ['invalid', 'failed'];

/** Which rows of a batch the page lists, and how many there are in that view. */
interface RowView {
  show: 'all' | 'problems';
  page: number;
  count: number;
  problems: number;
}
const hidden = { hide: true };
const MAX_CSV_MB = 10;

const OUTCOME: Record<BulkRow['outcome'], [string, 'ok' | 'warn' | 'bad' | 'neutral']> = {
  pending: ['Ready', 'neutral'],
  invalid: ['Error', 'bad'],
  issued: ['Issued', 'ok'],
  duplicate: ['Skipped (duplicate)', 'warn'],
  failed: ['Failed', 'bad'],
};

function UploadPage(props: {
  request: FastifyRequest;
  access: Member;
  templates: Template[];
  batches: BulkBatch[];
  templateId?: string;
  message?: string;
  errors?: FieldError[];
}) {
  const { access } = props;
  const names = new Map(props.templates.map((t) => [t.id, t.name]));
  const active = props.templates.filter((t) => t.status === 'active');
  return (
    <ManageLayout
      ctx={pageContext(props.request)}
      org={access.org}
      role={access.role}
      active="bulk"
      title="Bulk issue"
    >
      <PageHeader
        title="Bulk issue from a CSV file"
        lead="Upload a spreadsheet of recipients. You will see every row and its problems before anything is issued."
      />
      {active.length === 0 ? (
        <EmptyState title="No active badge templates">
          <p>
            <a href={`/manage/${access.org.slug}/templates`}>Create or activate a template</a> first.
          </p>
        </EmptyState>
      ) : (
        <UploadForm
          action={`/manage/${access.org.slug}/bulk`}
          csrfToken={props.request.csrfToken}
          class="stack"
        >
          <FormErrors message={props.message} errors={props.errors} />
          <Select
            label="Badge"
            name="templateId"
            value={props.templateId ?? ''}
            errors={props.errors}
            options={active.map((t) => ({ value: t.id, label: t.name }))}
          />
          <div class={props.errors?.some((e) => e.field === 'file') ? 'field has-error' : 'field'}>
            <label for="f-file">CSV file ({MAX_CSV_MB} MB at most)</label>
            <p class="hint" id="f-file-hint">
              A header row with the columns <code>name</code> and <code>email</code>, and optionally{' '}
              <code>issued_on</code> and <code>expires_on</code> (YYYY-MM-DD), <code>evidence_url</code> and{' '}
              <code>narrative</code>. Comma or semicolon separated; UTF-8, UTF-16 or Windows-1252.{' '}
              <a href={`/manage/${access.org.slug}/bulk/sample.csv`} download={SAMPLE_CSV_NAME}>
                Download an example file
              </a>
              .
            </p>
            <input
              id="f-file"
              type="file"
              name="file"
              accept=".csv,text/csv"
              required
              aria-describedby="f-file-hint"
            />
          </div>
          <div class="actions">
            <button type="submit">Check the file</button>
          </div>
        </UploadForm>
      )}
      {props.batches.length ? (
        <section>
          <h2>Recent uploads</h2>
          <div class="table-wrap stack-on-phone">
            <table>
              <thead>
                <tr>
                  <th scope="col">File</th>
                  <th scope="col">Badge</th>
                  <th scope="col">Uploaded</th>
                  <th scope="col">Rows</th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {props.batches.map((b) => (
                  <tr>
                    <td data-label="File">
                      <a href={`/manage/${access.org.slug}/bulk/${b.id}`}>{b.filename}</a>
                    </td>
                    <td data-label="Badge">{names.get(b.template_id) ?? 'Badge'}</td>
                    <td data-label="Uploaded">{formatDate(b.created_at)}</td>
                    <td data-label="Rows">{b.total}</td>
                    <td data-label="Status">{statusLabel(b)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}
    </ManageLayout>
  );
}

function statusLabel(b: BulkBatch): string {
  switch (b.status) {
    case 'preview':
      return 'Awaiting confirmation';
    case 'queued':
    case 'running':
      return 'Issuing';
    case 'done':
      return `Done: ${b.issued} issued`;
    case 'cancelled':
      return 'Cancelled';
  }
}

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

function BatchPage(props: {
  request: FastifyRequest;
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
    <ManageLayout
      ctx={pageContext(props.request)}
      org={access.org}
      role={access.role}
      active="bulk"
      title="Bulk issue"
    >
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
                  <CsrfField token={props.request.csrfToken} />
                  <button type="submit">Issue {count(batch.valid, 'badge')}</button>
                </form>
              ) : null}
              <form method="post" action={`${base}/cancel`} class="inline">
                <CsrfField token={props.request.csrfToken} />
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

export function bulkPages(app: FastifyInstance, ctx: AppContext) {
  const uploadPage = async (
    request: FastifyRequest,
    access: Member,
    extra: { templateId?: string; message?: string; errors?: FieldError[] } = {},
  ) => {
    const [templates, batches] = await Promise.all([
      listTemplates(ctx.db, access.org.id),
      listBatches(ctx.db, access.org.id),
    ]);
    return (
      <UploadPage request={request} access={access} templates={templates} batches={batches} {...extra} />
    );
  };

  app.get<{ Params: { slug: string } }>(
    '/manage/:slug/bulk',
    { config: { access: { role: 'issuer' } }, schema: { ...hidden, params: SlugParams } },
    async (request, reply) => {
      const access = memberOf(request);
      return reply.html(await uploadPage(request, access));
    },
  );

  app.get<{ Params: { slug: string } }>(
    '/manage/:slug/bulk/sample.csv',
    { config: { access: { role: 'issuer' } }, schema: { ...hidden, params: SlugParams } },
    async (_request, reply) => {
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${SAMPLE_CSV_NAME}"`)
        .send(SAMPLE_CSV);
    },
  );

  app.post<{ Params: { slug: string } }>(
    '/manage/:slug/bulk',
    {
      schema: { ...hidden, params: SlugParams, body: AnyBody },
      config: { access: { role: 'issuer' }, upload: { fileBytes: MAX_CSV_MB * 1024 * 1024, files: 1 } },
    },
    async (request, reply) => {
      const access = memberOf(request);
      const body = request.body as Record<string, unknown> | undefined;
      const templateId = field(request, 'templateId');
      const file = body?.file;
      try {
        if (!isUploadedFile(file) || file.data.length === 0)
          throw new LaurelError('INVALID', 'Choose a CSV file to upload.', [
            { field: 'file', message: 'Choose a CSV file to upload.' },
          ]);
        const batchId = await createBatch(ctx, {
          orgId: access.org.id,
          templateId,
          filename: file.filename,
          data: file.data,
          createdBy: access.user.id,
        });
        return reply.redirect(`/manage/${access.org.slug}/bulk/${batchId}`, 303);
      } catch (e) {
        if (!(e instanceof LaurelError) || e.code !== 'INVALID') throw e;
        return reply.html(
          await uploadPage(request, access, { templateId, message: e.message, errors: e.fields }),
          422,
        );
      }
    },
  );

  const showBatch = async (
    request: FastifyRequest,
    batchId: string,
    opts: { rows?: RowView['show']; page?: number; message?: string } = {},
  ) => {
    const access = memberOf(request);
    const batch = await getBatch(ctx.db, access.org.id, batchId);
    const templates = await listTemplates(ctx.db, access.org.id);
    const p = progressOf(batch);
    const problems = p.invalid + p.failed;
    // While issuing, the rows that need attention; the preview and the result list them all.
    const running = batch.status === 'queued' || batch.status === 'running';
    const show = opts.rows ?? (running ? 'problems' : 'all');
    const page = opts.page ?? 1;
    const rows = await batchRows(ctx.db, batch.id, {
      outcome: show === 'problems' ? PROBLEMS : undefined,
      limit: BATCH_PAGE_ROWS,
      offset: (page - 1) * BATCH_PAGE_ROWS,
    });
    return (
      <BatchPage
        request={request}
        access={access}
        batch={batch}
        templateName={templates.find((t) => t.id === batch.template_id)?.name ?? 'Badge'}
        rows={rows}
        view={{ show, page, problems, count: show === 'problems' ? problems : batch.total }}
        message={opts.message}
      />
    );
  };

  app.get<{ Params: { slug: string; batchId: string }; Querystring: Static<typeof BatchQuery> }>(
    '/manage/:slug/bulk/:batchId',
    {
      config: { access: { role: 'issuer' } },
      schema: { ...hidden, params: BatchParams, querystring: BatchQuery },
    },
    async (request, reply) => reply.html(await showBatch(request, request.params.batchId, request.query)),
  );

  app.get<{ Params: { slug: string; batchId: string } }>(
    '/manage/:slug/bulk/:batchId/progress.json',
    { config: { access: { role: 'issuer' } }, schema: { ...hidden, params: BatchParams } },
    async (request, reply) => {
      const access = memberOf(request);
      const batch = await getBatch(ctx.db, access.org.id, request.params.batchId);
      return reply.header('cache-control', 'no-store').send(progressOf(batch));
    },
  );

  app.post<{ Params: { slug: string; batchId: string } }>(
    '/manage/:slug/bulk/:batchId/confirm',
    { config: { access: { role: 'issuer' } }, schema: { ...hidden, params: BatchParams, body: AnyBody } },
    async (request, reply) => {
      const access = memberOf(request);
      try {
        await confirmBatch(ctx, access.org.id, request.params.batchId);
      } catch (e) {
        if (!(e instanceof LaurelError) || e.code !== 'INVALID') throw e;
        return reply.html(await showBatch(request, request.params.batchId, { message: e.message }), 422);
      }
      return reply.redirect(`/manage/${access.org.slug}/bulk/${request.params.batchId}`, 303);
    },
  );

  app.post<{ Params: { slug: string; batchId: string } }>(
    '/manage/:slug/bulk/:batchId/cancel',
    { config: { access: { role: 'issuer' } }, schema: { ...hidden, params: BatchParams, body: AnyBody } },
    async (request, reply) => {
      const access = memberOf(request);
      await cancelBatch(ctx.db, access.org.id, request.params.batchId);
      return reply.redirect(`/manage/${access.org.slug}/bulk`, 303);
    },
  );
}
