import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { LaurelError } from '../errors.ts';

export const CSRF_COOKIE = 'laurel_csrf';
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

declare module 'fastify' {
  interface FastifyContextConfig {
    /** `false`: the route reads no cookie, so a cross-site request has nothing to borrow. */
    csrf?: boolean;
  }
}

/** Requests whose CSRF cookie was only just set (so no page could have carried its token). */
const fresh = new WeakSet<FastifyRequest>();
/** Requests whose token was already checked before their body was read (uploads). */
const verified = new WeakSet<FastifyRequest>();

/**
 * Signed double-submit token: a random cookie (httpOnly, SameSite=Lax) and, in every form,
 * its HMAC under the server secret. A cross-site page can make the browser send the
 * cookie but cannot read it, so it cannot produce the field. Requests that a live API key
 * authenticates carry no ambient credential (their cookies are ignored) and are exempt; any
 * other Authorization header exempts nothing.
 *
 * The token comes in the `x-csrf-token` header, the `_csrf` form field (in a multipart body,
 * its first field: src/http/multipart.ts) or the `_csrf` query parameter.
 */
export function registerCsrf(app: FastifyInstance, secret: Buffer, secureCookies: boolean) {
  const sign = (value: string) => createHmac('sha256', secret).update(`csrf:${value}`).digest('base64url');

  app.addHook('onRequest', async (request, reply) => {
    let value = request.cookies[CSRF_COOKIE];
    if (!value || !/^[A-Za-z0-9_-]{20,64}$/.test(value)) {
      value = randomBytes(24).toString('base64url');
      reply.setCookie(CSRF_COOKIE, value, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: secureCookies,
      });
      request.cookies[CSRF_COOKIE] = value;
      fresh.add(request);
    }
    request.csrfToken = sign(value);
  });
}

/**
 * Checks the token of a request that must carry one, once its body is read (the access hook
 * calls it before the body is validated: a forged form hears 403, never a field error).
 */
export function checkSubmittedCsrf(request: FastifyRequest): void {
  if (csrfRequired(request) && !verified.has(request)) checkCsrf(request, submittedToken(request));
}

/** Whether the request must prove that it comes from one of this site's pages. */
export function csrfRequired(request: FastifyRequest): boolean {
  return UNSAFE.has(request.method) && !request.apiKey && request.routeOptions.config?.csrf !== false;
}

/** Refuses the request unless `given` is its token; remembers a pass so it is checked once. */
export function checkCsrf(request: FastifyRequest, given: string | undefined): void {
  if (fresh.has(request) || !given || !safeEqual(given, request.csrfToken)) {
    throw new LaurelError(
      'FORBIDDEN',
      'This form has expired or was not sent from this site. Reload the page and try again.',
    );
  }
  verified.add(request);
}

/** False when the request's CSRF cookie was only just issued: no token it carries can be valid. */
export function csrfTokenPossible(request: FastifyRequest): boolean {
  return !fresh.has(request);
}

/** A token sent outside the body (header or query), readable before the body is. */
export function tokenBesideBody(request: FastifyRequest): string | undefined {
  const header = request.headers['x-csrf-token'];
  if (typeof header === 'string') return header;
  const query = (request.query as Record<string, unknown> | undefined)?._csrf;
  return typeof query === 'string' ? query : undefined;
}

function submittedToken(request: FastifyRequest): string | undefined {
  const field = (request.body as Record<string, unknown> | undefined)?._csrf;
  return tokenBesideBody(request) ?? (typeof field === 'string' ? field : undefined);
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
