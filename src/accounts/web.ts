// What the accounts pages share: a session started in the browser.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../http/context.ts';
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
