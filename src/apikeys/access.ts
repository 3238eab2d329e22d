import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../http/context.ts';
import { LaurelError } from '../errors.ts';
import { requireOrgRole } from '../orgs/access.ts';
import { getOrgBySlug } from '../orgs/service.ts';
import type { OrgRole } from '../orgs/tables.ts';
import { type ApiKeyAuth, type ApiScope, authenticateApiKey, MISSING_API_KEY } from './service.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The live API key the request authenticated with; such a request carries no session. */
    apiKey: ApiKeyAuth | null;
  }
}

/**
 * The request's API key, resolved once before anything reads the request. A wrong or revoked
 * key resolves to null: the organization API then refuses it (requireOrgActor), and everywhere
 * else the request is an ordinary cookie request, CSRF check included.
 */
export async function resolveApiKey(ctx: AppContext, request: FastifyRequest): Promise<ApiKeyAuth | null> {
  try {
    return await authenticateApiKey(ctx.db, request);
  } catch (e) {
    if (e instanceof LaurelError && e.code === 'UNAUTHENTICATED') return null;
    throw e;
  }
}

/** Who is acting on an organization through the API: a member (session) or one of its API keys. */
export interface OrgActor {
  org: { id: string; slug: string; name: string };
  userId: string | null;
  apiKeyId: string | null;
}

/**
 * The authorization rule of every organization API route: an API key of this organization
 * holding `scope`, or a signed-in member with at least `role` (session requests pass the CSRF
 * check in src/http/csrf.ts; requests with a live key carry no ambient credential and are exempt).
 */
export async function requireOrgActor(
  ctx: AppContext,
  request: FastifyRequest,
  slug: string,
  needed: { role: OrgRole; scope: ApiScope },
): Promise<OrgActor> {
  // A key that did not resolve is asked again only to answer 401: it never falls back to the cookie.
  const key = request.apiKey ?? (await authenticateApiKey(ctx.db, request));
  if (key) {
    const org = await getOrgBySlug(ctx.db, slug);
    if (!org || org.id !== key.orgId)
      throw new LaurelError('FORBIDDEN', 'This API key belongs to another organization.');
    if (!key.scopes.includes(needed.scope))
      throw new LaurelError('FORBIDDEN', `This API key does not have the ${needed.scope} scope.`);
    return { org: { id: org.id, slug: org.slug, name: org.name }, userId: null, apiKeyId: key.keyId };
  }
  // Neither a key nor a session: the API's caller is told about keys, not sent to a login page.
  const user = request.user;
  if (!user) throw new LaurelError('UNAUTHENTICATED', MISSING_API_KEY);
  const access = await requireOrgRole(ctx.db, user.id, slug, needed.role);
  return { org: access.org, userId: user.id, apiKeyId: null };
}

const actors = new WeakMap<FastifyRequest, OrgActor>();

/**
 * The same rule as a route's `preValidation` hook: who may call comes before what is wrong with
 * the input, so a stranger gets 401/404 rather than a list of the body's field errors.
 */
export function orgActorCheck(ctx: AppContext, needed: { role: OrgRole; scope: ApiScope }) {
  return async (request: FastifyRequest) => {
    const slug = (request.params as { slug?: string }).slug ?? '';
    actors.set(request, await requireOrgActor(ctx, request, slug, needed));
  };
}

/** The actor that the route's `orgActorCheck` let through. */
export function orgActorOf(request: FastifyRequest): OrgActor {
  const actor = actors.get(request);
  if (!actor) throw new Error('This route has no orgActorCheck in its preValidation.');
  return actor;
}
