/**
 * One helper yields a migrated database for each dialect, so the same service tests run
 * on PGlite and on the throwaway PostgreSQL cluster that test/global-setup.ts starts:
 *
 *   describe.each(DIALECTS)('issuing on %s', (dialect) => {
 *     const t = useTestDatabase(dialect);
 *     it('...', async () => { await issue(t.db, ...) });
 *   });
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, inject } from 'vitest';
import { type DatabaseHandle, type Db, openPglite, openPostgres } from './index.ts';
import { migrate } from './migrate.ts';

export const DIALECTS = ['pglite', 'postgres'] as const;
export type Dialect = (typeof DIALECTS)[number];

/** A fresh, empty PostgreSQL database on the test cluster; returns its URL. */
export async function createPostgresDatabase(): Promise<string> {
  const base = inject('pgUrl');
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function createTestDatabase(dialect: Dialect): Promise<DatabaseHandle> {
  const handle =
    dialect === 'pglite' ? await openPglite() : await openPostgres(await createPostgresDatabase());
  await migrate(handle);
  return handle;
}

export function useTestDatabase(dialect: Dialect): { readonly db: Db; readonly handle: DatabaseHandle } {
  let handle: DatabaseHandle | undefined;
  beforeAll(async () => {
    handle = await createTestDatabase(dialect);
  });
  afterAll(async () => {
    await handle?.close();
  });
  return {
    get db() {
      if (!handle) throw new Error('test database not ready (use it inside a test or hook)');
      return handle.db;
    },
    get handle() {
      if (!handle) throw new Error('test database not ready');
      return handle;
    },
  };
}
