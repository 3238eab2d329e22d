// The claim page of the award email's link: see the badge, accept it into the wallet or decline it.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LaurelError } from '../errors.ts';
import { userOf } from '../http/access.ts';
import { pageContext } from '../http/auth.ts';
import type { App, AppContext } from '../http/context.ts';
import { formRoute, readForm } from '../http/forms.ts';
import { FormBody, FormFlag, FormText, TokenParams } from '../http/schemas.ts';
import { showNameChosen } from '../public/components.tsx';
import { templateImage } from '../templates/service.ts';
import { setShowRecipientName } from '../wallet/service.ts';
import { acceptClaim, lookupClaim, rejectClaim } from './service.ts';
import { ClaimMessage, ClaimPage, MESSAGES, type OpenClaim, RejectPage } from './views/claim.tsx';

const AcceptForm = FormBody({ showName: FormFlag });
const RejectForm = FormBody({ confirm: FormText({ maxLength: 10 }) });

export function claimPages(app: App, ctx: AppContext) {
  const imageOf = async (claim: OpenClaim) => {
    const png = await templateImage(ctx.db, claim.template.id, 'png');
    return png ? `data:image/png;base64,${png.toString('base64')}` : null;
  };

  // The token is in the address: keep it out of Referer headers to any link on the page. This
  // scope's onSend runs after the server-wide one that sets the default policy.
  app.addHook('onSend', async (_request, reply) => {
    reply.header('referrer-policy', 'no-referrer');
  });
  const noStore = (reply: FastifyReply) => reply.header('cache-control', 'private, no-store');

  const show = async (
    request: FastifyRequest,
    reply: FastifyReply,
    token: string,
    render: (claim: OpenClaim) => Promise<unknown> | unknown,
  ) => {
    noStore(reply);
    const claim = await lookupClaim(ctx, token, request.user?.id ?? null);
    if (claim.kind === 'mine') return reply.redirect(`/wallet/${claim.itemId}`, 303);
    if (claim.kind === 'open' || claim.kind === 'expired') return render(claim);
    const [title, text, status] = MESSAGES[claim.kind];
    return reply.html(<ClaimMessage ctx={pageContext(request)} title={title} text={text} />, status);
  };

  app.get(
    '/claim/:token',
    { config: { access: 'token' }, schema: { hide: true, params: TokenParams } },
    async (request, reply) =>
      show(request, reply, request.params.token, async (claim) =>
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

  app.post(
    '/claim/:token/accept',
    { ...formRoute(AcceptForm, { params: TokenParams }), config: { access: 'token' } },
    async (request, reply) => {
      const user = userOf(request);
      const { token } = request.params;
      noStore(reply);
      try {
        const item = await acceptClaim(ctx, token, user.id);
        const show = showNameChosen(readForm(request, AcceptForm).values);
        await setShowRecipientName(ctx.db, user.id, item.id, show);
        return reply.redirect(`/wallet/${item.id}?accepted=1`, 303);
      } catch (e) {
        if (!(e instanceof LaurelError) || e.code !== 'CONFLICT') throw e;
        const claim = await lookupClaim(ctx, token, user.id);
        if (claim.kind !== 'open') return show(request, reply, token, () => null);
        return reply.html(
          <ClaimPage
            ctx={pageContext(request)}
            token={token}
            claim={claim}
            imageSrc={await imageOf(claim)}
            error={`${e.message} Log in with the account that holds ${claim.award.recipientEmail ?? 'it'} to accept this badge, or merge the two accounts from your account page.`}
          />,
          409,
        );
      }
    },
  );

  app.get(
    '/claim/:token/reject',
    { config: { access: 'token' }, schema: { hide: true, params: TokenParams } },
    async (request, reply) =>
      show(request, reply, request.params.token, (claim) =>
        reply.html(<RejectPage ctx={pageContext(request)} token={request.params.token} claim={claim} />),
      ),
  );

  app.post(
    '/claim/:token/reject',
    { ...formRoute(RejectForm, { params: TokenParams }), config: { access: 'token' } },
    async (request, reply) => {
      const { token } = request.params;
      noStore(reply);
      if (readForm(request, RejectForm).values.confirm !== 'yes')
        return reply.redirect(`/claim/${token}/reject`, 303);
      const claim = await lookupClaim(ctx, token, null);
      if (claim.kind !== 'open' && claim.kind !== 'expired') return show(request, reply, token, () => null);
      await rejectClaim(ctx, token);
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
