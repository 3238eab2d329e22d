// Bulk issuing from a CSV: upload → preview (every row with its errors, nothing issued) →
// confirm → a background job issues in chunks → progress.
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { memberOf } from '../../http/access.ts';
import { pageContext } from '../../http/auth.ts';
import type { App, AppContext } from '../../http/context.ts';
import {
  type FormFailure,
  fieldFailure,
  fileField,
  formFailure,
  formRoute,
  readForm,
} from '../../http/forms.ts';
import { FormBody, FormText, NoFields, Slug, SlugParams, Uuid } from '../../http/schemas.ts';
import { listTemplates } from '../../templates/service.ts';
import { BATCH_PAGE_ROWS, MAX_CSV_MB, PROBLEM_OUTCOMES, type RowView, rowView } from './presenters.ts';
import { SAMPLE_CSV, SAMPLE_CSV_NAME } from './sample.ts';
import {
  batchRows,
  cancelBatch,
  confirmBatch,
  createBatch,
  getBatch,
  listBatches,
  progressOf,
} from './service.ts';
import { BatchPage } from './views/batch.tsx';
import { UploadPage } from './views/upload.tsx';

const BatchParams = Type.Object({ slug: Slug, batchId: Uuid });
const BatchQuery = Type.Object({
  rows: Type.Optional(Type.Union([Type.Literal('all'), Type.Literal('problems')])),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
});
// The file comes as an upload beside the declared text field (fileField).
const UploadFields = FormBody({ templateId: FormText({ maxLength: 64 }) });
const hidden = { hide: true };

export function bulkPages(app: App, ctx: AppContext) {
  const uploadPage = async (request: FastifyRequest, templateId?: string, failure?: FormFailure) => {
    const access = memberOf(request);
    const [templates, batches] = await Promise.all([
      listTemplates(ctx.db, access.org.id),
      listBatches(ctx.db, access.org.id),
    ]);
    return (
      <UploadPage
        page={pageContext(request)}
        access={access}
        templates={templates}
        batches={batches}
        templateId={templateId}
        message={failure?.message}
        errors={failure?.errors}
      />
    );
  };

  const batchPage = async (
    request: FastifyRequest,
    batchId: string,
    opts: { rows?: RowView['show']; page?: number; message?: string } = {},
  ) => {
    const access = memberOf(request);
    const batch = await getBatch(ctx.db, access.org.id, batchId);
    const templates = await listTemplates(ctx.db, access.org.id);
    const p = progressOf(batch);
    const view = rowView(batch, p.invalid + p.failed, opts);
    const rows = await batchRows(ctx.db, batch.id, {
      outcome: view.show === 'problems' ? PROBLEM_OUTCOMES : undefined,
      limit: BATCH_PAGE_ROWS,
      offset: (view.page - 1) * BATCH_PAGE_ROWS,
    });
    return (
      <BatchPage
        page={pageContext(request)}
        access={access}
        batch={batch}
        templateName={templates.find((t) => t.id === batch.templateId)?.name ?? 'Badge'}
        rows={rows}
        view={view}
        message={opts.message}
      />
    );
  };

  app.get(
    '/manage/:slug/bulk',
    { config: { access: { role: 'issuer' } }, schema: { ...hidden, params: SlugParams } },
    async (request, reply) => reply.html(await uploadPage(request)),
  );

  app.get(
    '/manage/:slug/bulk/sample.csv',
    { config: { access: { role: 'issuer' } }, schema: { ...hidden, params: SlugParams } },
    async (_request, reply) =>
      reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${SAMPLE_CSV_NAME}"`)
        .send(SAMPLE_CSV),
  );

  app.post(
    '/manage/:slug/bulk',
    {
      ...formRoute(UploadFields, { params: SlugParams }),
      config: { access: { role: 'issuer' }, upload: { fileBytes: MAX_CSV_MB * 1024 * 1024, files: 1 } },
    },
    async (request, reply) => {
      const access = memberOf(request);
      const form = readForm(request, UploadFields);
      const { templateId } = form.values;
      if (!form.ok)
        return reply.html(await uploadPage(request, templateId, form.failure), form.failure.status);
      const file = fileField(request, 'file');
      if (!file) {
        const failure = fieldFailure('file', 'Choose a CSV file to upload.', 'Choose a CSV file to upload.');
        return reply.html(await uploadPage(request, templateId, failure), failure.status);
      }
      try {
        const batchId = await createBatch(ctx, {
          orgId: access.org.id,
          templateId,
          filename: file.filename,
          data: file.data,
          createdBy: access.user.id,
        });
        return reply.redirect(`/manage/${access.org.slug}/bulk/${batchId}`, 303);
      } catch (e) {
        const failure = formFailure(e);
        return reply.html(await uploadPage(request, templateId, failure), failure.status);
      }
    },
  );

  app.get(
    '/manage/:slug/bulk/:batchId',
    {
      config: { access: { role: 'issuer' } },
      schema: { ...hidden, params: BatchParams, querystring: BatchQuery },
    },
    async (request, reply) => reply.html(await batchPage(request, request.params.batchId, request.query)),
  );

  app.get(
    '/manage/:slug/bulk/:batchId/progress.json',
    { config: { access: { role: 'issuer' } }, schema: { ...hidden, params: BatchParams } },
    async (request, reply) => {
      const access = memberOf(request);
      const batch = await getBatch(ctx.db, access.org.id, request.params.batchId);
      return reply.header('cache-control', 'no-store').send(progressOf(batch));
    },
  );

  app.post(
    '/manage/:slug/bulk/:batchId/confirm',
    { ...formRoute(NoFields, { params: BatchParams }), config: { access: { role: 'issuer' } } },
    async (request, reply) => {
      const access = memberOf(request);
      try {
        await confirmBatch(ctx, access.org.id, request.params.batchId);
      } catch (e) {
        const failure = formFailure(e);
        const page = await batchPage(request, request.params.batchId, { message: failure.message });
        return reply.html(page, failure.status);
      }
      return reply.redirect(`/manage/${access.org.slug}/bulk/${request.params.batchId}`, 303);
    },
  );

  app.post(
    '/manage/:slug/bulk/:batchId/cancel',
    { ...formRoute(NoFields, { params: BatchParams }), config: { access: { role: 'issuer' } } },
    async (request, reply) => {
      const access = memberOf(request);
      await cancelBatch(ctx.db, access.org.id, request.params.batchId);
      return reply.redirect(`/manage/${access.org.slug}/bulk`, 303);
    },
  );
}
