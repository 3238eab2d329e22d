// `/api/v1/claims/:token`: the claim link as JSON, for apps that show and accept a badge
// themselves. The token is the authority to look and to decline; accepting also needs a
// signed-in session (with the x-csrf-token header), like the page.
import type { FastifyContextConfig, FastifyInstance } from 'fastify';
import { type Static, Type } from 'typebox';
import { LaurelError } from '../errors.ts';
import type { AppContext } from '../http/context.ts';
import { orgUrl } from '../orgs/service.ts';
import { userOf } from '../http/access.ts';
import { type Claim, acceptClaim, lookupClaim, refuse, rejectClaim } from './service.ts';

const TokenParams = Type.Object({ token: Type.String({ maxLength: 200 }) });
const nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

const ClaimView = Type.Object({
  state: Type.Union([Type.Literal('open'), Type.Literal('expired'), Type.Literal('accepted')], {
    description:
      'open: can be accepted or declined; expired: can only be declined; accepted: already in my wallet.',
  }),
  awardId: Type.String(),
  walletItemId: nullable(Type.String({ description: 'Set once accepted.' })),
  badge: Type.Optional(
    Type.Object({
      name: Type.String(),
      description: Type.String(),
      criteria: Type.String(),
      imageUrl: Type.String(),
    }),
  ),
  issuer: Type.Optional(Type.Object({ name: Type.String(), url: Type.String() })),
  recipient: Type.Optional(
    Type.Object({
      name: nullable(Type.String()),
      email: nullable(Type.String()),
      isMine: Type.Boolean({ description: 'The address is among my confirmed ones (signed in).' }),
    }),
  ),
  issuedAt: Type.Optional(Type.String({ format: 'date-time' })),
  validUntil: Type.Optional(nullable(Type.String({ format: 'date-time' }))),
});
type ClaimView = Static<typeof ClaimView>;

const RejectBody = Type.Object(
  {
    confirm: Type.Boolean({
      description: 'Must be true: declining revokes the badge and deletes the recipient’s data for good.',
    }),
  },
  { additionalProperties: false },
);

function present(ctx: AppContext, claim: Claim): ClaimView {
  if (claim.kind === 'mine') return { state: 'accepted', awardId: claim.awardId, walletItemId: claim.itemId };
  if (claim.kind !== 'open' && claim.kind !== 'expired') refuse(claim);
  const { award, org, template } = claim;
  return {
    state: claim.kind,
    awardId: award.id,
    walletItemId: null,
    badge: {
      name: template.name,
      description: template.description,
      criteria: template.criteriaNarrative,
      imageUrl: `${orgUrl(ctx.config, org.slug)}/badges/${template.id}/image.png`,
    },
    issuer: { name: org.name, url: orgUrl(ctx.config, org.slug) },
    recipient: {
      name: award.recipientName,
      email: award.recipientEmail,
      isMine: claim.kind === 'open' && claim.emailIsViewers,
    },
    issuedAt: award.issuedAt.toISOString(),
    validUntil: award.validUntil?.toISOString() ?? null,
  };
}

/** The OpenAPI description every claim route shares. */
const doc = (summary: string, description: string, extra: Record<string, unknown>) => ({
  tags: ['Claims'],
  summary,
  description,
  params: TokenParams,
  ...extra,
});

export function claimRoutes(app: FastifyInstance, ctx: AppContext) {
  app.get<{ Params: { token: string } }>(
    '/api/v1/claims/:token',
    {
      config: { access: 'token' },
      schema: doc(
        'What a claim link offers',
        'The badge behind a claim link. A link already used by someone else answers 409, one declined or revoked 410.',
        { response: { 200: ClaimView } },
      ),
    },
    async (request, reply) => {
      reply.header('cache-control', 'private, no-store');
      return present(ctx, await lookupClaim(ctx, request.params.token, request.user?.id ?? null));
    },
  );

  app.post<{ Params: { token: string } }>(
    '/api/v1/claims/:token/accept',
    {
      config: { access: 'user session' },
      schema: doc(
        'Accept the badge into my wallet',
        'Signed-in session with the `x-csrf-token` header. The award’s address becomes a confirmed address of the account. The new wallet item is private.',
        { response: { 200: ClaimView } },
      ),
    },
    async (request, reply) => {
      const user = userOf(request);
      const item = await acceptClaim(ctx, request.params.token, user.id);
      reply.header('cache-control', 'private, no-store');
      return { state: 'accepted' as const, awardId: item.awardId!, walletItemId: item.id };
    },
  );

  app.post<{ Params: { token: string }; Body: Static<typeof RejectBody> }>(
    '/api/v1/claims/:token/reject',
    {
      schema: doc(
        'Decline the badge for good',
        'Revokes the credential and deletes the recipient’s name and email from it; the issuer sees it as declined. Cannot be undone. The token is the only authority needed.',
        { body: RejectBody, response: { 200: Type.Object({ state: Type.Literal('rejected') }) } },
      ),
      // The secret token in the address is the credential here, not an ambient cookie.
      config: { access: 'token', csrf: false } as FastifyContextConfig,
    },
    async (request, reply) => {
      if (request.body.confirm !== true)
        throw new LaurelError('INVALID', 'Declining is permanent: send confirm: true to decline.', [
          { field: 'confirm', message: 'Must be true.' },
        ]);
      await rejectClaim(ctx, request.params.token);
      reply.header('cache-control', 'no-store');
      return { state: 'rejected' as const };
    },
  );
}
