/**
 * A cache of fetched status documents (status list credentials, revocation lists), keyed by URL.
 * A fresh entry saves a fetch; a stale one is what a verifier falls back to when the list's host
 * is unreachable, reporting the entry's age instead of failing every badge that points there.
 * The interface is small so a platform can back it with its database; the default is an
 * in-memory LRU.
 *
 * A fresh entry is used without asking the list's host again, so a change to the list shows only
 * once the entry is older than `maxAgeMs`. A caller that can read a list's current state itself
 * (a platform verifying the credentials it issued, whose lists live in its own database) should
 * keep those lists out of the cache rather than serve them by age.
 */
export interface StatusCacheEntry {
  value: unknown;
  fetchedAt: Date;
  /** Younger than the cache's `maxAgeMs`. */
  fresh: boolean;
}

export interface StatusCache {
  get(url: string): StatusCacheEntry | undefined;
  set(url: string, value: unknown): void;
}

export interface StatusCacheOptions {
  /** Entries younger than this are fresh (used without refetching). */
  maxAgeMs: number;
  /** Entries older than this are forgotten, even as a fallback (default 30 days). */
  maxStaleMs?: number;
  /** Most URLs kept; the least recently used goes first (default 1000). */
  maxEntries?: number;
  now?: () => Date;
}

export function createStatusCache(opts: StatusCacheOptions): StatusCache {
  const maxStaleMs = opts.maxStaleMs ?? 30 * 24 * 3600 * 1000;
  const maxEntries = Math.max(1, opts.maxEntries ?? 1000);
  const now = opts.now ?? (() => new Date());
  // A Map iterates in insertion order: re-inserting on use keeps the least recently used first.
  const entries = new Map<string, { value: unknown; fetchedAt: Date }>();
  return {
    get(url) {
      const entry = entries.get(url);
      if (!entry) return undefined;
      const age = now().getTime() - entry.fetchedAt.getTime();
      if (age > maxStaleMs) {
        entries.delete(url);
        return undefined;
      }
      entries.delete(url);
      entries.set(url, entry);
      return { value: entry.value, fetchedAt: entry.fetchedAt, fresh: age <= opts.maxAgeMs };
    },
    set(url, value) {
      entries.delete(url);
      entries.set(url, { value, fetchedAt: now() });
      while (entries.size > maxEntries) {
        const oldest = entries.keys().next().value as string;
        entries.delete(oldest);
      }
    },
  };
}
