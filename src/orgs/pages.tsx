import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { LaurelError, notFound } from '../errors.ts';
import { memberOf, userOf } from '../http/access.ts';
import { pageContext } from '../http/auth.ts';
import { IMAGE_CSP } from '../http/responses.ts';
import type { AppContext, CurrentUser } from '../http/context.ts';
import { listOrgAwards } from '../issuing/service.ts';
import { countTemplates, listTemplates } from '../templates/service.ts';
import { MAX_LOGO_BYTES, prepareUpload } from '../templates/images.ts';
import {
  Alert,
  CsrfField,
  EmptyState,
  Field,
  FormErrors,
  PageHeader,
  Pill,
  Select,
  TextArea,
  VisuallyHidden,
  formatDate,
  StatCard,
  UploadForm,
} from '../ui/components.tsx';
import { Layout, type PageContext } from '../ui/layout.tsx';
import { ORG_ROLES, roleAtLeast } from './access.ts';
import { type FormFailure, field, fileField, formFailure } from './forms.ts';
import {
  acceptInvitation,
  createInvitation,
  findInvitation,
  type InvitedAddress,
  invitedAddressOn,
  listPendingInvitations,
  revokeInvitation,
} from './invitations.ts';
import { ManageLayout } from '../ui/manage-layout.tsx';
import {
  type Org,
  type OrgInput,
  changeRole,
  createOrg,
  deleteOrg,
  getOrgBySlug,
  getOrgLogo,
  issuerDid,
  listKeys,
  listMembers,
  listOrgsForUser,
  parseReminderDays,
  removeMember,
  rotateKey,
  setOrgLogo,
  publicOrg,
  updateOrg,
} from './service.ts';
import type { OrgRole } from './tables.ts';

type Slug = { Params: { slug: string } };
const ROLE_HELP: Record<OrgRole, string> = {
  viewer: 'sees templates and issued badges',
  issuer: 'also issues and revokes badges',
  admin: 'also manages templates, members, keys and settings',
  owner: 'also deletes the organization and names other owners',
};

const redirect = (reply: FastifyReply, to: string) => reply.redirect(to, 303);

function orgFormInput(request: FastifyRequest): Omit<OrgInput, 'slug'> & { reminderText: string } {
  const reminderText = field(request, 'reminderDays');
  return {
    name: field(request, 'name'),
    website: field(request, 'website'),
    contactEmail: field(request, 'contactEmail'),
    description: field(request, 'description'),
    linkedinOrgId: field(request, 'linkedinOrgId'),
    reminderDays: reminderText ? parseReminderDays(reminderText) : undefined,
    reminderText,
  };
}

// ---------------------------------------------------------------- /orgs

function OrgListPage(props: {
  ctx: PageContext;
  orgs: { org: Org; role: OrgRole }[];
  values?: Record<string, string>;
  failure?: FormFailure;
}) {
  const v = props.values ?? {};
  const errors = props.failure?.errors;
  return (
    <Layout ctx={props.ctx} title="Organizations" section="orgs" noindex>
      <PageHeader title="Organizations" lead="The organizations you issue badges for." />
      <div class="two-col">
        <section aria-labelledby="mine">
          <h2 id="mine">Yours</h2>
          {props.orgs.length === 0 ? (
            <EmptyState title="You are not a member of any organization yet.">
              <p>Create one, or ask an administrator of an existing one to invite you.</p>
            </EmptyState>
          ) : (
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Your role</th>
                    <th scope="col">Public page</th>
                  </tr>
                </thead>
                <tbody>
                  {props.orgs.map(({ org, role }) => (
                    <tr>
                      <td>
                        <a href={`/manage/${org.slug}`}>{org.name}</a>
                      </td>
                      <td>
                        <Pill>{role}</Pill>
                      </td>
                      <td>
                        <a href={`/orgs/${org.slug}`}>/orgs/{org.slug}</a>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
        <section aria-labelledby="create" class="card">
          <h2 id="create">Create an organization</h2>
          <form method="post" action="/orgs" class="stack">
            <CsrfField token={props.ctx.csrfToken} />
            <FormErrors message={props.failure?.message} errors={errors} />
            <Field label="Name" name="name" value={v.name} required errors={errors} />
            <Field
              label="Address"
              name="slug"
              value={v.slug}
              required
              errors={errors}
              hint="Lower-case letters, digits and hyphens; it becomes /orgs/<address> and part of your issuer identity, so choose carefully."
              attrs={{ pattern: '[a-z0-9][a-z0-9\\-]{1,62}', maxlength: 63 }}
            />
            <Field label="Website" name="website" type="url" value={v.website} errors={errors} />
            <Field
              label="Contact email"
              name="contactEmail"
              type="email"
              value={v.contactEmail}
              errors={errors}
            />
            <TextArea label="Description" name="description" value={v.description} errors={errors} rows={3} />
            <div class="form-actions">
              <button type="submit" class="button">
                Create organization
              </button>
            </div>
          </form>
        </section>
      </div>
    </Layout>
  );
}

// ---------------------------------------------------------------- public org page

function PublicOrgPage(props: {
  ctx: PageContext;
  org: Org;
  url: string;
  did: string;
  templates: { id: string; name: string }[];
}) {
  const { org } = props;
  const meta: Record<string, string> = {
    'og:type': 'website',
    'og:title': org.name,
    'og:url': props.url,
    'twitter:card': 'summary',
  };
  if (org.description) meta['og:description'] = org.description.slice(0, 300);
  if (org.hasLogo) meta['og:image'] = `${props.url}/logo`;
  // Without a logo the text takes the whole width rather than sitting beside an empty column.
  const about = (
    <div class="stack">
      <h1>{org.name}</h1>
      {org.description ? <p class="lead">{org.description}</p> : null}
      {org.website || org.contactEmail ? (
        <p>
          {org.website ? (
            <a href={org.website} rel="nofollow noopener">
              {org.website}
            </a>
          ) : null}
          {org.website && org.contactEmail ? ' · ' : null}
          {org.contactEmail ? <a href={`mailto:${org.contactEmail}`}>{org.contactEmail}</a> : null}
        </p>
      ) : null}
      <p class="muted small">
        Issuer identity: <code>{props.did}</code> · <a href={`/orgs/${org.slug}/did.json`}>DID document</a> ·{' '}
        <a href={`/orgs/${org.slug}/profile.json`}>Profile</a>
      </p>
    </div>
  );
  return (
    <Layout ctx={props.ctx} title={org.name} description={org.description?.slice(0, 300)} meta={meta}>
      {org.hasLogo ? (
        <div class="badge-hero">
          <img src={`/orgs/${org.slug}/logo`} alt={`${org.name} logo`} />
          {about}
        </div>
      ) : (
        about
      )}
      <h2>Badges</h2>
      {props.templates.length === 0 ? (
        <EmptyState title={`${org.name} has no published badges yet.`} />
      ) : (
        <ul class="grid" style="list-style:none;padding:0">
          {props.templates.map((t) => (
            <li class="badge-tile card">
              <img src={`/orgs/${org.slug}/badges/${t.id}/image.png`} alt="" />
              <a href={`/orgs/${org.slug}/badges/${t.id}`}>{t.name}</a>
            </li>
          ))}
        </ul>
      )}
    </Layout>
  );
}

// ---------------------------------------------------------------- dashboard

function OverviewPage(props: {
  ctx: PageContext;
  org: Org;
  role: OrgRole;
  counts: { draft: number; active: number; archived: number };
  members: number;
  awards: { issued: number; pending: number };
}) {
  const { org, role, counts } = props;
  const base = `/manage/${org.slug}`;
  return (
    <ManageLayout ctx={props.ctx} org={org} role={role} active="overview" title="Overview">
      <PageHeader title={org.name} lead={`You are ${role} of this organization.`} />
      <div class="grid" style="margin-bottom:1rem">
        <StatCard label="active templates" value={counts.active} href={`${base}/templates`} />
        <StatCard label="drafts" value={counts.draft} />
        <StatCard label="archived" value={counts.archived} />
        <StatCard label="badges issued" value={props.awards.issued} href={`${base}/awards`} />
        <StatCard label="waiting to be claimed" value={props.awards.pending} />
        <StatCard label="members" value={props.members} />
      </div>
      <h2>Next steps</h2>
      <ul>
        {roleAtLeast(role, 'admin') ? (
          <li>
            <a href={`${base}/templates/new`}>Design a badge template</a>
          </li>
        ) : null}
        {roleAtLeast(role, 'issuer') ? (
          <li>
            <a href={`${base}/issue`}>Issue a badge</a> or <a href={`${base}/bulk`}>issue from a CSV file</a>
          </li>
        ) : null}
        <li>
          <a href={`${base}/awards`}>See issued badges</a>
        </li>
        <li>
          <a href={`/orgs/${org.slug}`}>View the public page</a>
        </li>
      </ul>
    </ManageLayout>
  );
}

function SettingsPage(props: {
  ctx: PageContext;
  org: Org;
  role: OrgRole;
  values?: Record<string, string>;
  failure?: FormFailure;
  saved?: boolean;
}) {
  const { org } = props;
  const v = props.values ?? {
    name: org.name,
    website: org.website ?? '',
    contactEmail: org.contactEmail ?? '',
    description: org.description ?? '',
    linkedinOrgId: org.linkedinOrgId ?? '',
    reminderDays: org.reminderDays.join(', '),
  };
  const errors = props.failure?.errors;
  const base = `/manage/${org.slug}`;
  return (
    <ManageLayout ctx={props.ctx} org={org} role={props.role} active="settings" title="Settings">
      <PageHeader title="Settings" />
      {props.saved ? <Alert kind="success" title="Settings saved." /> : null}
      <UploadForm action={`${base}/settings`} csrfToken={props.ctx.csrfToken} class="stack form-narrow">
        <FormErrors message={props.failure?.message} errors={errors} />
        <Field label="Name" name="name" value={v.name} required errors={errors} />
        <Field label="Website" name="website" type="url" value={v.website} errors={errors} />
        <Field
          label="Contact email"
          name="contactEmail"
          type="email"
          value={v.contactEmail}
          errors={errors}
        />
        <TextArea label="Description" name="description" value={v.description} errors={errors} rows={4} />
        <Field
          label="LinkedIn organization id"
          name="linkedinOrgId"
          value={v.linkedinOrgId}
          errors={errors}
          hint="The number in your LinkedIn company page's admin address; it makes 'Add to profile' name your organization."
          attrs={{ inputmode: 'numeric' }}
        />
        <Field
          label="Claim reminders (days after issuing)"
          name="reminderDays"
          value={v.reminderDays}
          errors={errors}
          hint="Comma-separated, e.g. 7, 30."
        />
        <div class={errors?.some((e) => e.field === 'logo') ? 'field has-error' : 'field'}>
          <label for="f-logo">Logo (PNG or SVG, at most 1 MB)</label>
          {errors?.find((e) => e.field === 'logo') ? (
            <p class="error">{errors.find((e) => e.field === 'logo')!.message}</p>
          ) : null}
          {org.hasLogo ? (
            <img src={`/orgs/${org.slug}/logo`} alt="Current logo" width="96" height="96" />
          ) : null}
          <input id="f-logo" type="file" name="logo" accept="image/png,image/svg+xml" />
          {org.hasLogo ? (
            <label>
              <input type="checkbox" name="removeLogo" value="1" /> Remove the logo
            </label>
          ) : null}
        </div>
        <div class="form-actions">
          <button type="submit" class="button">
            Save settings
          </button>
        </div>
      </UploadForm>
      {props.role === 'owner' ? (
        <section class="card" aria-labelledby="danger" style="margin-top:2rem">
          <h2 id="danger">Delete this organization</h2>
          <p>
            Deleting removes its templates, members and keys. Badges already issued stop verifying because the
            issuer identity disappears. This cannot be undone.
          </p>
          <form
            method="post"
            action={`${base}/delete`}
            class="stack"
            data-confirm={`Delete ${org.name} for good?`}
          >
            <CsrfField token={props.ctx.csrfToken} />
            <Field
              label={`Type the address "${org.slug}" to confirm`}
              name="confirm"
              required
              errors={errors}
              attrs={{ autocomplete: 'off' }}
            />
            <button type="submit" class="button danger">
              Delete organization
            </button>
          </form>
        </section>
      ) : null}
    </ManageLayout>
  );
}

function MembersPage(props: {
  ctx: PageContext;
  org: Org;
  role: OrgRole;
  me: CurrentUser;
  members: Awaited<ReturnType<typeof listMembers>>;
  invitations: Awaited<ReturnType<typeof listPendingInvitations>>;
  failure?: FormFailure;
  values?: Record<string, string>;
  notice?: string;
}) {
  const base = `/manage/${props.org.slug}`;
  const isOwner = props.role === 'owner';
  const grantable = ORG_ROLES.filter((r) => r !== 'owner' || isOwner);
  const owners = props.members.filter((m) => m.role === 'owner').length;
  const errors = props.failure?.errors;
  return (
    <ManageLayout ctx={props.ctx} org={props.org} role={props.role} active="members" title="Members">
      <PageHeader title="Members" lead="Who can see, issue and manage this organization's badges." />
      {props.notice ? <Alert kind="success" title={props.notice} /> : null}
      <FormErrors message={props.failure?.message} errors={errors} />
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Member since</th>
              <th scope="col">
                <VisuallyHidden>Actions</VisuallyHidden>
              </th>
            </tr>
          </thead>
          <tbody>
            {props.members.map((m) => {
              // The last owner can be neither demoted nor removed (the service refuses it too).
              const lastOwner = m.role === 'owner' && owners === 1;
              const editable = !lastOwner && (isOwner || m.role !== 'owner');
              return (
                <tr>
                  <td>
                    {m.name}
                    {m.userId === props.me.id ? ' (you)' : ''}
                  </td>
                  <td>{m.email ?? ''}</td>
                  <td>
                    {editable ? (
                      <form
                        method="post"
                        action={`${base}/members/${m.userId}/role`}
                        class="row"
                        style="position:relative"
                      >
                        <CsrfField token={props.ctx.csrfToken} />
                        <label for={`role-${m.userId}`}>
                          <VisuallyHidden>Role of {m.name}</VisuallyHidden>
                        </label>
                        <select id={`role-${m.userId}`} name="role">
                          {grantable.map((r) => (
                            <option value={r} selected={r === m.role}>
                              {r}
                            </option>
                          ))}
                        </select>
                        <button type="submit" class="button small">
                          Change
                        </button>
                      </form>
                    ) : (
                      <>
                        <Pill>{m.role}</Pill>
                        {lastOwner ? <span class="muted small"> the only owner</span> : null}
                      </>
                    )}
                  </td>
                  <td>{formatDate(m.since)}</td>
                  <td>
                    {editable ? (
                      <form
                        method="post"
                        action={`${base}/members/${m.userId}/remove`}
                        data-confirm={`Remove ${m.name} from ${props.org.name}?`}
                      >
                        <CsrfField token={props.ctx.csrfToken} />
                        <button type="submit" class="link">
                          Remove
                        </button>
                      </form>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <div class="two-col" style="margin-top:2rem">
        <section aria-labelledby="invite" class="card">
          <h2 id="invite">Invite someone</h2>
          <form method="post" action={`${base}/members/invite`} class="stack">
            <CsrfField token={props.ctx.csrfToken} />
            <Field
              label="Email"
              name="email"
              type="email"
              required
              value={props.values?.email}
              errors={errors}
            />
            <Select
              label="Role"
              name="role"
              value={props.values?.role ?? 'issuer'}
              errors={errors}
              options={grantable.map((r) => ({ value: r, label: `${r} — ${ROLE_HELP[r]}` }))}
            />
            <button type="submit" class="button">
              Send invitation
            </button>
          </form>
        </section>
        <section aria-labelledby="pending">
          <h2 id="pending">Pending invitations</h2>
          {props.invitations.length === 0 ? (
            <p class="muted">None.</p>
          ) : (
            <ul class="stack" style="list-style:none;padding:0">
              {props.invitations.map((i) => (
                <li class="row">
                  <span>
                    {i.email} as {i.role}, expires {formatDate(i.expiresAt)}
                  </span>
                  <form method="post" action={`${base}/invitations/${i.id}/revoke`}>
                    <CsrfField token={props.ctx.csrfToken} />
                    <button type="submit" class="link">
                      Withdraw
                    </button>
                  </form>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
    </ManageLayout>
  );
}

function KeysPage(props: {
  ctx: PageContext;
  org: Org;
  role: OrgRole;
  did: string;
  keys: Awaited<ReturnType<typeof listKeys>>;
  rotated?: boolean;
}) {
  const base = `/manage/${props.org.slug}`;
  return (
    <ManageLayout ctx={props.ctx} org={props.org} role={props.role} active="keys" title="Signing keys">
      <PageHeader
        title="Signing keys"
        lead="Credentials are signed with the active Ed25519 key. Retired keys stay published so that badges signed with them still verify."
      />
      {props.rotated ? (
        <Alert kind="success" title="A new key is active; the previous one is retired." />
      ) : null}
      <p>
        Issuer identity: <code>{props.did}</code> (
        <a href={`/orgs/${props.org.slug}/did.json`}>DID document</a>)
      </p>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Key (publicKeyMultibase)</th>
              <th scope="col">Status</th>
              <th scope="col">Created</th>
              <th scope="col">Retired</th>
            </tr>
          </thead>
          <tbody>
            {props.keys.map((k) => (
              <tr>
                <td>
                  <code style="word-break:break-all">{k.publicKeyMultibase}</code>
                </td>
                <td>
                  <Pill kind={k.status === 'active' ? 'ok' : 'neutral'}>{k.status}</Pill>
                </td>
                <td>{formatDate(k.createdAt)}</td>
                <td>{formatDate(k.retiredAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <form
        method="post"
        action={`${base}/keys/rotate`}
        style="margin-top:1.5rem"
        data-confirm="Make a new key active and retire the current one?"
      >
        <CsrfField token={props.ctx.csrfToken} />
        <button type="submit" class="button">
          Rotate key
        </button>
      </form>
    </ManageLayout>
  );
}

function InvitationPage(props: {
  ctx: PageContext;
  token: string;
  found: Awaited<ReturnType<typeof findInvitation>>;
  /** For a signed-in visitor: whether their account has the invited address confirmed. */
  address?: InvitedAddress;
}) {
  const f = props.found;
  const here = `/invitations/${props.token}`;
  return (
    <Layout ctx={props.ctx} title="Invitation" noindex>
      {!f?.usable ? (
        <PageHeader
          title="This invitation cannot be used"
          lead="It has been used already or has expired. Ask for a new one."
        />
      ) : (
        <>
          <PageHeader
            title={`Join ${f.org.name}`}
            lead={`You are invited as ${f.invitation.role}: ${ROLE_HELP[f.invitation.role]}.`}
          />
          {props.ctx.user && props.address !== 'confirmed' ? (
            <div class="stack">
              <p>
                This invitation was sent to <strong>{f.invitation.email}</strong>. Only an account with that
                address confirmed can accept it, and yours ({props.ctx.user.name}){' '}
                {props.address === 'unconfirmed' ? 'has it, not yet confirmed' : 'does not have it'}.
              </p>
              <p>
                {props.address === 'unconfirmed'
                  ? 'Follow the confirmation link we emailed to that address (your account page can send a new one),'
                  : 'Add the address on your account page and follow the confirmation link we email to it,'}{' '}
                then open this invitation again. If another account of yours has the address, log in to that
                one instead.
              </p>
              <p class="row">
                <a class="button" href="/account">
                  Go to your account
                </a>
              </p>
            </div>
          ) : props.ctx.user ? (
            <form method="post" action={here}>
              <CsrfField token={props.ctx.csrfToken} />
              <button type="submit" class="button">
                Join as {props.ctx.user.name}
              </button>
            </form>
          ) : (
            <p class="row">
              <a class="button" href={`/login?next=${encodeURIComponent(here)}`}>
                Log in to accept
              </a>
              <a
                href={`/signup?email=${encodeURIComponent(f.invitation.email)}&next=${encodeURIComponent(here)}`}
              >
                Create an account
              </a>
            </p>
          )}
        </>
      )}
    </Layout>
  );
}

// ---------------------------------------------------------------- routes

export function registerOrgPages(app: FastifyInstance, ctx: AppContext) {
  const { db, config } = ctx;
  const hide = { schema: { hide: true } };

  app.get('/orgs', { ...hide, config: { access: 'user' } }, async (request, reply) => {
    const user = userOf(request);
    return reply.html(<OrgListPage ctx={pageContext(request)} orgs={await listOrgsForUser(db, user.id)} />);
  });

  app.post('/orgs', { ...hide, config: { access: 'user' } }, async (request, reply) => {
    const user = userOf(request);
    const values = {
      name: field(request, 'name'),
      slug: field(request, 'slug').toLowerCase(),
      website: field(request, 'website'),
      contactEmail: field(request, 'contactEmail'),
      description: field(request, 'description'),
    };
    try {
      const org = await createOrg(db, config, values, user.id);
      return redirect(reply, `/manage/${org.slug}`);
    } catch (e) {
      const failure = formFailure(e);
      const orgs = await listOrgsForUser(db, user.id);
      return reply.html(
        <OrgListPage ctx={pageContext(request)} orgs={orgs} values={values} failure={failure} />,
        422,
      );
    }
  });

  app.get<Slug>('/orgs/:slug', { ...hide, config: { access: 'public' } }, async (request, reply) => {
    const org = await publicOrg(ctx, request.params.slug);
    const templates = await listTemplates(db, org.id, { status: 'active' });
    return reply.html(
      <PublicOrgPage
        ctx={pageContext(request)}
        org={org}
        url={`${config.baseUrl}/orgs/${org.slug}`}
        did={issuerDid(config, org.slug)}
        templates={templates}
      />,
    );
  });

  app.get<Slug>('/orgs/:slug/logo', { ...hide, config: { access: 'public' } }, async (request, reply) => {
    const org = await publicOrg(ctx, request.params.slug);
    const logo = await getOrgLogo(db, org.id);
    if (!logo) throw notFound('That logo');
    return reply
      .type(logo.type)
      .header('content-security-policy', IMAGE_CSP)
      .header('cache-control', 'public, max-age=300')
      .send(logo.data);
  });

  app.get<Slug>(
    '/manage/:slug',
    { ...hide, config: { access: { role: 'viewer' } } },
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

  app.get<Slug & { Querystring: { saved?: string } }>(
    '/manage/:slug/settings',
    { ...hide, config: { access: { role: 'admin' } } },
    async (request, reply) => {
      const { org, role } = memberOf(request);
      return reply.html(
        <SettingsPage ctx={pageContext(request)} org={org} role={role} saved={request.query.saved === '1'} />,
      );
    },
  );

  const withLogo = {
    ...hide,
    config: { upload: { fileBytes: MAX_LOGO_BYTES, files: 1 } as const },
  };
  app.post<Slug>(
    '/manage/:slug/settings',
    { ...withLogo, config: { ...withLogo.config, access: { role: 'admin' } } },
    async (request, reply) => {
      const { org, role } = memberOf(request);
      const { reminderText, ...input } = orgFormInput(request);
      try {
        const logoFile = fileField(request, 'logo');
        // Check the logo first, so that a refused upload leaves every setting unchanged.
        const logo = logoFile
          ? await prepareUpload(logoFile.data, { maxBytes: MAX_LOGO_BYTES, field: 'logo' })
          : null;
        if (reminderText === '') input.reminderDays = undefined;
        await updateOrg(db, org.id, input);
        if (logo) {
          await setOrgLogo(
            db,
            org.id,
            logo.svg
              ? { data: Buffer.from(logo.svg), type: 'image/svg+xml' }
              : { data: logo.png, type: 'image/png' },
          );
        } else if (field(request, 'removeLogo') === '1') {
          await setOrgLogo(db, org.id, null);
        }
        return redirect(reply, `/manage/${org.slug}/settings?saved=1`);
      } catch (e) {
        const failure = formFailure(e);
        const values = {
          name: input.name,
          website: input.website ?? '',
          contactEmail: input.contactEmail ?? '',
          description: input.description ?? '',
          linkedinOrgId: input.linkedinOrgId ?? '',
          reminderDays: reminderText,
        };
        return reply.html(
          <SettingsPage ctx={pageContext(request)} org={org} role={role} values={values} failure={failure} />,
          failure.status === 409 ? 422 : failure.status,
        );
      }
    },
  );

  app.post<Slug>(
    '/manage/:slug/delete',
    { ...hide, config: { access: { role: 'owner' } } },
    async (request, reply) => {
      const { org, role } = memberOf(request);
      if (field(request, 'confirm') !== org.slug) {
        const failure: FormFailure = {
          status: 422,
          message: 'The organization was not deleted.',
          errors: [{ field: 'confirm', message: `Type "${org.slug}" exactly to confirm.` }],
        };
        return reply.html(
          <SettingsPage ctx={pageContext(request)} org={org} role={role} failure={failure} />,
          422,
        );
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

  app.get<Slug & { Querystring: { sent?: string } }>(
    '/manage/:slug/members',
    { ...hide, config: { access: { role: 'admin' } } },
    async (request, reply) => {
      const notice = request.query.sent === '1' ? 'Invitation sent.' : undefined;
      return reply.html(await membersPage(request, { notice }));
    },
  );

  /** Only owners may hand out or take away the owner role. */
  const checkOwnerRule = (actorRole: OrgRole, targetRole: OrgRole | null, newRole?: OrgRole) => {
    if (actorRole !== 'owner' && (targetRole === 'owner' || newRole === 'owner')) {
      throw new LaurelError('FORBIDDEN', 'Only an owner can grant or change the owner role.');
    }
  };

  app.post<Slug>(
    '/manage/:slug/members/invite',
    { ...hide, config: { access: { role: 'admin' } } },
    async (request, reply) => {
      const { user, org, role } = memberOf(request);
      const values = { email: field(request, 'email'), role: field(request, 'role') };
      const newRole = (ORG_ROLES as readonly string[]).includes(values.role)
        ? (values.role as OrgRole)
        : 'viewer';
      checkOwnerRule(role, null, newRole);
      try {
        await createInvitation(db, config, { org, email: values.email, role: newRole, invitedBy: user });
        return redirect(reply, `/manage/${org.slug}/members?sent=1`);
      } catch (e) {
        const failure = formFailure(e);
        return reply.html(await membersPage(request, { failure, values }), 422);
      }
    },
  );

  app.post<{ Params: { slug: string; userId: string } }>(
    '/manage/:slug/members/:userId/role',
    { ...hide, config: { access: { role: 'admin' } } },
    async (request, reply) => {
      const { org, role } = memberOf(request);
      const members = await listMembers(db, org.id);
      const target = members.find((m) => m.userId === request.params.userId);
      if (!target) throw notFound('That member');
      const newRole = field(request, 'role') as OrgRole;
      if (!ORG_ROLES.includes(newRole)) throw new LaurelError('INVALID', 'Choose a role.');
      checkOwnerRule(role, target.role, newRole);
      try {
        await changeRole(db, org.id, target.userId, newRole);
      } catch (e) {
        const failure = formFailure(e);
        return reply.html(await membersPage(request, { failure }), failure.status);
      }
      return redirect(reply, `/manage/${org.slug}/members`);
    },
  );

  app.post<{ Params: { slug: string; userId: string } }>(
    '/manage/:slug/members/:userId/remove',
    { ...hide, config: { access: { role: 'admin' } } },
    async (request, reply) => {
      const { org, role } = memberOf(request);
      const members = await listMembers(db, org.id);
      const target = members.find((m) => m.userId === request.params.userId);
      if (!target) throw notFound('That member');
      checkOwnerRule(role, target.role);
      try {
        await removeMember(db, org.id, target.userId);
      } catch (e) {
        const failure = formFailure(e);
        return reply.html(await membersPage(request, { failure }), failure.status);
      }
      return redirect(reply, `/manage/${org.slug}/members`);
    },
  );

  app.post<{ Params: { slug: string; id: string } }>(
    '/manage/:slug/invitations/:id/revoke',
    { ...hide, config: { access: { role: 'admin' } } },
    async (request, reply) => {
      const { org } = memberOf(request);
      if (/^[0-9a-f-]{36}$/i.test(request.params.id)) await revokeInvitation(db, org.id, request.params.id);
      return redirect(reply, `/manage/${org.slug}/members`);
    },
  );

  app.get<{ Params: { token: string } }>(
    '/invitations/:token',
    { ...hide, config: { access: 'token' } },
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

  app.post<{ Params: { token: string } }>(
    '/invitations/:token',
    { ...hide, config: { access: 'token' } },
    async (request, reply) => {
      const user = userOf(request);
      const { slug } = await acceptInvitation(db, request.params.token, user.id);
      return redirect(reply, `/manage/${slug}`);
    },
  );

  app.get<Slug & { Querystring: { rotated?: string } }>(
    '/manage/:slug/keys',
    { ...hide, config: { access: { role: 'admin' } } },
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

  app.post<Slug>(
    '/manage/:slug/keys/rotate',
    { ...hide, config: { access: { role: 'admin' } } },
    async (request, reply) => {
      const { org } = memberOf(request);
      await rotateKey(db, config, org.id);
      return redirect(reply, `/manage/${org.slug}/keys?rotated=1`);
    },
  );
}
