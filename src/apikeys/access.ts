import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../http/context.ts';
import { LaurelError } from '../errors.ts';
import { type ApiKeyAuth, authenticateApiKey } from './service.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The live API key the request authenticated with; such a request carries no session. */
    apiKey: ApiKeyAuth | null;
  }
}

/**
 * The request's API key, resolved once before anything reads the request. A wrong or revoked
 * key resolves to null: the organization API then refuses it (src/http/access.ts), and everywhere
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
