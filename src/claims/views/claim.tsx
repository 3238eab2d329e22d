// The claim pages: the badge with accept and decline, the confirmation to decline, and messages
// for links that no longer offer anything.
import { BadgePlaceholder, ShowNameField, StateLine } from '../../public/components.tsx';
import { CriteriaText } from '../../public/views/criteria.tsx';
import { Alert, CsrfField, FormErrors, formatDate } from '../../ui/components.tsx';
import { Layout, type PageContext } from '../../ui/layout.tsx';
import type { Claim } from '../service.ts';

export type OpenClaim = Extract<Claim, { kind: 'open' | 'expired' }>;

export function ClaimMessage(props: { ctx: PageContext; title: string; text: string; status?: string }) {
  return (
    <Layout ctx={props.ctx} title={props.title} noindex>
      <div class="card form-narrow">
        <h1>{props.title}</h1>
        <p>{props.text}</p>
        <p>
          <a href={props.ctx.user ? '/wallet' : '/'}>
            {props.ctx.user ? 'Go to my badges' : 'Go to the home page'}
          </a>
        </p>
      </div>
    </Layout>
  );
}

function BadgeSummary(props: { claim: OpenClaim; imageSrc: string | null }) {
  const { award, org, template } = props.claim;
  return (
    <section class="badge-hero">
      {props.imageSrc ? (
        <img src={props.imageSrc} alt={`${template.name} badge`} width="240" height="240" />
      ) : (
        <BadgePlaceholder name={template.name} size={240} />
      )}
      <div class="stack">
        <h1>{template.name}</h1>
        <p>
          Issued by <a href={`/orgs/${org.slug}`}>{org.name}</a> on {formatDate(award.issuedAt)}.
        </p>
        <StateLine
          state={props.claim.kind === 'expired' ? 'expired' : 'valid'}
          validUntil={award.validUntil}
        />
        {template.description ? <p>{template.description}</p> : null}
        {template.criteriaNarrative ? <h2>Criteria</h2> : null}
        <CriteriaText narrative={template.criteriaNarrative} url={template.criteriaUrl} />
      </div>
    </section>
  );
}

export function ClaimPage(props: {
  ctx: PageContext;
  token: string;
  claim: OpenClaim;
  imageSrc: string | null;
  error?: string;
}) {
  const { claim, token, ctx } = props;
  const email = claim.award.recipientEmail ?? '';
  const next = `/claim/${token}`;
  return (
    <Layout ctx={ctx} title={`Claim “${claim.template.name}”`} noindex>
      {props.error ? <FormErrors message={props.error} /> : null}
      <BadgeSummary claim={claim} imageSrc={props.imageSrc} />
      {claim.kind === 'expired' ? (
        <Alert kind="warning" title="This claim link has expired">
          The badge expired on {formatDate(claim.award.validUntil)}, and its claim link with it. Ask{' '}
          {claim.org.name} if you need a new one.
        </Alert>
      ) : (
        <section class="card stack" aria-labelledby="claim-actions">
          <h2 id="claim-actions">Accept or decline</h2>
          <p>
            This badge was awarded to <strong>{claim.award.recipientName ?? ''}</strong> at{' '}
            <strong>{email}</strong>.
          </p>
          {ctx.user ? (
            <form method="post" action={`/claim/${token}/accept`} class="stack">
              <CsrfField token={ctx.csrfToken} />
              <ShowNameField recipientName={claim.award.recipientName} />
              {claim.emailIsViewers ? null : (
                <p>
                  Accepting adds <strong>{email}</strong> to your account ({ctx.user.name}) as a confirmed
                  address: this link was sent to it, which proves it is yours.
                </p>
              )}
              <div class="form-actions">
                <button type="submit" class="button">
                  Accept into my wallet
                </button>
              </div>
            </form>
          ) : (
            <div class="stack">
              <p>
                To keep this badge you need a Laurel account. It stays private until you decide to share it.
              </p>
              <div class="form-actions">
                <a
                  class="button"
                  href={`/signup?email=${encodeURIComponent(email)}&next=${encodeURIComponent(next)}`}
                >
                  Sign up with {email}
                </a>
                <a class="button secondary" href={`/login?next=${encodeURIComponent(next)}`}>
                  Log in
                </a>
              </div>
            </div>
          )}
          <p>
            Not yours, or you do not want it? <a href={`/claim/${token}/reject`}>Decline this badge</a>.
          </p>
        </section>
      )}
    </Layout>
  );
}

export function RejectPage(props: { ctx: PageContext; token: string; claim: OpenClaim }) {
  return (
    <Layout ctx={props.ctx} title="Decline this badge" noindex>
      <div class="card form-narrow stack">
        <h1>Decline “{props.claim.template.name}”?</h1>
        <p>
          Declining is permanent. The badge is revoked, and your name and email address are deleted from it.
          {` ${props.claim.org.name}`} will see that it was declined. You cannot accept it afterwards.
        </p>
        <form method="post" action={`/claim/${props.token}/reject`} class="stack">
          <CsrfField token={props.ctx.csrfToken} />
          <input type="hidden" name="confirm" value="yes" />
          <div class="form-actions">
            <button type="submit" class="button danger">
              Decline and delete it
            </button>
            <a href={`/claim/${props.token}`}>Keep it</a>
          </div>
        </form>
      </div>
    </Layout>
  );
}

/** What the page says for a link that offers nothing: title, text and status. */
export const MESSAGES: Record<
  Exclude<Claim['kind'], 'open' | 'expired' | 'mine'>,
  [string, string, number]
> = {
  unknown: [
    'Claim link not valid',
    'This claim link is not valid. Check that you copied the whole address from the email, or use the link in any email you received about this badge.',
    404,
  ],
  used: [
    'Claim link already used',
    'This badge has already been claimed. A claim link works once; if it was yours, log in with the account that accepted it.',
    410,
  ],
  rejected: ['Badge declined', 'This badge was declined by its recipient and no longer exists.', 410],
  revoked: ['Badge revoked', 'The issuer has revoked this badge, so it can no longer be claimed.', 410],
};
