// Public, unauthenticated documents verifiers fetch: OB 2.0 hosted assertions and revocation lists.
import type { App, AppContext } from '../http/context.ts';
import { IdParams, SlugParams } from '../http/schemas.ts';
import { getOrgBySlug } from '../orgs/service.ts';
import { ob2AssertionFor, ob2RevocationList } from './ob2.ts';

export function publicAwardRoutes(app: App, ctx: AppContext) {
  app.get(
    '/ob2/assertions/:id',
    {
      config: { access: 'public' },
      schema: {
        tags: ['Verification'],
        summary: 'An Open Badges 2.0 hosted assertion',
        description:
          'The hosted assertion of an award, published only while it is accepted and its earner keeps it public (404 otherwise — unclaimed, declined or private — as for an award that does not exist). A revoked award answers 410 Gone with the assertion, `revoked: true` and `revocationReason`.',
        params: IdParams,
      },
    },
    async (request, reply) => {
      const answer = await ob2AssertionFor(ctx.db, ctx.config, request.params.id);
      if (answer.kind === 'missing') return reply.callNotFound();
      // Revalidated on every use: a revocation or a privacy change applies to the next request.
      reply.header('access-control-allow-origin', '*').header('cache-control', 'no-cache');
      return reply
        .status(answer.revoked ? 410 : 200)
        .type('application/ld+json')
        .send(JSON.stringify(answer.assertion));
    },
  );

  app.get(
    '/orgs/:slug/ob2/revocations.json',
    {
      config: { access: 'public' },
      schema: {
        tags: ['Verification'],
        summary: 'An organization’s Open Badges 2.0 revocation list',
        params: SlugParams,
      },
    },
    async (request, reply) => {
      const org = await getOrgBySlug(ctx.db, request.params.slug);
      if (!org) return reply.callNotFound();
      return reply
        .type('application/ld+json')
        .header('access-control-allow-origin', '*')
        .header('cache-control', 'no-cache')
        .send(JSON.stringify(await ob2RevocationList(ctx.db, ctx.config, org)));
    },
  );
}
