// The organization's HTML pages: the list and creation form, the public issuer page and logo,
// the dashboard, settings, members and invitations, and signing keys.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { notFound } from '../errors.ts';
import { memberOf, userOf } from '../http/access.ts';
import { pageContext } from '../http/auth.ts';
import type { App, AppContext } from '../http/context.ts';
import {
  type FormFailure,
  fieldFailure,
  fileField,
  formFailure,
  formRoute,
  readForm,
} from '../http/forms.ts';
import { IMAGE_CSP } from '../http/responses.ts';
import {
  FormBody,
  FormFlag,
  FormText,
  NoFields,
  QueryFlag,
  Slug,
  SlugIdParams,
  SlugParams,
  TokenParams,
  Uuid,
} from '../http/schemas.ts';
import { listOrgAwards } from '../issuing/service.ts';
import { MAX_LOGO_BYTES } from '../templates/images.ts';
import { countTemplates, listTemplates } from '../templates/service.ts';
import {
  acceptInvitation,
  createInvitation,
  findInvitation,
  invitedAddressOn,
  listPendingInvitations,
  revokeInvitation,
} from './invitations.ts';
import { listKeys, rotateKey } from './keys.ts';
import { changeRole, listMembers, removeMember } from './members.ts';
import { isOrgRole } from './policy.ts';
import { issuerDid, orgUrl } from './presenters.ts';
import {
  createOrg,
  deleteOrg,
  getOrgLogo,
  listOrgsForUser,
  parseReminderDays,
  publicOrg,
  saveOrgSettings,
} from './service.ts';
import { InvitationPage } from './views/invitation.tsx';
import { KeysPage } from './views/keys.tsx';
import { MembersPage } from './views/members.tsx';
import { OrgListPage } from './views/org-list.tsx';
import { OverviewPage } from './views/overview.tsx';
import { PublicOrgPage } from './views/public-org.tsx';
import { applyOffers } from '../applications/manage/listing.ts';
import { SettingsPage } from './views/settings.tsx';

const OrgFields = {
  name: FormText(),
  website: FormText(),
  contactEmail: FormText(),
  description: FormText(),
};
const CreateForm = FormBody({ ...OrgFields, slug: FormText() });
const SettingsForm = FormBody({
  ...OrgFields,
  linkedinOrgId: FormText(),
  reminderDays: FormText(),
  removeLogo: FormFlag,
});
const DeleteForm = FormBody({ confirm: FormText() });
const InviteForm = FormBody({ email: FormText(), role: FormText() });
const RoleForm = FormBody({ role: FormText() });
const MemberParams = Type.Object({ slug: Slug, userId: Uuid });

const hidden = <S extends object = object>(schema?: S) => ({
  schema: { hide: true, ...schema } as S & { hide: true },
});
const redirect = (reply: FastifyReply, to: string) => reply.redirect(to, 303);

export function registerOrgPages(app: App, ctx: AppContext) {
  const { db, config } = ctx;

  const orgList = async (request: FastifyRequest, values?: Record<string, string>, failure?: FormFailure) => {
    const orgs = await listOrgsForUser(db, userOf(request).id);
    return <OrgListPage ctx={pageContext(request)} orgs={orgs} values={values} failure={failure} />;
  };

  app.get('/orgs', { ...hidden(), config: { access: 'user' } }, async (request, reply) =>
    reply.html(await orgList(request)),
  );

  app.post('/orgs', { ...formRoute(CreateForm), config: { access: 'user' } }, async (request, reply) => {
    const form = readForm(request, CreateForm);
    const values = { ...form.values, slug: form.values.slug.toLowerCase() };
    if (!form.ok) return reply.html(await orgList(request, values, form.failure), form.failure.status);
    try {
      const org = await createOrg(db, config, values, userOf(request).id);
      return redirect(reply, `/manage/${org.slug}`);
    } catch (e) {
      const failure = formFailure(e);
      return reply.html(await orgList(request, values, failure), failure.status);
    }
  });

  app.get(
    '/orgs/:slug',
    { ...hidden({ params: SlugParams }), config: { access: 'public' } },
    async (request, reply) => {
      const org = await publicOrg(ctx, request.params.slug);
      const templates = await listTemplates(db, org.id, { status: 'active' });
      return reply.html(
        <PublicOrgPage
          ctx={pageContext(request)}
          org={org}
          url={orgUrl(config, org.slug)}
          did={issuerDid(config, org.slug)}
          templates={templates}
          apply={await applyOffers(ctx, org.id, templates)}
        />,
      );
    },
  );

  app.get(
    '/orgs/:slug/logo',
    { ...hidden({ params: SlugParams }), config: { access: 'public' } },
    async (request, reply) => {
      const org = await publicOrg(ctx, request.params.slug);
      const logo = await getOrgLogo(db, org.id);
      if (!logo) throw notFound('That logo');
      return reply
        .type(logo.type)
        .header('content-security-policy', IMAGE_CSP)
        .header('cache-control', 'public, max-age=300')
        .send(logo.data);
    },
  );

  app.get(
    '/manage/:slug',
    { ...hidden({ params: SlugParams }), config: { access: { role: 'viewer' } } },
    async (request, reply) => {
      const { org, role } = memberOf(request);
      const counts = await countTemplates(db, org.id);
      const members = (await listMembers(db, org.id)).length;
      const awards = {
        issued: (await listOrgAwards(db, org.id, { limit: 1 })).total,
        pending: (await listOrgAwards(db, org.id, { state: 'pending', limit: 1 })).total,
      };
      return reply.html(
        <OverviewPage
          ctx={pageContext(request)}
          org={org}
          role={role}
          counts={counts}
          members={members}
          awards={awards}
        />,
      );
    },
  );

  const settingsPage = (request: FastifyRequest, values?: Record<string, string>, failure?: FormFailure) => {
    const { org, role } = memberOf(request);
    return (
      <SettingsPage ctx={pageContext(request)} org={org} role={role} values={values} failure={failure} />
    );
  };

  app.get(
    '/manage/:slug/settings',
    {
      ...hidden({ params: SlugParams, querystring: Type.Object({ saved: QueryFlag }) }),
      config: { access: { role: 'admin' } },
    },
    async (request, reply) => {
      const { org, role } = memberOf(request);
      return reply.html(
        <SettingsPage ctx={pageContext(request)} org={org} role={role} saved={request.query.saved === '1'} />,
      );
    },
  );

  app.post(
    '/manage/:slug/settings',
    {
      ...formRoute(SettingsForm, { params: SlugParams }),
      config: { upload: { fileBytes: MAX_LOGO_BYTES, files: 1 }, access: { role: 'admin' } },
    },
    async (request, reply) => {
      const { org } = memberOf(request);
      const form = readForm(request, SettingsForm);
      const { removeLogo, ...values } = form.values;
      if (!form.ok) return reply.html(settingsPage(request, values, form.failure), form.failure.status);
      const { reminderDays, ...fields } = values;
      try {
        const input = { ...fields, reminderDays: reminderDays ? parseReminderDays(reminderDays) : undefined };
        const logo = { upload: fileField(request, 'logo')?.data ?? null, remove: removeLogo === '1' };
        await saveOrgSettings(ctx, org.id, input, logo);
        return redirect(reply, `/manage/${org.slug}/settings?saved=1`);
      } catch (e) {
        const failure = formFailure(e);
        return reply.html(settingsPage(request, values, failure), failure.status);
      }
    },
  );

  app.post(
    '/manage/:slug/delete',
    { ...formRoute(DeleteForm, { params: SlugParams }), config: { access: { role: 'owner' } } },
    async (request, reply) => {
      const { org } = memberOf(request);
      if (readForm(request, DeleteForm).values.confirm !== org.slug) {
        const failure = fieldFailure(
          'confirm',
          `Type "${org.slug}" exactly to confirm.`,
          'The organization was not deleted.',
        );
        return reply.html(settingsPage(request, undefined, failure), failure.status);
      }
      await deleteOrg(db, org.id);
      return redirect(reply, '/orgs');
    },
  );

  const membersPage = async (
    request: FastifyRequest,
    extra: { failure?: FormFailure; values?: Record<string, string>; notice?: string } = {},
  ) => {
    const { user, org, role } = memberOf(request);
    return (
      <MembersPage
        ctx={pageContext(request)}
        org={org}
        role={role}
        me={user}
        members={await listMembers(db, org.id)}
        invitations={await listPendingInvitations(db, org.id)}
        {...extra}
      />
    );
  };
  /** Runs a change to the members and goes back to their page, or shows why it was refused. */
  const changeMembers = async (
    request: FastifyRequest,
    reply: FastifyReply,
    change: () => Promise<unknown>,
  ) => {
    try {
      await change();
    } catch (e) {
      const failure = formFailure(e);
      return reply.html(await membersPage(request, { failure }), failure.status);
    }
    return redirect(reply, `/manage/${memberOf(request).org.slug}/members`);
  };

  app.get(
    '/manage/:slug/members',
    {
      ...hidden({ params: SlugParams, querystring: Type.Object({ sent: QueryFlag }) }),
      config: { access: { role: 'admin' } },
    },
    async (request, reply) => {
      const notice = request.query.sent === '1' ? 'Invitation sent.' : undefined;
      return reply.html(await membersPage(request, { notice }));
    },
  );

  app.post(
    '/manage/:slug/members/invite',
    { ...formRoute(InviteForm, { params: SlugParams }), config: { access: { role: 'admin' } } },
    async (request, reply) => {
      const { user, org, role } = memberOf(request);
      const form = readForm(request, InviteForm);
      const values = form.values;
      if (!form.ok) {
        return reply.html(await membersPage(request, { failure: form.failure, values }), form.failure.status);
      }
      try {
        await createInvitation(db, config, {
          org,
          email: values.email,
          role: isOrgRole(values.role) ? values.role : 'viewer',
          invitedBy: user,
          inviterRole: role,
        });
        return redirect(reply, `/manage/${org.slug}/members?sent=1`);
      } catch (e) {
        const failure = formFailure(e);
        return reply.html(await membersPage(request, { failure, values }), failure.status);
      }
    },
  );

  app.post(
    '/manage/:slug/members/:userId/role',
    { ...formRoute(RoleForm, { params: MemberParams }), config: { access: { role: 'admin' } } },
    async (request, reply) => {
      const { org, role } = memberOf(request);
      const newRole = readForm(request, RoleForm).values.role;
      if (!isOrgRole(newRole)) {
        const failure = fieldFailure('role', 'Choose a role.');
        return reply.html(await membersPage(request, { failure }), failure.status);
      }
      return changeMembers(request, reply, () =>
        changeRole(db, org.id, request.params.userId, newRole, role),
      );
    },
  );

  app.post(
    '/manage/:slug/members/:userId/remove',
    { ...hidden({ params: MemberParams, body: NoFields }), config: { access: { role: 'admin' } } },
    async (request, reply) => {
      const { org, role } = memberOf(request);
      return changeMembers(request, reply, () => removeMember(db, org.id, request.params.userId, role));
    },
  );

  app.post(
    '/manage/:slug/invitations/:id/revoke',
    { ...hidden({ params: SlugIdParams, body: NoFields }), config: { access: { role: 'admin' } } },
    async (request, reply) => {
      const { org } = memberOf(request);
      await revokeInvitation(db, org.id, request.params.id);
      return redirect(reply, `/manage/${org.slug}/members`);
    },
  );

  app.get(
    '/invitations/:token',
    { ...hidden({ params: TokenParams }), config: { access: 'token' } },
    async (request, reply) => {
      const found = await findInvitation(db, request.params.token);
      const address =
        found && request.user
          ? await invitedAddressOn(db, found.invitation.email, request.user.id)
          : undefined;
      return reply.html(
        <InvitationPage
          ctx={pageContext(request)}
          token={request.params.token}
          found={found}
          address={address}
        />,
        found?.usable ? 200 : 410,
      );
    },
  );

  app.post(
    '/invitations/:token',
    { ...hidden({ params: TokenParams, body: NoFields }), config: { access: 'token' } },
    async (request, reply) => {
      const { slug } = await acceptInvitation(db, request.params.token, userOf(request).id);
      return redirect(reply, `/manage/${slug}`);
    },
  );

  app.get(
    '/manage/:slug/keys',
    {
      ...hidden({ params: SlugParams, querystring: Type.Object({ rotated: QueryFlag }) }),
      config: { access: { role: 'admin' } },
    },
    async (request, reply) => {
      const { org, role } = memberOf(request);
      return reply.html(
        <KeysPage
          ctx={pageContext(request)}
          org={org}
          role={role}
          did={issuerDid(config, org.slug)}
          keys={await listKeys(db, config, org)}
          rotated={request.query.rotated === '1'}
        />,
      );
    },
  );

  app.post(
    '/manage/:slug/keys/rotate',
    { ...hidden({ params: SlugParams, body: NoFields }), config: { access: { role: 'admin' } } },
    async (request, reply) => {
      const { org } = memberOf(request);
      await rotateKey(db, config, org.id);
      return redirect(reply, `/manage/${org.slug}/keys?rotated=1`);
    },
  );
}
