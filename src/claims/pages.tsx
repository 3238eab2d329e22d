// The claim page of the award email's link: see the badge, accept it into the wallet or decline it.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { LaurelError } from '../errors.ts';
import { userOf } from '../http/access.ts';
import { pageContext } from '../http/auth.ts';
import type { AppContext } from '../http/context.ts';
import { BadgePlaceholder, ShowNameField, StateLine, showNameChosen } from '../public/components.tsx';
import { templateImage } from '../templates/service.ts';
import { Alert, CsrfField, FormErrors, formatDate } from '../ui/components.tsx';
import { Layout, type PageContext } from '../ui/layout.tsx';
import { setShowRecipientName } from '../wallet/service.ts';
import { type Claim, acceptClaim, lookupClaim, rejectClaim } from './service.ts';

const TokenParams = Type.Object({ token: Type.String({ maxLength: 200 }) });
const FormBody = Type.Object(
  {},
  { additionalProperties: Type.Union([Type.String(), Type.Array(Type.String())]) },
);
const hidden = { hide: true };

type OpenClaim = Extract<Claim, { kind: 'open' | 'expired' }>;

function ClaimMessage(props: { ctx: PageContext; title: string; text: string; status?: string }) {
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
        {template.criteriaNarrative ? (
          <>
            <h2>Criteria</h2>
            <p style="white-space:pre-wrap">{template.criteriaNarrative}</p>
          </>
        ) : null}
        {template.criteriaUrl ? (
          <p>
            <a href={template.criteriaUrl} rel="noopener nofollow">
              Full criteria
            </a>
          </p>
        ) : null}
      </div>
    </section>
  );
}

function ClaimPage(props: {
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

function RejectPage(props: { ctx: PageContext; token: string; claim: OpenClaim }) {
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

const MESSAGES: Record<Exclude<Claim['kind'], 'open' | 'expired' | 'mine'>, [string, string, number]> = {
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

export function claimPages(app: FastifyInstance, ctx: AppContext) {
  const imageOf = async (claim: OpenClaim) => {
    const png = await templateImage(ctx.db, claim.template.id, 'png');
    return png ? `data:image/png;base64,${png.toString('base64')}` : null;
  };

  // The token is in the address: keep it out of Referer headers to any link on the page. This
  // scope's onSend runs after the server-wide one that sets the default policy.
  app.addHook('onSend', async (_request, reply) => {
    reply.header('referrer-policy', 'no-referrer');
  });
  const noReferrer = (reply: FastifyReply) => reply.header('cache-control', 'private, no-store');

  const show = async (
    request: FastifyRequest<{ Params: { token: string } }>,
    reply: FastifyReply,
    render: (claim: OpenClaim) => Promise<unknown> | unknown,
  ) => {
    noReferrer(reply);
    const claim = await lookupClaim(ctx, request.params.token, request.user?.id ?? null);
    if (claim.kind === 'mine') return reply.redirect(`/wallet/${claim.itemId}`, 303);
    if (claim.kind === 'open' || claim.kind === 'expired') return render(claim);
    const [title, text, status] = MESSAGES[claim.kind];
    return reply.html(<ClaimMessage ctx={pageContext(request)} title={title} text={text} />, status);
  };

  app.get<{ Params: { token: string } }>(
    '/claim/:token',
    { config: { access: 'token' }, schema: { ...hidden, params: TokenParams } },
    async (request, reply) =>
      show(request, reply, async (claim) =>
        reply.html(
          <ClaimPage
            ctx={pageContext(request)}
            token={request.params.token}
            claim={claim}
            imageSrc={await imageOf(claim)}
          />,
        ),
      ),
  );

  app.post<{ Params: { token: string } }>(
    '/claim/:token/accept',
    { config: { access: 'token' }, schema: { ...hidden, params: TokenParams, body: FormBody } },
    async (request, reply) => {
      const user = userOf(request);
      noReferrer(reply);
      try {
        const item = await acceptClaim(ctx, request.params.token, user.id);
        await setShowRecipientName(ctx.db, user.id, item.id, showNameChosen(request.body));
        return reply.redirect(`/wallet/${item.id}?accepted=1`, 303);
      } catch (e) {
        if (!(e instanceof LaurelError) || e.code !== 'CONFLICT') throw e;
        const claim = await lookupClaim(ctx, request.params.token, user.id);
        if (claim.kind !== 'open') return show(request, reply, () => null);
        return reply.html(
          <ClaimPage
            ctx={pageContext(request)}
            token={request.params.token}
            claim={claim}
            imageSrc={await imageOf(claim)}
            error={`${e.message} Log in with the account that holds ${claim.award.recipientEmail ?? 'it'} to accept this badge, or merge the two accounts from your account page.`}
          />,
          409,
        );
      }
    },
  );

  app.get<{ Params: { token: string } }>(
    '/claim/:token/reject',
    { config: { access: 'token' }, schema: { ...hidden, params: TokenParams } },
    async (request, reply) =>
      show(request, reply, (claim) =>
        reply.html(<RejectPage ctx={pageContext(request)} token={request.params.token} claim={claim} />),
      ),
  );

  app.post<{ Params: { token: string } }>(
    '/claim/:token/reject',
    { config: { access: 'token' }, schema: { ...hidden, params: TokenParams, body: FormBody } },
    async (request, reply) => {
      noReferrer(reply);
      const body = request.body as Record<string, unknown>;
      if (body.confirm !== 'yes') return reply.redirect(`/claim/${request.params.token}/reject`, 303);
      const claim = await lookupClaim(ctx, request.params.token, null);
      if (claim.kind !== 'open' && claim.kind !== 'expired') return show(request, reply, () => null);
      await rejectClaim(ctx, request.params.token);
      return reply.html(
        <ClaimMessage
          ctx={pageContext(request)}
          title="Badge declined"
          text={`You declined “${claim.template.name}”. It has been revoked and your name and email address were deleted from it.`}
        />,
      );
    },
  );
}
