import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.ts';
import { type DatabaseHandle, openDatabase } from '../db/index.ts';
import { migrate } from '../db/migrate.ts';
import { buildServer } from './server.ts';

export interface Running {
  app: FastifyInstance;
  handle: DatabaseHandle;
  url: string;
  stop(): Promise<void>;
}

/** `laurel serve`: open the database, migrate, serve, and run the background worker. */
export async function startPlatform(config: Config, opts: { logger?: boolean } = {}): Promise<Running> {
  const handle = await openDatabase(config);
  await migrate(handle);
  const ctx = { db: handle.db, config };
  const app = await buildServer(ctx, opts);
  const stops: (() => Promise<void>)[] = [];
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    for (const s of stops.reverse()) await s();
    await app.close();
    await handle.close();
  };
  return { app, handle, url: `http://127.0.0.1:${port}`, stop };
}
