// Machine-readable documents of an organization (did:web, OB3 Profile, OB2 Issuer) and its JSON API.
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { orgActorOf } from '../http/access.ts';
import type { AppContext } from '../http/context.ts';
import { sendPublicJson } from '../http/responses.ts';
import { didDocument, getOrgById, issuerDid, issuerProfile, ob2Issuer, publicOrg } from './service.ts';

export const SlugParams = Type.Object({ slug: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,62}$' }) });

const OrgSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  slug: Type.String(),
  name: Type.String(),
  did: Type.String({ description: 'The did:web issuer identifier.' }),
  url: Type.String(),
  website: Type.Union([Type.String(), Type.Null()]),
  contactEmail: Type.Union([Type.String(), Type.Null()]),
  description: Type.Union([Type.String(), Type.Null()]),
  linkedinOrgId: Type.Union([Type.String(), Type.Null()]),
  reminderDays: Type.Array(Type.Integer()),
  createdAt: Type.String({ format: 'date-time' }),
});

export function registerOrgRoutes(app: FastifyInstance, ctx: AppContext) {
  const { db, config } = ctx;
  type P = { Params: { slug: string } };

  // did:web method spec §3.2: the document for did:web:<host>:orgs:<slug> lives at /orgs/<slug>/did.json.
  app.get<P>(
    '/orgs/:slug/did.json',
    { config: { access: 'public' }, schema: { hide: true } },
    async (request, reply) => {
      const org = await publicOrg(ctx, request.params.slug);
      return sendPublicJson(reply, await didDocument(db, config, org), 'application/did+json');
    },
  );

  app.get<P>(
    '/orgs/:slug/profile.json',
    { config: { access: 'public' }, schema: { hide: true } },
    async (request, reply) => {
      const org = await publicOrg(ctx, request.params.slug);
      return sendPublicJson(reply, {
        '@context': [
          'https://www.w3.org/ns/credentials/v2',
          'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
        ],
        ...issuerProfile(config, org),
      });
    },
  );

  app.get<P>(
    '/orgs/:slug/issuer.json',
    { config: { access: 'public' }, schema: { hide: true } },
    async (request, reply) => {
      const org = await publicOrg(ctx, request.params.slug);
      return sendPublicJson(reply, ob2Issuer(config, org));
    },
  );

  app.get<P>(
    '/api/v1/orgs/:slug',
    {
      config: { access: { role: 'viewer', scope: 'templates:read' } },
      schema: {
        tags: ['Organizations'],
        summary: 'Read an organization',
        description: 'For members (session) and API keys of the organization with the templates:read scope.',
        params: SlugParams,
        response: { 200: OrgSchema },
        security: [{ apiKey: [] }],
      },
    },
    async (request) => {
      const actor = orgActorOf(request);
      const org = (await getOrgById(db, actor.org.id))!;
      return {
        id: org.id,
        slug: org.slug,
        name: org.name,
        did: issuerDid(config, org.slug),
        url: `${config.baseUrl}/orgs/${org.slug}`,
        website: org.website,
        contactEmail: org.contactEmail,
        description: org.description,
        linkedinOrgId: org.linkedinOrgId,
        reminderDays: org.reminderDays,
        createdAt: org.createdAt.toISOString(),
      };
    },
  );
}
