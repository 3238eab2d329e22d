import rateLimit from '@fastify/rate-limit';
import Fastify from 'fastify';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { DIALECTS, useTestDatabase } from '../db/testing.ts';
import { forgetSpentLimits } from './cleanup.ts';
import { countRequest, sharedRequestStore } from './request-store.ts';

describe.each(DIALECTS)('route rate limits counted in the database on %s', (dialect) => {
  const t = useTestDatabase(dialect);
  const apps: ReturnType<typeof Fastify>[] = [];
  afterAll(async () => {
    for (const app of apps) await app.close();
  });

  /** One app process: the plugin with the shared store, and two limited routes. */
  async function server() {
    const app = Fastify();
    await app.register(rateLimit, { global: false, store: sharedRequestStore(t.db) });
    const limited = { config: { rateLimit: { max: 3, timeWindow: '1 hour' } } };
    app.post('/import', limited, async () => ({ ok: true }));
    app.post('/other', limited, async () => ({ ok: true }));
    apps.push(app);
    return app;
  }

  it('a limit reached through one process holds in another; each route and address counts apart', async () => {
    const [a, b] = [await server(), await server()];
    const post = (app: typeof a, url: string, remoteAddress = '192.0.2.1') =>
      app.inject({ method: 'POST', url, remoteAddress });
    for (const app of [a, b, a]) expect((await post(app, '/import')).statusCode).toBe(200);
    const refused = await post(b, '/import');
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(3600);
    expect((await post(a, '/import')).statusCode).toBe(429);
    expect((await post(b, '/other')).statusCode).toBe(200);
    expect((await post(b, '/import', '192.0.2.2')).statusCode).toBe(200);

    // No address in clear; the clean-up keeps the window until it ends.
    const keys = await sql<{ key: string }>`SELECT key FROM request_counts`.execute(t.db);
    expect(keys.rows.length).toBe(3);
    expect(keys.rows.some((r) => r.key.includes('192.0.2'))).toBe(false);
    await forgetSpentLimits(t.db);
    expect((await sql`SELECT key FROM request_counts`.execute(t.db)).rows.length).toBe(3);
    await sql`UPDATE request_counts SET window_end = now() - interval '1 second'`.execute(t.db);
    await forgetSpentLimits(t.db);
    expect((await sql`SELECT key FROM request_counts`.execute(t.db)).rows.length).toBe(0);
  });

  it('starts a window with its first request and the next one after it ends', async () => {
    const t0 = Date.parse('2026-06-01T12:00:00.500Z');
    expect(await countRequest(t.db, 'k', 60_000, t0)).toEqual({ current: 1, ttl: 60_000 });
    expect(await countRequest(t.db, 'k', 60_000, t0 + 59_000)).toEqual({ current: 2, ttl: 1_000 });
    expect(await countRequest(t.db, 'k', 60_000, t0 + 60_000)).toEqual({ current: 1, ttl: 60_000 });
  });
});
