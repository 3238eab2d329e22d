// The organization side of earning by application: the "How this badge is earned" settings, the
// form builder and its preview, invitations to apply (administrators of the organization), and
// the QR code of a public template's application link (anyone, while it is open).
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { notFound } from '../../errors.ts';
import { memberOf } from '../../http/access.ts';
import { pageContext } from '../../http/auth.ts';
import type { App, AppContext } from '../../http/context.ts';
import { type FormFailure, fieldFailure, formFailure, formRoute, readForm } from '../../http/forms.ts';
import { IMAGE_CSP } from '../../http/responses.ts';
import { FormBody, FormFlag, FormText, QueryFlag, SlugIdParams } from '../../http/schemas.ts';
import { qrSvg } from '../../sharing/links.ts';
import { type Template, getOrgTemplate, getPublicTemplate } from '../../templates/service.ts';
import { BuilderForm, type BuilderValues, readBuilder, valuesFromForm } from './builder.ts';
import { formHistory, formVersion, latestForm, saveFormVersion } from './forms.ts';
import { inviteToApply, listInvitations, parseEmailList, revokeInvitation } from './invitations.ts';
import { applyUrl } from '../apply/links.ts';
import { SettingsForm, type SettingsValues, readSettingsForm, settingsValues } from './settings-form.ts';
import { availability, countByState, getApplicationSettings, saveApplicationSettings } from './settings.ts';
import { BuilderPage } from './views/builder.tsx';
import { earningBase } from './views/frame.tsx';
import { InvitationsPage } from './views/invitations.tsx';
import { PreviewPage } from './views/preview.tsx';
import { SettingsPage } from './views/settings.tsx';

const admin = { access: { role: 'admin' as const } };
const Saved = Type.Object({ saved: QueryFlag });

const InviteForm = FormBody({
  emails: FormText({ maxLength: 100_000 }),
  message: FormText({ maxLength: 2_000 }),
  send: FormFlag,
});
const RevokeForm = FormBody({
  invitation: Type.String({ format: 'uuid', 'x-message': 'Choose an invitation to revoke.' }),
});

export function registerManagePages(app: App, ctx: AppContext) {
  const { db, config } = ctx;

  /** The template of the address, for a member of its organization. */
  const templateOf = (request: FastifyRequest) =>
    getOrgTemplate(db, memberOf(request).org, (request.params as { id: string }).id);

  // Settings -------------------------------------------------------------------------------------

  async function showSettings(
    request: FastifyRequest,
    reply: FastifyReply,
    template: Template,
    view: { values?: SettingsValues; failure?: FormFailure; saved?: boolean } = {},
  ) {
    const { org, role } = memberOf(request);
    const [now, counts, form] = await Promise.all([
      availability(db, template),
      countByState(db, template.id),
      latestForm(db, template.id),
    ]);
    return reply.html(
      <SettingsPage
        frame={{ ctx: pageContext(request), org, role, template }}
        values={view.values ?? settingsValues(now.settings)}
        availability={now}
        counts={counts}
        hasQuestions={!!form?.questions.length}
        applyUrl={applyUrl(config, template.id)}
        failure={view.failure}
        saved={view.saved}
      />,
      view.failure?.status,
    );
  }

  app.get(
    '/manage/:slug/templates/:id/earning',
    { schema: { hide: true, params: SlugIdParams, querystring: Saved }, config: admin },
    async (request, reply) =>
      showSettings(request, reply, await templateOf(request), { saved: request.query.saved === '1' }),
  );

  app.post(
    '/manage/:slug/templates/:id/earning',
    { ...formRoute(SettingsForm, { params: SlugIdParams }), config: admin },
    async (request, reply) => {
      const { org, user } = memberOf(request);
      const template = await templateOf(request);
      const form = readForm(request, SettingsForm);
      const show = (failure: FormFailure) =>
        showSettings(request, reply, template, { values: form.values, failure });
      if (!form.ok) return show(form.failure);
      try {
        const latest = await latestForm(db, template.id);
        await saveApplicationSettings(
          db,
          template,
          readSettingsForm(form.values),
          { templateActive: template.status === 'active', hasQuestions: !!latest?.questions.length },
          user.id,
        );
        return reply.redirect(`${earningBase(org, template)}?saved=1`, 303);
      } catch (e) {
        return show(formFailure(e));
      }
    },
  );

  // The form builder and its preview --------------------------------------------------------------

  async function showBuilder(
    request: FastifyRequest,
    reply: FastifyReply,
    template: Template,
    view: {
      values: BuilderValues;
      failure?: FormFailure;
      notice?: 'saved' | 'unchanged';
      preview?: Parameters<typeof BuilderPage>[0]['preview'];
    },
  ) {
    const { org, role } = memberOf(request);
    const [history, settings] = await Promise.all([
      formHistory(db, template.id),
      getApplicationSettings(db, template.id),
    ]);
    return reply.html(
      <BuilderPage
        frame={{ ctx: pageContext(request), org, role, template }}
        values={view.values}
        history={history}
        failure={view.failure}
        notice={view.notice}
        preview={view.preview}
        maxFileBytes={settings.maxFileBytes}
      />,
      view.failure?.status,
    );
  }

  app.get(
    '/manage/:slug/templates/:id/earning/form',
    {
      schema: {
        hide: true,
        params: SlugIdParams,
        querystring: Type.Object({ saved: QueryFlag, unchanged: QueryFlag }),
      },
      config: admin,
    },
    async (request, reply) => {
      const template = await templateOf(request);
      const notice =
        request.query.saved === '1' ? 'saved' : request.query.unchanged === '1' ? 'unchanged' : undefined;
      return showBuilder(request, reply, template, {
        values: valuesFromForm(await latestForm(db, template.id)),
        notice,
      });
    },
  );

  app.post(
    '/manage/:slug/templates/:id/earning/form',
    { ...formRoute(BuilderForm, { params: SlugIdParams }), config: admin },
    async (request, reply) => {
      const { org, user } = memberOf(request);
      const template = await templateOf(request);
      const form = readForm(request, BuilderForm);
      const { values, input, intent, baseVersion } = readBuilder(form.values);
      if (!form.ok) return showBuilder(request, reply, template, { values, failure: form.failure });
      if (intent === 'edit') return showBuilder(request, reply, template, { values });
      if (intent === 'preview') return showBuilder(request, reply, template, { values, preview: input });
      try {
        const saved = await saveFormVersion(db, template.id, baseVersion, input, user.id);
        const flag = saved.created ? 'saved' : 'unchanged';
        return reply.redirect(`${earningBase(org, template)}/form?${flag}=1`, 303);
      } catch (e) {
        const failure = formFailure(e);
        // After someone else's save, the next save is made on top of theirs.
        if (failure.status === 409)
          values.baseVersion = String((await latestForm(db, template.id))?.version ?? baseVersion);
        return showBuilder(request, reply, template, { values, failure });
      }
    },
  );

  app.get(
    '/manage/:slug/templates/:id/earning/form/preview',
    {
      schema: {
        hide: true,
        params: SlugIdParams,
        querystring: Type.Object({ version: Type.Optional(Type.String({ pattern: '^[0-9]{1,9}$' })) }),
      },
      config: admin,
    },
    async (request, reply) => {
      const { org, role } = memberOf(request);
      const template = await templateOf(request);
      const [latest, settings] = await Promise.all([
        latestForm(db, template.id),
        getApplicationSettings(db, template.id),
      ]);
      const asked = request.query.version ? Number(request.query.version) : null;
      const form =
        asked === null || asked === latest?.version ? latest : await formVersion(db, template.id, asked);
      if (asked !== null && !form) throw notFound('That version of the form');
      return reply.html(
        <PreviewPage
          frame={{ ctx: pageContext(request), org, role, template }}
          form={form}
          latestVersion={latest?.version ?? 0}
          maxFileBytes={settings.maxFileBytes}
        />,
      );
    },
  );

  // Invitations ------------------------------------------------------------------------------------

  async function showInvitations(
    request: FastifyRequest,
    reply: FastifyReply,
    template: Template,
    view: Partial<
      Pick<Parameters<typeof InvitationsPage>[0], 'values' | 'failure' | 'created' | 'sent' | 'revoked'>
    > = {},
  ) {
    const { org, role } = memberOf(request);
    const [settings, invitations] = await Promise.all([
      getApplicationSettings(db, template.id),
      listInvitations(db, template.id),
    ]);
    return reply.html(
      <InvitationsPage
        frame={{ ctx: pageContext(request), org, role, template }}
        mode={settings.mode}
        invitations={invitations}
        values={view.values ?? {}}
        failure={view.failure}
        created={view.created}
        sent={view.sent}
        revoked={view.revoked}
      />,
      view.failure?.status,
    );
  }

  app.get(
    '/manage/:slug/templates/:id/earning/invitations',
    {
      schema: { hide: true, params: SlugIdParams, querystring: Type.Object({ revoked: QueryFlag }) },
      config: admin,
    },
    async (request, reply) =>
      showInvitations(request, reply, await templateOf(request), { revoked: request.query.revoked === '1' }),
  );

  app.post(
    '/manage/:slug/templates/:id/earning/invitations',
    { ...formRoute(InviteForm, { params: SlugIdParams }), config: admin },
    async (request, reply) => {
      const { org, user } = memberOf(request);
      const template = await templateOf(request);
      const form = readForm(request, InviteForm);
      const values = form.values as Record<string, string>;
      if (!form.ok) return showInvitations(request, reply, template, { values, failure: form.failure });
      const list = parseEmailList(form.values.emails);
      if (list.errors.length)
        return showInvitations(request, reply, template, {
          values,
          failure: fieldFailure('emails', list.errors[0]!.message, 'Nobody was invited.'),
        });
      const send = form.values.send === '1' || form.values.send === 'on';
      try {
        const created = await inviteToApply(db, config, {
          org,
          template,
          emails: list.emails,
          invitedBy: { id: user.id, name: user.name },
          send,
          message: form.values.message || undefined,
        });
        // The links are shown once, on this answer (a reload does not invite again: it is a post).
        return showInvitations(request, reply, template, {
          created,
          sent: send,
          values: { send: send ? '1' : '' },
        });
      } catch (e) {
        return showInvitations(request, reply, template, { values, failure: formFailure(e) });
      }
    },
  );

  app.post(
    '/manage/:slug/templates/:id/earning/invitations/revoke',
    { ...formRoute(RevokeForm, { params: SlugIdParams }), config: admin },
    async (request, reply) => {
      const { org } = memberOf(request);
      const template = await templateOf(request);
      const form = readForm(request, RevokeForm);
      if (!form.ok) return showInvitations(request, reply, template, { failure: form.failure });
      await revokeInvitation(db, template.id, form.values.invitation);
      return reply.redirect(`${earningBase(org, template)}/invitations?revoked=1`, 303);
    },
  );

  // The public application link's QR code ------------------------------------------------------------

  app.get(
    '/orgs/:slug/badges/:id/apply-qr.svg',
    { schema: { hide: true, params: SlugIdParams }, config: { access: 'public' } },
    async (request, reply) => {
      const { template } = await getPublicTemplate(ctx, request.params.slug, request.params.id);
      const now = await availability(db, template);
      if (!now.open || now.settings.mode !== 'public') throw notFound('That application link');
      return reply
        .type('image/svg+xml')
        .header('content-security-policy', IMAGE_CSP)
        .header('cache-control', 'public, max-age=300')
        .send(await qrSvg(applyUrl(config, template.id)));
    },
  );
}
