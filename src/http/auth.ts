import type { FastifyRequest } from 'fastify';

/** What pages need from the request. */
export const pageContext = (request: FastifyRequest) => ({
  user: request.user,
  csrfToken: request.csrfToken,
});
