// The application form of a template (one form version), the page that asks a visitor to sign up
// to go on (what they typed is kept), and the page for a form that is not open to them.
import type { FieldError } from '../../../errors.ts';
import { Alert, Field, FormErrors, PageHeader, TextArea, UploadForm } from '../../../ui/components.tsx';
import { Layout, type PageContext } from '../../../ui/layout.tsx';
import type { FileInfo } from '../../files.ts';
import { fileFieldName } from '../../files.ts';
import type { Answer, Question } from '../../tables.ts';
import { answerFieldName } from '../answers.ts';
import { TYPE_LABELS } from '../sniff.ts';

export interface ApplyFormProps {
  ctx: PageContext;
  templateId: string;
  badgeName: string;
  orgName: string;
  orgSlug: string;
  instructions: string;
  questions: Question[];
  answers: Record<string, Answer>;
  files: FileInfo[];
  /** The state of the open application, if there is one (`returned`: what to change is shown). */
  state: 'new' | 'draft' | 'returned';
  /** The reviewers' request when returned for revision. */
  returnMessage?: string | null;
  renewal?: boolean;
  invitation?: string | undefined;
  maxFileBytes: number;
  notice?: string | undefined;
  failure?: { message?: string; errors?: FieldError[] } | undefined;
}

const mb = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;

export function ApplyPage(p: ApplyFormProps) {
  const action = `/apply/${p.templateId}${p.invitation ? `?invitation=${encodeURIComponent(p.invitation)}` : ''}`;
  const title = p.renewal ? `Renew “${p.badgeName}”` : `Apply for “${p.badgeName}”`;
  return (
    <Layout ctx={p.ctx} title={title} noindex>
      <PageHeader
        title={title}
        lead={`A badge from ${p.orgName}.`}
        breadcrumbs={p.ctx.user ? [['/applications', 'My applications']] : []}
      />
      {p.notice ? <Alert kind="success">{p.notice}</Alert> : null}
      {p.state === 'returned' ? (
        <Alert kind="warning" title="Returned for revision">
          {p.returnMessage
            ? `${p.orgName} asks: “${p.returnMessage}”`
            : `${p.orgName} asks you to revise your answers.`}{' '}
          Change what is needed, then submit again.
        </Alert>
      ) : null}
      {p.ctx.user ? null : (
        <Alert kind="info" title="You will need an account to submit">
          Fill in the form: when you continue, you sign up (or log in) and what you typed is kept.
          {p.questions.some((q) => q.kind === 'file') ? ' Files are attached once you are signed in.' : ''}
        </Alert>
      )}
      <UploadForm action={action} csrfToken={p.ctx.csrfToken} class="card stack" novalidate>
        <FormErrors message={p.failure?.message} errors={p.failure?.errors} />
        {p.instructions ? (
          <section class="stack" aria-label="Instructions">
            {p.instructions.split(/\n{2,}/).map((para) => (
              <p>{para}</p>
            ))}
          </section>
        ) : null}
        {p.questions.map((q) => (
          <QuestionField q={q} answer={p.answers[q.id]} files={p.files} p={p} />
        ))}
        <input type="hidden" name="evidenceShown" value="1" />
        <div class="form-actions">
          <button type="submit" name="action" value="submit" class="button">
            {p.ctx.user ? (p.state === 'returned' ? 'Submit again' : 'Submit application') : 'Continue'}
          </button>
          {p.ctx.user ? (
            <button type="submit" name="action" value="save" class="button secondary">
              Save draft
            </button>
          ) : null}
        </div>
      </UploadForm>
    </Layout>
  );
}

function QuestionField(props: {
  q: Question;
  answer: Answer | undefined;
  files: FileInfo[];
  p: ApplyFormProps;
}) {
  const { q, answer, p } = props;
  const name = answerFieldName(q.id);
  const errors = p.failure?.errors;
  const text = typeof answer === 'string' ? answer : '';
  const common = { label: q.label, name, required: q.required, errors, ...(q.help ? { hint: q.help } : {}) };
  switch (q.kind) {
    case 'short_text':
      return <Field {...common} value={text} attrs={{ maxlength: 500 }} />;
    case 'long_text':
      return <TextArea {...common} value={text} rows={6} attrs={{ maxlength: 10000 }} />;
    case 'url':
      return <Field {...common} type="url" value={text} placeholder="https://" />;
    case 'date':
      return <Field {...common} type="date" value={text} />;
    case 'attestation':
      return (
        <Fieldset q={q} errors={errors} field={name}>
          <label class="checks">
            <input type="checkbox" name={name} value="1" checked={answer === true} /> {q.label}
          </label>
        </Fieldset>
      );
    case 'choice': {
      const chosen = Array.isArray(answer) ? answer : typeof answer === 'string' && answer ? [answer] : [];
      return (
        <Fieldset q={q} errors={errors} field={name} legend>
          {(q.options ?? []).map((o) => (
            <label class="checks">
              <input
                type={q.multiple ? 'checkbox' : 'radio'}
                name={name}
                value={o}
                checked={chosen.includes(o)}
              />{' '}
              {o}
            </label>
          ))}
        </Fieldset>
      );
    }
    case 'file':
      return <FileQuestion q={q} p={p} />;
  }
}

function Fieldset(props: {
  q: Question;
  errors: FieldError[] | undefined;
  field: string;
  legend?: boolean;
  children?: unknown;
}) {
  const error = props.errors?.find((e) => e.field === props.field)?.message;
  return (
    <fieldset id={`f-${props.field}`} class={error ? 'field has-error' : 'field'}>
      {props.legend ? (
        <legend>
          {props.q.label}
          {props.q.required ? <span class="required"> (required)</span> : null}
        </legend>
      ) : (
        <legend class="visually-hidden">{props.q.label}</legend>
      )}
      {props.q.help ? <p class="hint">{props.q.help}</p> : null}
      {error ? <p class="error">{error}</p> : null}
      {props.children as never}
    </fieldset>
  );
}

function FileQuestion(props: { q: Question; p: ApplyFormProps }) {
  const { q, p } = props;
  const field = fileFieldName(q.id);
  const mine = p.files.filter((f) => f.questionId === q.id);
  const limit = Math.min(q.maxBytes ?? Number.POSITIVE_INFINITY, p.maxFileBytes);
  const types = q.accept?.length
    ? q.accept.map((t) => TYPE_LABELS[t] ?? t).join(', ')
    : 'PDF, images, documents, plain text';
  const many = (q.maxFiles ?? 1) > 1;
  const error = p.failure?.errors?.find((e) => e.field === field)?.message;
  return (
    <fieldset id={`f-${field}`} class={error ? 'field has-error' : 'field'}>
      <legend>
        {q.label}
        {q.required ? <span class="required"> (required)</span> : null}
      </legend>
      <p class="hint">
        {q.help ? `${q.help} ` : ''}
        {types}; at most {mb(limit)} a file{many ? `, ${q.maxFiles} files` : ''}.
      </p>
      {error ? <p class="error">{error}</p> : null}
      {mine.length ? (
        <ul class="stack">
          {mine.map((f) => (
            <li>
              <a href={`/applications/${f.applicationId}/files/${f.id}`}>{f.filename}</a> (
              {Math.max(1, Math.round(f.size / 1024))} KB){' '}
              <label class="checks">
                <input type="checkbox" name="publicFile" value={f.id} checked={f.public} /> Public evidence
                (linked from the badge once it is issued)
              </label>{' '}
              <label class="checks">
                <input type="checkbox" name="removeFile" value={f.id} /> Remove
              </label>
            </li>
          ))}
        </ul>
      ) : null}
      {p.ctx.user ? (
        <input
          type="file"
          name={field}
          multiple={many}
          accept={q.accept?.length ? q.accept.join(',') : undefined}
          aria-label={mine.length ? `${q.label}: add or replace a file` : q.label}
        />
      ) : (
        <p class="muted">You can attach files after signing up or logging in.</p>
      )}
    </fieldset>
  );
}

/** After a visitor's first "Continue": sign up or log in, and come back to the kept answers. */
export function SignUpToContinuePage(p: { ctx: PageContext; badgeName: string; next: string }) {
  const next = encodeURIComponent(p.next);
  return (
    <Layout ctx={p.ctx} title="Sign up to continue" noindex>
      <div class="card form-narrow stack">
        <h1>Sign up to continue</h1>
        <p>
          Your answers for “{p.badgeName}” are kept for a day in this browser. Sign up — or log in if you
          already have a Laurel account — and you will come back to your application to finish and submit it.
        </p>
        <div class="form-actions">
          <a class="button" href={`/signup?next=${next}`}>
            Sign up
          </a>
          <a class="button secondary" href={`/login?next=${next}`}>
            Log in
          </a>
        </div>
      </div>
    </Layout>
  );
}

/** A form that is not open to this person now (closed, not yet open, by invitation, full). */
export function NotOpenPage(p: { ctx: PageContext; title: string; reason: string; next: string }) {
  return (
    <Layout ctx={p.ctx} title={p.title} noindex>
      <div class="card form-narrow stack">
        <h1>{p.title}</h1>
        <p>{p.reason}</p>
        {p.ctx.user ? (
          <p>
            <a href="/applications">My applications</a>
          </p>
        ) : (
          <p>
            Invited? <a href={`/login?next=${encodeURIComponent(p.next)}`}>Log in</a> with the address the
            invitation was sent to.
          </p>
        )}
      </div>
    </Layout>
  );
}
