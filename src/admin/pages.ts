// The platform administrator's pages: overview, failed jobs and mail, the development mailbox.
import { Type } from 'typebox';
import { notFound } from '../errors.ts';
import { pageContext } from '../http/auth.ts';
import type { App, AppContext } from '../http/context.ts';
import { IdParams, NoFields } from '../http/schemas.ts';
import { retryJob } from '../jobs/queue.ts';
import { retryFailedMail } from '../mail/failures.ts';
import { getMail, htmlWithInlineImages, linksIn, listMail } from '../mail/mailbox.ts';
import { platformOverview } from './service.ts';
import { MailPage, MailboxPage } from './views/mailbox.tsx';
import { AdminPage } from './views/overview.tsx';

const pages = { tags: ['pages'], hide: true } as const;
const access = { access: 'platform admin' } as const;

const notices = new Map([
  ['retried', 'The job will run again shortly.'],
  ['mail-retried', 'The failed emails will be tried again shortly, each for another three days.'],
]);

export function adminPages(app: App, ctx: AppContext) {
  const { db } = ctx;

  app.get(
    '/admin',
    {
      config: access,
      schema: {
        ...pages,
        querystring: Type.Object({ notice: Type.Optional(Type.String({ maxLength: 20 })) }),
      },
    },
    async (request, reply) => {
      const notice = notices.get(request.query.notice ?? '');
      return reply.html(AdminPage({ ctx: pageContext(request), o: await platformOverview(ctx), notice }));
    },
  );

  app.post(
    '/admin/jobs/:id/retry',
    { config: access, schema: { ...pages, params: IdParams, body: NoFields } },
    async (request, reply) => {
      if (!(await retryJob(db, request.params.id))) throw notFound('That failed job');
      return reply.redirect('/admin?notice=retried', 303);
    },
  );

  app.post(
    '/admin/mail/retry-failed',
    { config: access, schema: { ...pages, body: NoFields } },
    async (_request, reply) => {
      await retryFailedMail(db);
      return reply.redirect('/admin?notice=mail-retried', 303);
    },
  );

  app.get(
    '/admin/mail',
    {
      config: access,
      schema: {
        ...pages,
        querystring: Type.Object({
          page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000 })),
          to: Type.Optional(Type.String({ maxLength: 254 })),
        }),
      },
    },
    async (request, reply) => {
      const page = request.query.page ?? 1;
      const to = request.query.to?.trim() || undefined;
      const { items, hasNext } = await listMail(db, { page, to });
      return reply.html(MailboxPage({ ctx: pageContext(request), items, page, hasNext, to }));
    },
  );

  app.get(
    '/admin/mail/:id',
    { config: access, schema: { ...pages, params: IdParams } },
    async (request, reply) => {
      const m = await getMail(db, request.params.id);
      if (!m) throw notFound('That email');
      return reply.html(
        MailPage({
          ctx: pageContext(request),
          m,
          from: ctx.config.mailFrom,
          html: htmlWithInlineImages(m),
          links: linksIn(m),
        }),
      );
    },
  );
}
