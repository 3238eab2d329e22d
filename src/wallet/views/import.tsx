// Importing a badge earned elsewhere: a file or pasted text.
import type { FieldError } from '../../errors.ts';
import { FormErrors, PageHeader, UploadForm } from '../../ui/components.tsx';
import { Layout, type PageContext } from '../../ui/layout.tsx';
import { MAX_IMPORT_MB } from '../import.ts';

export function ImportPage(props: {
  ctx: PageContext;
  error?: string;
  errors?: FieldError[];
  text?: string;
}) {
  return (
    <Layout ctx={props.ctx} title="Import a badge" section="wallet" noindex>
      <PageHeader
        title="Import a badge"
        breadcrumbs={[['/wallet', 'My badges']]}
        lead="Bring a badge you earned elsewhere: it is verified, checked against your confirmed email addresses, and added to your wallet as private."
      />
      <FormErrors message={props.error} errors={props.errors} />
      <UploadForm action="/wallet/import" csrfToken={props.ctx.csrfToken} class="card stack form-narrow">
        <div class={`field${props.errors?.length ? ' has-error' : ''}`} id="f-badge">
          <label for="f-file">Badge file</label>
          <input
            id="f-file"
            name="file"
            type="file"
            accept=".png,.svg,.json,.jwt,.txt,image/png,image/svg+xml,application/json"
          />
          <p class="hint">A baked PNG or SVG image, or a JSON or JWT file, at most {MAX_IMPORT_MB} MB.</p>
        </div>
        <div class="field">
          <label for="f-text">Or paste a badge URL, credential JSON or JWT</label>
          <textarea id="f-text" name="text" rows={6} maxlength={5_000_000}>
            {props.text ?? ''}
          </textarea>
        </div>
        <div class="form-actions">
          <button type="submit" class="button">
            Verify and import
          </button>
          <a href="/wallet">Cancel</a>
        </div>
      </UploadForm>
    </Layout>
  );
}
