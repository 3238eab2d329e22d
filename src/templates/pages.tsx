// The templates feature's HTML: the management pages (list, editor, status, images) and the
// public page of a template with its documents and images.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { invalid, notFound } from '../errors.ts';
import { memberOf } from '../http/access.ts';
import { pageContext } from '../http/auth.ts';
import type { App, AppContext } from '../http/context.ts';
import type { Runtime } from '../http/runtime.ts';
import {
  type FormFailure,
  fieldFailure,
  fileField,
  formFailure,
  formRoute,
  readForm,
} from '../http/forms.ts';
import { IMAGE_CSP, sendPublicJson } from '../http/responses.ts';
import { QueryFlag, SlugIdParams, SlugParams } from '../http/schemas.ts';
import { roleAtLeast } from '../orgs/access.ts';
import { issuerDid } from '../orgs/presenters.ts';
import { applyOffers } from '../applications/manage/listing.ts';
import { renderDesignSvg } from './designer.ts';
import { DesignQuery, StatusForm, TemplateForm, designFromValues, readTemplateForm } from './form.ts';
import { MAX_TEMPLATE_IMAGE_BYTES, prepareUpload } from './images.ts';
import { isTemplateStatus } from './policy.ts';
import {
  type TemplateFormValues,
  achievementDocument,
  badgeClassFor,
  designValues,
  templateUrl,
  valuesFromTemplate,
} from './presenters.ts';
import {
  type Template,
  type TemplateImageInput,
  createTemplate,
  getOrgTemplate,
  getPublicTemplate,
  listTemplates,
  setTemplateStatus,
  templateImage,
  updateTemplate,
} from './service.ts';
import { EditorPage } from './views/editor.tsx';
import { PublicTemplatePage } from './views/public-template.tsx';
import { TemplateListPage } from './views/template-list.tsx';

/** The editor's form: one image, checked for size as it streams in. */
const upload = { fileBytes: MAX_TEMPLATE_IMAGE_BYTES, files: 1 } as const;

function sendImage(reply: FastifyReply, data: Buffer, format: 'png' | 'svg', cache: string) {
  return reply
    .type(format === 'png' ? 'image/png' : 'image/svg+xml')
    .header('content-security-policy', IMAGE_CSP)
    .header('cache-control', cache)
    .send(data);
}

/** Linked data rather than the page: a client asking for JSON-LD or JSON but not HTML. */
function wantsLinkedData(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? '';
  return (
    /application\/ld\+json/.test(accept) || (/application\/json/.test(accept) && !/text\/html/.test(accept))
  );
}

/** The image the editor chose: an upload, the designer's, or none (keep the current one). */
async function imageFrom(
  runtime: Runtime,
  request: FastifyRequest,
  values: TemplateFormValues,
): Promise<TemplateImageInput | undefined> {
  const file = fileField(request, 'image');
  if (values.imageSource === 'upload' || (file && values.imageSource !== 'designer')) {
    if (!file) {
      throw invalid('The badge template could not be saved.', [
        { field: 'image', message: 'Choose a PNG or SVG file to upload, or use the designer.' },
      ]);
    }
    return {
      upload: await prepareUpload(runtime, file.data, { maxBytes: MAX_TEMPLATE_IMAGE_BYTES, field: 'image' }),
    };
  }
  if (values.imageSource === 'designer') return { design: designFromValues(values) };
  return undefined;
}

/** The editor page: a new template or a saved one, with what was typed and what went wrong. */
function showEditor(
  request: FastifyRequest,
  reply: FastifyReply,
  view: { template?: Template; values: TemplateFormValues; failure?: FormFailure; saved?: boolean },
) {
  const { org, role } = memberOf(request);
  return reply.html(
    <EditorPage
      ctx={pageContext(request)}
      org={org}
      role={role}
      template={view.template}
      values={view.values}
      failure={view.failure}
      saved={view.saved}
    />,
    view.failure?.status,
  );
}

const showSaved = (reply: FastifyReply, org: { slug: string }, id: string) =>
  reply.redirect(`/manage/${org.slug}/templates/${id}?saved=1`, 303);

export function registerTemplatePages(app: App, ctx: AppContext) {
  const { db, config } = ctx;

  /** The editor's post, new (no template) or saved: save it, or show it again with what went wrong. */
  async function saveEditor(request: FastifyRequest, reply: FastifyReply, template?: Template) {
    const { user, org } = memberOf(request);
    const form = readForm(request, TemplateForm);
    const { values, input, addingAlignment } = readTemplateForm(form.values);
    const page = (failure?: FormFailure) => showEditor(request, reply, { template, values, failure });
    if (!form.ok) return page(form.failure);
    if (addingAlignment) return page();
    try {
      const image = await imageFrom(ctx.runtime, request, values);
      const saved = template
        ? await updateTemplate(ctx, template.id, input, image)
        : await createTemplate(ctx, org.id, input, image ?? { design: designFromValues(values) }, user.id);
      return showSaved(reply, org, saved.id);
    } catch (e) {
      return page(formFailure(e));
    }
  }

  app.get(
    '/manage/:slug/templates',
    { schema: { hide: true, params: SlugParams }, config: { access: { role: 'viewer' } } },
    async (request, reply) => {
      const { org, role } = memberOf(request);
      const templates = await listTemplates(db, org.id);
      return reply.html(
        <TemplateListPage
          ctx={pageContext(request)}
          org={org}
          role={role}
          canEdit={roleAtLeast(role, 'admin')}
          templates={templates}
        />,
      );
    },
  );

  app.get(
    '/manage/:slug/templates/preview.svg',
    {
      schema: { hide: true, params: SlugParams, querystring: DesignQuery },
      config: { access: { role: 'issuer' } },
    },
    async (request, reply) => {
      const svg = renderDesignSvg(designFromValues(request.query));
      return reply
        .type('image/svg+xml')
        .header('content-security-policy', IMAGE_CSP)
        .header('cache-control', 'private, max-age=60')
        .send(svg);
    },
  );

  app.get(
    '/manage/:slug/templates/new',
    { schema: { hide: true, params: SlugParams }, config: { access: { role: 'admin' } } },
    async (request, reply) => {
      const values = {
        imageSource: 'designer',
        expiryKind: 'none',
        achievementType: 'Badge',
        ...designValues(designFromValues({})),
        designTitle: '',
      };
      return showEditor(request, reply, { values });
    },
  );

  app.post(
    '/manage/:slug/templates/new',
    {
      ...formRoute(TemplateForm),
      schema: { hide: true, params: SlugParams, body: TemplateForm },
      config: { upload, access: { role: 'admin' } },
    },
    async (request, reply) => saveEditor(request, reply),
  );

  app.get(
    '/manage/:slug/templates/:id',
    {
      schema: { hide: true, params: SlugIdParams, querystring: Type.Object({ saved: QueryFlag }) },
      config: { access: { role: 'admin' } },
    },
    async (request, reply) => {
      const template = await getOrgTemplate(db, memberOf(request).org, request.params.id);
      const saved = request.query.saved === '1';
      return showEditor(request, reply, { template, values: valuesFromTemplate(template), saved });
    },
  );

  app.post(
    '/manage/:slug/templates/:id',
    {
      ...formRoute(TemplateForm),
      schema: { hide: true, params: SlugIdParams, body: TemplateForm },
      config: { upload, access: { role: 'admin' } },
    },
    async (request, reply) => {
      const { org } = memberOf(request);
      return saveEditor(request, reply, await getOrgTemplate(db, org, request.params.id));
    },
  );

  app.post(
    '/manage/:slug/templates/:id/status',
    {
      ...formRoute(StatusForm),
      schema: { hide: true, params: SlugIdParams, body: StatusForm },
      config: { access: { role: 'admin' } },
    },
    async (request, reply) => {
      const { org } = memberOf(request);
      const template = await getOrgTemplate(db, org, request.params.id);
      const form = readForm(request, StatusForm);
      const page = (failure: FormFailure) =>
        showEditor(request, reply, { template, values: valuesFromTemplate(template), failure });
      if (!form.ok) return page(form.failure);
      const to = form.values.status;
      if (!isTemplateStatus(to)) return page(fieldFailure('status', 'Choose one of the options.'));
      try {
        await setTemplateStatus(db, template.id, to);
        return showSaved(reply, org, template.id);
      } catch (e) {
        return page(formFailure(e));
      }
    },
  );

  app.get(
    '/manage/:slug/templates/:id/image.png',
    { schema: { hide: true, params: SlugIdParams }, config: { access: { role: 'viewer' } } },
    async (request, reply) => {
      const { org } = memberOf(request);
      const template = await getOrgTemplate(db, org, request.params.id);
      const png = await templateImage(db, template.id, 'png');
      if (!png) throw notFound('That image');
      return sendImage(reply, png, 'png', 'private, max-age=60');
    },
  );

  // Public pages and documents of a template.
  const open = { schema: { hide: true, params: SlugIdParams }, config: { access: 'public' as const } };

  app.get('/orgs/:slug/badges/:id', open, async (request, reply) => {
    const { org, template } = await getPublicTemplate(ctx, request.params.slug, request.params.id);
    reply.header('vary', 'accept');
    if (wantsLinkedData(request)) {
      return reply
        .type('application/ld+json; charset=utf-8')
        .header('access-control-allow-origin', '*')
        .send(JSON.stringify(achievementDocument(config, org, template), null, 2));
    }
    return reply.html(
      <PublicTemplatePage
        ctx={pageContext(request)}
        org={org}
        template={template}
        apply={await applyOffers(ctx, org.id, [template])}
        url={templateUrl(config, org, template)}
        did={issuerDid(config, org.slug)}
      />,
    );
  });

  app.get('/orgs/:slug/badges/:id/achievement.json', open, async (request, reply) => {
    const { org, template } = await getPublicTemplate(ctx, request.params.slug, request.params.id);
    return sendPublicJson(reply, achievementDocument(config, org, template), 'application/ld+json');
  });

  app.get('/orgs/:slug/badges/:id/badgeclass.json', open, async (request, reply) => {
    const { org, template } = await getPublicTemplate(ctx, request.params.slug, request.params.id);
    return sendPublicJson(reply, badgeClassFor(config, org, template));
  });

  for (const format of ['png', 'svg'] as const) {
    app.get(`/orgs/:slug/badges/:id/image.${format}`, open, async (request, reply) => {
      const { template } = await getPublicTemplate(ctx, request.params.slug, request.params.id);
      const data = await templateImage(db, template.id, format);
      if (!data) throw notFound('That image');
      return sendImage(reply, data, format, 'public, max-age=300');
    });
  }
}
