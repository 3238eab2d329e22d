// One award as its issuer sees it: the facts, its public links, re-send, revoke and the signed text.
import type { FieldError } from '../../errors.ts';
import type { Member } from '../../http/access.ts';
import { roleAtLeast } from '../../orgs/access.ts';
import { Alert, PageHeader, TextArea, formatDate, PostButton, PostForm } from '../../ui/components.tsx';
import type { PageContext } from '../../ui/layout.tsx';
import { ManageLayout } from '../../ui/manage-layout.tsx';
import type { PublicPageStatus } from '../presenters.ts';
import type { Award } from '../service.ts';
import { StatePill } from './state.tsx';

export function AwardDetail(props: {
  page: PageContext;
  access: Member;
  award: Award;
  templateName: string;
  publicPage: PublicPageStatus;
  notice?: string;
  revokeErrors?: FieldError[];
  revokeMessage?: string;
  reason?: string;
}) {
  const { access, award: a } = props;
  const canIssue = roleAtLeast(access.role, 'issuer');
  const base = `/manage/${access.org.slug}/awards/${a.id}`;
  let pretty = '';
  if (a.credentialJson) pretty = JSON.stringify(JSON.parse(a.credentialJson), null, 2);
  return (
    <ManageLayout ctx={props.page} org={access.org} role={access.role} active="awards" title="Award">
      <PageHeader
        title={`${props.templateName} — ${a.recipientName ?? 'declined by the recipient'}`}
        breadcrumbs={[[`/manage/${access.org.slug}/awards`, 'Issued badges']]}
      />
      {props.notice ? <Alert kind="success">{props.notice}</Alert> : null}
      <dl class="facts">
        <dt>State</dt>
        <dd>
          <StatePill award={a} />
        </dd>
        <dt>Recipient</dt>
        <dd>
          {a.recipientName ?? '—'}{' '}
          {a.recipientEmail ? <span class="muted">&lt;{a.recipientEmail}&gt;</span> : null}
        </dd>
        <dt>Issued</dt>
        <dd>{formatDate(a.issuedAt)}</dd>
        <dt>Expires</dt>
        <dd>{a.validUntil ? formatDate(a.validUntil) : 'Never'}</dd>
        <dt>Claimed</dt>
        <dd>{a.claimedAt ? formatDate(a.claimedAt) : 'Not yet'}</dd>
        {a.revokedAt ? (
          <>
            <dt>Revoked</dt>
            <dd>
              {formatDate(a.revokedAt)}: {a.revocationReason ?? ''}
            </dd>
          </>
        ) : null}
        {a.evidenceUrl ? (
          <>
            <dt>Evidence</dt>
            <dd>
              <a href={a.evidenceUrl} rel="nofollow noopener">
                {a.evidenceUrl}
              </a>
            </dd>
          </>
        ) : null}
        {a.evidenceNarrative ? (
          <>
            <dt>Narrative</dt>
            <dd>{a.evidenceNarrative}</dd>
          </>
        ) : null}
        <dt>Links</dt>
        <dd>
          {props.publicPage.open ? (
            <>
              <a href={`/c/${a.id}`}>Public page</a> ·{' '}
              <a href={`/ob2/assertions/${a.id}`}>OB 2.0 assertion</a>
              {props.publicPage.note ? <span class="muted"> ({props.publicPage.note})</span> : null}
            </>
          ) : (
            <span class="muted" id="public-page-status">
              {props.publicPage.why}
            </span>
          )}
        </dd>
      </dl>
      {canIssue && a.state === 'pending' && !a.revokedAt ? (
        <section>
          <h2>Claim link</h2>
          <p>Sends the award email again with a new claim link; the previous link stops working.</p>
          <PostButton action={`${base}/resend`} csrfToken={props.page.csrfToken} class="secondary">
            Re-send the claim email
          </PostButton>
        </section>
      ) : null}
      {canIssue && !a.revokedAt ? (
        <section>
          <h2>Revoke</h2>
          <PostForm
            action={`${base}/revoke`}
            csrfToken={props.page.csrfToken}
            failure={{ message: props.revokeMessage, errors: props.revokeErrors }}
            class="stack"
            data-confirm="Revoke this badge? Verifiers will see it as revoked; this cannot be undone."
          >
            <TextArea
              label="Reason"
              name="reason"
              value={props.reason ?? ''}
              errors={props.revokeErrors}
              required
              hint="Shown to anyone who verifies this badge."
              rows={2}
            />
            <div class="field">
              <label>
                <input type="checkbox" name="confirm" value="yes" id="f-confirm" /> I understand that revoking
                cannot be undone.
              </label>
            </div>
            <div class="actions">
              <button type="submit" class="danger">
                Revoke this badge
              </button>
            </div>
          </PostForm>
        </section>
      ) : null}
      {pretty ? (
        <section>
          <h2>Signed credential</h2>
          <pre class="code" id="credential-json" tabindex="0">
            {pretty}
          </pre>
          <button type="button" data-copy="#credential-json" class="secondary small">
            Copy
          </button>
        </section>
      ) : null}
    </ManageLayout>
  );
}
