// What the accounts pages share: a session started in the browser, password forms that keep
// what was typed, and the failures a form shows.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { TObject, TSchema } from 'typebox';
import { LaurelError } from '../errors.ts';
import type { AppContext } from '../http/context.ts';
import { type FormFailure, formFailure, formRoute } from '../http/forms.ts';
import { statusOf } from '../http/problem.ts';
import { DEVICE_COOKIE, DEVICE_COOKIE_DAYS, issueDeviceCookie } from './device-cookie.ts';
import { SESSION_COOKIE, createSession, destroySession } from './sessions.ts';

export async function startSession(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  userId: string,
): Promise<void> {
  // A new login replaces whatever session this browser had (no fixation, no mixed accounts).
  if (request.user) await destroySession(ctx.db, request.user.sessionId);
  const token = await createSession(ctx.db, userId, request.headers['user-agent']);
  const cookie = { path: '/', httpOnly: true, sameSite: 'lax', secure: ctx.config.secureCookies } as const;
  reply.setCookie(SESSION_COOKIE, token, { ...cookie, maxAge: 30 * 86_400 });
  // This browser has now logged in to the account: its login attempts are exempt from the
  // account-wide failure limit (see logIn).
  reply.setCookie(DEVICE_COOKIE, issueDeviceCookie(ctx.config.secret, userId), {
    ...cookie,
    maxAge: DEVICE_COOKIE_DAYS * 86_400,
  });
}

/**
 * formRoute for a form with password fields: those stay exactly as typed (a space may be part
 * of a password, and existing hashes include it); every other field is trimmed as usual.
 */
export function passwordFormRoute<S extends TObject>(body: S, passwords: (keyof S['properties'] & string)[]) {
  const route = formRoute(body);
  return {
    ...route,
    preValidation: async (request: FastifyRequest) => {
      const fields = request.body as Record<string, unknown> | undefined;
      const typed = { ...fields };
      await route.preValidation(request);
      if (!fields || typeof fields !== 'object') return;
      for (const name of passwords) if (typeof typed[name] === 'string') fields[name] = typed[name];
    },
  };
}

/**
 * A service error shown on the form: what formFailure shows, and a rate limit too (429), so
 * the person sees the form again with when to retry rather than an error page.
 */
export function accountsFailure(e: unknown): FormFailure {
  if (e instanceof LaurelError && e.code === 'RATE_LIMITED') {
    return { status: statusOf('RATE_LIMITED'), message: e.message, errors: e.fields };
  }
  return formFailure(e);
}

/** A form route whose path params the handler sees typed (formRoute's `schema` argument loses their type). */
export const withParams = <R extends { schema: object }, P extends TSchema>(route: R, params: P) => ({
  ...route,
  schema: { ...route.schema, params },
});
