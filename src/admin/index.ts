import { sql } from 'kysely';
import { Type } from 'typebox';
import { countUsers } from '../accounts/service.ts';
import { notFound } from '../errors.ts';
import { pageContext } from '../http/auth.ts';
import type { Feature } from '../http/context.ts';
import { jobCounts, listFailedJobs, retryJob } from '../jobs/queue.ts';
import { listFailedMail, retryFailedMail } from '../mail/failures.ts';
import { getMail, htmlWithInlineImages, linksIn, listMail, mailCounts } from '../mail/mailbox.ts';
import { AdminPage, MailPage, MailboxPage } from './pages.tsx';

const pages = { tags: ['pages'], hide: true };

const notices = new Map([
  ['retried', 'The job will run again shortly.'],
  ['mail-retried', 'The failed emails will be tried again shortly, each for another three days.'],
]);

/** The platform administrator's pages: overview, failed jobs and mail, the development mailbox. */
export const adminFeature: Feature = {
  name: 'admin',
  routes: (app, ctx) => {
    const { db } = ctx;

    app.get<{ Querystring: { notice?: string } }>(
      '/admin',
      {
        config: { access: 'platform admin' },
        schema: {
          ...pages,
          querystring: Type.Object({ notice: Type.Optional(Type.String({ maxLength: 20 })) }),
        },
      },
      async (request, reply) => {
        // A plain count for the overview; the orgs feature exposes no counter of its own.
        const orgs = await sql<{ n: number }>`SELECT count(*)::int AS n FROM orgs`.execute(db);
        const o = {
          users: await countUsers(db),
          orgs: orgs.rows[0]?.n ?? 0,
          jobs: await jobCounts(db),
          mail: await mailCounts(db),
          failed: await listFailedJobs(db),
          failedMail: await listFailedMail(db),
          smtp: Boolean(ctx.config.smtpUrl),
        };
        const notice = notices.get(request.query.notice ?? '');
        return reply.html(AdminPage({ ctx: pageContext(request), o, notice }));
      },
    );

    app.post<{ Params: { id: string } }>(
      '/admin/jobs/:id/retry',
      {
        config: { access: 'platform admin' },
        schema: { ...pages, params: Type.Object({ id: Type.String({ format: 'uuid' }) }) },
      },
      async (request, reply) => {
        if (!(await retryJob(db, request.params.id))) throw notFound('That failed job');
        return reply.redirect('/admin?notice=retried', 303);
      },
    );

    app.post(
      '/admin/mail/retry-failed',
      { config: { access: 'platform admin' }, schema: pages },
      async (_request, reply) => {
        await retryFailedMail(db);
        return reply.redirect('/admin?notice=mail-retried', 303);
      },
    );

    app.get<{ Querystring: { page?: number; to?: string } }>(
      '/admin/mail',
      {
        config: { access: 'platform admin' },
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

    app.get<{ Params: { id: string } }>(
      '/admin/mail/:id',
      {
        config: { access: 'platform admin' },
        schema: { ...pages, params: Type.Object({ id: Type.String({ maxLength: 40 }) }) },
      },
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
  },
};
