// `laurel serve` (= `npm start`): a supervisor (./supervise.ts) runs the server in a child
// process and restarts it should it die. The child opens the database, migrates, serves HTTP and
// runs the job worker until SIGINT or SIGTERM, then stops in order and exits 0.
import type { Command } from '../cli.ts';
import { loadConfig } from '../config.ts';
import { startPlatform } from '../http/start.ts';
import { parse } from './args.ts';
import { READY_MESSAGE, SUPERVISED_ENV, supervise } from './supervise.ts';

export const serveCommand: Omit<Command, 'summary'> = {
  async run(args) {
    parse(args, {}, 'laurel serve');
    if (process.env[SUPERVISED_ENV] !== '1') return supervise(args);
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
    process.send?.(READY_MESSAGE);
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
      // The supervisor is gone (it was killed): stop rather than hold the port and data alone.
      process.on('disconnect', () => {
        if (!stopping) onSignal('SIGTERM');
      });
    });
    process.disconnect?.();
    // Everything is closed; should a stray handle remain, it must not keep the process alive.
    setTimeout(() => process.exit(0), 3_000).unref();
    return 0;
  },
};
