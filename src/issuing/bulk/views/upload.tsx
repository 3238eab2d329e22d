// The upload step of bulk issuing: choose a template and a CSV file; the recent uploads below.
import type { FieldError } from '../../../errors.ts';
import type { Member } from '../../../http/access.ts';
import type { Template } from '../../../templates/service.ts';
import {
  EmptyState,
  FormErrors,
  PageHeader,
  Select,
  UploadForm,
  formatDate,
} from '../../../ui/components.tsx';
import { DataTable } from '../../../ui/data-table.tsx';
import type { PageContext } from '../../../ui/layout.tsx';
import { ManageLayout } from '../../../ui/manage-layout.tsx';
import { MAX_CSV_MB } from '../presenters.ts';
import { SAMPLE_CSV_NAME } from '../sample.ts';
import type { BulkBatch } from '../service.ts';

export function UploadPage(props: {
  page: PageContext;
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
    <ManageLayout ctx={props.page} org={access.org} role={access.role} active="bulk" title="Bulk issue">
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
        <UploadForm action={`/manage/${access.org.slug}/bulk`} csrfToken={props.page.csrfToken} class="stack">
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
          <DataTable
            rows={props.batches}
            stackOnPhone
            columns={[
              {
                label: 'File',
                cell: (b) => <a href={`/manage/${access.org.slug}/bulk/${b.id}`}>{b.filename}</a>,
              },
              { label: 'Badge', cell: (b) => names.get(b.templateId) ?? 'Badge' },
              { label: 'Uploaded', cell: (b) => formatDate(b.createdAt) },
              { label: 'Rows', cell: (b) => b.total },
              { label: 'Status', cell: statusLabel },
            ]}
          />
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
