import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.ts';
import { type DatabaseHandle, openDatabase } from '../db/index.ts';
import { migrate } from '../db/migrate.ts';
import { startWorker } from '../jobs/worker.ts';
import { buildServer } from './server.ts';
import { createAppContext } from '../features.ts';

export interface Running {
  app: FastifyInstance;
  handle: DatabaseHandle;
  url: string;
  stop(): Promise<void>;
}

/** `laurel serve`: open the database, migrate, serve, and run the background worker. */
export async function startPlatform(config: Config, opts: { logger?: boolean } = {}): Promise<Running> {
  const handle = await openDatabase(config);
  const ctx = createAppContext(handle.db, config);
  let app: FastifyInstance | undefined;
  const stops: (() => Promise<void>)[] = [];
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    // The server stops taking requests first, then running jobs finish, then the database closes.
    await app?.close();
    for (const s of stops.reverse()) await s();
    await ctx.runtime.close();
    await handle.close();
  };
  try {
    await migrate(handle);
    app = await buildServer(ctx, opts);
    if (config.worker) {
      const worker = startWorker(ctx, { log: app.log });
      stops.push(() => worker.stop());
    }
    await app.listen({ port: config.port, host: config.host });
  } catch (e) {
    await stop();
    throw e;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  return { app, handle, url: `http://127.0.0.1:${port}`, stop };
}
