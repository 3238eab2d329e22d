import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, sql } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { RECENT_SUCCESS_MS, databaseIsUp } from './health.ts';
import { type DatabaseHandle, type Db, livenessOf, openPglite } from './index.ts';
import type { Database } from './schema.ts';

describe('databaseIsUp', () => {
  const client = new PGlite();
  let queries = 0;
  const db: Db = new Kysely<Database>({ dialect: new PGliteDialect(client), log: () => void queries++ });
  let handle: DatabaseHandle | undefined;
  // PGlite starts (WASM, a new cluster) on its first query: that time is not the probe's to count.
  beforeAll(() => client.waitReady);
  afterEach(() => vi.restoreAllMocks());
  afterAll(async () => {
    await db.destroy();
    await client.close().catch(() => {}); // the dialect may have closed it already
    await handle?.close();
  });

  it('runs one probe for concurrent checks, then answers from the last success without a query', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, () => databaseIsUp(db)));
    expect(answers.every(Boolean)).toBe(true);
    expect(queries).toBe(1);
    // Fast path: a query succeeded a moment ago and nothing failed since.
    for (let i = 0; i < 50; i++) expect(await databaseIsUp(db)).toBe(true);
    expect(queries).toBe(1);
    // Once the last success is older than RECENT_SUCCESS_MS, the next check probes again (once).
    const later = Date.now() + RECENT_SUCCESS_MS + 50;
    vi.spyOn(Date, 'now').mockReturnValue(later);
    await Promise.all([databaseIsUp(db), databaseIsUp(db), databaseIsUp(db)]);
    expect(queries).toBe(2);
  });

  it('probes again after a connection-level failure, even right after a success', async () => {
    await databaseIsUp(db);
    const before = queries;
    const liveness = livenessOf(db);
    liveness.lastFailure = liveness.lastSuccess + 1;
    vi.spyOn(Date, 'now').mockReturnValue(liveness.lastFailure + 1);
    expect(await databaseIsUp(db)).toBe(true);
    expect(queries).toBe(before + 1);
  });

  it('answers down when the probe does not answer in time, and probes on the next check', async () => {
    // A Kysely instance whose queries never answer: sql`select 1`.execute(hanging) waits forever.
    const stuck = new Kysely<Database>({
      dialect: {
        createAdapter: () => new PostgresAdapter(),
        createDriver: () => ({
          init: async () => {},
          acquireConnection: async () => ({
            executeQuery: () => new Promise(() => {}),
            streamQuery: () => null as never,
          }),
          beginTransaction: async () => {},
          commitTransaction: async () => {},
          rollbackTransaction: async () => {},
          releaseConnection: async () => {},
          destroy: async () => {},
        }),
        createIntrospector: (k) => new PostgresIntrospector(k),
        createQueryCompiler: () => new PostgresQueryCompiler(),
      },
    });
    expect(await databaseIsUp(stuck, 50)).toBe(false);
    expect(livenessOf(stuck).lastFailure).toBeGreaterThan(0);
    expect(livenessOf(stuck).probe).toBeUndefined();
  });

  it('a database opened by openPglite notes its successful queries', async () => {
    handle = await openPglite();
    await sql`select 1`.execute(handle.db);
    const liveness = livenessOf(handle.db);
    expect(Date.now() - liveness.lastSuccess).toBeLessThan(RECENT_SUCCESS_MS);
    expect(liveness.lastFailure).toBe(0);
    expect(await databaseIsUp(handle.db)).toBe(true);
  });
});
