// Machine-readable documents of an organization (did:web, OB3 Profile, OB2 Issuer) and its JSON API.
import type { App, AppContext } from '../http/context.ts';
import { sendPublicJson } from '../http/responses.ts';
import { SlugParams, problems } from '../http/schemas.ts';
import { orgActorOf } from '../http/access.ts';
import { didDocument } from './keys.ts';
import { OrgSchema, ob2Issuer, presentOrg, profileDocument } from './presenters.ts';
import { publicOrg } from './service.ts';

export function registerOrgRoutes(app: App, ctx: AppContext) {
  const { db, config } = ctx;
  const documentRoute = {
    config: { access: 'public' as const, anonymous: true },
    schema: { hide: true, params: SlugParams },
  };

  // did:web method spec §3.2: the document for did:web:<host>:orgs:<slug> lives at /orgs/<slug>/did.json.
  app.get('/orgs/:slug/did.json', documentRoute, async (request, reply) => {
    const org = await publicOrg(ctx, request.params.slug);
    return sendPublicJson(reply, await didDocument(db, config, org), 'application/did+json');
  });

  app.get('/orgs/:slug/profile.json', documentRoute, async (request, reply) => {
    const org = await publicOrg(ctx, request.params.slug);
    return sendPublicJson(reply, profileDocument(config, org));
  });

  app.get('/orgs/:slug/issuer.json', documentRoute, async (request, reply) => {
    const org = await publicOrg(ctx, request.params.slug);
    return sendPublicJson(reply, ob2Issuer(config, org));
  });

  app.get(
    '/api/v1/orgs/:slug',
    {
      config: { access: { role: 'viewer', scope: 'templates:read' } },
      schema: {
        tags: ['Organizations'],
        summary: 'Read an organization',
        description: 'For members (session) and API keys of the organization with the templates:read scope.',
        params: SlugParams,
        response: { 200: OrgSchema, ...problems(401, 403, 404) },
        security: [{ apiKey: [] }],
      },
    },
    async (request) => presentOrg(config, orgActorOf(request).org),
  );
}
