import { isOpenBadgesError, OpenBadgesError } from '../errors.ts';
import type { StatusCache } from './status-cache.ts';

export type FetchJson = (url: string) => Promise<unknown>;

export interface LoadedStatusDocument {
  value: unknown;
  fetchedAt: Date;
  /** Served from the cache after a failed fetch: older than the cache's freshness window. */
  stale: boolean;
  /** Came from the network just now (the caller caches it once it has checked it). */
  fetched: boolean;
}

/**
 * Gets a status document through the cache: a fresh entry is used as is; otherwise it is
 * fetched, and when the fetch fails a stale entry stands in (with its age) before giving up
 * with STATUS_UNREACHABLE.
 */
export async function loadStatusDocument(
  url: string,
  fetchJson: FetchJson,
  cache: StatusCache | undefined,
  now: Date,
): Promise<LoadedStatusDocument> {
  const cached = cache?.get(url);
  if (cached?.fresh)
    return { value: cached.value, fetchedAt: cached.fetchedAt, stale: false, fetched: false };
  try {
    const value = await fetchJson(url);
    return { value, fetchedAt: now, stale: false, fetched: true };
  } catch (e) {
    if (cached) return { value: cached.value, fetchedAt: cached.fetchedAt, stale: true, fetched: false };
    const detail = isOpenBadgesError(e) || e instanceof Error ? `: ${e.message}` : '';
    throw new OpenBadgesError(
      'STATUS_UNREACHABLE',
      `The status document ${url} could not be fetched${detail}`,
      {
        cause: e,
      },
    );
  }
}

export { isHttpUrl, isObj as isRecord } from '../json-values.ts';

export function typesOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((t): t is string => typeof t === 'string');
  return [];
}
