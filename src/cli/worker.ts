// `laurel worker`: the background jobs (issuing, bulk, mail, periodic clean-up) without HTTP, for
// machines that only work, beside servers started with LAUREL_WORKER=off. Supervised and
// restarted like `laurel serve`; any number of them may share one PostgreSQL database.
import type { Command } from '../cli.ts';
import { loadConfig } from '../config.ts';
import { startBackground } from '../http/start.ts';
import { parse } from './args.ts';
import { lineLogger, runUntilStopped, SUPERVISED_ENV, startedOrLeave, supervise } from './supervise.ts';

export const workerCommand: Omit<Command, 'summary'> = {
  async run(args) {
    parse(args, {}, 'laurel worker');
    const config = loadConfig(process.env);
    if (process.env[SUPERVISED_ENV] !== '1') return supervise({ command: 'worker', args, processes: 1 });
    const log = lineLogger('worker');
    const running = await startedOrLeave(startBackground(config, log));
    log.info(
      {
        database: config.databaseUrl ? 'postgresql' : 'pglite',
        mailConcurrency: config.mailConcurrency,
        jobConcurrency: config.jobConcurrency,
        mail: config.smtpUrl ? 'smtp' : 'development mailbox (/admin/mail)',
      },
      'Laurel worker is running',
    );
    return runUntilStopped(running.stop, log);
  },
};
