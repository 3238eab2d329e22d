import { type Child, type SafeHtml, raw } from '@laurel/jsx';
import type { FieldError } from '../errors.ts';

export function CsrfField(props: { token: string }): SafeHtml {
  return <input type="hidden" name="_csrf" value={props.token} />;
}

/**
 * One button that posts to `action` (a form of its own, with the CSRF token). With `confirm`,
 * app.js asks that question before it sends.
 */
export function PostButton(p: {
  action: string;
  csrfToken: string;
  /** The button's class. */
  class?: string;
  /** The form's class (`inline` to sit in a row of buttons). */
  formClass?: string;
  confirm?: string;
  style?: string;
  children?: Child;
}): SafeHtml {
  return (
    <form method="post" action={p.action} class={p.formClass} style={p.style} data-confirm={p.confirm}>
      <CsrfField token={p.csrfToken} />
      <button type="submit" class={p.class}>
        {p.children}
      </button>
    </form>
  );
}

/**
 * A form that posts: the CSRF token first, then what went wrong with the last attempt (nothing
 * when it did not fail), then the fields.
 */
export function PostForm(
  props: {
    action: string;
    csrfToken: string;
    failure?: { message?: string; errors?: FieldError[] };
    children?: Child;
  } & Record<string, unknown>,
): SafeHtml {
  const { csrfToken, failure, children, ...attrs } = props;
  return (
    <form method="post" {...attrs}>
      <CsrfField token={csrfToken} />
      <FormErrors message={failure?.message} errors={failure?.errors} />
      {children}
    </form>
  );
}

/**
 * A form that uploads files. The server checks a multipart body's CSRF token before it reads
 * any file (src/http/multipart.ts), so the token must be the body's first field; browsers send
 * fields in document order, so it is rendered first here, before any child.
 */
export function UploadForm(
  props: { action: string; csrfToken: string; children?: Child } & Record<string, unknown>,
): SafeHtml {
  const { csrfToken, children, ...attrs } = props;
  return (
    <form method="post" enctype="multipart/form-data" {...attrs}>
      <CsrfField token={csrfToken} />
      {children}
    </form>
  );
}

export function PageHeader(props: {
  title: string;
  lead?: string;
  actions?: Child;
  breadcrumbs?: [string, string][];
}) {
  return (
    <div class="page-header">
      {props.breadcrumbs?.length ? (
        <nav aria-label="Breadcrumb" class="breadcrumbs">
          {props.breadcrumbs.map(([href, label]) => (
            <>
              <a href={href}>{label}</a>
              <span aria-hidden="true"> / </span>
            </>
          ))}
        </nav>
      ) : null}
      <div class="page-header-row">
        <h1>{props.title}</h1>
        {props.actions ? <div class="actions">{props.actions}</div> : null}
      </div>
      {props.lead ? <p class="lead">{props.lead}</p> : null}
    </div>
  );
}

export function Alert(props: {
  kind?: 'info' | 'success' | 'warning' | 'error';
  title?: string;
  children?: Child;
}) {
  const kind = props.kind ?? 'info';
  return (
    <div class={`alert alert-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {props.title ? <strong>{props.title}</strong> : null}
      {props.children ? <div>{props.children}</div> : null}
    </div>
  );
}

/** The sentence of a failed form plus its field errors, at the top of the form. */
export function FormErrors(props: { message?: string; errors?: FieldError[] }) {
  if (!props.message && !props.errors?.length) return raw('');
  return (
    <Alert kind="error" title={props.message ?? 'Please correct the errors below.'}>
      {props.errors?.length ? (
        <ul>
          {props.errors.map((e) => (
            <li>
              <a href={`#f-${e.field}`}>{e.message}</a>
            </li>
          ))}
        </ul>
      ) : null}
    </Alert>
  );
}

interface FieldProps {
  label: string;
  name: string;
  type?: string;
  value?: string | number | null;
  hint?: string;
  errors?: FieldError[];
  required?: boolean;
  autocomplete?: string;
  placeholder?: string;
  attrs?: Record<string, unknown>;
}

const errorFor = (errors: FieldError[] | undefined, name: string) =>
  errors?.find((e) => e.field === name)?.message;

/** What a control needs from the field around it: its id, its error, the ids that describe it. */
interface ControlProps {
  id: string;
  error?: string;
  describedBy?: string;
}

/**
 * The label, hint and error around one control, with the ids the control points at through
 * aria-describedby (so a screen reader reads the hint and the error with the control).
 */
function FieldShell(p: { field: Omit<FieldProps, 'type'>; control: (c: ControlProps) => Child }) {
  const { name, label, hint, required } = p.field;
  const id = `f-${name}`;
  const error = errorFor(p.field.errors, name);
  const describedBy =
    [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={error ? 'field has-error' : 'field'}>
      <label for={id}>
        {label}
        {required ? <span class="required"> (required)</span> : null}
      </label>
      {hint ? (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p class="error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
      {p.control({ id, error, describedBy })}
    </div>
  );
}

export function Field(p: FieldProps) {
  return (
    <FieldShell
      field={p}
      control={(c) => (
        <input
          id={c.id}
          name={p.name}
          type={p.type ?? 'text'}
          value={p.value ?? undefined}
          required={p.required}
          autocomplete={p.autocomplete}
          placeholder={p.placeholder}
          aria-invalid={c.error ? 'true' : undefined}
          aria-describedby={c.describedBy}
          {...p.attrs}
        />
      )}
    />
  );
}

export function TextArea(p: FieldProps & { rows?: number }) {
  return (
    <FieldShell
      field={p}
      control={(c) => (
        <textarea
          id={c.id}
          name={p.name}
          rows={p.rows ?? 4}
          required={p.required}
          aria-invalid={c.error ? 'true' : undefined}
          aria-describedby={c.describedBy}
          {...p.attrs}
        >
          {p.value ?? ''}
        </textarea>
      )}
    />
  );
}

type SelectProps = Omit<FieldProps, 'type'> & {
  options: { value: string; label: string }[];
  value?: string | null;
};

export function Select(p: SelectProps) {
  return (
    <FieldShell
      field={p}
      control={(c) => (
        <select
          id={c.id}
          name={p.name}
          required={p.required}
          aria-invalid={c.error ? 'true' : undefined}
          aria-describedby={c.describedBy}
          {...p.attrs}
        >
          {p.options.map((o) => (
            <option value={o.value} selected={o.value === p.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    />
  );
}

/** A filter's drop-down: a first option (value '') for no filter, then `options`. */
export function FilterSelect(p: {
  label: string;
  name: string;
  value?: string;
  /** The label of the no-filter option, such as "Any state". */
  all: string;
  options: { value: string; label: string }[];
}) {
  return (
    <Select
      label={p.label}
      name={p.name}
      value={p.value ?? ''}
      options={[{ value: '', label: p.all }, ...p.options]}
    />
  );
}

/** The search and filters above a list: a GET form, so the filtered list has an address. */
export function FilterForm(p: { action: string; button: string; children?: Child }) {
  return (
    <search>
      <form method="get" action={p.action} class="filters">
        {p.children}
        <div class="actions">
          <button type="submit">{p.button}</button>
        </div>
      </form>
    </search>
  );
}

type Bound<P> = Omit<P, 'errors'>;

/**
 * The fields of one form, bound to its values and its errors: each field shows the value under
 * its name (unless given another) and its own error, so a form names only what is its own.
 */
export function bindFields(values: Record<string, string | undefined> | undefined, errors?: FieldError[]) {
  const value = (p: { name: string; value?: string | number | null }) => p.value ?? values?.[p.name];
  return {
    Field: (p: Bound<FieldProps>) => <Field {...p} value={value(p)} errors={errors} />,
    TextArea: (p: Bound<FieldProps> & { rows?: number }) => (
      <TextArea {...p} value={value(p)} errors={errors} />
    ),
    Select: (p: Bound<SelectProps>) => <Select {...p} value={p.value ?? values?.[p.name]} errors={errors} />,
  };
}

export function Pill(props: { kind?: 'ok' | 'warn' | 'bad' | 'neutral'; children?: Child }) {
  return <span class={`pill pill-${props.kind ?? 'neutral'}`}>{props.children}</span>;
}

export function EmptyState(props: { title: string; children?: Child }) {
  return (
    <div class="empty">
      <p class="empty-title">{props.title}</p>
      {props.children}
    </div>
  );
}

/** Previous / next links that keep the current query string. */
export function Pager(props: {
  base: string;
  query: Record<string, string | undefined>;
  page: number;
  hasNext: boolean;
}) {
  const link = (page: number) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(props.query)) if (v) q.set(k, v);
    q.set('page', String(page));
    return `${props.base}?${q}`;
  };
  return (
    <nav class="pager" aria-label="Pages">
      {props.page > 1 ? <a href={link(props.page - 1)}>← Previous</a> : <span />}
      <span>Page {props.page}</span>
      {props.hasNext ? <a href={link(props.page + 1)}>Next →</a> : <span />}
    </nav>
  );
}

// One formatter for every date shown: toLocaleDateString builds a new one per call (~0.3 ms,
// which a list of 25 rows pays 25 times).
const dateFormat = new Intl.DateTimeFormat('en-GB', {
  year: 'numeric',
  month: 'long',
  day: 'numeric',
  timeZone: 'UTC',
});

export function formatDate(d: Date | string | null | undefined): string {
  if (!d) return '';
  const date = typeof d === 'string' ? new Date(d) : d;
  // As toLocaleDateString said it (the formatter throws instead).
  return Number.isNaN(date.getTime()) ? 'Invalid Date' : dateFormat.format(date);
}

/** Text for screen readers only (see `.visually-hidden` in app.css). */
export function VisuallyHidden(props: { children?: Child }) {
  return <span class="visually-hidden">{props.children}</span>;
}

/** A count with its label, as the dashboards show them (a link when there is a page behind it). */
export function StatCard(p: { label: string; value: number; href?: string }) {
  return (
    <div class="card" style="margin-bottom:0">
      <div class="stat">{p.value}</div>
      <div class="muted">{p.href ? <a href={p.href}>{p.label}</a> : p.label}</div>
    </div>
  );
}
