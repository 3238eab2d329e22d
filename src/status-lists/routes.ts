import { Type } from 'typebox';
import type { App, AppContext } from '../http/context.ts';
import { Slug, Uuid } from '../http/schemas.ts';
import { getSignedStatusList } from './service.ts';

const Params = Type.Object({ slug: Slug, listId: Uuid });

export function statusListRoutes(app: App, ctx: AppContext) {
  app.get(
    '/orgs/:slug/status/:listId',
    {
      config: { access: 'public', anonymous: true },
      schema: {
        tags: ['Verification'],
        summary: 'An organization’s signed Bitstring status list',
        description:
          'A BitstringStatusListCredential (W3C Bitstring Status List v1.0) signed with eddsa-rdfc-2022; a set bit means the credential at that index is revoked.',
        params: Params,
      },
    },
    async (request, reply) => {
      const text = await getSignedStatusList(ctx.db, ctx.config, request.params.slug, request.params.listId);
      if (!text) return reply.callNotFound();
      // Revalidated on every use: a revocation shows on the very next fetch, through any cache.
      return reply
        .type('application/vc+ld+json')
        .header('cache-control', 'no-cache')
        .header('access-control-allow-origin', '*')
        .send(text);
    },
  );
}
