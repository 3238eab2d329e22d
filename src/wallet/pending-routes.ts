// Accepting and declining a waiting badge from the wallet: the page's forms and the JSON API.
// Both go through the claim service, bound to the award and the account's confirmed addresses.
import type { FastifyInstance } from 'fastify';
import { type Static, Type } from 'typebox';
import { acceptPendingAward, declinePendingAward } from '../claims/service.ts';
import { LaurelError } from '../errors.ts';
import { userOf } from '../http/access.ts';
import type { AppContext } from '../http/context.ts';
import { showNameChosen } from '../public/components.tsx';
import { setShowRecipientName } from './service.ts';

const AwardParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const FormBody = Type.Object({}, { additionalProperties: Type.Any() });
const DeclineBody = Type.Object(
  {
    confirm: Type.Boolean({
      description: 'Must be true: declining revokes the badge and deletes my name and address from it.',
    }),
  },
  { additionalProperties: false },
);

const declineRefused = () =>
  new LaurelError('INVALID', 'Declining is permanent: confirm it to decline.', [
    { field: 'confirm', message: 'Tick the box to confirm.' },
  ]);

export function pendingRoutes(app: FastifyInstance, ctx: AppContext) {
  const hidden = { hide: true };

  app.post<{ Params: Static<typeof AwardParams> }>(
    '/wallet/pending/:id/accept',
    { config: { access: 'user' }, schema: { ...hidden, params: AwardParams, body: FormBody } },
    async (request, reply) => {
      const user = userOf(request);
      const item = await acceptPendingAward(ctx, request.params.id, user.id);
      await setShowRecipientName(ctx.db, user.id, item.id, showNameChosen(request.body));
      return reply.redirect(`/wallet/${item.id}?accepted=1`, 303);
    },
  );

  app.post<{ Params: Static<typeof AwardParams>; Body: Record<string, unknown> }>(
    '/wallet/pending/:id/decline',
    { config: { access: 'user' }, schema: { ...hidden, params: AwardParams, body: FormBody } },
    async (request, reply) => {
      const user = userOf(request);
      if (request.body?.confirm !== 'yes') throw declineRefused();
      await declinePendingAward(ctx, request.params.id, user.id);
      return reply.redirect('/wallet?declined=1', 303);
    },
  );

  const api = (summary: string, description: string, extra: Record<string, unknown>) => ({
    tags: ['My badges'],
    summary,
    description,
    params: AwardParams,
    ...extra,
  });

  app.post<{ Params: Static<typeof AwardParams> }>(
    '/api/v1/me/pending/:id/accept',
    {
      config: { access: 'user session' },
      schema: api(
        'Accept a badge waiting for me',
        'Signed-in session with the `x-csrf-token` header. For a badge in `pending` of `GET /api/v1/me/badges` (sent to one of my confirmed addresses); any other award is 404. Its claim link stops working; the new wallet item is private.',
        {
          response: {
            200: Type.Object({
              state: Type.Literal('accepted'),
              awardId: Type.String(),
              walletItemId: Type.String(),
            }),
          },
        },
      ),
    },
    async (request, reply) => {
      const user = userOf(request);
      const item = await acceptPendingAward(ctx, request.params.id, user.id);
      reply.header('cache-control', 'private, no-store');
      return { state: 'accepted' as const, awardId: item.awardId!, walletItemId: item.id };
    },
  );

  app.post<{ Params: Static<typeof AwardParams>; Body: Static<typeof DeclineBody> }>(
    '/api/v1/me/pending/:id/decline',
    {
      config: { access: 'user session' },
      schema: api(
        'Decline a badge waiting for me, for good',
        'Signed-in session with the `x-csrf-token` header. Revokes the credential and deletes my name and address from it; cannot be undone.',
        { body: DeclineBody, response: { 200: Type.Object({ state: Type.Literal('rejected') }) } },
      ),
    },
    async (request, reply) => {
      const user = userOf(request);
      if (request.body.confirm !== true) throw declineRefused();
      await declinePendingAward(ctx, request.params.id, user.id);
      reply.header('cache-control', 'private, no-store');
      return { state: 'rejected' as const };
    },
  );
}
