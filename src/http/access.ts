import type { FastifyInstance, FastifyRequest, FastifySchema, RouteOptions } from 'fastify';
import type { ApiScope } from '../apikeys/service.ts';
import { MISSING_API_KEY, authenticateApiKey } from '../apikeys/service.ts';
import { LaurelError } from '../errors.ts';
import { requireOrgRole } from '../orgs/access.ts';
import { type Org, getOrgBySlug } from '../orgs/service.ts';
import type { OrgRole } from '../orgs/tables.ts';
import type { AppContext, CurrentUser } from './context.ts';
import { checkSubmittedCsrf, csrfRequired } from './csrf.ts';
import { dropRestOnError, sendsMultipart } from './multipart.ts';

/**
 * Who may call a route, declared in its config (`config: { access }`):
 * - `public`: anyone, signed in or not;
 * - `token`: a single-use secret in the URL decides, which only the handler can check;
 * - `user`: anyone signed in; `user session`: the same, and refused when an Authorization
 *   header comes along (wallets are changed by their owner, never with an organization's key);
 * - `platform admin`: platform administrators;
 * - `{ role }`: a signed-in member of the `:slug` organization with at least that role, and with
 *   `scope`, an API key of that organization holding the scope as well.
 */
export type Access =
  | 'public'
  | 'token'
  | 'user'
  | 'user session'
  | 'platform admin'
  | { role: OrgRole; scope?: ApiScope };

/** Who the declared access let through. */
export interface Actor {
  user: CurrentUser | null;
  /** For organization routes: the `:slug` organization, with the member's role or the key's id. */
  org: Org | null;
  role: OrgRole | null;
  apiKeyId: string | null;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    /** Set by the access hook before the handler runs. */
    actor: Actor | null;
  }
}

/** A route as the access matrix sees it: `GET /path` and what it declares. */
export interface DeclaredRoute {
  route: string;
  access: Access;
  /** What the route declares about its input and answers (the response-schema test reads it). */
  schema?: FastifySchema;
}

/**
 * Registers the one access hook. A route without a declared access stops the server at start-up.
 * Access is decided before the body is read, except for a session's form post: its CSRF token may
 * be in the body, and a cross-site form is refused as such before it learns who is signed in.
 * Registered last among the request hooks: after the session, API key, CSRF, upload and NUL checks.
 */
export function registerAccess(app: FastifyInstance, ctx: AppContext, declared?: DeclaredRoute[]) {
  app.decorateRequest('actor', null);
  app.addHook('onRoute', (route: RouteOptions) => {
    const access = route.config?.access;
    const methods = [route.method].flat().filter((m) => m !== 'HEAD');
    if (!access) throw new Error(`${methods.join(',')} ${route.url} declares no access in its config.`);
    for (const method of methods)
      declared?.push({ route: `${method} ${route.url}`, access, schema: route.schema });
  });
  // Callback-style: a public route is decided without a promise or a tick.
  app.addHook('onRequest', (request, _reply, done) => {
    if (!decidedBeforeBody(request)) return done();
    if (decide(request)) return done();
    const resolve = () => resolveActor(ctx, request);
    (isUpload(request) ? dropRestOnError(request, resolve) : resolve()).then((actor) => {
      request.actor = actor;
      done();
    }, done);
  });
  // After the body is read (uploads, NUL guard) and before it is validated against the route's schema.
  app.addHook('preValidation', (request, _reply, done) => {
    try {
      checkSubmittedCsrf(request);
    } catch (e) {
      return done(e as Error);
    }
    if (decidedBeforeBody(request) || decide(request)) return done();
    resolveActor(ctx, request).then((actor) => {
      request.actor = actor;
      done();
    }, done);
  });
}

const accessOf = (request: FastifyRequest): Access => request.routeOptions.config?.access ?? 'public';

function decidedBeforeBody(request: FastifyRequest): boolean {
  const access = accessOf(request);
  // An API key's caller sends no CSRF token, and a wrong key hears 401 before anything else.
  if (typeof access === 'object' && access.scope) return true;
  return !csrfRequired(request) || isUpload(request);
}

/** A file upload to a route that takes one: refused before a byte of the file is read. */
const isUpload = (request: FastifyRequest) =>
  !!request.routeOptions.config?.upload && sendsMultipart(request);

/** Decides a public or token route at once (anyone may call it): true when it did. */
function decide(request: FastifyRequest): boolean {
  const access = accessOf(request);
  if (access !== 'public' && access !== 'token') return false;
  request.actor = { user: request.user, org: null, role: null, apiKeyId: null };
  return true;
}

/** The actor of a route that needs someone signed in or a key (decide() took the public ones). */
async function resolveActor(ctx: AppContext, request: FastifyRequest): Promise<Actor> {
  const access = accessOf(request);
  const user = request.user;
  if (typeof access === 'object') {
    const slug = (request.params as { slug?: string }).slug ?? '';
    return access.scope
      ? orgActor(ctx, request, slug, access)
      : member(ctx, signedIn(user), slug, access.role);
  }
  const signed = signedIn(user);
  if (access === 'platform admin' && !signed.isAdmin)
    throw new LaurelError('FORBIDDEN', 'Only platform administrators can open this page.');
  if (access === 'user session' && request.headers.authorization)
    throw new LaurelError('FORBIDDEN', 'Wallets are changed by their owner, signed in, not with an API key.');
  return { user: signed, org: null, role: null, apiKeyId: null };
}

function signedIn(user: CurrentUser | null): CurrentUser {
  if (!user) throw new LaurelError('UNAUTHENTICATED', 'Please log in to continue.');
  return user;
}

async function member(ctx: AppContext, user: CurrentUser, slug: string, role: OrgRole): Promise<Actor> {
  const access = await requireOrgRole(ctx.db, user.id, slug, role);
  return { user, org: access.org, role: access.role, apiKeyId: null };
}

/** An API key of this organization holding `scope`, or a signed-in member with at least `role`. */
async function orgActor(
  ctx: AppContext,
  request: FastifyRequest,
  slug: string,
  needed: { role: OrgRole; scope?: ApiScope },
): Promise<Actor> {
  // A key that did not resolve is asked again only to answer 401: it never falls back to the cookie.
  const key = request.apiKey ?? (await authenticateApiKey(ctx.db, request));
  if (key) {
    const org = await getOrgBySlug(ctx.db, slug);
    if (!org || org.id !== key.orgId)
      throw new LaurelError('FORBIDDEN', 'This API key belongs to another organization.');
    if (!needed.scope || !key.scopes.includes(needed.scope))
      throw new LaurelError('FORBIDDEN', `This API key does not have the ${needed.scope} scope.`);
    return { user: null, org, role: null, apiKeyId: key.keyId };
  }
  // Neither a key nor a session: the API's caller is told about keys, not sent to a login page.
  if (!request.user) throw new LaurelError('UNAUTHENTICATED', MISSING_API_KEY);
  return member(ctx, request.user, slug, needed.role);
}

function actorOf(request: FastifyRequest): Actor {
  if (!request.actor)
    throw new Error(`${request.routeOptions.url} was answered before its access was decided.`);
  return request.actor;
}

/**
 * The signed-in user. Routes that declare `user` or more always have one; a `token` or `public`
 * route that needs one after checking its own secret gets UNAUTHENTICATED (pages: the login page).
 */
export function userOf(request: FastifyRequest): CurrentUser {
  return signedIn(actorOf(request).user);
}

/** A signed-in member of an organization, with their role in it. */
export interface Member {
  user: CurrentUser;
  org: Org;
  role: OrgRole;
}

/** The member a session route with an organization role let through. */
export function memberOf(request: FastifyRequest): Member {
  const { user, org, role } = actorOf(request);
  if (!user || !org || !role) throw new Error(`${request.routeOptions.url} declares no organization role.`);
  return { user, org, role };
}

/** Who acts on an organization through the API: a member (session) or one of its API keys. */
export function orgActorOf(request: FastifyRequest): {
  org: Org;
  userId: string | null;
  apiKeyId: string | null;
} {
  const { user, org, apiKeyId } = actorOf(request);
  if (!org) throw new Error(`${request.routeOptions.url} declares no organization access.`);
  return { org, userId: user?.id ?? null, apiKeyId };
}
