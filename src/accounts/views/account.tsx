// The account page (profile, addresses, password, merging another account) and the merge
// confirmation.
import {
  Alert,
  CsrfField,
  Field,
  PageHeader,
  Pill,
  TextArea,
  formatDate,
  PostButton,
  PostForm,
} from '../../ui/components.tsx';
import { DataTable } from '../../ui/data-table.tsx';
import { Layout, type PageContext } from '../../ui/layout.tsx';
import type { User, UserEmail } from '../presenters.ts';
import type { FormState } from './auth.tsx';
import { PasswordField } from './fields.tsx';
import { NextSteps, isNewAccount } from './next-steps.tsx';

export const ACCOUNT_NOTICES: Record<string, string> = {
  welcome: 'Welcome to Laurel! We have sent you an email: follow its link to confirm your address.',
  profile: 'Your profile is saved.',
  'email-added': 'We have sent a confirmation link to the new address.',
  'email-resent': 'We have sent a new confirmation link.',
  'email-primary': 'Your primary address is changed.',
  'email-removed': 'The address is removed from your account. Other devices have been logged out.',
  password: 'Your password is changed. Other devices have been logged out.',
  'password-reset': 'Your password is changed. You are logged in.',
  'merge-sent':
    'If an account uses that address, we have sent it a link. Open it while logged in here to merge.',
  merged: 'The other account is merged into this one.',
};

export type AccountForm = 'profile' | 'email' | 'password' | 'merge';

export function AccountPage(p: {
  ctx: PageContext;
  user: User;
  emails: UserEmail[];
  notice?: string;
  failed?: { form: AccountForm; state: FormState };
}) {
  const { user } = p;
  const f = (form: AccountForm) => (p.failed?.form === form ? p.failed.state : undefined);
  const profile = f('profile');
  const pv = profile?.values;
  return (
    <Layout ctx={p.ctx} title="Your account" section="account" noindex>
      <PageHeader
        title="Your account"
        lead="Your name, your public profile, your addresses and how you log in."
      />
      {p.notice ? <Alert kind="success">{p.notice}</Alert> : null}
      {isNewAccount(user) ? <NextSteps user={user} emails={p.emails} /> : null}
      <div class="two-col">
        <div>
          <section class="card" aria-labelledby="h-profile">
            <h2 id="h-profile">Profile</h2>
            <PostForm action="/account/profile" csrfToken={p.ctx.csrfToken} failure={profile} novalidate>
              <Field
                label="Name"
                name="name"
                value={pv?.name ?? user.name}
                required
                autocomplete="name"
                errors={profile?.errors}
              />
              <Field
                label="Handle"
                name="handle"
                value={pv?.handle ?? user.handle ?? ''}
                errors={profile?.errors}
                hint="The address of your public profile: /u/your-handle. Lower-case letters, digits and hyphens."
                attrs={{
                  pattern: '[a-z0-9][a-z0-9-]{2,30}',
                  maxlength: 31,
                  autocapitalize: 'none',
                  spellcheck: 'false',
                }}
              />
              <TextArea
                label="About you"
                name="bio"
                value={pv?.bio ?? user.bio ?? ''}
                rows={3}
                errors={profile?.errors}
                hint="Optional, shown on your public profile. Up to 500 characters."
              />
              <div class="field">
                <label>
                  <input
                    type="checkbox"
                    name="profilePublic"
                    value="on"
                    checked={pv ? pv.profilePublic === 'on' : user.profilePublic}
                  />{' '}
                  Make my profile public
                </label>
                <p class="hint">
                  Public: anyone can see your profile and the badges you choose to show. Private: nobody else
                  can.
                </p>
              </div>
              {user.handle && user.profilePublic ? (
                <p class="small">
                  Your public profile: <a href={`/u/${user.handle}`}>/u/{user.handle}</a>
                </p>
              ) : null}
              <div class="form-actions">
                <button type="submit">Save profile</button>
              </div>
            </PostForm>
          </section>

          <section class="card" aria-labelledby="h-emails">
            <h2 id="h-emails">Email addresses</h2>
            <p class="muted small">Badges sent to any confirmed address here belong to this account.</p>
            <DataTable
              rows={p.emails}
              columns={[
                { label: 'Address', cell: (e) => e.email },
                {
                  label: 'Status',
                  cell: (e) => (
                    <>
                      {e.primary ? <Pill kind="ok">Primary</Pill> : null}{' '}
                      {e.verified ? <Pill kind="ok">Confirmed</Pill> : <Pill kind="warn">Not confirmed</Pill>}
                    </>
                  ),
                },
                { label: 'Actions', cell: (e) => <EmailActions csrf={p.ctx.csrfToken} e={e} /> },
              ]}
            />
            <PostForm
              action="/account/emails"
              csrfToken={p.ctx.csrfToken}
              failure={f('email')}
              novalidate
              style="margin-top:1.25rem"
            >
              <Field
                label="Add an address"
                name="email"
                type="email"
                value={f('email')?.values?.email}
                autocomplete="email"
                errors={f('email')?.errors}
              />
              <button type="submit" class="secondary">
                Add and send a confirmation link
              </button>
            </PostForm>
          </section>
        </div>

        <div>
          <section class="card" aria-labelledby="h-password">
            <h2 id="h-password">Password</h2>
            <PostForm
              action="/account/password"
              csrfToken={p.ctx.csrfToken}
              failure={f('password')}
              novalidate
            >
              {user.hasPassword ? (
                <PasswordField label="Current password" name="current" errors={f('password')?.errors} />
              ) : (
                <p class="small muted">
                  Your account has no password yet: you log in by emailed links. You can set one here.
                </p>
              )}
              <PasswordField choosing label="New password" name="next" errors={f('password')?.errors} />
              <button type="submit">Change password</button>
            </PostForm>
          </section>

          <section class="card" aria-labelledby="h-merge">
            <h2 id="h-merge">I have another account</h2>
            <p class="small">
              Got badges on a second Laurel account, under another address? Enter one of its addresses: we
              send it a link, and opening that link while logged in here moves its badges, addresses and
              memberships into this account.
            </p>
            <PostForm action="/account/merge" csrfToken={p.ctx.csrfToken} failure={f('merge')} novalidate>
              <Field
                label="Address of the other account"
                name="email"
                type="email"
                value={f('merge')?.values?.email}
                errors={f('merge')?.errors}
              />
              <button type="submit" class="secondary">
                Send the merge link
              </button>
            </PostForm>
          </section>
          <p class="small muted">Member since {formatDate(user.createdAt)}.</p>
        </div>
      </div>
    </Layout>
  );
}

/** The buttons acting on one address of the account. */
function EmailActions(p: { csrf: string; e: UserEmail }) {
  const { e } = p;
  const path = `/account/emails/${e.id}`;
  return (
    <div class="row">
      {!e.verified ? (
        <PostButton csrfToken={p.csrf} formClass="inline" action={`${path}/resend`} class="small secondary">
          Resend link
        </PostButton>
      ) : null}
      {e.verified && !e.primary ? (
        <PostButton csrfToken={p.csrf} formClass="inline" action={`${path}/primary`} class="small secondary">
          Make primary
        </PostButton>
      ) : null}
      {!e.primary ? (
        <PostButton
          csrfToken={p.csrf}
          formClass="inline"
          action={`${path}/remove`}
          class="small danger"
          confirm={`Remove ${e.email} from your account?`}
        >
          Remove
        </PostButton>
      ) : null}
    </div>
  );
}

export function MergePage(p: { ctx: PageContext; action: string; from: User; fromEmails: string[] }) {
  return (
    <Layout ctx={p.ctx} title="Merge accounts" section="account" noindex>
      <div class="form-narrow">
        <PageHeader title="Merge accounts" />
        <div class="card">
          <p>
            The account <strong>{p.from.name}</strong> ({p.fromEmails.join(', ')}) will be merged into the
            account you are logged in to, <strong>{p.ctx.user?.name}</strong>. Its addresses, badges and
            organization memberships move here, and it is then deleted. This cannot be undone.
          </p>
          <form method="post" action={p.action}>
            <CsrfField token={p.ctx.csrfToken} />
            <div class="form-actions">
              <button type="submit">Merge into this account</button>
              <a href="/account">Cancel</a>
            </div>
          </form>
        </div>
      </div>
    </Layout>
  );
}
