// `laurel serve` (= `npm start`): a supervisor (./supervise.ts) runs WEB_CONCURRENCY server
// processes sharing the port, the first WORKER_PROCESSES of them with the job worker, and restarts
// any that dies. Each opens the database, migrates, serves HTTP (and runs the worker) until told to
// stop, then stops in order and exits 0.
import type { Command } from '../cli.ts';
import { loadConfig } from '../config.ts';
import { startPlatform } from '../http/start.ts';
import { parse } from './args.ts';
import { runUntilStopped, SUPERVISED_ENV, startedOrLeave, supervise } from './supervise.ts';

export const serveCommand: Omit<Command, 'summary'> = {
  async run(args) {
    parse(args, {}, 'laurel serve');
    // Read here too, so a bad setting (WEB_CONCURRENCY on PGlite) stops before any child starts.
    const config = loadConfig(process.env);
    if (process.env[SUPERVISED_ENV] !== '1')
      return supervise({
        command: 'serve',
        args,
        processes: config.webConcurrency,
        envOf: (i) => (i < config.workerProcesses ? {} : { LAUREL_WORKER: 'off' }),
      });
    const running = await startedOrLeave(startPlatform(config, { logger: true }));
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
    return runUntilStopped(running.stop, log);
  },
};
