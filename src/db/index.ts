import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import {
  CamelCasePlugin,
  Kysely,
  type Transaction,
  type KyselyPlugin,
  PostgresDialect,
  type PostgresPool,
  type PostgresPoolClient,
  type PostgresQueryResult,
} from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import { attachChangeFeed, listenPglite, listenPostgres } from './changes.ts';
import { lockDataDir } from './lock.ts';
import type { Database } from './schema.ts';
import { isDatabaseUnavailable, rethrowClassified } from './unavailable.ts';

// PGlite returns int8 as a number and pg as a string; make them agree (counts stay far below 2^53).
pg.types.setTypeParser(20, Number);
pg.types.setTypeParser(1700, Number);

export type Db = Kysely<Database>;

/** Where a query may run: the database, or a transaction a caller opened (so writes commit together). */
export type Executor = Db | Transaction<Database>;

/**
 * Columns are snake_case in SQL and camelCase in TypeScript: Kysely maps identifiers both ways, so
 * rows need no hand-written mapping. Keys inside JSON columns (credentials, reports) stay as stored.
 */
const CAMEL_CASE = new CamelCasePlugin({ maintainNestedObjectKeys: true });

/**
 * When a query on a database last succeeded and when a connection-level failure last happened
 * (ms since the epoch, 0 for never): /healthz answers from this instead of querying each time.
 */
export interface Liveness {
  lastSuccess: number;
  lastFailure: number;
  /** The health probe in flight, shared by concurrent health checks. */
  probe?: Promise<boolean>;
}

/*
 * The liveness of each open database, found from its Kysely instance: the context carries `db`,
 * not the handle, and /healthz and the tests hold only that. A WeakMap keyed by the instance is
 * state of the handle itself (it goes when the instance goes, two handles never share an entry);
 * the handle also carries it as `liveness`.
 */
const livenessByDb = new WeakMap<Db, Liveness>();

/** The liveness record of `db` (an empty one for a Kysely instance not opened here). */
export function livenessOf(db: Db): Liveness {
  let liveness = livenessByDb.get(db);
  if (!liveness) {
    liveness = { lastSuccess: 0, lastFailure: 0 };
    livenessByDb.set(db, liveness);
  }
  return liveness;
}

/** Notes the time of every query that succeeded (Kysely calls transformResult only on success). */
function successRecorder(liveness: Liveness): KyselyPlugin {
  return {
    transformQuery: (args) => args.node,
    async transformResult(args) {
      liveness.lastSuccess = Date.now();
      return args.result;
    },
  };
}

function withLiveness(liveness: Liveness, db: Db): Db {
  livenessByDb.set(db, liveness);
  return db;
}

export interface DatabaseHandle {
  db: Db;
  dialect: 'pglite' | 'postgres';
  /** When a query last succeeded and a connection last failed (what /healthz answers from). */
  liveness: Liveness;
  /** Runs a multi-statement SQL script (migrations); an open transaction is rolled back on error. */
  execScript(script: string): Promise<void>;
  close(): Promise<void>;
}

export async function openPostgres(url: string, poolSize = 10): Promise<DatabaseHandle> {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    // A server that stops answering (network loss, failover) fails requests instead of holding them.
    connectionTimeoutMillis: 5_000,
    keepAlive: true,
  });
  // Without listeners, a connection the server drops (restart, failover) is an uncaught 'error'
  // that ends the process. The pool discards the broken client; the next checkout reconnects.
  const liveness: Liveness = { lastSuccess: 0, lastFailure: 0 };
  const warnConnectionLost = connectionLossWarner();
  const lost = (error: Error) => {
    liveness.lastFailure = Date.now();
    warnConnectionLost(error);
  };
  pool.on('error', lost);
  pool.on('connect', (client) => client.on('error', lost));
  const db = withLiveness(
    liveness,
    new Kysely<Database>({
      dialect: new PostgresDialect({ pool: classifyingPool(pool, liveness) }),
      plugins: [CAMEL_CASE, successRecorder(liveness)],
    }),
  );
  const changes = attachChangeFeed(db, listenPostgres(url));
  return {
    db,
    dialect: 'postgres',
    liveness,
    async execScript(script) {
      const client = await pool.connect().catch(rethrowClassified);
      try {
        await client.query(script);
      } catch (e) {
        await client.query('ROLLBACK').catch(() => {});
        rethrowClassified(e);
      } finally {
        client.release();
      }
    },
    async close() {
      await changes.close();
      await db.destroy();
    },
  };
}

/** The pool as Kysely sees it, with connection-level errors turned into DatabaseUnavailable. */
function classifyingPool(pool: pg.Pool, liveness: Liveness): PostgresPool {
  const fail = (error: unknown): never => {
    if (isDatabaseUnavailable(error)) liveness.lastFailure = Date.now();
    return rethrowClassified(error);
  };
  return {
    async connect() {
      const client = await pool.connect().catch(fail);
      const query = <R>(sql: string, parameters: ReadonlyArray<unknown>) =>
        client.query(sql, [...parameters]).catch(fail) as Promise<PostgresQueryResult<R>>;
      // Kysely only streams through `query(cursor)` when given a cursor class, which Laurel is not.
      return { query: query as PostgresPoolClient['query'], release: () => client.release() };
    },
    end: () => pool.end(),
  };
}

/** Warns of a lost connection: one line per outage of this pool, not one per pooled connection. */
function connectionLossWarner(): (error: Error) => void {
  let lastWarning = 0;
  return (error) => {
    if (Date.now() - lastWarning < 10_000) return;
    lastWarning = Date.now();
    console.warn(`Lost a connection to PostgreSQL (${error.message}); requests get 503 until it is back.`);
  };
}

/*
 * PostgreSQL's default 128 MB of shared buffers lives inside PGlite's WASM heap, in the
 * server's own process. 32 MB keeps a platform's working set (the data files stay in the OS
 * page cache) and takes ~100 MB off the resident size, at no measured cost on bulk issuing.
 */
const PGLITE_START_PARAMS = [...PGlite.defaultStartParams, '-c', 'shared_buffers=32MB'];

/*
 * PGlite's own bytea codecs walk every byte through JS strings: a 30 KB badge image costs
 * milliseconds each way, on every email and template read. Buffer's hex codec is native (and
 * a Buffer is what `pg` gives for bytea too).
 */
const PGLITE_CODECS = {
  serializers: {
    17: (x: Uint8Array) => {
      if (!(x instanceof Uint8Array)) throw new Error('Invalid input for bytea type');
      return `\\x${Buffer.from(x.buffer, x.byteOffset, x.byteLength).toString('hex')}`;
    },
  },
  parsers: { 17: (x: string) => Buffer.from(x.slice(2), 'hex') },
};

/** PGlite in `dir` (or in memory when `dir` is undefined). */
export async function openPglite(dir?: string): Promise<DatabaseHandle> {
  let unlock = () => {};
  if (dir) {
    mkdirSync(dir, { recursive: true });
    unlock = await lockDataDir(dir);
  }
  try {
    // pg_trgm: the trigram indexes of the issued list's search (migration 0018).
    const options = { startParams: PGLITE_START_PARAMS, ...PGLITE_CODECS, extensions: { pg_trgm } };
    const client = dir ? new PGlite(join(dir, 'pglite'), options) : new PGlite(options);
    await client.waitReady;
    const liveness: Liveness = { lastSuccess: 0, lastFailure: 0 };
    const db = withLiveness(
      liveness,
      new Kysely<Database>({
        dialect: new PGliteDialect(client),
        plugins: [CAMEL_CASE, successRecorder(liveness)],
      }),
    );
    const changes = attachChangeFeed(db, listenPglite(client));
    return {
      db,
      dialect: 'pglite',
      liveness,
      async execScript(script) {
        try {
          await client.exec(script);
        } catch (e) {
          await client.exec('ROLLBACK').catch(() => {});
          throw e;
        }
      },
      async close() {
        await changes.close();
        await db.destroy();
        await client.close().catch(() => {});
        unlock();
      },
    };
  } catch (e) {
    unlock();
    throw e;
  }
}

export function openDatabase(opts: { databaseUrl?: string; dataDir: string }): Promise<DatabaseHandle> {
  return opts.databaseUrl ? openPostgres(opts.databaseUrl) : openPglite(opts.dataDir);
}
