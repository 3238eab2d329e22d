// Public, unauthenticated documents verifiers fetch: OB 2.0 hosted assertions and revocation lists.
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../http/context.ts';
import { getOrgBySlug } from '../orgs/service.ts';
import { ob2AssertionFor, ob2RevocationList } from './ob2.ts';

export function publicAwardRoutes(app: FastifyInstance, ctx: AppContext) {
  app.get<{ Params: { id: string } }>(
    '/ob2/assertions/:id',
    {
      schema: {
        tags: ['Verification'],
        summary: 'An Open Badges 2.0 hosted assertion',
        description:
          'The hosted assertion of an award. Once accepted, it is published only while its earner keeps the badge public (404 otherwise, as for an award that does not exist). A revoked award answers 200 with `revoked: true` and `revocationReason`; one its recipient declined answers 410 Gone.',
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
      },
    },
    async (request, reply) => {
      const answer = await ob2AssertionFor(ctx.db, ctx.config, request.params.id);
      if (answer.kind === 'missing') return reply.callNotFound();
      reply.header('access-control-allow-origin', '*').header('cache-control', 'public, max-age=60');
      if (answer.kind === 'gone')
        return reply.status(410).type('application/problem+json').send({
          type: 'urn:laurel:problem:gone',
          title: 'Gone',
          status: 410,
          detail: 'The recipient declined this badge; it no longer exists.',
          code: 'GONE',
        });
      return reply.type('application/ld+json').send(JSON.stringify(answer.assertion));
    },
  );

  app.get<{ Params: { slug: string } }>(
    '/orgs/:slug/ob2/revocations.json',
    {
      schema: {
        tags: ['Verification'],
        summary: 'An organization’s Open Badges 2.0 revocation list',
        params: Type.Object({ slug: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,62}$' }) }),
      },
    },
    async (request, reply) => {
      const org = await getOrgBySlug(ctx.db, request.params.slug);
      if (!org) return reply.callNotFound();
      return reply
        .type('application/ld+json')
        .header('access-control-allow-origin', '*')
        .header('cache-control', 'public, max-age=60')
        .send(JSON.stringify(await ob2RevocationList(ctx.db, ctx.config, org)));
    },
  );
}
