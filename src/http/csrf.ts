import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { fastifyCookie } from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { LaurelError } from '../errors.ts';

export const CSRF_COOKIE = 'laurel_csrf';
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

declare module 'fastify' {
  interface FastifyContextConfig {
    /** `false`: the route reads no cookie, so a cross-site request has nothing to borrow. */
    csrf?: boolean;
  }
}

/** Requests whose token was already checked before their body was read (uploads). */
const verified = new WeakSet<FastifyRequest>();

const COOKIE_VALUE = /^[A-Za-z0-9_-]{20,64}$/;
/** Per request: the cookie minted for it (none came, or none valid), and its token once computed. */
const kMinted = Symbol('laurel.csrfMinted');
const kToken = Symbol('laurel.csrfToken');

declare module 'fastify' {
  interface FastifyRequest {
    [kMinted]: string | null;
    [kToken]: string | null;
  }
}

/*
 * Random bytes drawn a few kilobytes at a time (as node:crypto's randomUUID does): every visitor
 * without the cookie gets a new one, and one system call per 170 visitors costs less than one each.
 */
const POOL_VALUES = 170;
let pool = Buffer.alloc(0);
let offset = 0;

function randomCookieValue(): string {
  if (offset + 24 > pool.length) {
    pool = randomBytes(24 * POOL_VALUES);
    offset = 0;
  }
  offset += 24;
  return pool.toString('base64url', offset - 24, offset);
}

/** The CSRF cookie the request came with, when it is well-formed. */
function cookieSent(request: FastifyRequest): string | undefined {
  const value = request.cookies[CSRF_COOKIE];
  return value && COOKIE_VALUE.test(value) ? value : undefined;
}

/**
 * Signed double-submit token: a random cookie (httpOnly, SameSite=Lax) and, in every form,
 * its HMAC under the server secret. A cross-site page can make the browser send the
 * cookie but cannot read it, so it cannot produce the field. Requests that a live API key
 * authenticates carry no ambient credential (their cookies are ignored) and are exempt; any
 * other Authorization header exempts nothing.
 *
 * The token comes in the `x-csrf-token` header, the `_csrf` form field (in a multipart body,
 * its first field: src/http/multipart.ts) or the `_csrf` query parameter.
 *
 * The token is made when a page asks for it (`request.csrfToken`, read by every form), and a
 * visitor without the cookie gets one with that answer only: the credential, health and asset
 * routes, which render no form, pay for no random bytes, no HMAC and no Set-Cookie.
 */
export function registerCsrf(app: FastifyInstance, secret: Buffer) {
  const sign = (value: string) => createHmac('sha256', secret).update(`csrf:${value}`).digest('base64url');
  app.decorateRequest(kMinted, null);
  app.decorateRequest(kToken, null);
  app.decorateRequest('csrfToken', {
    getter(this: FastifyRequest) {
      if (this[kToken] === null) {
        let value = cookieSent(this);
        if (!value) value = this[kMinted] ??= randomCookieValue();
        this[kToken] = sign(value);
      }
      return this[kToken];
    },
  });
}

/**
 * What follows the value in the cookie's Set-Cookie header (path, flags), serialized once, on
 * first use (the cookie plugin loads its serializer when registered): a minted value is
 * base64url, which needs no escaping, so each visitor's header is a concatenation.
 */
const cookieAttributes: string[] = [];

/** Sets the cookie a page's token was made from, when the request brought none (the onSend hook calls it). */
export function sendMintedCsrfCookie(request: FastifyRequest, reply: FastifyReply, secure: boolean): void {
  const minted = request[kMinted];
  if (!minted) return;
  const i = Number(secure);
  cookieAttributes[i] ??= fastifyCookie
    .serialize(CSRF_COOKIE, '', { path: '/', httpOnly: true, sameSite: 'lax', secure })
    .slice(CSRF_COOKIE.length + 1);
  reply.header('set-cookie', `${CSRF_COOKIE}=${minted}${cookieAttributes[i]}`);
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
  if (!csrfTokenPossible(request) || !given || !safeEqual(given, request.csrfToken)) {
    throw new LaurelError(
      'FORBIDDEN',
      'This form has expired or was not sent from this site. Reload the page and try again.',
    );
  }
  verified.add(request);
}

/** False when the request brought no valid CSRF cookie: no token it carries can be valid. */
export function csrfTokenPossible(request: FastifyRequest): boolean {
  return cookieSent(request) !== undefined;
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
