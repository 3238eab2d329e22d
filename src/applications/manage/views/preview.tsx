// The application form as an applicant will see it, every control disabled: on the preview page
// (a saved version) and under the builder (what is being edited, before it is saved).
import { EmptyState, formatDate } from '../../../ui/components.tsx';
import type { Question } from '../../tables.ts';
import { FILE_TYPES, type FormVersion } from '../forms.ts';
import { MB } from '../settings.ts';
import { EarningFrame, type EarningPageBase, earningBase } from './frame.tsx';

const typeLabel = (mime: string) => FILE_TYPES.find((t) => t.mime === mime)?.label ?? mime;

export function FormPreview(props: { instructions: string; questions: Question[]; maxFileBytes: number }) {
  return (
    <div class="card stack form-preview">
      {props.instructions ? <p style="white-space:pre-line">{props.instructions}</p> : null}
      {props.questions.length === 0 ? <p class="muted">No questions yet.</p> : null}
      {props.questions.map((q, i) => (
        <PreviewQuestion q={q} n={i + 1} maxFileBytes={props.maxFileBytes} />
      ))}
      <p>
        <button type="button" disabled>
          Submit application
        </button>
      </p>
    </div>
  );
}

function PreviewQuestion(props: { q: Question; n: number; maxFileBytes: number }) {
  const { q } = props;
  const id = `preview-${props.n}`;
  const label = (
    <>
      {q.label}
      {q.required ? <span class="required"> (required)</span> : null}
    </>
  );
  const help = q.help ? (
    <p class="hint" style="white-space:pre-line">
      {q.help}
    </p>
  ) : null;
  if (q.kind === 'attestation')
    return (
      <div class="field">
        <label for={id} style="font-weight:normal">
          <input id={id} type="checkbox" disabled /> {label}
        </label>
        {help}
      </div>
    );
  if (q.kind === 'choice')
    return (
      <fieldset class="field">
        <legend>{label}</legend>
        {help}
        {(q.options ?? []).map((o) => (
          <label style="display:block;font-weight:normal">
            <input type={q.multiple ? 'checkbox' : 'radio'} name={id} disabled /> {o}
          </label>
        ))}
      </fieldset>
    );
  const limit = Math.min(q.maxBytes ?? props.maxFileBytes, props.maxFileBytes);
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {help}
      {q.kind === 'file' ? (
        <p class="hint">
          {(q.accept ?? []).map(typeLabel).join(', ')} · at most {Math.round((limit / MB) * 10) / 10} MB a
          file
          {q.maxFiles && q.maxFiles > 1 ? ` · up to ${q.maxFiles} files` : ''}
        </p>
      ) : null}
      {q.kind === 'long_text' ? (
        <textarea id={id} rows={4} disabled></textarea>
      ) : (
        <input
          id={id}
          type={{ short_text: 'text', url: 'url', date: 'date', file: 'file' }[q.kind] ?? 'text'}
          multiple={q.kind === 'file' && (q.maxFiles ?? 1) > 1}
          disabled
        />
      )}
    </div>
  );
}

export function PreviewPage(props: {
  frame: EarningPageBase;
  form: FormVersion | null;
  latestVersion: number;
  maxFileBytes: number;
}) {
  const { form } = props;
  const { org, template } = props.frame;
  const base = `${earningBase(org, template)}/form`;
  return (
    <EarningFrame
      {...props.frame}
      tab="form"
      title={form ? `Application form, version ${form.version}` : 'Application form'}
    >
      {form ? (
        <>
          <p class="lead">
            As applicants see it{form.version === props.latestVersion ? ' (the current version)' : ''}. Saved{' '}
            {formatDate(form.createdAt)}. <a href={base}>Edit the form</a>
          </p>
          <FormPreview
            instructions={form.instructions}
            questions={form.questions}
            maxFileBytes={props.maxFileBytes}
          />
        </>
      ) : (
        <EmptyState title="No form yet.">
          <a href={base}>Build the application form</a>
        </EmptyState>
      )}
    </EarningFrame>
  );
}
