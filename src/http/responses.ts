import type { FastifyReply } from 'fastify';

/** For images people upload (logos, badge art): nothing in them may run or load anything. */
export const IMAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'";

/**
 * A public document (an issuer profile, a key, an OB 2.0 class): readable JSON any site may
 * fetch, cached briefly. `type` names the media type (application/ld+json for JSON-LD).
 */
export const sendPublicJson = (reply: FastifyReply, body: unknown, type = 'application/json') =>
  reply
    .type(`${type}; charset=utf-8`)
    .header('access-control-allow-origin', '*')
    .header('cache-control', 'public, max-age=300')
    .send(JSON.stringify(body, null, 2));
