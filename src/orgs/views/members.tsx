// Members, their roles, and invitations.
import type { FormFailure } from '../../http/forms.ts';
import type { CurrentUser } from '../../http/context.ts';
import {
  Alert,
  CsrfField,
  Field,
  formatDate,
  FormErrors,
  PageHeader,
  Pill,
  Select,
  VisuallyHidden,
  PostButton,
} from '../../ui/components.tsx';
import { DataTable } from '../../ui/data-table.tsx';
import type { PageContext } from '../../ui/layout.tsx';
import { ManageLayout } from '../../ui/manage-layout.tsx';
import type { Invitation } from '../invitations.ts';
import type { Member } from '../members.ts';
import { grantableRoles, mayChangeMember } from '../policy.ts';
import type { Org } from '../service.ts';
import type { OrgRole } from '../tables.ts';

/** What each role may do, beside the role pickers and on the invitation page. */
export const ROLE_HELP: Record<OrgRole, string> = {
  viewer: 'sees templates and issued badges',
  reviewer: 'also reviews applications for badges (and cannot issue otherwise)',
  issuer: 'also issues and revokes badges',
  admin: 'also manages templates, members, keys and settings',
  owner: 'also deletes the organization and names other owners',
};

export function MembersPage(props: {
  ctx: PageContext;
  org: Org;
  role: OrgRole;
  me: CurrentUser;
  members: Member[];
  invitations: Invitation[];
  failure?: FormFailure;
  values?: Record<string, string>;
  notice?: string;
}) {
  const base = `/manage/${props.org.slug}`;
  const grantable = grantableRoles(props.role);
  const owners = props.members.filter((m) => m.role === 'owner').length;
  const errors = props.failure?.errors;
  return (
    <ManageLayout ctx={props.ctx} org={props.org} role={props.role} active="members" title="Members">
      <PageHeader title="Members" lead="Who can see, issue and manage this organization's badges." />
      {props.notice ? <Alert kind="success" title={props.notice} /> : null}
      <FormErrors message={props.failure?.message} errors={errors} />
      <DataTable
        rows={props.members}
        columns={[
          { label: 'Name', cell: (m) => `${m.name}${m.userId === props.me.id ? ' (you)' : ''}` },
          { label: 'Email', cell: (m) => m.email ?? '' },
          {
            label: 'Role',
            cell: (m) =>
              mayChangeMember(props.role, m.role, owners) ? (
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
                  {/* The last owner can be neither demoted nor removed (the service refuses it too). */}
                  {m.role === 'owner' && owners === 1 ? (
                    <span class="muted small"> the only owner</span>
                  ) : null}
                </>
              ),
          },
          { label: 'Member since', cell: (m) => formatDate(m.since) },
          {
            label: 'Actions',
            hideLabel: true,
            cell: (m) =>
              mayChangeMember(props.role, m.role, owners) ? (
                <PostButton
                  action={`${base}/members/${m.userId}/remove`}
                  csrfToken={props.ctx.csrfToken}
                  class="link"
                  confirm={`Remove ${m.name} from ${props.org.name}?`}
                >
                  Remove
                </PostButton>
              ) : null,
          },
        ]}
      />
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
                  <PostButton
                    action={`${base}/invitations/${i.id}/revoke`}
                    csrfToken={props.ctx.csrfToken}
                    class="link"
                  >
                    Withdraw
                  </PostButton>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
    </ManageLayout>
  );
}
