// `/api/v1/claims/:token`: the claim link as JSON, for apps that show and accept a badge
// themselves. The token is the authority to look and to decline; accepting also needs a
// signed-in session (with the x-csrf-token header), like the page.
import { Type } from 'typebox';
import { LaurelError } from '../errors.ts';
import { userOf } from '../http/access.ts';
import type { App, AppContext } from '../http/context.ts';
import { NoBody, problems, TokenParams } from '../http/schemas.ts';
import { ClaimViewSchema, RejectedSchema, presentAccepted, presentClaim } from './presenters.ts';
import { acceptClaim, lookupClaim, rejectClaim } from './service.ts';

/** A POST that reads no body: whatever comes is ignored, as before schemas were declared. */

const RejectBody = Type.Object(
  {
    confirm: Type.Boolean({
      description: 'Must be true: declining revokes the badge and deletes the recipient’s data for good.',
    }),
  },
  { additionalProperties: false },
);

export function claimRoutes(app: App, ctx: AppContext) {
  app.get(
    '/api/v1/claims/:token',
    {
      config: { access: 'token' },
      schema: {
        tags: ['Claims'],
        summary: 'What a claim link offers',
        description:
          'The badge behind a claim link. A link already used by someone else answers 409, one declined or revoked 410.',
        params: TokenParams,
        response: { 200: ClaimViewSchema, ...problems(404, 409, 410) },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'private, no-store');
      return presentClaim(ctx, await lookupClaim(ctx, request.params.token, request.user?.id ?? null));
    },
  );

  app.post(
    '/api/v1/claims/:token/accept',
    {
      config: { access: 'user session' },
      schema: {
        tags: ['Claims'],
        summary: 'Accept the badge into my wallet',
        description:
          'Signed-in session with the `x-csrf-token` header. The award’s address becomes a confirmed address of the account. The new wallet item is private.',
        params: TokenParams,
        body: NoBody,
        response: { 200: ClaimViewSchema, ...problems(401, 403, 404, 409, 410) },
      },
    },
    async (request, reply) => {
      const user = userOf(request);
      const item = await acceptClaim(ctx, request.params.token, user.id);
      reply.header('cache-control', 'private, no-store');
      return presentAccepted(item);
    },
  );

  app.post(
    '/api/v1/claims/:token/reject',
    {
      schema: {
        tags: ['Claims'],
        summary: 'Decline the badge for good',
        description:
          'Revokes the credential and deletes the recipient’s name and email from it; the issuer sees it as declined. Cannot be undone. The token is the only authority needed.',
        params: TokenParams,
        body: RejectBody,
        response: {
          200: RejectedSchema,
          ...problems(400, 404, 409, 410, 422),
        },
      },
      // The secret token in the address is the credential here, not an ambient cookie.
      config: { access: 'token', csrf: false },
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
