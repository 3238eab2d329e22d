import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type FieldError, LaurelError, notFound } from '../errors.ts';
import { pageContext } from '../http/auth.ts';
import type { AppContext } from '../http/context.ts';
import { roleAtLeast } from '../orgs/access.ts';
import { type FormFailure, fileField, formFailure } from '../orgs/forms.ts';
import { ManageLayout } from '../ui/manage-layout.tsx';
import { IMAGE_CSP } from '../http/responses.ts';
import { publicOrg } from '../orgs/service.ts';
import { memberOf } from '../http/access.ts';
import { type Org, issuerDid } from '../orgs/service.ts';
import type { OrgRole } from '../orgs/tables.ts';
import {
  Alert,
  CsrfField,
  EmptyState,
  Field,
  FormErrors,
  PageHeader,
  Pill,
  Select,
  TextArea,
  VisuallyHidden,
  formatDate,
  UploadForm,
} from '../ui/components.tsx';
import { Layout, type PageContext } from '../ui/layout.tsx';
import { ICONS, SHAPES, renderDesignSvg } from './designer.ts';
import {
  ADD_ALIGNMENT,
  EMPTY_ALIGNMENT_ROWS,
  STATUS_ACTIONS,
  type TemplateFormValues,
  designFromValues,
  designValues,
  readTemplateForm,
  valuesFromTemplate,
} from './form.ts';
import { MAX_TEMPLATE_IMAGE_BYTES, prepareUpload } from './images.ts';
import {
  ACHIEVEMENT_TYPES,
  MAX_ALIGNMENTS,
  type Template,
  type TemplateImageInput,
  achievementFor,
  badgeClassFor,
  createTemplate,
  getTemplate,
  listTemplates,
  setTemplateStatus,
  templateImage,
  templateUrl,
  updateTemplate,
} from './service.ts';
import type { TemplateStatus } from './tables.ts';

const STATUS_PILL: Record<TemplateStatus, 'ok' | 'neutral' | 'warn'> = {
  active: 'ok',
  draft: 'warn',
  archived: 'neutral',
};
const OB3_CONTEXT = [
  'https://www.w3.org/ns/credentials/v2',
  'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
];

function TemplateListPage(props: { ctx: PageContext; org: Org; role: OrgRole; templates: Template[] }) {
  const base = `/manage/${props.org.slug}/templates`;
  return (
    <ManageLayout
      ctx={props.ctx}
      org={props.org}
      role={props.role}
      active="templates"
      title="Badge templates"
    >
      <PageHeader
        title="Badge templates"
        actions={
          roleAtLeast(props.role, 'admin') ? (
            <a class="button" href={`${base}/new`}>
              New template
            </a>
          ) : null
        }
      />
      {props.templates.length === 0 ? (
        <EmptyState title="No badge templates yet.">
          <p>A template holds what every badge of one kind says: name, image, criteria, skills and expiry.</p>
        </EmptyState>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">
                  <VisuallyHidden>Image</VisuallyHidden>
                </th>
                <th scope="col">Name</th>
                <th scope="col">Status</th>
                <th scope="col">Updated</th>
              </tr>
            </thead>
            <tbody>
              {props.templates.map((t) => (
                <tr>
                  <td>
                    <img src={`${base}/${t.id}/image.png`} alt="" width="48" height="48" />
                  </td>
                  <td>
                    {roleAtLeast(props.role, 'admin') ? (
                      <a href={`${base}/${t.id}`}>{t.name}</a>
                    ) : t.status === 'draft' ? (
                      t.name
                    ) : (
                      <a href={`/orgs/${props.org.slug}/badges/${t.id}`}>{t.name}</a>
                    )}
                  </td>
                  <td>
                    <Pill kind={STATUS_PILL[t.status]}>{t.status}</Pill>
                  </td>
                  <td>{formatDate(t.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </ManageLayout>
  );
}

function EditorPage(props: {
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
            <Field
              label="Name"
              name="name"
              value={v.name}
              required
              errors={errors}
              attrs={{ maxlength: 200 }}
            />
            <TextArea
              label="Description"
              name="description"
              value={v.description}
              required
              errors={errors}
              rows={3}
            />
            <TextArea
              label="Criteria"
              name="criteriaNarrative"
              value={v.criteriaNarrative}
              required
              errors={errors}
              rows={4}
              hint="What someone did to earn this badge."
            />
            <Field
              label="Criteria page (URL)"
              name="criteriaUrl"
              type="url"
              value={v.criteriaUrl}
              errors={errors}
            />
            <Field
              label="Skills and tags"
              name="tags"
              value={v.tags}
              errors={errors}
              hint="Comma-separated, e.g. first aid, leadership."
            />
            <div class="two-col">
              <Select
                label="Type"
                name="achievementType"
                value={v.achievementType || 'Badge'}
                errors={errors}
                options={ACHIEVEMENT_TYPES.map((t) => ({
                  value: t,
                  label: t.replace(/([a-z])([A-Z])/g, '$1 $2'),
                })).sort((a, b) => a.label.localeCompare(b.label, 'en'))}
              />
              <Field label="Level" name="level" value={v.level} errors={errors} attrs={{ maxlength: 100 }} />
            </div>
            <Field
              label="Credits"
              name="creditsAvailable"
              type="number"
              value={v.creditsAvailable}
              errors={errors}
              attrs={{ step: 'any', min: 0 }}
            />
            <fieldset class="expiry-policy">
              <legend>Expiry</legend>
              <Select
                label="Badges expire"
                name="expiryKind"
                value={v.expiryKind || 'none'}
                errors={errors}
                options={[
                  { value: 'none', label: 'Never' },
                  { value: 'months', label: 'A number of months after issuing' },
                  { value: 'date', label: 'On a fixed date' },
                ]}
              />
              <Field
                label="Months"
                name="expiryMonths"
                type="number"
                value={v.expiryMonths}
                errors={errors}
                attrs={{ min: 1, max: 1200 }}
              />
              <Field label="Date" name="expiryDate" type="date" value={v.expiryDate} errors={errors} />
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
              <Select
                label="Shape"
                name="shape"
                value={v.shape}
                options={SHAPES.map((s) => ({ value: s, label: s }))}
              />
              <Select
                label="Icon"
                name="icon"
                value={v.icon}
                options={ICONS.map((s) => ({ value: s, label: s }))}
              />
              <Field label="Main colour" name="primary" type="color" value={v.primary || '#1f5c4a'} />
              <Field label="Accent colour" name="secondary" type="color" value={v.secondary || '#f4d35e'} />
              <Field
                label="Title on the badge"
                name="designTitle"
                value={v.designTitle}
                hint="Defaults to the name; two lines at most."
                attrs={{ maxlength: 48 }}
              />
              <Field label="Subtitle" name="subtitle" value={v.subtitle} attrs={{ maxlength: 40 }} />
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
  const field = (key: string, title: string, type?: string) => (
    <Field
      label={title}
      name={`alignments.${i}.${key}`}
      type={type}
      value={v[`alignments.${i}.${key}`]}
      errors={errors}
    />
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

/** The expiry policy in words, for people deciding whether the badge is worth earning. */
function validityOf(e: Template['expiry']): string {
  if (e.kind === 'months' && e.months)
    return `For ${e.months} month${e.months === 1 ? '' : 's'} after it is issued`;
  if (e.kind === 'date' && e.date) return `Until ${formatDate(e.date)}`;
  return 'Does not expire';
}

function PublicTemplatePage(props: {
  ctx: PageContext;
  org: Org;
  template: Template;
  url: string;
  did: string;
}) {
  const { org, template: t } = props;
  const meta: Record<string, string> = {
    'og:type': 'website',
    'og:title': t.name,
    'og:description': t.description.slice(0, 300),
    'og:url': props.url,
    'og:image': `${props.url}/image.png`,
    'og:image:alt': t.name,
    'twitter:card': 'summary',
  };
  return (
    <Layout
      ctx={props.ctx}
      title={`${t.name} — ${org.name}`}
      description={t.description.slice(0, 300)}
      meta={meta}
    >
      <div class="badge-hero">
        <img src={`/orgs/${org.slug}/badges/${t.id}/image.png`} alt={t.name} />
        <div class="stack">
          <h1>{t.name}</h1>
          <p>
            Issued by <a href={`/orgs/${org.slug}`}>{org.name}</a>
            {t.status === 'archived' ? (
              <>
                {' '}
                · <Pill>no longer issued</Pill>
              </>
            ) : null}
          </p>
          <p class="lead">{t.description}</p>
          {t.tags.length ? (
            <ul class="tags" aria-label="Skills">
              {t.tags.map((tag) => (
                <li>{tag}</li>
              ))}
            </ul>
          ) : null}
        </div>
      </div>
      <section aria-labelledby="criteria">
        <h2 id="criteria">Criteria</h2>
        <p style="white-space:pre-line">{t.criteriaNarrative}</p>
        {t.criteriaUrl ? (
          <p>
            <a href={t.criteriaUrl} rel="nofollow noopener">
              More about the criteria
            </a>
          </p>
        ) : null}
      </section>
      {t.alignments.length ? (
        <section aria-labelledby="alignments">
          <h2 id="alignments">Alignments</h2>
          <ul>
            {t.alignments.map((a) => (
              <li>
                <a href={a.targetUrl} rel="nofollow noopener">
                  {a.targetName}
                </a>
                {a.targetFramework ? ` (${a.targetFramework}${a.targetCode ? ` ${a.targetCode}` : ''})` : ''}
                {a.targetDescription ? <span class="muted"> — {a.targetDescription}</span> : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <dl class="facts">
        <dt>Type</dt>
        <dd>{t.achievementType}</dd>
        {t.level ? (
          <>
            <dt>Level</dt>
            <dd>{t.level}</dd>
          </>
        ) : null}
        {t.creditsAvailable !== null ? (
          <>
            <dt>Credits</dt>
            <dd>{String(t.creditsAvailable)}</dd>
          </>
        ) : null}
        <dt>Valid</dt>
        <dd>{validityOf(t.expiry)}</dd>
        <dt>Issuer identity</dt>
        <dd>
          <code>{props.did}</code>
        </dd>
      </dl>
      <p class="muted small">
        Machine-readable: <a href={`${props.url}/achievement.json`}>Open Badges 3.0 Achievement</a> ·{' '}
        <a href={`${props.url}/badgeclass.json`}>Open Badges 2.0 BadgeClass</a>
      </p>
    </Layout>
  );
}

// ---------------------------------------------------------------- routes

type P = { Params: { slug: string; id: string } };
const hide = { schema: { hide: true } };
/** The editor's form: one image, checked for size as it streams in. */
const withImage = {
  ...hide,
  config: { upload: { fileBytes: MAX_TEMPLATE_IMAGE_BYTES, files: 1 } as const },
};

function sendImage(reply: FastifyReply, data: Buffer, format: 'png' | 'svg', cache: string) {
  return reply
    .type(format === 'png' ? 'image/png' : 'image/svg+xml')
    .header('content-security-policy', IMAGE_CSP)
    .header('cache-control', cache)
    .send(data);
}

/** A template of the org as the public may see it: drafts do not exist for them. */
async function publicTemplate(ctx: AppContext, slug: string, id: string) {
  const org = await publicOrg(ctx, slug);
  const template = await getTemplate(ctx.db, id);
  if (!template || template.orgId !== org.id || template.status === 'draft') throw notFound('That badge');
  return { org, template };
}

export function wantsLinkedData(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? '';
  return (
    /application\/ld\+json/.test(accept) || (/application\/json/.test(accept) && !/text\/html/.test(accept))
  );
}

export function registerTemplatePages(app: FastifyInstance, ctx: AppContext) {
  const { db, config } = ctx;

  const orgTemplate = async (org: Org, id: string) => {
    const template = await getTemplate(db, id);
    if (!template || template.orgId !== org.id) throw notFound('That badge template');
    return template;
  };

  app.get<{ Params: { slug: string } }>(
    '/manage/:slug/templates',
    { ...hide, config: { access: { role: 'viewer' } } },
    async (request, reply) => {
      const { org, role } = memberOf(request);
      const templates = await listTemplates(db, org.id);
      return reply.html(
        <TemplateListPage ctx={pageContext(request)} org={org} role={role} templates={templates} />,
      );
    },
  );

  app.get<{ Params: { slug: string }; Querystring: Record<string, string> }>(
    '/manage/:slug/templates/preview.svg',
    { ...hide, config: { access: { role: 'issuer' } } },
    async (request, reply) => {
      const svg = renderDesignSvg(designFromValues(request.query));
      return reply
        .type('image/svg+xml')
        .header('content-security-policy', IMAGE_CSP)
        .header('cache-control', 'private, max-age=60')
        .send(svg);
    },
  );

  app.get<{ Params: { slug: string } }>(
    '/manage/:slug/templates/new',
    { ...hide, config: { access: { role: 'admin' } } },
    async (request, reply) => {
      const { org, role } = memberOf(request);
      const values = {
        imageSource: 'designer',
        expiryKind: 'none',
        achievementType: 'Badge',
        ...designValues(designFromValues({})),
        designTitle: '',
      };
      return reply.html(<EditorPage ctx={pageContext(request)} org={org} role={role} values={values} />);
    },
  );

  const imageFrom = async (
    request: FastifyRequest,
    values: TemplateFormValues,
    required: boolean,
  ): Promise<TemplateImageInput | undefined> => {
    const file = fileField(request, 'image');
    if (values.imageSource === 'upload' || (file && values.imageSource !== 'designer')) {
      if (!file) {
        throw invalidField('image', 'Choose a PNG or SVG file to upload, or use the designer.');
      }
      return {
        upload: await prepareUpload(file.data, { maxBytes: MAX_TEMPLATE_IMAGE_BYTES, field: 'image' }),
      };
    }
    if (values.imageSource === 'designer' || required) return { design: designFromValues(values) };
    return undefined;
  };

  app.post<{ Params: { slug: string } }>(
    '/manage/:slug/templates/new',
    { ...withImage, config: { ...withImage.config, access: { role: 'admin' } } },
    async (request, reply) => {
      const { user, org, role } = memberOf(request);
      const { values, input, addingAlignment } = readTemplateForm(request);
      if (addingAlignment)
        return reply.html(<EditorPage ctx={pageContext(request)} org={org} role={role} values={values} />);
      try {
        const image = (await imageFrom(request, values, true))!;
        const template = await createTemplate(db, org.id, input, image, user.id);
        return reply.redirect(`/manage/${org.slug}/templates/${template.id}?saved=1`, 303);
      } catch (e) {
        const failure = formFailure(e);
        return reply.html(
          <EditorPage ctx={pageContext(request)} org={org} role={role} values={values} failure={failure} />,
          failure.status === 409 ? 422 : failure.status,
        );
      }
    },
  );

  app.get<P & { Querystring: { saved?: string } }>(
    '/manage/:slug/templates/:id',
    { ...hide, config: { access: { role: 'admin' } } },
    async (request, reply) => {
      const { org, role } = memberOf(request);
      const template = await orgTemplate(org, request.params.id);
      return reply.html(
        <EditorPage
          ctx={pageContext(request)}
          org={org}
          role={role}
          template={template}
          values={valuesFromTemplate(template)}
          saved={request.query.saved === '1'}
        />,
      );
    },
  );

  app.post<P>(
    '/manage/:slug/templates/:id',
    { ...withImage, config: { ...withImage.config, access: { role: 'admin' } } },
    async (request, reply) => {
      const { org, role } = memberOf(request);
      const template = await orgTemplate(org, request.params.id);
      const { values, input, addingAlignment } = readTemplateForm(request);
      if (addingAlignment)
        return reply.html(
          <EditorPage ctx={pageContext(request)} org={org} role={role} template={template} values={values} />,
        );
      try {
        const image = await imageFrom(request, values, false);
        await updateTemplate(db, template.id, input, image);
        return reply.redirect(`/manage/${org.slug}/templates/${template.id}?saved=1`, 303);
      } catch (e) {
        const failure = formFailure(e);
        return reply.html(
          <EditorPage
            ctx={pageContext(request)}
            org={org}
            role={role}
            template={template}
            values={values}
            failure={failure}
          />,
          failure.status === 409 ? 422 : failure.status,
        );
      }
    },
  );

  app.post<P>(
    '/manage/:slug/templates/:id/status',
    { ...hide, config: { access: { role: 'admin' } } },
    async (request, reply) => {
      const { org, role } = memberOf(request);
      const template = await orgTemplate(org, request.params.id);
      const to = (request.body as Record<string, unknown> | undefined)?.status;
      try {
        await setTemplateStatus(db, template.id, to as TemplateStatus);
        return reply.redirect(`/manage/${org.slug}/templates/${template.id}?saved=1`, 303);
      } catch (e) {
        const failure = formFailure(e);
        return reply.html(
          <EditorPage
            ctx={pageContext(request)}
            org={org}
            role={role}
            template={template}
            values={valuesFromTemplate(template)}
            failure={failure}
          />,
          422,
        );
      }
    },
  );

  app.get<P>(
    '/manage/:slug/templates/:id/image.png',
    { ...hide, config: { access: { role: 'viewer' } } },
    async (request, reply) => {
      const { org } = memberOf(request);
      const template = await orgTemplate(org, request.params.id);
      const png = await templateImage(db, template.id, 'png');
      if (!png) throw notFound('That image');
      return sendImage(reply, png, 'png', 'private, max-age=60');
    },
  );

  // Public pages and documents of a template.
  app.get<P>('/orgs/:slug/badges/:id', { ...hide, config: { access: 'public' } }, async (request, reply) => {
    const { org, template } = await publicTemplate(ctx, request.params.slug, request.params.id);
    reply.header('vary', 'accept');
    if (wantsLinkedData(request)) {
      return reply
        .type('application/ld+json; charset=utf-8')
        .header('access-control-allow-origin', '*')
        .send(JSON.stringify({ '@context': OB3_CONTEXT, ...achievementFor(config, org, template) }, null, 2));
    }
    return reply.html(
      <PublicTemplatePage
        ctx={pageContext(request)}
        org={org}
        template={template}
        url={templateUrl(config, org, template)}
        did={issuerDid(config, org.slug)}
      />,
    );
  });

  app.get<P>(
    '/orgs/:slug/badges/:id/achievement.json',
    { ...hide, config: { access: 'public' } },
    async (request, reply) => {
      const { org, template } = await publicTemplate(ctx, request.params.slug, request.params.id);
      return reply
        .type('application/ld+json; charset=utf-8')
        .header('access-control-allow-origin', '*')
        .header('cache-control', 'public, max-age=300')
        .send(JSON.stringify({ '@context': OB3_CONTEXT, ...achievementFor(config, org, template) }, null, 2));
    },
  );

  app.get<P>(
    '/orgs/:slug/badges/:id/badgeclass.json',
    { ...hide, config: { access: 'public' } },
    async (request, reply) => {
      const { org, template } = await publicTemplate(ctx, request.params.slug, request.params.id);
      return reply
        .type('application/json; charset=utf-8')
        .header('access-control-allow-origin', '*')
        .header('cache-control', 'public, max-age=300')
        .send(JSON.stringify(badgeClassFor(config, org, template), null, 2));
    },
  );

  for (const format of ['png', 'svg'] as const) {
    app.get<P>(
      `/orgs/:slug/badges/:id/image.${format}`,
      { ...hide, config: { access: 'public' } },
      async (request, reply) => {
        const { template } = await publicTemplate(ctx, request.params.slug, request.params.id);
        const data = await templateImage(db, template.id, format);
        if (!data) throw notFound('That image');
        return sendImage(reply, data, format, 'public, max-age=300');
      },
    );
  }
}

function invalidField(fieldName: string, message: string) {
  return new LaurelError('INVALID', 'The badge template could not be saved.', [
    { field: fieldName, message },
  ]);
}
