// The template editor: a new template or a saved one, with its status buttons, the fields, the
// alignments (one more block on "add another") and the image (kept, designed or uploaded).
import { ACHIEVEMENT_TYPES } from '@laurel/openbadges/ob3';
import type { FieldError } from '../../errors.ts';
import type { FormFailure } from '../../http/forms.ts';
import type { Org } from '../../orgs/service.ts';
import type { OrgRole } from '../../orgs/tables.ts';
import {
  Alert,
  CsrfField,
  FormErrors,
  PageHeader,
  Pill,
  UploadForm,
  bindFields,
} from '../../ui/components.tsx';
import type { PageContext } from '../../ui/layout.tsx';
import { ManageLayout } from '../../ui/manage-layout.tsx';
import { ICONS, SHAPES } from '../designer.ts';
import { ADD_ALIGNMENT, EMPTY_ALIGNMENT_ROWS, STATUS_ACTIONS, designFromValues } from '../form.ts';
import { MAX_ALIGNMENTS } from '../policy.ts';
import { type TemplateFormValues, designValues } from '../presenters.ts';
import type { Template } from '../service.ts';
import { STATUS_PILL } from './template-list.tsx';

export function EditorPage(props: {
  ctx: PageContext;
  org: Org;
  role: OrgRole;
  template?: Template;
  values: TemplateFormValues;
  failure?: FormFailure;
  saved?: boolean;
}) {
  const { org, template, values: v } = props;
  const errors = props.failure?.errors;
  const { Field, Select, TextArea } = bindFields(v, errors);
  const base = `/manage/${org.slug}/templates`;
  const action = template ? `${base}/${template.id}` : `${base}/new`;
  const filled = Object.keys(v).filter((k) => /^alignments\.\d+\.targetName$/.test(k)).length;
  const rows = Math.min(
    MAX_ALIGNMENTS,
    Math.max(
      Math.max(filled, ...Object.keys(v).map((k) => Number(/^alignments\.(\d+)\./.exec(k)?.[1] ?? -1) + 1)) +
        EMPTY_ALIGNMENT_ROWS,
      Number(v.alignmentRows) || 0,
    ),
  );
  const previewSrc =
    template && v.imageSource === 'keep'
      ? `${base}/${template.id}/image.png?v=${template.updatedAt.getTime()}`
      : `${base}/preview.svg?${new URLSearchParams(designValues(designFromValues(v)))}`;
  const imageError = errors?.find((e) => e.field === 'image')?.message;
  const submitLabel = template ? 'Save changes' : 'Create template';
  return (
    <ManageLayout
      ctx={props.ctx}
      org={org}
      role={props.role}
      active="templates"
      title={template ? `Edit ${template.name}` : 'New badge template'}
    >
      <PageHeader
        title={template ? template.name : 'New badge template'}
        breadcrumbs={[[base, 'Templates']]}
        actions={
          template && template.status !== 'draft' ? (
            <a href={`/orgs/${org.slug}/badges/${template.id}`}>Public page</a>
          ) : null
        }
      />
      {props.saved ? <Alert kind="success" title="Saved." /> : null}
      {template ? (
        <div class="row" style="margin-bottom:1rem">
          <span>
            Status: <Pill kind={STATUS_PILL[template.status]}>{template.status}</Pill>
          </span>
          {STATUS_ACTIONS[template.status].map((a) => (
            <form method="post" action={`${base}/${template.id}/status`} data-confirm={a.confirm}>
              <CsrfField token={props.ctx.csrfToken} />
              <input type="hidden" name="status" value={a.to} />
              <button type="submit" class="button small">
                {a.label}
              </button>
            </form>
          ))}
          {template.status === 'archived' ? (
            <span class="muted">Archived templates cannot issue badges.</span>
          ) : null}
          <a href={`/manage/${org.slug}/templates/${template.id}/claim-codes`}>Claim codes</a>
          <a href={`/manage/${org.slug}/templates/${template.id}/earning`}>How this badge is earned</a>
        </div>
      ) : null}
      <UploadForm
        action={action}
        csrfToken={props.ctx.csrfToken}
        class="stack"
        data-preview-url={`${base}/preview.svg`}
        data-preview-target="#badge-preview"
      >
        {/* Enter in a text field presses the form's first submit button: this hidden one saves, so
            Enter never means "add another alignment". */}
        <button type="submit" hidden>
          {submitLabel}
        </button>
        <FormErrors message={props.failure?.message} errors={errors} />
        <div class="two-col">
          <div class="stack">
            <Field label="Name" name="name" required attrs={{ maxlength: 200 }} />
            <TextArea label="Description" name="description" required rows={3} />
            <TextArea
              label="Criteria"
              name="criteriaNarrative"
              required
              rows={4}
              hint="What someone did to earn this badge."
            />
            <Field label="Criteria page (URL)" name="criteriaUrl" type="url" />
            <Field label="Skills and tags" name="tags" hint="Comma-separated, e.g. first aid, leadership." />
            <div class="two-col">
              <Select
                label="Type"
                name="achievementType"
                value={v.achievementType || 'Badge'}
                options={ACHIEVEMENT_TYPES.map((t) => ({
                  value: t,
                  label: t.replace(/([a-z])([A-Z])/g, '$1 $2'),
                })).sort((a, b) => a.label.localeCompare(b.label, 'en'))}
              />
              <Field label="Level" name="level" attrs={{ maxlength: 100 }} />
            </div>
            <Field label="Credits" name="creditsAvailable" type="number" attrs={{ step: 'any', min: 0 }} />
            <fieldset class="expiry-policy">
              <legend>Expiry</legend>
              <Select
                label="Badges expire"
                name="expiryKind"
                value={v.expiryKind || 'none'}
                options={[
                  { value: 'none', label: 'Never' },
                  { value: 'months', label: 'A number of months after issuing' },
                  { value: 'date', label: 'On a fixed date' },
                ]}
              />
              <Field label="Months" name="expiryMonths" type="number" attrs={{ min: 1, max: 1200 }} />
              <Field label="Date" name="expiryDate" type="date" />
            </fieldset>
            <fieldset>
              <legend>Alignments (up to {MAX_ALIGNMENTS})</legend>
              <p class="hint">
                Link the badge to a competency framework or standard. An empty block is skipped.
              </p>
              <div id="alignment-list">
                {Array.from({ length: rows }, (_, i) => (
                  <AlignmentBlock index={i} v={v} errors={errors} />
                ))}
              </div>
              {/* app.js clones this for "add another" in place; without it the button posts the form. */}
              <template id="alignment-template">
                <AlignmentBlock index="__i__" v={{}} />
              </template>
              <input type="hidden" name="alignmentRows" value={String(rows)} />
              {rows < MAX_ALIGNMENTS ? (
                <button
                  type="submit"
                  name="intent"
                  value={ADD_ALIGNMENT}
                  formnovalidate
                  class="secondary"
                  data-add-block="#alignment-template"
                  data-add-to="#alignment-list"
                  data-add-max={String(MAX_ALIGNMENTS)}
                >
                  Add another alignment
                </button>
              ) : null}
            </fieldset>
          </div>
          <div class="stack">
            <h2>Image</h2>
            <img id="badge-preview" src={previewSrc} alt="Preview of the badge" width="240" height="240" />
            <fieldset>
              <legend>Image source</legend>
              {template ? (
                <label style="display:block">
                  <input type="radio" name="imageSource" value="keep" checked={v.imageSource === 'keep'} />{' '}
                  Keep the current image
                </label>
              ) : null}
              <label style="display:block">
                <input
                  type="radio"
                  name="imageSource"
                  value="designer"
                  checked={v.imageSource === 'designer' || (!template && v.imageSource !== 'upload')}
                />{' '}
                Design it here
              </label>
              <label style="display:block">
                <input type="radio" name="imageSource" value="upload" checked={v.imageSource === 'upload'} />{' '}
                Upload a PNG or SVG
              </label>
            </fieldset>
            {/* app.css hides this unless "Upload" is chosen; the hint covers browsers that show it anyway. */}
            <div class={imageError ? 'field image-upload has-error' : 'field image-upload'}>
              <label for="f-image">Upload (PNG or SVG, at most 2 MB, square works best)</label>
              <p class="hint" id="f-image-hint">
                Used when “Upload a PNG or SVG” is chosen above.
              </p>
              {imageError ? <p class="error">{imageError}</p> : null}
              <input
                id="f-image"
                type="file"
                name="image"
                accept="image/png,image/svg+xml"
                aria-describedby="f-image-hint"
              />
            </div>
            <fieldset>
              <legend>Designer</legend>
              <Select label="Shape" name="shape" options={SHAPES.map((s) => ({ value: s, label: s }))} />
              <Select label="Icon" name="icon" options={ICONS.map((s) => ({ value: s, label: s }))} />
              <Field label="Main colour" name="primary" type="color" value={v.primary || '#1f5c4a'} />
              <Field label="Accent colour" name="secondary" type="color" value={v.secondary || '#f4d35e'} />
              <Field
                label="Title on the badge"
                name="designTitle"
                hint="Defaults to the name; two lines at most."
                attrs={{ maxlength: 48 }}
              />
              <Field label="Subtitle" name="subtitle" attrs={{ maxlength: 40 }} />
            </fieldset>
          </div>
        </div>
        <div class="form-actions">
          <button type="submit" class="button">
            {submitLabel}
          </button>
        </div>
      </UploadForm>
    </ManageLayout>
  );
}

/** One alignment's fields; `index` is "__i__" in the template that app.js numbers when it clones it. */
function AlignmentBlock(props: { index: number | '__i__'; v: TemplateFormValues; errors?: FieldError[] }) {
  const { index: i, v, errors } = props;
  const label = i === '__i__' ? '__n__' : String(i + 1);
  const { Field } = bindFields(v, errors);
  const field = (key: string, title: string, type?: string) => (
    <Field label={title} name={`alignments.${i}.${key}`} type={type} />
  );
  return (
    <fieldset class="card alignment">
      <legend>Alignment {label}</legend>
      <div class="grid">
        {field('targetName', 'Target name')}
        {field('targetUrl', 'Target URL', 'url')}
        {field('targetFramework', 'Framework')}
        {field('targetCode', 'Code')}
        {field('targetDescription', 'Description')}
      </div>
    </fieldset>
  );
}
