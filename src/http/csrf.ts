import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { LaurelError } from '../errors.ts';

export const CSRF_COOKIE = 'laurel_csrf';
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Signed double-submit token: a random cookie (httpOnly, SameSite=Lax) and, in every form,
 * its HMAC under the server secret. A cross-site page can make the browser send the
 * cookie but cannot read it, so it cannot produce the field. Requests that a live API key
 * authenticates carry no ambient credential (their cookies are ignored) and are exempt; any
 * other Authorization header exempts nothing.
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
      (request as any).csrfFresh = true;
    }
    request.csrfToken = sign(value);
  });

  app.addHook('preHandler', async (request) => {
    if (!UNSAFE.has(request.method)) return;
    if (request.apiKey) return;
    if ((request.routeOptions.config as { csrf?: boolean } | undefined)?.csrf === false) return;
    const given = submittedToken(request);
    const expected = request.csrfToken;
    if ((request as any).csrfFresh || !given || !safeEqual(given, expected)) {
      throw new LaurelError(
        'FORBIDDEN',
        'This form has expired or was not sent from this site. Reload the page and try again.',
      );
    }
  });
}

function submittedToken(request: FastifyRequest): string | undefined {
  const header = request.headers['x-csrf-token'];
  if (typeof header === 'string') return header;
  const body = request.body as Record<string, unknown> | undefined;
  const field = body?._csrf;
  return typeof field === 'string' ? field : undefined;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
