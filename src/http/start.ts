import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.ts';
import { type DatabaseHandle, openDatabase } from '../db/index.ts';
import { migrate } from '../db/migrate.ts';
import { createAppContext } from '../features.ts';
import { type WorkerLog, startWorker } from '../jobs/worker.ts';
import type { AppContext } from './context.ts';
import { buildServer } from './server.ts';

export interface Running {
  app: FastifyInstance;
  handle: DatabaseHandle;
  url: string;
  stop(): Promise<void>;
}

/**
 * Opens and migrates the database and runs `start` on a context over it. The returned stop
 * ends what `start` started (newest first), then the context's runtime, then the database.
 */
async function withPlatform<T>(
  config: Config,
  start: (ctx: AppContext, stops: (() => Promise<void>)[]) => Promise<T>,
): Promise<{ value: T; handle: DatabaseHandle; stop(): Promise<void> }> {
  const handle = await openDatabase(config);
  const ctx = createAppContext(handle.db, config);
  const stops: (() => Promise<void>)[] = [];
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    for (const s of stops.reverse()) await s();
    await ctx.runtime.close();
    await handle.close();
  };
  try {
    await migrate(handle);
    return { value: await start(ctx, stops), handle, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** `laurel serve`: open the database, migrate, serve, and run the background worker. */
export async function startPlatform(config: Config, opts: { logger?: boolean } = {}): Promise<Running> {
  const {
    value: app,
    handle,
    stop,
  } = await withPlatform(config, async (ctx, stops) => {
    const app = await buildServer(ctx, opts);
    // The server stops taking requests first, then running jobs finish, then the database closes.
    if (config.worker) {
      const worker = startWorker(ctx, { log: app.log });
      stops.push(() => worker.stop());
    }
    stops.push(() => app.close());
    await app.listen({ port: config.port, host: config.host });
    return app;
  });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  return { app, handle, url: `http://127.0.0.1:${port}`, stop };
}

/** `laurel worker`: open the database, migrate, and run the job worker and periodic jobs; no HTTP. */
export async function startBackground(config: Config, log: WorkerLog): Promise<{ stop(): Promise<void> }> {
  const { stop } = await withPlatform(config, async (ctx, stops) => {
    const worker = startWorker(ctx, { log });
    stops.push(() => worker.stop());
  });
  return { stop };
}
