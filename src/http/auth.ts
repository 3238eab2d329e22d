import type { FastifyRequest } from 'fastify';
import { LaurelError } from '../errors.ts';
import type { CurrentUser } from './context.ts';

/** The signed-in user, or UNAUTHENTICATED (pages redirect to /login, the API answers 401). */
export function requireUser(request: FastifyRequest): CurrentUser {
  if (!request.user) throw new LaurelError('UNAUTHENTICATED', 'Please log in to continue.');
  return request.user;
}

export function requirePlatformAdmin(request: FastifyRequest): CurrentUser {
  const user = requireUser(request);
  if (!user.isAdmin) throw new LaurelError('FORBIDDEN', 'Only platform administrators can open this page.');
  return user;
}

/** What pages need from the request. */
export const pageContext = (request: FastifyRequest) => ({
  user: request.user,
  csrfToken: request.csrfToken,
});
