// The review pages. The queue and the external reviewers are organization pages (reviewer and
// admin roles). An application's page, its files, decisions and thread live under /reviews/:id
// for members and external reviewers alike: the declaration says `user`, and the data rule
// (policy.ts reviewAccess) decides per application — anyone else hears it does not exist.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type TObject, Type } from 'typebox';
import { readFile, sendAsDownload } from '../applications/files.ts';
import { LaurelError, notFound } from '../errors.ts';
import { memberOf, userOf } from '../http/access.ts';
import { pageContext } from '../http/auth.ts';
import type { App, AppContext } from '../http/context.ts';
import { type FormFailure, type FormValues, formFailure, formRoute, readForm } from '../http/forms.ts';
import { statusOf } from '../http/problem.ts';
import {
  FormBody,
  FormText,
  IdParams,
  NoFields,
  QueryFlag,
  SlugIdParams,
  SlugParams,
  TokenParams,
  Uuid,
} from '../http/schemas.ts';
import { roleAtLeast } from '../orgs/access.ts';
import { isUuid } from '../util/checks.ts';
import { listOrgsForUser } from '../orgs/service.ts';
import { getTemplate, listTemplates } from '../templates/service.ts';
import { type ReviewAccess, reviewAccess } from './policy.ts';
import { QUEUE_STATES, type QueueFilter, type QueueState, queueCounts, queuePage } from './queue.ts';
import {
  acceptReviewerInvitation,
  findReviewerInvitation,
  inviteExternalReviewer,
  listExternalReviewers,
  reviewerGrants,
  revokeExternalReviewer,
} from './reviewers.ts';
import { DECISIONS, type Decision, addToThread, decide, loadReview } from './service.ts';
import { ApplicationReviewPage, noticeFor } from './views/application.tsx';
import { QueuePage, type QueueView, reviewPath } from './views/queue.tsx';
import { MyReviewsPage, ReviewerInvitationPage, ReviewersPage } from './views/reviewers.tsx';

const hidden = { hide: true } as const;
const QueueQuery = Type.Object({
  template: Type.Optional(Type.String({ maxLength: 40 })),
  state: Type.Optional(Type.String({ maxLength: 20 })),
  age: Type.Optional(Type.String({ maxLength: 5 })),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
});
const DecisionForm = FormBody({
  decision: FormText({ maxLength: 10 }),
  message: FormText({ maxLength: 5000 }),
});
const ThreadForm = FormBody({ kind: FormText({ maxLength: 10 }), text: FormText({ maxLength: 5000 }) });
const InviteForm = FormBody({
  templateId: FormText({ maxLength: 40 }),
  email: FormText({ maxLength: 320 }),
  name: FormText({ maxLength: 200 }),
});
const FileParams = Type.Object({ id: Uuid, fileId: Uuid });

/** The queue's filter as the page's query names it (unknown values: no filter). */
function filterOf(query: { template?: string; state?: string; age?: string; cursor?: string }) {
  const uuid = isUuid(query.template ?? '') ? query.template : undefined;
  const state =
    (QUEUE_STATES as readonly string[]).includes(query.state ?? '') || query.state === 'all'
      ? (query.state as QueueState | 'all')
      : undefined;
  const age = Number.parseInt(query.age ?? '', 10);
  return {
    filter: { templateId: uuid, state, minAgeDays: age > 0 ? age : undefined, after: query.cursor },
    shown: { template: uuid, state, age: age > 0 ? String(age) : undefined },
  };
}

async function queueView(
  ctx: AppContext,
  base: string,
  scope: Pick<QueueFilter, 'orgId' | 'templateIds'>,
  templates: { id: string; name: string }[],
  query: Parameters<typeof filterOf>[0],
): Promise<QueueView> {
  const { filter, shown } = filterOf(query);
  const [page, counts] = await Promise.all([
    queuePage(ctx.db, { ...scope, ...filter }),
    queueCounts(ctx.db, { ...scope, templateId: filter.templateId }),
  ]);
  return { base, templates, filter: shown, counts, rows: page.rows, next: page.next };
}

export function reviewPages(app: App, ctx: AppContext) {
  const { db, config } = ctx;
  const redirect = (reply: FastifyReply, to: string) => reply.redirect(to, 303);

  app.get(
    '/manage/:slug/reviews',
    {
      config: { access: { role: 'reviewer' } },
      schema: { ...hidden, params: SlugParams, querystring: QueueQuery },
    },
    async (request, reply) => {
      const access = memberOf(request);
      const templates = await listTemplates(db, access.org.id);
      const queue = await queueView(
        ctx,
        `/manage/${access.org.slug}/reviews`,
        { orgId: access.org.id },
        templates,
        request.query,
      );
      return reply.html(<QueuePage ctx={pageContext(request)} access={access} queue={queue} />);
    },
  );

  // ---- External reviewers (admins invite and revoke; the invitee accepts) ----

  const reviewersPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    extra: Partial<Parameters<typeof ReviewersPage>[0]> = {},
    status = 200,
  ) => {
    const access = memberOf(request);
    const [reviewers, templates] = await Promise.all([
      listExternalReviewers(db, access.org.id),
      listTemplates(db, access.org.id, { status: 'active' }),
    ]);
    return reply.html(
      <ReviewersPage
        ctx={pageContext(request)}
        access={access}
        reviewers={reviewers}
        templates={templates}
        {...extra}
      />,
      status,
    );
  };

  app.get(
    '/manage/:slug/reviewers',
    {
      config: { access: { role: 'admin' } },
      schema: {
        ...hidden,
        params: SlugParams,
        querystring: Type.Object({ invited: QueryFlag, revoked: QueryFlag }),
      },
    },
    async (request, reply) =>
      reviewersPage(request, reply, {
        notice: request.query.invited
          ? 'The invitation was sent.'
          : request.query.revoked
            ? 'The reviewer’s access was revoked.'
            : undefined,
      }),
  );

  app.post(
    '/manage/:slug/reviewers',
    { ...formRoute(InviteForm, { params: SlugParams }), config: { access: { role: 'admin' } } },
    async (request, reply) => {
      const access = memberOf(request);
      const form = readForm(request, InviteForm);
      const fail = (f: FormFailure) =>
        reviewersPage(
          request,
          reply,
          { values: form.values, message: f.message, errors: f.errors },
          f.status,
        );
      if (!form.ok) return fail(form.failure);
      try {
        const template = await getTemplate(db, form.values.templateId);
        if (!template || template.orgId !== access.org.id)
          throw new LaurelError('INVALID', 'The invitation was not sent.', [
            { field: 'templateId', message: 'Choose a badge template of this organization.' },
          ]);
        await inviteExternalReviewer(db, config, {
          org: access.org,
          template,
          email: form.values.email,
          name: form.values.name,
          invitedBy: { id: access.user.id, name: access.user.name },
        });
      } catch (e) {
        return fail(formFailure(e));
      }
      return redirect(reply, `/manage/${access.org.slug}/reviewers?invited=1`);
    },
  );

  app.post(
    '/manage/:slug/reviewers/:id/revoke',
    { config: { access: { role: 'admin' } }, schema: { ...hidden, params: SlugIdParams, body: NoFields } },
    async (request, reply) => {
      const access = memberOf(request);
      await revokeExternalReviewer(db, access.org.id, request.params.id);
      return redirect(reply, `/manage/${access.org.slug}/reviewers?revoked=1`);
    },
  );

  app.get(
    '/reviewers/:token',
    { config: { access: 'token' }, schema: { ...hidden, params: TokenParams } },
    async (request, reply) => {
      const found = await findReviewerInvitation(db, request.params.token);
      return reply.html(
        <ReviewerInvitationPage ctx={pageContext(request)} token={request.params.token} found={found} />,
        !found ? 404 : found.usable ? 200 : 410,
      );
    },
  );

  app.post(
    '/reviewers/:token',
    { config: { access: 'token' }, schema: { ...hidden, params: TokenParams, body: NoFields } },
    async (request, reply) => {
      const found = await findReviewerInvitation(db, request.params.token);
      if (!found) throw notFound('This invitation');
      try {
        await acceptReviewerInvitation(db, request.params.token, userOf(request).id);
      } catch (e) {
        if (!(e instanceof LaurelError) || (e.code !== 'FORBIDDEN' && e.code !== 'GONE')) throw e;
        return reply.html(
          <ReviewerInvitationPage
            ctx={pageContext(request)}
            token={request.params.token}
            found={found}
            message={e.message}
          />,
          statusOf(e.code),
        );
      }
      return redirect(reply, '/reviews?accepted=1');
    },
  );

  // ---- What one person reviews, and the application pages ----

  app.get(
    '/reviews',
    {
      config: { access: 'user' },
      schema: { ...hidden, querystring: Type.Object({ ...QueueQuery.properties, accepted: QueryFlag }) },
    },
    async (request, reply) => {
      const user = userOf(request);
      const [orgs, grants] = await Promise.all([listOrgsForUser(db, user.id), reviewerGrants(db, user.id)]);
      const memberships = orgs
        .filter((o) => roleAtLeast(o.role, 'reviewer'))
        .map((o) => ({ slug: o.org.slug, name: o.org.name, role: o.role }));
      const byOrg = new Map<string, { orgName: string; templates: { id: string; name: string }[] }>();
      for (const g of grants) {
        const entry = byOrg.get(g.orgId) ?? { orgName: g.orgName, templates: [] };
        entry.templates.push({ id: g.templateId, name: g.templateName });
        byOrg.set(g.orgId, entry);
      }
      const external = await Promise.all(
        [...byOrg].map(async ([orgId, g]) => ({
          orgName: g.orgName,
          queue: await queueView(
            ctx,
            '/reviews',
            { orgId, templateIds: g.templates.map((t) => t.id) },
            g.templates,
            request.query,
          ),
        })),
      );
      return reply.html(
        <MyReviewsPage
          ctx={pageContext(request)}
          memberships={memberships}
          external={external}
          notice={request.query.accepted ? 'You can now review these applications.' : undefined}
        />,
      );
    },
  );

  const reviewerOf = (access: ReviewAccess, userId: string) => ({
    id: userId,
    role: access.kind === 'external' ? ('external' as const) : ('reviewer' as const),
  });

  const applicationPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    access: ReviewAccess,
    extra: { notice?: string; failure?: Parameters<typeof ApplicationReviewPage>[0]['failure'] } = {},
    status = 200,
  ) => {
    const user = userOf(request);
    const review = await loadReview(db, access.applicationId);
    return reply
      .header('cache-control', 'private, no-store')
      .html(
        <ApplicationReviewPage
          ctx={pageContext(request)}
          review={review}
          orgRole={access.orgRole}
          external={access.kind === 'external'}
          approvedByMe={review.approvals.some((a) => a.reviewerId === user.id)}
          {...extra}
        />,
        status,
      );
  };

  app.get(
    '/reviews/:id',
    {
      config: { access: 'user' },
      schema: {
        ...hidden,
        params: IdParams,
        querystring: Type.Object({ done: Type.Optional(Type.String({ maxLength: 20 })) }),
      },
    },
    async (request, reply) => {
      const access = await reviewAccess(db, userOf(request).id, request.params.id);
      return applicationPage(request, reply, access, { notice: noticeFor(request.query.done) });
    },
  );

  app.get(
    '/reviews/:id/files/:fileId',
    { config: { access: 'user' }, schema: { ...hidden, params: FileParams } },
    async (request, reply) => {
      await reviewAccess(db, userOf(request).id, request.params.id);
      const file = await readFile(db, request.params.fileId);
      if (!file || file.applicationId !== request.params.id) throw notFound('That file');
      return sendAsDownload(reply, file);
    },
  );

  /** A form of the application page: on failure the page again with the form's errors, else back to it. */
  const reviewForm = <S extends TObject>(
    path: 'decision' | 'thread',
    schema: S,
    act: (access: ReviewAccess, userId: string, values: FormValues<S>) => Promise<string>,
  ) =>
    app.post(
      `/reviews/:id/${path}`,
      { ...formRoute(schema, { params: IdParams }), config: { access: 'user' } },
      async (request, reply) => {
        const user = userOf(request);
        const access = await reviewAccess(db, user.id, request.params.id);
        const form = readForm(request, schema);
        const values = form.values as Record<string, string>;
        const fail = (f: FormFailure) =>
          applicationPage(
            request,
            reply,
            access,
            { failure: { form: path, message: f.message, errors: f.errors, values } },
            f.status,
          );
        if (!form.ok) return fail(form.failure);
        try {
          const done = await act(access, user.id, form.values);
          return redirect(reply, `${reviewPath(access.applicationId)}?done=${done}`);
        } catch (e) {
          return fail(formFailure(e));
        }
      },
    );

  reviewForm('decision', DecisionForm, async (access, userId, values) => {
    const decision = values.decision as Decision;
    if (!DECISIONS.includes(decision))
      throw new LaurelError('INVALID', 'Choose approve, return or reject.', [
        { field: 'decision', message: 'Choose approve, return or reject.' },
      ]);
    const outcome = await decide(ctx, {
      applicationId: access.applicationId,
      decision,
      message: values.message,
      reviewer: reviewerOf(access, userId),
    });
    return outcome.awardId ? 'approved' : decision;
  });

  reviewForm('thread', ThreadForm, async (access, userId, values) => {
    const kind = values.kind === 'message' ? 'message' : 'note';
    await addToThread(ctx, {
      applicationId: access.applicationId,
      kind,
      text: values.text,
      actor: reviewerOf(access, userId),
    });
    return kind;
  });
}
