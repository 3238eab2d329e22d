// Test-only: the whole platform on a throwaway database, built once per describe block.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll } from 'vitest';
import { testConfig } from '../config.ts';
import { type Dialect, useTestDatabase } from '../db/testing.ts';
import type { Db } from '../db/index.ts';
import type { AppContext } from './context.ts';
import { buildServer } from './server.ts';

export interface TestApp {
  readonly db: Db;
  readonly ctx: AppContext;
  readonly app: FastifyInstance;
}

export function useTestApp(dialect: Dialect): TestApp {
  const t = useTestDatabase(dialect);
  let ctx: AppContext | undefined;
  let app: FastifyInstance | undefined;
  beforeAll(async () => {
    ctx = { db: t.db, config: testConfig() };
    app = await buildServer(ctx);
  });
  afterAll(async () => {
    await app?.close();
  });
  const ready = <T>(v: T | undefined): T => {
    if (v === undefined) throw new Error('test app not ready (use it inside a test or hook)');
    return v;
  };
  return {
    get db() {
      return t.db;
    },
    get ctx() {
      return ready(ctx);
    },
    get app() {
      return ready(app);
    },
  };
}
