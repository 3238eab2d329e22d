// Invitations to apply: paste addresses (each gets a personal link, emailed or shown here to copy),
// see who was invited and whether they applied, revoke a link.
import type { FormFailure } from '../../../http/forms.ts';
import {
  Alert,
  CsrfField,
  EmptyState,
  Pill,
  PostForm,
  bindFields,
  formatDate,
} from '../../../ui/components.tsx';
import { DataTable } from '../../../ui/data-table.tsx';
import { STATE_LABELS } from '../../policy.ts';
import type { ApplicationMode, ApplicationState } from '../../tables.ts';
import { type InvitationListItem, MAX_INVITATIONS_AT_ONCE } from '../invitations.ts';
import { Check, EarningFrame, type EarningPageBase, earningBase } from './frame.tsx';

export function InvitationsPage(props: {
  frame: EarningPageBase;
  mode: ApplicationMode;
  invitations: InvitationListItem[];
  values: Record<string, string>;
  failure?: FormFailure;
  /** The links just made: shown once (only their hashes are kept). */
  created?: { email: string; url: string }[];
  sent?: boolean;
  revoked?: boolean;
}) {
  const { org, template } = props.frame;
  const v = props.values;
  const { TextArea } = bindFields(v, props.failure?.errors);
  const base = `${earningBase(org, template)}/invitations`;
  return (
    <EarningFrame {...props.frame} tab="invitations" title="Invitations to apply">
      {props.mode !== 'invitation' ? (
        <Alert kind="warning">
          {props.mode === 'public'
            ? 'This badge is open to anyone: invitation links work, but nobody needs one. '
            : 'This badge is not open to applications: invitation links work once it is. '}
          <a href={earningBase(org, template)}>Change how it is earned</a>
        </Alert>
      ) : null}
      {props.revoked ? <Alert kind="success" title="Invitation revoked: its link no longer works." /> : null}
      {props.created?.length ? (
        <Alert kind="success" title={`${props.created.length} invited${props.sent ? ' and emailed' : ''}.`}>
          <p>
            Each link is personal and shown only now. Inviting an address again makes a new link and ends the
            old one.
          </p>
          <DataTable
            stackOnPhone
            rows={props.created}
            columns={[
              { label: 'Email', rowHeader: true, cell: (c) => c.email },
              {
                label: 'Link',
                cell: (c) => (
                  <input
                    type="text"
                    readonly
                    value={c.url}
                    aria-label={`Link for ${c.email}`}
                    style="width:100%"
                  />
                ),
              },
            ]}
          />
        </Alert>
      ) : null}
      <PostForm
        action={base}
        csrfToken={props.frame.ctx.csrfToken}
        failure={props.failure}
        class="stack card"
      >
        <h2 style="margin-top:0">Invite</h2>
        <TextArea
          label="Email addresses"
          name="emails"
          rows={5}
          required
          hint={`One or many, separated by commas or lines (at most ${MAX_INVITATIONS_AT_ONCE}). Paste a list, or one address to make a single link.`}
        />
        <TextArea label="Personal message" name="message" rows={3} hint="Optional: added to the email." />
        <Check
          name="send"
          label="Email each person their link"
          checked={v.send !== ''}
          hint="Untick to only make the links, to send them yourself."
        />
        <div class="form-actions">
          <button type="submit" class="button">
            Invite
          </button>
        </div>
      </PostForm>
      <h2>Invited ({String(props.invitations.length)})</h2>
      <DataTable
        stackOnPhone
        rows={props.invitations}
        empty={<EmptyState title="Nobody invited yet." />}
        columns={[
          { label: 'Email', rowHeader: true, cell: (i) => i.email },
          { label: 'Invited', cell: (i) => formatDate(i.createdAt) },
          {
            label: 'Status',
            cell: (i) =>
              i.revokedAt ? (
                <Pill kind="bad">Revoked</Pill>
              ) : i.applicationState ? (
                <Pill kind="ok">{STATE_LABELS[i.applicationState as ApplicationState]}</Pill>
              ) : (
                <Pill>Not applied yet</Pill>
              ),
          },
          {
            label: 'Actions',
            hideLabel: true,
            cell: (i) =>
              i.revokedAt ? null : (
                <RevokeButton
                  action={`${base}/revoke`}
                  csrfToken={props.frame.ctx.csrfToken}
                  id={i.id}
                  email={i.email}
                />
              ),
          },
        ]}
      />
    </EarningFrame>
  );
}

function RevokeButton(p: { action: string; csrfToken: string; id: string; email: string }) {
  return (
    <form
      method="post"
      action={p.action}
      data-confirm={`Revoke the invitation of ${p.email}? The link stops working.`}
    >
      <CsrfField token={p.csrfToken} />
      <input type="hidden" name="invitation" value={p.id} />
      <button type="submit" class="secondary small">
        Revoke
      </button>
    </form>
  );
}
