/*
 * How the PostgreSQL handle behaves when the server is not there, hangs, or drops a connection
 * it had handed out: the caller gets DatabaseUnavailable (the edge's 503), in bounded time, the
 * process lives on, and the next query gets a fresh connection.
 */
import { once } from 'node:events';
import { type AddressInfo, type Server, type Socket, createServer } from 'node:net';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { databaseIsUp } from './health.ts';
import { openPostgres } from './index.ts';
import { createPostgresDatabase } from './testing.ts';
import { DatabaseUnavailable, isDatabaseUnavailable } from './unavailable.ts';

async function listen(server: Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

/** What the work resolved to or failed with, and how long it took. */
async function timed<T>(work: Promise<T>): Promise<{ value?: T; error?: unknown; ms: number }> {
  const start = Date.now();
  const outcome = await work.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  return { ...outcome, ms: Date.now() - start };
}

describe('a PostgreSQL database that is away', () => {
  const sockets = new Set<Socket>();
  // Accepts connections and never says a word: a server that hangs, or a network that drops packets.
  const silent = createServer((socket) => {
    sockets.add(socket);
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => silent.close(r));
  });

  it('refuses at once when nothing listens', async () => {
    const closed = createServer();
    const port = await listen(closed);
    await new Promise((r) => closed.close(r));
    const handle = await openPostgres(`postgres://postgres@127.0.0.1:${port}/postgres`, 2);
    try {
      const query = await timed(sql`select 1`.execute(handle.db));
      expect(query.error).toBeInstanceOf(DatabaseUnavailable);
      expect((query.error as Error).cause).toMatchObject({ code: 'ECONNREFUSED' });
      expect(query.ms).toBeLessThan(1000);
      expect(await databaseIsUp(handle.db)).toBe(false);
    } finally {
      await handle.close();
    }
  });

  it('gives up within the deadlines when the server never answers', async () => {
    const port = await listen(silent);
    const handle = await openPostgres(`postgres://postgres@127.0.0.1:${port}/postgres`, 2);
    try {
      const probe = await timed(databaseIsUp(handle.db, 500));
      expect(probe.value).toBe(false);
      expect(probe.ms).toBeLessThan(1000);
      const query = await timed(sql`select 1`.execute(handle.db));
      console.log(`hung server: health probe answered in ${probe.ms} ms, a query failed in ${query.ms} ms`);
      expect(query.error).toBeInstanceOf(DatabaseUnavailable);
      expect(query.ms).toBeLessThan(7000);
    } finally {
      await handle.close();
    }
  });
});

describe('a connection the server ends while it is checked out', () => {
  it('fails that transaction with DatabaseUnavailable, and the next query reconnects', async () => {
    const url = await createPostgresDatabase();
    const handle = await openPostgres(url, 1);
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      const outcome = await handle.db
        .transaction()
        .execute(async (trx) => {
          const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx);
          await admin.query('select pg_terminate_backend($1)', [rows[0]?.pid]);
          // The server's "terminating connection" arrives while no query runs: an 'error' event
          // on a client the pool has handed out, which used to end the process.
          await new Promise((r) => setTimeout(r, 300));
          await sql`select 1`.execute(trx);
        })
        .then(
          () => 'committed',
          (e: unknown) => e,
        );
      expect(isDatabaseUnavailable(outcome)).toBe(true);
      // One connection in the pool: a cached dead client would fail this.
      const { rows } = await sql<{ one: number }>`select 1 as one`.execute(handle.db);
      expect(rows).toEqual([{ one: 1 }]);
      expect(await databaseIsUp(handle.db)).toBe(true);
    } finally {
      await admin.end();
      await handle.close();
    }
  });

  it('leaves errors in a query alone: they are not an outage', async () => {
    const handle = await openPostgres(await createPostgresDatabase(), 1);
    try {
      const error = await sql`select * from no_such_table`.execute(handle.db).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: '42P01' });
      expect(isDatabaseUnavailable(error)).toBe(false);
    } finally {
      await handle.close();
    }
  });
});
