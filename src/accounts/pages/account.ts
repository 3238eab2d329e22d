// The account page and its forms (profile, addresses, password, merging another account). A
// form that succeeds redirects back with a notice; one that fails shows the page again with
// the failure beside that form.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { LaurelError } from '../../errors.ts';
import { userOf } from '../../http/access.ts';
import { pageContext } from '../../http/auth.ts';
import type { App, AppContext } from '../../http/context.ts';
import { type FormFailure, formFailure, formRoute, readForm } from '../../http/forms.ts';
import {
  FormBody,
  FormFlag,
  FormPassword,
  FormText,
  IdParams,
  NoFields,
  TokenParams,
} from '../../http/schemas.ts';
import { addEmail, makePrimaryEmail, removeEmail, resendVerification } from '../service/emails.ts';
import { changePassword } from '../service/login.ts';
import { confirmMerge, previewMerge, requestMerge } from '../service/merge.ts';
import { getUser, listEmails, updateProfile } from '../service/users.ts';
import { ACCOUNT_NOTICES, type AccountForm, AccountPage, MergePage } from '../views/account.tsx';
import { type FormState, LinkGonePage } from '../views/auth.tsx';

const Email = FormText({ maxLength: 320 });
const ProfileForm = FormBody({
  name: FormText({ maxLength: 200 }),
  handle: FormText({ maxLength: 100 }),
  bio: FormText({ maxLength: 2000 }),
  profilePublic: FormFlag,
});
const EmailForm = FormBody({ email: Email });
const PasswordForm = FormBody({ current: FormPassword, next: FormPassword });

const signedIn = { access: 'user' } as const;
const byToken = { access: 'token' } as const;

export function accountPages(app: App, ctx: AppContext): void {
  const { db } = ctx;

  const renderAccount = async (
    request: FastifyRequest,
    reply: FastifyReply,
    opts: { notice?: string; failed?: { form: AccountForm; state: FormState }; status?: number } = {},
  ) => {
    const user = await getUser(db, userOf(request).id);
    if (!user) throw new LaurelError('UNAUTHENTICATED', 'Please log in to continue.');
    const emails = await listEmails(db, user.id);
    return reply.html(
      AccountPage({ ctx: pageContext(request), user, emails, notice: opts.notice, failed: opts.failed }),
      opts.status ?? 200,
    );
  };

  /**
   * Runs one of the page's forms: `run` does the work and names the notice to show. `values`
   * is what the form shows again on a failure (never a password).
   */
  const accountForm = async (
    request: FastifyRequest,
    reply: FastifyReply,
    form: { name: AccountForm; result: { ok: true } | { ok: false; failure: FormFailure } },
    values: Record<string, string>,
    run: () => Promise<string>,
  ) => {
    const again = (failure: FormFailure) =>
      renderAccount(request, reply, {
        failed: { form: form.name, state: { ...failure, values } },
        status: failure.status,
      });
    if (!form.result.ok) return again(form.result.failure);
    try {
      const notice = await run();
      return reply.redirect(`/account?notice=${notice}`, 303);
    } catch (e) {
      return again(formFailure(e));
    }
  };

  app.get(
    '/account',
    {
      config: signedIn,
      schema: { hide: true, querystring: Type.Object({ notice: FormText({ maxLength: 40 }) }) },
    },
    async (request, reply) =>
      renderAccount(request, reply, { notice: ACCOUNT_NOTICES[request.query.notice ?? ''] }),
  );

  app.post('/account/profile', { ...formRoute(ProfileForm), config: signedIn }, async (request, reply) => {
    const result = readForm(request, ProfileForm);
    const v = result.values;
    return accountForm(request, reply, { name: 'profile', result }, { ...v }, async () => {
      await updateProfile(db, userOf(request).id, {
        name: v.name,
        handle: v.handle,
        bio: v.bio,
        profilePublic: v.profilePublic === 'on',
      });
      return 'profile';
    });
  });

  app.post('/account/emails', { ...formRoute(EmailForm), config: signedIn }, async (request, reply) => {
    const result = readForm(request, EmailForm);
    const { email } = result.values;
    return accountForm(request, reply, { name: 'email', result }, { email }, async () => {
      await addEmail(ctx, userOf(request).id, email);
      return 'email-added';
    });
  });

  const emailAction = { ...formRoute(NoFields, { params: IdParams }), config: signedIn };

  app.post('/account/emails/:id/resend', emailAction, async (request, reply) =>
    accountForm(request, reply, { name: 'email', result: readForm(request, NoFields) }, {}, async () => {
      await resendVerification(ctx, userOf(request).id, request.params.id, request.ip);
      return 'email-resent';
    }),
  );

  app.post('/account/emails/:id/primary', emailAction, async (request, reply) =>
    accountForm(request, reply, { name: 'email', result: readForm(request, NoFields) }, {}, async () => {
      await makePrimaryEmail(db, userOf(request).id, request.params.id);
      return 'email-primary';
    }),
  );

  app.post('/account/emails/:id/remove', emailAction, async (request, reply) =>
    accountForm(request, reply, { name: 'email', result: readForm(request, NoFields) }, {}, async () => {
      const user = userOf(request);
      await removeEmail(db, user.id, request.params.id, user.sessionId);
      return 'email-removed';
    }),
  );

  app.post('/account/password', { ...formRoute(PasswordForm), config: signedIn }, async (request, reply) => {
    const result = readForm(request, PasswordForm);
    return accountForm(request, reply, { name: 'password', result }, {}, async () => {
      const user = userOf(request);
      await changePassword(db, user.id, result.values, user.sessionId);
      return 'password';
    });
  });

  app.post('/account/merge', { ...formRoute(EmailForm), config: signedIn }, async (request, reply) => {
    const result = readForm(request, EmailForm);
    const { email } = result.values;
    return accountForm(request, reply, { name: 'merge', result }, { email }, async () => {
      await requestMerge(ctx, userOf(request).id, email, request.ip);
      return 'merge-sent';
    });
  });

  app.get(
    '/account/merge/:token',
    { config: byToken, schema: { hide: true, params: TokenParams } },
    async (request, reply) => {
      const { token } = request.params;
      const preview = await previewMerge(db, token, userOf(request).id);
      if (!preview) return reply.html(LinkGonePage({ ctx: pageContext(request), link: 'merge' }), 410);
      return reply.html(
        MergePage({
          ctx: pageContext(request),
          action: `/account/merge/${token}`,
          from: preview.from,
          fromEmails: preview.fromEmails,
        }),
      );
    },
  );

  app.post(
    '/account/merge/:token',
    { ...formRoute(NoFields, { params: TokenParams }), config: byToken },
    async (request, reply) => {
      const done = await confirmMerge(ctx, request.params.token, userOf(request).id);
      if (!done) return reply.html(LinkGonePage({ ctx: pageContext(request), link: 'merge' }), 410);
      return reply.redirect('/account?notice=merged', 303);
    },
  );
}
