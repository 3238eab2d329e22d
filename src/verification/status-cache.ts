import { createStatusCache, type StatusCache } from '@laurel/openbadges/status';

/*
 * Status lists fetched within the last five minutes are used as is; an older one is refetched,
 * and stands in (with its age in the report) only when the live list cannot be reached. The
 * cache holds public documents only, so a copy per process (and per verifier worker) is safe to
 * lose: another simply fetches again.
 */
export const STATUS_FRESH_MS = 5 * 60 * 1000;

export function newStatusCache(): StatusCache {
  return createStatusCache({ maxAgeMs: STATUS_FRESH_MS, maxEntries: 2000 });
}

/**
 * Our own status lists are read in-process on every verification, so a revocation shows at once;
 * the cache is for other issuers' lists.
 */
export function exceptOwnOrigin(cache: StatusCache, baseUrl: string): StatusCache {
  const own = `${new URL(baseUrl).origin}/`;
  return {
    get: (url) => (url.startsWith(own) ? undefined : cache.get(url)),
    set: (url, value) => {
      if (!url.startsWith(own)) cache.set(url, value);
    },
  };
}
