// Getting in: sign-up, login by password or by emailed link, logout, address confirmation and
// password reset. Mailed links answer a GET with a button only: mail scanners that open links
// must not use up the token.
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { pageContext } from '../../http/auth.ts';
import type { App, AppContext } from '../../http/context.ts';
import { formFailure, formRoute, readForm } from '../../http/forms.ts';
import { statusOf } from '../../http/problem.ts';
import { FormBody, FormPassword, FormText, TokenParams } from '../../http/schemas.ts';
import { DEVICE_COOKIE, readDeviceCookie } from '../device-cookie.ts';
import { safeNext } from '../next.ts';
import { confirmEmail } from '../service/emails.ts';
import {
  logIn,
  loginLinkValid,
  requestLoginLink,
  requestPasswordReset,
  resetPassword,
  resetTokenValid,
  useLoginLink,
} from '../service/login.ts';
import { signUp } from '../service/signup.ts';
import { SESSION_COOKIE, destroySession } from '../sessions.ts';
import {
  ConfirmLinkPage,
  EmailConfirmedPage,
  EmailFormPage,
  type FormState,
  LinkGonePage,
  LoginPage,
  ResetPage,
  SentPage,
  SignupPage,
  SignupSentPage,
} from '../views/auth.tsx';
import { startSession } from '../web.ts';

const Email = FormText({ maxLength: 320 });
const Password = FormPassword;
const Next = FormText({ maxLength: 1000 });

const SignupForm = FormBody({
  name: FormText({ maxLength: 200 }),
  email: Email,
  password: Password,
  next: Next,
});
const LoginForm = FormBody({ email: Email, password: Password, next: Next });
const EmailForm = FormBody({ email: Email, next: Next });
const NextForm = FormBody({ next: Next });
const ResetForm = FormBody({ password: Password });

const NextQuery = Type.Object({ next: Next });
const page = { hide: true } as const;
const open = { access: 'public' } as const;
const byToken = { access: 'token' } as const;

/** What a form shows again: the failure and its status. */
type Shown = FormState & { status: number };

const LOGIN_MISMATCH =
  'That email and password do not match an account. Just signed up? Follow the link we emailed you first.';

export function authPages(app: App, ctx: AppContext): void {
  const { db } = ctx;

  app.get(
    '/signup',
    { config: open, schema: { ...page, querystring: Type.Object({ email: Email, next: Next }) } },
    async (request, reply) => {
      const next = safeNext(request.query.next);
      if (request.user) return reply.redirect(next, 303);
      const form = { values: { email: request.query.email ?? '' } };
      return reply.html(SignupPage({ ctx: pageContext(request), next, form }));
    },
  );

  app.post('/signup', { ...formRoute(SignupForm), config: open }, async (request, reply) => {
    const form = readForm(request, SignupForm);
    const next = safeNext(form.values.next);
    const values = { name: form.values.name, email: form.values.email };
    const again = (failure: Shown) =>
      reply.html(
        SignupPage({ ctx: pageContext(request), next, form: { ...failure, values } }),
        failure.status,
      );
    if (!form.ok) return again(form.failure);
    try {
      const first = await signUp(ctx, { ...values, password: form.values.password }, request.ip, next);
      if (!first) return reply.html(SignupSentPage({ ctx: pageContext(request), email: values.email }));
      await startSession(ctx, request, reply, first.id);
      return reply.redirect(next !== '/' ? next : '/account?notice=welcome', 303);
    } catch (e) {
      return again(formFailure(e));
    }
  });

  app.get('/login', { config: open, schema: { ...page, querystring: NextQuery } }, async (request, reply) => {
    const next = safeNext(request.query.next);
    if (request.user) return reply.redirect(next, 303);
    return reply.html(LoginPage({ ctx: pageContext(request), next }));
  });

  app.post('/login', { ...formRoute(LoginForm), config: open }, async (request, reply) => {
    const form = readForm(request, LoginForm);
    const next = safeNext(form.values.next);
    const values = { email: form.values.email };
    const again = (failure: Shown) =>
      reply.html(
        LoginPage({ ctx: pageContext(request), next, form: { ...failure, values } }),
        failure.status,
      );
    if (!form.ok) return again(form.failure);
    try {
      const user = await logIn(ctx, values.email, form.values.password, {
        ip: request.ip,
        device: readDeviceCookie(ctx.config.secret, request.cookies[DEVICE_COOKIE]),
      });
      if (!user) return again({ message: LOGIN_MISMATCH, status: statusOf('INVALID') });
      await startSession(ctx, request, reply, user.id);
      return reply.redirect(next, 303);
    } catch (e) {
      return again(formFailure(e));
    }
  });

  app.post('/logout', { ...formRoute(FormBody({})), config: open }, async (request, reply) => {
    if (request.user) await destroySession(db, request.user.sessionId);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.redirect('/', 303);
  });

  /**
   * A form that mails a link (to log in, to reset the password): the same "check your email"
   * answer whether or not the address has an account.
   */
  const mailedLinkForm = (
    path: string,
    view: { title: string; lead: string; button: string; sent: string; keepNext: boolean },
    send: (email: string, ip: string, next: string) => Promise<void>,
  ) => {
    const render = (request: FastifyRequest, next: string, form?: FormState) =>
      EmailFormPage({
        ctx: pageContext(request),
        title: view.title,
        lead: view.lead,
        action: path,
        button: view.button,
        next: view.keepNext ? next : undefined,
        form,
      });
    app.get(path, { config: open, schema: { ...page, querystring: NextQuery } }, async (request, reply) =>
      reply.html(render(request, safeNext(request.query.next))),
    );
    app.post(path, { ...formRoute(EmailForm), config: open }, async (request, reply) => {
      const form = readForm(request, EmailForm);
      const next = safeNext(form.values.next);
      const values = { email: form.values.email };
      const again = (failure: Shown) =>
        reply.html(render(request, next, { ...failure, values }), failure.status);
      if (!form.ok) return again(form.failure);
      try {
        await send(values.email, request.ip, next);
      } catch (e) {
        return again(formFailure(e));
      }
      return reply.html(SentPage({ ctx: pageContext(request), title: 'Check your email', what: view.sent }));
    });
  };

  mailedLinkForm(
    '/login/link',
    {
      title: 'Log in by email',
      lead: 'We email you a link that logs you in once, within 15 minutes. No password needed.',
      button: 'Email me a login link',
      sent: 'a login link',
      keepNext: true,
    },
    (email, ip, next) => requestLoginLink(ctx, email, ip, next),
  );

  app.get(
    '/login/link/:token',
    { config: byToken, schema: { ...page, params: TokenParams, querystring: NextQuery } },
    async (request, reply) => {
      const { token } = request.params;
      if (!(await loginLinkValid(db, token)))
        return reply.html(LinkGonePage({ ctx: pageContext(request), link: 'login' }), 410);
      return reply.html(
        ConfirmLinkPage({
          ctx: pageContext(request),
          action: `/login/link/${token}`,
          next: safeNext(request.query.next),
        }),
      );
    },
  );

  app.post(
    '/login/link/:token',
    { ...formRoute(NextForm, { params: TokenParams }), config: byToken },
    async (request, reply) => {
      const form = readForm(request, NextForm);
      const userId = await useLoginLink(db, request.params.token);
      if (!userId) return reply.html(LinkGonePage({ ctx: pageContext(request), link: 'login' }), 410);
      await startSession(ctx, request, reply, userId);
      return reply.redirect(safeNext(form.values.next), 303);
    },
  );

  app.get(
    '/verify-email/:token',
    { config: byToken, schema: { ...page, params: TokenParams, querystring: NextQuery } },
    async (request, reply) => {
      const done = await confirmEmail(db, request.params.token);
      if (!done) return reply.html(LinkGonePage({ ctx: pageContext(request), link: 'confirmation' }), 410);
      const next = request.query.next ? safeNext(request.query.next) : undefined;
      return reply.html(EmailConfirmedPage({ ctx: pageContext(request), email: done.email, next }));
    },
  );

  // Password reset.
  mailedLinkForm(
    '/forgot',
    {
      title: 'Reset your password',
      lead: 'Enter the address of your account. We email you a link to choose a new password.',
      button: 'Email me a reset link',
      sent: 'a link to reset the password',
      keepNext: false,
    },
    (email, ip) => requestPasswordReset(ctx, email, ip),
  );

  app.get(
    '/reset/:token',
    { config: byToken, schema: { ...page, params: TokenParams } },
    async (request, reply) => {
      const { token } = request.params;
      if (!(await resetTokenValid(db, token)))
        return reply.html(LinkGonePage({ ctx: pageContext(request), link: 'password reset' }), 410);
      return reply.html(ResetPage({ ctx: pageContext(request), action: `/reset/${token}` }));
    },
  );

  app.post(
    '/reset/:token',
    { ...formRoute(ResetForm, { params: TokenParams }), config: byToken },
    async (request, reply) => {
      const { token } = request.params;
      const form = readForm(request, ResetForm);
      const again = (failure: Shown) =>
        reply.html(
          ResetPage({ ctx: pageContext(request), action: `/reset/${token}`, form: failure }),
          failure.status,
        );
      if (!form.ok) return again(form.failure);
      let userId: string | null;
      try {
        userId = await resetPassword(db, token, form.values.password);
      } catch (e) {
        return again(formFailure(e));
      }
      if (!userId)
        return reply.html(LinkGonePage({ ctx: pageContext(request), link: 'password reset' }), 410);
      request.user = null; // its session is gone with all the others
      await startSession(ctx, request, reply, userId);
      return reply.redirect('/account?notice=password-reset', 303);
    },
  );
}
