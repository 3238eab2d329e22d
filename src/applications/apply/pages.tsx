// The applicant's pages: the form (`/apply/:templateId`, and invitation links with `?invitation=`),
// saving and submitting with files, "My applications", one application's page (withdraw, evidence
// choices, a message to the reviewers), file downloads, public evidence files and renewal.
import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { LaurelError } from '../../errors.ts';
import { userOf } from '../../http/access.ts';
import { pageContext } from '../../http/auth.ts';
import type { App, AppContext } from '../../http/context.ts';
import { type FormFailure, formFailure, formRoute, readForm } from '../../http/forms.ts';
import { isUploadedFile } from '../../http/multipart.ts';
import { FormBody, FormFlag, FormText, IdParams, NoFields, QueryFlag, Uuid } from '../../http/schemas.ts';
import { getItemForAward } from '../../wallet/service.ts';
import { type IncomingFile, listFiles, readFile, sendAsDownload } from '../files.ts';
import type { Answer } from '../tables.ts';
import { readAnswers } from './answers.ts';
import { applicationPath, applyPath } from './links.ts';
import { ownRenewalOffer, renew } from './renewal.ts';
import {
  type Target,
  applicationView,
  chooseEvidence,
  closedReason,
  findOpen,
  getForm,
  getOwnApplication,
  listMyApplications,
  loadTarget,
  readStashedAnswers,
  replyToReviewers,
  saveDraft,
  stashAnswers,
  submitApplication,
  takeStashedAnswers,
  withdrawApplication,
} from './service.ts';
import { ApplyPage, NotOpenPage, SignUpToContinuePage } from './views/form.tsx';
import { RenewPage } from './views/renew.tsx';
import { ApplicationPage, MyApplicationsPage } from './views/status.tsx';

/** The cookie that finds a visitor's kept answers again after signing up (a day at most). */
const STASH_COOKIE = 'laurel_apply';
/** The route's ceiling; each template's own limits (settings) are checked by storeFiles. */
const UPLOAD = { fileBytes: 50 * 1024 * 1024, files: 20 } as const;

const TemplateParams = Type.Object({ templateId: Uuid });
const FileParams = Type.Object({ id: Uuid, fileId: Uuid });
const AwardParams = Type.Object({ awardId: Uuid });
const ApplyQuery = Type.Object({ invitation: FormText({ maxLength: 200 }), saved: QueryFlag });
const StatusQuery = Type.Object({
  submitted: QueryFlag,
  withdrawn: QueryFlag,
  saved: QueryFlag,
  sent: QueryFlag,
});
// Answers (`a_<id>`), files (`f_<id>`) and the file checkboxes are named by the form version's
// questions: they pass through this schema and are read against the questions (answers.ts).
const ApplyForm = FormBody({
  action: FormText({ maxLength: 20 }),
  invitation: FormText({ maxLength: 200 }),
  evidenceShown: FormFlag,
});
const ReplyForm = FormBody({ message: FormText({ maxLength: 4000 }) });
const WithdrawForm = FormBody({ reason: FormText({ maxLength: 2000 }) });

const noStore = (reply: FastifyReply) => reply.header('cache-control', 'private, no-store');
const list = (v: unknown): string[] =>
  (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === 'string');

export function applyPages(app: App, ctx: AppContext) {
  const cookieOptions = {
    path: '/apply',
    httpOnly: true,
    sameSite: 'lax',
    secure: ctx.config.secureCookies,
  } as const;

  /** The form page, for a new application or the person's open draft / returned one. */
  const showForm = async (
    request: FastifyRequest,
    reply: FastifyReply,
    target: Target,
    opts: {
      invitation?: string | undefined;
      answers?: Record<string, Answer>;
      notice?: string | undefined;
      failure?: FormFailure;
    } = {},
  ) => {
    noStore(reply);
    const user = request.user;
    const open = user ? await findOpen(ctx.db, user.id, target.template.id) : null;
    if (open?.state === 'submitted') return reply.redirect(applicationPath(open.id), 303);
    if (!open) {
      const gate = await closedReason(ctx.db, target, {
        userId: user?.id ?? null,
        invitationToken: opts.invitation,
      });
      if (gate.reason)
        return reply.html(
          <NotOpenPage
            ctx={pageContext(request)}
            title={`Apply for “${target.template.name}”`}
            reason={gate.reason}
            next={applyPath(target.template.id, opts.invitation)}
          />,
          opts.failure ? opts.failure.status : 200,
        );
    }
    const form = open ? await getForm(ctx.db, open.formId) : target.form;
    const returnMessage =
      open?.state === 'returned'
        ? ((
            await ctx.db
              .selectFrom('applicationEvents')
              .select('message')
              .where('applicationId', '=', open.id)
              .where('kind', '=', 'transition')
              .where('toState', '=', 'returned')
              .orderBy('id', 'desc')
              .limit(1)
              .executeTakeFirst()
          )?.message ?? null)
        : null;
    return reply.html(
      <ApplyPage
        ctx={pageContext(request)}
        templateId={target.template.id}
        badgeName={target.template.name}
        orgName={target.org.name}
        orgSlug={target.org.slug}
        instructions={form.instructions}
        questions={form.questions}
        answers={opts.answers ?? open?.answers ?? {}}
        files={open ? await listFiles(ctx.db, open.id) : []}
        state={open ? (open.state as 'draft' | 'returned') : 'new'}
        returnMessage={returnMessage}
        renewal={!!open?.renewsAwardId}
        invitation={opts.invitation}
        maxFileBytes={target.settings.maxFileBytes}
        notice={opts.notice}
        failure={opts.failure}
      />,
      opts.failure?.status ?? 200,
    );
  };

  app.get(
    '/apply/:templateId',
    { config: { access: 'public' }, schema: { hide: true, params: TemplateParams, querystring: ApplyQuery } },
    async (request, reply) => {
      const target = await loadTarget(ctx.db, request.params.templateId);
      const { invitation, saved } = request.query;
      // Back from signing up: what was typed before is shown again, to be saved or submitted.
      const stash = request.user ? request.cookies[STASH_COOKIE] : undefined;
      const kept = stash ? await readStashedAnswers(ctx.db, stash, target.template.id) : null;
      return showForm(request, reply, target, {
        invitation,
        ...(kept
          ? { answers: kept, notice: 'Your answers were kept. Check them, attach any files, and submit.' }
          : {}),
        ...(saved ? { notice: 'Your draft is saved. Come back to it any time from “My applications”.' } : {}),
      });
    },
  );

  app.post(
    '/apply/:templateId',
    {
      ...formRoute(ApplyForm, { params: TemplateParams }),
      config: { access: 'public', upload: UPLOAD },
    },
    async (request, reply) => {
      noStore(reply);
      const target = await loadTarget(ctx.db, request.params.templateId);
      const body = (request.body ?? {}) as Record<string, unknown>;
      const form = readForm(request, ApplyForm);
      const invitation =
        form.values.invitation || ((request.query as { invitation?: string }).invitation ?? '') || undefined;
      const user = request.user;
      const open = user ? await findOpen(ctx.db, user.id, target.template.id) : null;
      const questions = open ? (await getForm(ctx.db, open.formId)).questions : target.form.questions;
      const { answers, errors } = readAnswers(questions, body);
      const again = (failure: FormFailure) =>
        showForm(request, reply, target, { invitation, answers, failure });
      if (!form.ok) return again(form.failure);
      if (errors.length) return again({ status: 422, message: 'Please correct the errors below.', errors });

      if (!user) {
        // A visitor: keep what was typed, and sign up (or log in) on the way.
        const gate = await closedReason(ctx.db, target, { userId: null, invitationToken: invitation });
        if (gate.reason && target.settings.mode !== 'invitation')
          return showForm(request, reply, target, { invitation });
        const token = request.cookies[STASH_COOKIE] ?? randomBytes(24).toString('base64url');
        await stashAnswers(ctx.db, token, target.template.id, target.form.id, answers);
        reply.setCookie(STASH_COOKIE, token, { ...cookieOptions, maxAge: 86_400 });
        return reply.html(
          <SignUpToContinuePage
            ctx={pageContext(request)}
            badgeName={target.template.name}
            next={applyPath(target.template.id, invitation)}
          />,
        );
      }

      const files: IncomingFile[] = Object.entries(body).flatMap(([name, v]) =>
        name.startsWith('f_')
          ? (Array.isArray(v) ? v : [v])
              .filter(isUploadedFile)
              .filter((f) => f.data.length > 0)
              .map((f) => ({ questionId: name.slice(2), filename: f.filename, data: f.data }))
          : [],
      );
      let saved: Awaited<ReturnType<typeof saveDraft>>;
      try {
        saved = await saveDraft(ctx, { id: user.id, name: user.name }, target, {
          answers,
          files,
          removeFileIds: list(body.removeFile),
          publicFileIds: form.values.evidenceShown ? list(body.publicFile) : undefined,
          invitationToken: invitation,
        });
      } catch (e) {
        return again(formFailure(e));
      }
      // The kept answers are in the draft now.
      const stash = request.cookies[STASH_COOKIE];
      if (stash) {
        await takeStashedAnswers(ctx.db, stash, target.template.id);
        reply.clearCookie(STASH_COOKIE, cookieOptions);
      }
      if (form.values.action !== 'submit')
        return reply.redirect(
          `${applyPath(target.template.id, invitation)}${invitation ? '&' : '?'}saved=1`,
          303,
        );
      try {
        await submitApplication(ctx, { id: user.id, name: user.name }, saved.id);
      } catch (e) {
        return showForm(request, reply, target, { invitation, failure: formFailure(e) });
      }
      return reply.redirect(`${applicationPath(saved.id)}?submitted=1`, 303);
    },
  );

  app.get('/applications', { config: { access: 'user' }, schema: { hide: true } }, async (request, reply) => {
    noStore(reply);
    const user = userOf(request);
    return reply.html(
      <MyApplicationsPage
        ctx={pageContext(request)}
        applications={await listMyApplications(ctx.db, user.id)}
      />,
    );
  });

  const showApplication = async (
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    opts: { notice?: string | undefined; failure?: FormFailure } = {},
  ) => {
    noStore(reply);
    const user = userOf(request);
    const view = await applicationView(ctx.db, user.id, id);
    const item = view.application.awardId ? await getItemForAward(ctx.db, view.application.awardId) : null;
    return reply.html(
      <ApplicationPage
        ctx={pageContext(request)}
        view={view}
        walletItemId={item?.userId === user.id ? item.id : null}
        notice={opts.notice}
        failure={opts.failure}
      />,
      opts.failure?.status ?? 200,
    );
  };

  app.get(
    '/applications/:id',
    { config: { access: 'user' }, schema: { hide: true, params: IdParams, querystring: StatusQuery } },
    async (request, reply) => {
      const q = request.query;
      const notice = q.submitted
        ? 'Your application is submitted. We emailed you a confirmation; you will hear when it has been reviewed.'
        : q.withdrawn
          ? 'Your application is withdrawn.'
          : q.saved
            ? 'Saved.'
            : q.sent
              ? 'Your message was sent.'
              : undefined;
      return showApplication(request, reply, request.params.id, { notice });
    },
  );

  /** A form on the application's page: the action, then back to the page (or the page with the failure). */
  const act = (
    path: string,
    schema: Parameters<typeof formRoute>[0],
    run: (request: FastifyRequest, userId: string, id: string) => Promise<unknown>,
    done: string,
  ) =>
    app.post(
      path,
      { ...formRoute(schema, { params: IdParams }), config: { access: 'user' } },
      async (request, reply) => {
        const user = userOf(request);
        const { id } = request.params as { id: string };
        try {
          await run(request, user.id, id);
        } catch (e) {
          return showApplication(request, reply, id, { failure: formFailure(e) });
        }
        return reply.redirect(`${applicationPath(id)}?${done}=1`, 303);
      },
    );

  act(
    '/applications/:id/withdraw',
    WithdrawForm,
    (request, userId, id) =>
      withdrawApplication(ctx, userId, id, readForm(request, WithdrawForm).values.reason || null),
    'withdrawn',
  );
  act(
    '/applications/:id/evidence',
    NoFields,
    (request, userId, id) =>
      chooseEvidence(ctx, userId, id, list((request.body as Record<string, unknown>)?.publicFile)),
    'saved',
  );
  act(
    '/applications/:id/reply',
    ReplyForm,
    async (request, userId, id) => {
      const message = readForm(request, ReplyForm).values.message;
      if (!message)
        throw new LaurelError('INVALID', 'Write a message first.', [
          { field: 'message', message: 'Fill in this field.' },
        ]);
      await replyToReviewers(ctx, userId, id, message);
    },
    'sent',
  );

  app.get(
    '/applications/:id/files/:fileId',
    { config: { access: 'user' }, schema: { hide: true, params: FileParams } },
    async (request, reply) => {
      const user = userOf(request);
      await getOwnApplication(ctx.db, user.id, request.params.id);
      const file = await readFile(ctx.db, request.params.fileId);
      if (!file || file.applicationId !== request.params.id)
        throw new LaurelError('NOT_FOUND', 'That file does not exist.');
      return sendAsDownload(reply, file);
    },
  );

  // Public evidence: reachable by anyone only while the applicant keeps the file public, and only
  // once its application was approved (it is then linked from the issued credential).
  app.get(
    '/evidence/:fileId',
    { config: { access: 'public' }, schema: { hide: true, params: Type.Object({ fileId: Uuid }) } },
    async (request, reply) => {
      const file = await readFile(ctx.db, request.params.fileId);
      const approved = file?.public
        ? await ctx.db
            .selectFrom('applications')
            .select('id')
            .where('id', '=', file.applicationId)
            .where('state', '=', 'approved')
            .executeTakeFirst()
        : undefined;
      if (!file || !approved)
        throw new LaurelError('NOT_FOUND', 'That file does not exist or is not public.');
      return sendAsDownload(reply, file);
    },
  );

  app.get(
    '/apply/renew/:awardId',
    { config: { access: 'user' }, schema: { hide: true, params: AwardParams } },
    async (request, reply) => {
      noStore(reply);
      const user = userOf(request);
      const offer = await ownRenewalOffer(ctx.db, user.id, request.params.awardId);
      const item = (await getItemForAward(ctx.db, request.params.awardId))!;
      return reply.html(
        <RenewPage
          ctx={pageContext(request)}
          awardId={request.params.awardId}
          offer={offer}
          walletItemId={item.id}
        />,
      );
    },
  );

  app.post(
    '/apply/renew/:awardId',
    { ...formRoute(NoFields, { params: AwardParams }), config: { access: 'user' } },
    async (request, reply) => {
      const user = userOf(request);
      const outcome = await renew(ctx, { id: user.id, name: user.name }, request.params.awardId);
      if (outcome.kind === 'instant')
        return reply.redirect(`/wallet/${outcome.walletItemId}?accepted=1`, 303);
      const row = await getOwnApplication(ctx.db, user.id, outcome.applicationId);
      return reply.redirect(applyPath(row.templateId), 303);
    },
  );
}
