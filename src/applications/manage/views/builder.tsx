// The form builder: instructions, then the questions (kind, wording, required, a choice list's
// options, a file question's types and limits), each movable and removable. Every change is a
// submit that re-renders the page (no JavaScript needed); "Save" makes a new version.
import type { FieldError } from '../../../errors.ts';
import type { FormFailure } from '../../../http/forms.ts';
import { Alert, PostForm, bindFields, formatDate } from '../../../ui/components.tsx';
import { DataTable } from '../../../ui/data-table.tsx';
import type { Question } from '../../tables.ts';
import { type BuilderValues, field } from '../builder.ts';
import { FILE_TYPES, MAX_FILES_PER_QUESTION, MAX_QUESTIONS, QUESTION_KINDS } from '../forms.ts';
import { MAX_FILE_MB } from '../settings.ts';
import { Check, EarningFrame, type EarningPageBase, earningBase } from './frame.tsx';
import { FormPreview } from './preview.tsx';

export interface FormHistoryRow {
  version: number;
  createdAt: Date;
  questions: number;
  applications: number;
}

export function BuilderPage(props: {
  frame: EarningPageBase;
  values: BuilderValues;
  history: FormHistoryRow[];
  failure?: FormFailure;
  notice?: 'saved' | 'unchanged';
  preview?: { instructions: string; questions: Question[] };
  maxFileBytes: number;
}) {
  const { org, template } = props.frame;
  const v = props.values;
  const errors = props.failure?.errors;
  const { TextArea } = bindFields(v, errors);
  const base = `${earningBase(org, template)}/form`;
  const count = Number(v.count) || 0;
  const latest = props.history[0];
  return (
    <EarningFrame {...props.frame} tab="form" title="Application form">
      {props.notice === 'saved' ? (
        <Alert kind="success" title={`Saved as version ${latest?.version}.`} />
      ) : null}
      {props.notice === 'unchanged' ? <Alert title="Nothing changed: no new version was made." /> : null}
      <p class="lead">
        {latest
          ? `Version ${latest.version}, saved ${formatDate(latest.createdAt)}. Saving makes a new version; applications already started keep the version they were answered on.`
          : 'No form yet. Write the instructions and the questions, then save.'}{' '}
        {latest ? <a href={`${base}/preview`}>Preview version {latest.version}</a> : null}
      </p>
      <PostForm action={base} csrfToken={props.frame.ctx.csrfToken} failure={props.failure} class="stack">
        {/* Enter in a field presses the first submit button: this hidden one saves. */}
        <button type="submit" name="intent" value="save" hidden>
          Save
        </button>
        <input type="hidden" name="baseVersion" value={v.baseVersion ?? '0'} />
        <input type="hidden" name="count" value={String(count)} />
        <TextArea
          label="Instructions"
          name="instructions"
          rows={5}
          hint="Shown above the questions: who can apply, what to provide, what happens next."
        />
        <div id="questions" class="stack">
          {Array.from({ length: count }, (_, i) => (
            <QuestionBlock i={i} count={count} v={v} errors={errors} />
          ))}
        </div>
        <div class="row">
          {count < MAX_QUESTIONS ? (
            <button type="submit" name="intent" value="add" class="secondary" formnovalidate>
              Add a question
            </button>
          ) : null}
          <button type="submit" name="intent" value="preview" class="secondary" formnovalidate>
            Preview
          </button>
          <button type="submit" name="intent" value="save" class="button">
            Save as a new version
          </button>
        </div>
      </PostForm>
      {props.preview ? (
        <section aria-labelledby="preview">
          <h2 id="preview">Preview (not saved)</h2>
          <FormPreview {...props.preview} maxFileBytes={props.maxFileBytes} />
        </section>
      ) : null}
      {props.history.length ? (
        <section aria-labelledby="versions">
          <h2 id="versions">Versions</h2>
          <DataTable
            stackOnPhone
            rows={props.history}
            columns={[
              {
                label: 'Version',
                rowHeader: true,
                cell: (h) => <a href={`${base}/preview?version=${h.version}`}>Version {h.version}</a>,
              },
              { label: 'Saved', cell: (h) => formatDate(h.createdAt) },
              { label: 'Questions', cell: (h) => String(h.questions) },
              { label: 'Applications', cell: (h) => String(h.applications) },
            ]}
          />
        </section>
      ) : null}
    </EarningFrame>
  );
}

function QuestionBlock(props: { i: number; count: number; v: BuilderValues; errors?: FieldError[] }) {
  const { i, v } = props;
  const { Field, Select, TextArea } = bindFields(v, props.errors);
  const name = (n: string) => field(i, n);
  const kind = v[name('kind')] || 'short_text';
  return (
    <fieldset class="card question">
      <legend>Question {i + 1}</legend>
      <input type="hidden" name={name('id')} value={v[name('id')] ?? ''} />
      <div class="two-col">
        <Field label="Question" name={name('label')} attrs={{ maxlength: 500 }} />
        <Select
          label="Kind of answer"
          name={name('kind')}
          options={QUESTION_KINDS.map((k) => ({ value: k.kind, label: k.label }))}
          value={kind}
        />
      </div>
      <TextArea label="Help text" name={name('help')} rows={2} hint="Optional: shown under the question." />
      <Check name={name('required')} label="An answer is required" checked={!!v[name('required')]} />
      <details open={kind === 'choice' || undefined}>
        <summary>Choice list</summary>
        <TextArea label="Options, one a line" name={name('options')} rows={4} />
        <Check
          name={name('multiple')}
          label="Several options may be chosen"
          checked={!!v[name('multiple')]}
        />
      </details>
      <details open={kind === 'file' || undefined}>
        <summary>File upload</summary>
        <fieldset class="field" id={`f-${name('accept')}`}>
          <legend>Types accepted (recognized from the file's contents)</legend>
          {props.errors?.find((e) => e.field === name('accept')) ? (
            <p class="error">{props.errors.find((e) => e.field === name('accept'))!.message}</p>
          ) : null}
          {FILE_TYPES.map((t) => (
            <Check name={name(`accept.${t.key}`)} label={t.label} checked={!!v[name(`accept.${t.key}`)]} />
          ))}
        </fieldset>
        <div class="two-col">
          <Field
            label="Largest file (MB)"
            name={name('maxMb')}
            type="number"
            hint="Empty: the badge's limit."
            attrs={{ min: 1, max: MAX_FILE_MB, step: 'any' }}
          />
          <Field
            label="Files"
            name={name('maxFiles')}
            type="number"
            hint="How many files this question takes (empty: one)."
            attrs={{ min: 1, max: MAX_FILES_PER_QUESTION }}
          />
        </div>
      </details>
      <div class="row">
        {i > 0 ? (
          <button type="submit" name="intent" value={`up:${i}`} class="secondary small" formnovalidate>
            Move up
          </button>
        ) : null}
        {i < props.count - 1 ? (
          <button type="submit" name="intent" value={`down:${i}`} class="secondary small" formnovalidate>
            Move down
          </button>
        ) : null}
        <button type="submit" name="intent" value={`remove:${i}`} class="secondary small" formnovalidate>
          Remove
        </button>
      </div>
    </fieldset>
  );
}
