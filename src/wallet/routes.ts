// `/api/v1/me/badges`: the signed-in earner's wallet as JSON (session cookie; writes need x-csrf-token).
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { LaurelError } from '../errors.ts';
import { requireUser } from '../http/auth.ts';
import type { AppContext } from '../http/context.ts';
import { forgetBadge } from '../public/badge-view.ts';
import { type WalletEntry, walletEntries } from './pages.tsx';
import { getOwnItem, setShowRecipientName, setVisibility } from './service.ts';

const Badge = Type.Object({
  id: Type.String({ description: 'The wallet item id.' }),
  awardId: Type.Union([Type.String(), Type.Null()], {
    description: 'Set for a badge issued on this platform.',
  }),
  imported: Type.Boolean(),
  name: Type.String(),
  issuer: Type.Object({ name: Type.String(), id: Type.Union([Type.String(), Type.Null()]) }),
  state: Type.Union([
    Type.Literal('valid'),
    Type.Literal('expired'),
    Type.Literal('revoked'),
    Type.Literal('unverified'),
  ]),
  visibility: Type.Union([Type.Literal('private'), Type.Literal('public')]),
  showRecipientName: Type.Boolean(),
  publicUrl: Type.Union([Type.String(), Type.Null()], { description: 'The public page, while public.' }),
  validUntil: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  addedAt: Type.String({ format: 'date-time' }),
});

const Patch = Type.Object(
  {
    visibility: Type.Optional(Type.Union([Type.Literal('private'), Type.Literal('public')])),
    showRecipientName: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

function present(ctx: AppContext, e: WalletEntry): Static<typeof Badge> {
  const { item } = e;
  return {
    id: item.id,
    awardId: item.awardId,
    imported: item.awardId === null,
    name: item.badgeName,
    issuer: { name: item.issuerName, id: item.issuerId },
    state: e.state,
    visibility: item.visibility,
    showRecipientName: item.showRecipientName,
    publicUrl:
      item.awardId && item.visibility === 'public' ? `${ctx.config.baseUrl}/c/${item.awardId}` : null,
    validUntil: (e.award?.validUntil ?? item.validUntil)?.toISOString() ?? null,
    addedAt: item.addedAt.toISOString(),
  };
}

export function walletRoutes(app: FastifyInstance, ctx: AppContext) {
  app.get(
    '/api/v1/me/badges',
    {
      schema: {
        tags: ['My badges'],
        summary: 'The badges in my wallet',
        description: 'Signed-in session only (not API keys).',
        response: { 200: Type.Object({ items: Type.Array(Badge) }) },
      },
    },
    async (request, reply) => {
      const user = requireUser(request);
      reply.header('cache-control', 'private, no-store');
      return { items: (await walletEntries(ctx, user.id)).map((e) => present(ctx, e)) };
    },
  );

  app.patch<{ Params: { id: string }; Body: Static<typeof Patch> }>(
    '/api/v1/me/badges/:id',
    {
      schema: {
        tags: ['My badges'],
        summary: 'Make a badge public or private, show or hide my name on its page',
        description: 'Signed-in session with the `x-csrf-token` header.',
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        body: Patch,
        response: { 200: Badge },
      },
    },
    async (request, reply) => {
      const user = requireUser(request);
      if (request.headers.authorization)
        throw new LaurelError(
          'FORBIDDEN',
          'Wallets are changed by their owner, signed in, not with an API key.',
        );
      let item = await getOwnItem(ctx.db, user.id, request.params.id);
      const { visibility, showRecipientName } = request.body;
      if (visibility) item = await setVisibility(ctx.db, user.id, item.id, visibility);
      if (showRecipientName !== undefined)
        item = await setShowRecipientName(ctx.db, user.id, item.id, showRecipientName);
      if (item.awardId) forgetBadge(item.awardId);
      const entry = (await walletEntries(ctx, user.id)).find((e) => e.item.id === item.id)!;
      reply.header('cache-control', 'private, no-store');
      return present(ctx, entry);
    },
  );
}
