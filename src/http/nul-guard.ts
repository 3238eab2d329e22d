import type { FastifyInstance } from 'fastify';
import { badRequest } from './problem.ts';

/**
 * PostgreSQL text cannot hold U+0000 and no path, form or JSON field has a use for it, so a
 * NUL in the decoded parameters or query, or anywhere in a parsed body, is refused at the edge
 * with a 400 instead of surfacing as a database error. Registered after the multipart reader,
 * whose fields it checks too.
 */
export function registerNulGuard(app: FastifyInstance) {
  app.addHook('onRequest', (request, _reply, done) => {
    // Decoded parameters and query hold a NUL only where the address spells one (`%00`; a raw
    // NUL is refused by the HTTP parser): any other address is passed without walking them.
    if (!mayHoldNul(request.url)) return done();
    done(hasNul(request.params) || hasNul(request.query) ? refused() : undefined);
  });
  app.addHook('preValidation', (request, _reply, done) => {
    done(request.body !== undefined && hasNul(request.body) ? refused() : undefined);
  });
}

const mayHoldNul = (url: string) => url.includes('%00') || url.includes('\u0000');

const refused = () => badRequest('The request contains a NUL character, which no field accepts.');

/** Walks strings, keys, arrays and plain objects without recursion (bodies may nest deeply). */
function hasNul(root: unknown): boolean {
  const stack = [root];
  while (stack.length) {
    const value = stack.pop();
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return true;
    } else if (Array.isArray(value)) {
      for (const item of value) stack.push(item);
    } else if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
      for (const [key, inner] of Object.entries(value)) {
        if (key.includes('\u0000')) return true;
        stack.push(inner);
      }
    }
  }
  return false;
}
