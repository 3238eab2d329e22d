import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { LaurelError } from '../errors.ts';
import { userOf } from '../http/access.ts';
import { pageContext } from '../http/auth.ts';
import type { AppContext, Feature } from '../http/context.ts';
import type { AccountTables } from './tables.ts';
import { safeNext } from './next.ts';
import {
  ACCOUNT_NOTICES,
  type AccountForm,
  AccountPage,
  ConfirmLinkPage,
  EmailConfirmedPage,
  EmailFormPage,
  type FormState,
  LinkGonePage,
  LoginPage,
  MergePage,
  ResetPage,
  SentPage,
  SignupPage,
  SignupSentPage,
} from './pages.tsx';
import {
  addEmail,
  changePassword,
  confirmEmail,
  confirmMerge,
  getUser,
  listEmails,
  logIn,
  loginLinkValid,
  makePrimaryEmail,
  previewMerge,
  removeEmail,
  requestLoginLink,
  requestMerge,
  requestPasswordReset,
  resendVerification,
  resetPassword,
  resetTokenValid,
  signUp,
  updateProfile,
  useLoginLink,
} from './service.ts';
import { DEVICE_COOKIE, DEVICE_COOKIE_DAYS, issueDeviceCookie, readDeviceCookie } from './device-cookie.ts';
import { SESSION_COOKIE, createSession, destroySession } from './sessions.ts';

const str = (max: number) => Type.Optional(Type.String({ maxLength: max }));
const form = (fields: Record<string, ReturnType<typeof str>>) => Type.Object({ _csrf: str(200), ...fields });
const tokenParams = Type.Object({ token: Type.String({ maxLength: 100 }) });
const idParams = Type.Object({ id: Type.String({ maxLength: 40 }) });
const nextQuery = Type.Object({ next: str(1000) });

type Body = Record<string, string | undefined>;
const field = (body: unknown, name: string) => ((body as Body | undefined)?.[name] ?? '').toString();

/** Validation problems re-render the form (422); a rate limit answers 429 with the form. */
function formFailure(e: unknown): { status: number; state: FormState } | null {
  if (!(e instanceof LaurelError)) return null;
  if (e.code === 'INVALID' || e.code === 'CONFLICT') {
    return { status: 422, state: { message: e.message, errors: e.fields } };
  }
  if (e.code === 'RATE_LIMITED') return { status: 429, state: { message: e.message } };
  return null;
}

async function startSession(ctx: AppContext, request: FastifyRequest, reply: FastifyReply, userId: string) {
  // A new login replaces whatever session this browser had (no fixation, no mixed accounts).
  if (request.user) await destroySession(ctx.db, request.user.sessionId);
  const token = await createSession(ctx.db, userId, request.headers['user-agent']);
  const cookie = { path: '/', httpOnly: true, sameSite: 'lax', secure: ctx.config.secureCookies } as const;
  reply.setCookie(SESSION_COOKIE, token, { ...cookie, maxAge: 30 * 86_400 });
  // This browser has now logged in to the account: its login attempts are exempt from the
  // account-wide failure limit (see logIn).
  reply.setCookie(DEVICE_COOKIE, issueDeviceCookie(ctx.config.secret, userId), {
    ...cookie,
    maxAge: DEVICE_COOKIE_DAYS * 86_400,
  });
}

const pages = { tags: ['pages'], hide: true };

export const accountsFeature: Feature<AccountTables> = {
  name: 'accounts',
  routes: (app, ctx) => {
    const { db } = ctx;

    app.get<{ Querystring: { email?: string; next?: string } }>(
      '/signup',
      {
        config: { access: 'public' },
        schema: { ...pages, querystring: Type.Object({ email: str(320), next: str(1000) }) },
      },
      async (request, reply) => {
        const next = safeNext(request.query.next);
        if (request.user) return reply.redirect(next, 303);
        return reply.html(
          SignupPage({
            ctx: pageContext(request),
            next,
            form: { values: { email: request.query.email ?? '' } },
          }),
        );
      },
    );

    app.post<{ Body: Body }>(
      '/signup',
      {
        config: { access: 'public' },
        schema: {
          ...pages,
          body: form({ name: str(200), email: str(320), password: str(500), next: str(1000) }),
        },
      },
      async (request, reply) => {
        const next = safeNext(request.body.next);
        const values = { name: field(request.body, 'name'), email: field(request.body, 'email') };
        try {
          const first = await signUp(
            ctx,
            { ...values, password: field(request.body, 'password') },
            request.ip,
            next,
          );
          if (!first) return reply.html(SignupSentPage({ ctx: pageContext(request), email: values.email }));
          await startSession(ctx, request, reply, first.id);
          return reply.redirect(next !== '/' ? next : '/account?notice=welcome', 303);
        } catch (e) {
          const failed = formFailure(e);
          if (!failed) throw e;
          return reply.html(
            SignupPage({ ctx: pageContext(request), next, form: { ...failed.state, values } }),
            failed.status,
          );
        }
      },
    );

    app.get<{ Querystring: { next?: string } }>(
      '/login',
      { config: { access: 'public' }, schema: { ...pages, querystring: nextQuery } },
      async (request, reply) => {
        const next = safeNext(request.query.next);
        if (request.user) return reply.redirect(next, 303);
        return reply.html(LoginPage({ ctx: pageContext(request), next }));
      },
    );

    app.post<{ Body: Body }>(
      '/login',
      {
        config: { access: 'public' },
        schema: { ...pages, body: form({ email: str(320), password: str(500), next: str(1000) }) },
      },
      async (request, reply) => {
        const next = safeNext(request.body.next);
        const values = { email: field(request.body, 'email') };
        try {
          const user = await logIn(ctx, values.email, field(request.body, 'password'), {
            ip: request.ip,
            device: readDeviceCookie(ctx.config.secret, request.cookies[DEVICE_COOKIE]),
          });
          if (!user) {
            return reply.html(
              LoginPage({
                ctx: pageContext(request),
                next,
                form: {
                  message:
                    'That email and password do not match an account. Just signed up? Follow the link we emailed you first.',
                  values,
                },
              }),
              422,
            );
          }
          await startSession(ctx, request, reply, user.id);
          return reply.redirect(next, 303);
        } catch (e) {
          const failed = formFailure(e);
          if (!failed) throw e;
          return reply.html(
            LoginPage({ ctx: pageContext(request), next, form: { ...failed.state, values } }),
            failed.status,
          );
        }
      },
    );

    app.post(
      '/logout',
      { config: { access: 'public' }, schema: { ...pages, body: form({}) } },
      async (request, reply) => {
        if (request.user) await destroySession(db, request.user.sessionId);
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
        return reply.redirect('/', 303);
      },
    );

    // Log in by emailed link.
    const linkForm = (request: FastifyRequest, next: string, state?: FormState) =>
      EmailFormPage({
        ctx: pageContext(request),
        title: 'Log in by email',
        lead: 'We email you a link that logs you in once, within 15 minutes. No password needed.',
        action: '/login/link',
        button: 'Email me a login link',
        next,
        form: state,
      });

    app.get<{ Querystring: { next?: string } }>(
      '/login/link',
      { config: { access: 'public' }, schema: { ...pages, querystring: nextQuery } },
      async (request, reply) => reply.html(linkForm(request, safeNext(request.query.next))),
    );

    app.post<{ Body: Body }>(
      '/login/link',
      {
        config: { access: 'public' },
        schema: { ...pages, body: form({ email: str(320), next: str(1000) }) },
      },
      async (request, reply) => {
        const next = safeNext(request.body.next);
        const values = { email: field(request.body, 'email') };
        try {
          await requestLoginLink(ctx, values.email, request.ip, next);
        } catch (e) {
          const failed = formFailure(e);
          if (!failed) throw e;
          return reply.html(linkForm(request, next, { ...failed.state, values }), failed.status);
        }
        return reply.html(
          SentPage({ ctx: pageContext(request), title: 'Check your email', what: 'a login link' }),
        );
      },
    );

    // The GET only shows a button: mail scanners that open links must not use up the token.
    app.get<{ Params: { token: string }; Querystring: { next?: string } }>(
      '/login/link/:token',
      { config: { access: 'token' }, schema: { ...pages, params: tokenParams, querystring: nextQuery } },
      async (request, reply) => {
        const { token } = request.params;
        if (!(await loginLinkValid(db, token))) {
          return reply.html(
            LinkGonePage({
              ctx: pageContext(request),
              what: 'login',
              retry: { href: '/login/link', label: 'Send a new link' },
            }),
            410,
          );
        }
        return reply.html(
          ConfirmLinkPage({
            ctx: pageContext(request),
            action: `/login/link/${token}`,
            next: safeNext(request.query.next),
          }),
        );
      },
    );

    app.post<{ Params: { token: string }; Body: Body }>(
      '/login/link/:token',
      {
        config: { access: 'token' },
        schema: { ...pages, params: tokenParams, body: form({ next: str(1000) }) },
      },
      async (request, reply) => {
        const userId = await useLoginLink(db, request.params.token);
        if (!userId) {
          return reply.html(
            LinkGonePage({
              ctx: pageContext(request),
              what: 'login',
              retry: { href: '/login/link', label: 'Send a new link' },
            }),
            410,
          );
        }
        await startSession(ctx, request, reply, userId);
        return reply.redirect(safeNext(request.body.next), 303);
      },
    );

    app.get<{ Params: { token: string }; Querystring: { next?: string } }>(
      '/verify-email/:token',
      { config: { access: 'token' }, schema: { ...pages, params: tokenParams, querystring: nextQuery } },
      async (request, reply) => {
        const done = await confirmEmail(db, request.params.token);
        if (!done) {
          return reply.html(
            LinkGonePage({
              ctx: pageContext(request),
              what: 'confirmation',
              retry: request.user
                ? { href: '/account', label: 'Send a new link from your account' }
                : { href: '/login', label: 'Log in to send a new link' },
            }),
            410,
          );
        }
        const next = request.query.next ? safeNext(request.query.next) : undefined;
        return reply.html(EmailConfirmedPage({ ctx: pageContext(request), email: done.email, next }));
      },
    );

    // Password reset.
    const forgotForm = (request: FastifyRequest, state?: FormState) =>
      EmailFormPage({
        ctx: pageContext(request),
        title: 'Reset your password',
        lead: 'Enter the address of your account. We email you a link to choose a new password.',
        action: '/forgot',
        button: 'Email me a reset link',
        form: state,
      });

    app.get('/forgot', { config: { access: 'public' }, schema: pages }, async (request, reply) =>
      reply.html(forgotForm(request)),
    );

    app.post<{ Body: Body }>(
      '/forgot',
      { config: { access: 'public' }, schema: { ...pages, body: form({ email: str(320) }) } },
      async (request, reply) => {
        const values = { email: field(request.body, 'email') };
        try {
          await requestPasswordReset(ctx, values.email, request.ip);
        } catch (e) {
          const failed = formFailure(e);
          if (!failed) throw e;
          return reply.html(forgotForm(request, { ...failed.state, values }), failed.status);
        }
        return reply.html(
          SentPage({
            ctx: pageContext(request),
            title: 'Check your email',
            what: 'a link to reset the password',
          }),
        );
      },
    );

    const resetGone = (request: FastifyRequest) =>
      LinkGonePage({
        ctx: pageContext(request),
        what: 'password reset',
        retry: { href: '/forgot', label: 'Ask for a new link' },
      });

    app.get<{ Params: { token: string } }>(
      '/reset/:token',
      { config: { access: 'token' }, schema: { ...pages, params: tokenParams } },
      async (request, reply) => {
        const { token } = request.params;
        if (!(await resetTokenValid(db, token))) return reply.html(resetGone(request), 410);
        return reply.html(ResetPage({ ctx: pageContext(request), action: `/reset/${token}` }));
      },
    );

    app.post<{ Params: { token: string }; Body: Body }>(
      '/reset/:token',
      {
        config: { access: 'token' },
        schema: { ...pages, params: tokenParams, body: form({ password: str(500) }) },
      },
      async (request, reply) => {
        const { token } = request.params;
        let userId: string | null;
        try {
          userId = await resetPassword(db, token, field(request.body, 'password'));
        } catch (e) {
          const failed = formFailure(e);
          if (!failed) throw e;
          return reply.html(
            ResetPage({ ctx: pageContext(request), action: `/reset/${token}`, form: failed.state }),
            failed.status,
          );
        }
        if (!userId) return reply.html(resetGone(request), 410);
        request.user = null; // its session is gone with all the others
        await startSession(ctx, request, reply, userId);
        return reply.redirect('/account?notice=password-reset', 303);
      },
    );

    // The account page and its forms.
    const renderAccount = async (
      request: FastifyRequest,
      reply: FastifyReply,
      opts: { notice?: string; failed?: { form: AccountForm; state: FormState }; status?: number } = {},
    ) => {
      const current = userOf(request);
      const user = await getUser(db, current.id);
      if (!user) throw new LaurelError('UNAUTHENTICATED', 'Please log in to continue.');
      const emails = await listEmails(db, user.id);
      return reply.html(
        AccountPage({ ctx: pageContext(request), user, emails, notice: opts.notice, failed: opts.failed }),
        opts.status ?? 200,
      );
    };

    /** Runs an account form: success → 303 back with a notice; a problem → the page again with it. */
    const accountForm =
      (
        formName: AccountForm,
        keep: string[],
        run: (
          request: FastifyRequest<{ Body: Body; Params: { id?: string } }>,
          userId: string,
        ) => Promise<string>,
      ) =>
      async (request: FastifyRequest<{ Body: Body; Params: { id?: string } }>, reply: FastifyReply) => {
        const user = userOf(request);
        try {
          const notice = await run(request, user.id);
          return reply.redirect(`/account?notice=${notice}`, 303);
        } catch (e) {
          const failed = formFailure(e);
          if (!failed) throw e;
          const values: Record<string, string> = {};
          for (const k of keep) values[k] = field(request.body, k);
          return renderAccount(request, reply, {
            failed: { form: formName, state: { ...failed.state, values } },
            status: failed.status,
          });
        }
      };

    app.get<{ Querystring: { notice?: string } }>(
      '/account',
      { config: { access: 'user' }, schema: { ...pages, querystring: Type.Object({ notice: str(40) }) } },
      async (request, reply) =>
        renderAccount(request, reply, { notice: ACCOUNT_NOTICES[request.query.notice ?? ''] }),
    );

    app.post(
      '/account/profile',
      {
        config: { access: 'user' },
        schema: {
          ...pages,
          body: form({ name: str(200), handle: str(100), bio: str(2000), profilePublic: str(10) }),
        },
      },
      accountForm('profile', ['name', 'handle', 'bio', 'profilePublic'], async (request, userId) => {
        await updateProfile(db, userId, {
          name: field(request.body, 'name'),
          handle: field(request.body, 'handle'),
          bio: field(request.body, 'bio'),
          profilePublic: field(request.body, 'profilePublic') === 'on',
        });
        return 'profile';
      }),
    );

    app.post(
      '/account/emails',
      { config: { access: 'user' }, schema: { ...pages, body: form({ email: str(320) }) } },
      accountForm('email', ['email'], async (request, userId) => {
        await addEmail(ctx, userId, field(request.body, 'email'));
        return 'email-added';
      }),
    );

    app.post(
      '/account/emails/:id/resend',
      { config: { access: 'user' }, schema: { ...pages, params: idParams, body: form({}) } },
      accountForm('email', [], async (request, userId) => {
        await resendVerification(ctx, userId, request.params.id!, request.ip);
        return 'email-resent';
      }),
    );

    app.post(
      '/account/emails/:id/primary',
      { config: { access: 'user' }, schema: { ...pages, params: idParams, body: form({}) } },
      accountForm('email', [], async (request, userId) => {
        await makePrimaryEmail(db, userId, request.params.id!);
        return 'email-primary';
      }),
    );

    app.post(
      '/account/emails/:id/remove',
      { config: { access: 'user' }, schema: { ...pages, params: idParams, body: form({}) } },
      accountForm('email', [], async (request, userId) => {
        await removeEmail(db, userId, request.params.id!, request.user!.sessionId);
        return 'email-removed';
      }),
    );

    app.post(
      '/account/password',
      { config: { access: 'user' }, schema: { ...pages, body: form({ current: str(500), next: str(500) }) } },
      accountForm('password', [], async (request, userId) => {
        await changePassword(
          db,
          userId,
          { current: field(request.body, 'current'), next: field(request.body, 'next') },
          request.user!.sessionId,
        );
        return 'password';
      }),
    );

    app.post(
      '/account/merge',
      { config: { access: 'user' }, schema: { ...pages, body: form({ email: str(320) }) } },
      accountForm('merge', ['email'], async (request, userId) => {
        await requestMerge(ctx, userId, field(request.body, 'email'), request.ip);
        return 'merge-sent';
      }),
    );

    const mergeGone = (request: FastifyRequest) =>
      LinkGonePage({
        ctx: pageContext(request),
        what: 'merge',
        retry: { href: '/account', label: 'Go to your account' },
      });

    app.get<{ Params: { token: string } }>(
      '/account/merge/:token',
      { config: { access: 'token' }, schema: { ...pages, params: tokenParams } },
      async (request, reply) => {
        const user = userOf(request);
        const preview = await previewMerge(db, request.params.token);
        if (!preview) return reply.html(mergeGone(request), 410);
        if (preview.intoUserId !== user.id) {
          throw new LaurelError(
            'FORBIDDEN',
            'This merge link was made for another account. Log in to that account to use it.',
          );
        }
        return reply.html(
          MergePage({
            ctx: pageContext(request),
            action: `/account/merge/${request.params.token}`,
            from: preview.from,
            fromEmails: preview.fromEmails,
          }),
        );
      },
    );

    app.post<{ Params: { token: string } }>(
      '/account/merge/:token',
      { config: { access: 'token' }, schema: { ...pages, params: tokenParams, body: form({}) } },
      async (request, reply) => {
        const user = userOf(request);
        const done = await confirmMerge(ctx, request.params.token, user.id);
        if (!done) return reply.html(mergeGone(request), 410);
        return reply.redirect('/account?notice=merged', 303);
      },
    );
  },
};
