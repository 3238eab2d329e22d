// @fastify/rate-limit's store over the database: every route with `config.rateLimit` counts its
// requests in `request_counts`, so its limit holds across every process sharing the database
// (the plugin's default store counts in each process's memory). One statement per request.
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import { limitKey } from './keys.ts';

/**
 * Counts one request under `key`: its window of `windowMs` starts with the first request and
 * a request after its end starts the next (as the plugin's own stores count). Returns the
 * count in the window and the milliseconds left in it.
 */
export async function countRequest(
  db: Executor,
  key: string,
  windowMs: number,
  now = Date.now(),
): Promise<{ current: number; ttl: number }> {
  const t = new Date(now);
  const next = new Date(now + windowMs);
  const ended = sql<boolean>`request_counts.window_end <= ${t}::timestamptz`;
  const row = await db
    .insertInto('requestCounts')
    .values({ key, windowEnd: next, hits: 1 })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        hits: sql`CASE WHEN ${ended} THEN 1 ELSE request_counts.hits + 1 END`,
        windowEnd: sql`CASE WHEN ${ended} THEN ${next}::timestamptz ELSE request_counts.window_end END`,
      }),
    )
    .returning(['hits', 'windowEnd'])
    .executeTakeFirstOrThrow();
  return { current: row.hits, ttl: Math.max(0, new Date(row.windowEnd).getTime() - now) };
}

type RouteInfo = { method?: string | string[]; url?: string };

/** The store class to register the plugin with (`store: sharedRequestStore(db)`). */
export function sharedRequestStore(db: Executor): FastifyRateLimitStoreCtor {
  class SharedRequestStore implements FastifyRateLimitStore {
    readonly #route: string;
    // The plugin makes one per route (child) from its merged options, which carry the route.
    constructor(options: object) {
      const route = (options as { routeInfo?: RouteInfo }).routeInfo;
      this.#route = `rate:${[route?.method].flat().join(',')} ${route?.url ?? ''}`;
    }
    incr(
      key: string,
      callback: (error: Error | null, result?: { current: number; ttl: number }) => void,
      timeWindow: number,
    ) {
      countRequest(db, limitKey(this.#route, key), timeWindow).then(
        (result) => callback(null, result),
        (error: Error) => callback(error),
      );
    }
    child(options: object): FastifyRateLimitStore {
      return new SharedRequestStore(options);
    }
  }
  return SharedRequestStore;
}
