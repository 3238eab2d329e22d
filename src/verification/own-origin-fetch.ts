import { OpenBadgesError } from '@laurel/openbadges/errors';
import { fetchedResponse, type GuardedFetch } from '@laurel/openbadges/verify';
import type { FastifyInstance } from 'fastify';

const MAX_BYTES = 2 * 1024 * 1024;
const MAX_REDIRECTS = 5;

/**
 * A GuardedFetch that answers URLs on the platform's own origin through `app.inject`, so our
 * did:web documents, status lists and hosted OB2 assertions resolve in-process: no network,
 * no loopback connection, and no exemption in the SSRF guard. Any other URL (and a redirect
 * that leaves our origin) goes to `outside`, the guarded network fetch.
 */
export function createOwnOriginFetch(opts: {
  app: FastifyInstance;
  baseUrl: string;
  outside: GuardedFetch;
}): GuardedFetch {
  const base = new URL(opts.baseUrl);
  // A base URL with a path (https://host/badges) is served by a proxy that strips the prefix.
  const prefix = base.pathname.replace(/\/+$/, '');
  const ownPath = (url: URL): string | null => {
    if (url.origin !== base.origin) return null;
    if (prefix && url.pathname !== prefix && !url.pathname.startsWith(`${prefix}/`)) return null;
    return (url.pathname.slice(prefix.length) || '/') + url.search;
  };

  return async (rawUrl, init = {}) => {
    let url: URL;
    try {
      url = new URL(rawUrl);
    } catch {
      return opts.outside(rawUrl, init);
    }
    for (let hop = 0; ; hop++) {
      const path = ownPath(url);
      if (path === null) return opts.outside(url.href, init);
      const res = await opts.app.inject({
        method: 'GET',
        url: path,
        headers: {
          accept: init.accept ?? 'application/ld+json, application/json;q=0.9, */*;q=0.1',
          host: base.host,
          'user-agent': 'laurel-verifier (in-process)',
        },
      });
      const location = res.headers.location;
      if ([301, 302, 303, 307, 308].includes(res.statusCode) && typeof location === 'string') {
        if (hop >= MAX_REDIRECTS) {
          throw new OpenBadgesError('FETCH_FAILED', `${rawUrl.slice(0, 200)} redirected too many times.`);
        }
        url = new URL(location, url);
        continue;
      }
      if (res.rawPayload.length > MAX_BYTES) {
        throw new OpenBadgesError('FETCH_TOO_LARGE', `The document at ${url.origin} is too large.`);
      }
      return fetchedResponse(res.statusCode, url.href, res.headers, new Uint8Array(res.rawPayload));
    }
  };
}
