// `laurel serve` (= `npm start`): open the database, migrate, serve HTTP and run the job
// worker until SIGINT or SIGTERM, then stop in order and exit 0.
import type { Command } from '../cli.ts';
import { loadConfig } from '../config.ts';
import { startPlatform } from '../http/start.ts';
import { parse } from './args.ts';

export const serveCommand: Omit<Command, 'summary'> = {
  async run(args) {
    parse(args, {}, 'laurel serve');
    const config = loadConfig(process.env);
    const running = await startPlatform(config, { logger: true });
    const log = running.app.log;
    log.info(
      {
        url: config.baseUrl,
        port: Number(new URL(running.url).port),
        database: config.databaseUrl ? 'postgresql' : 'pglite',
        worker: config.worker,
        mail: config.smtpUrl ? 'smtp' : 'development mailbox (/admin/mail)',
      },
      `Laurel is running at ${config.baseUrl}`,
    );
    await new Promise<void>((resolve) => {
      let stopping = false;
      const onSignal = (signal: NodeJS.Signals) => {
        if (stopping) {
          log.warn({ signal }, 'second signal: exiting now');
          process.exit(1);
        }
        stopping = true;
        log.info({ signal }, 'stopping');
        running.stop().then(resolve, (e) => {
          log.error({ err: e }, 'error while stopping');
          resolve();
        });
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
    });
    // Everything is closed; should a stray handle remain, it must not keep the process alive.
    setTimeout(() => process.exit(0), 3_000).unref();
    return 0;
  },
};
