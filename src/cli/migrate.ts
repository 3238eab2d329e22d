// `laurel migrate`: apply pending database migrations and say which.
import type { Command } from '../cli.ts';
import { loadConfig } from '../config.ts';
import { migrate } from '../db/migrate.ts';
import { parse } from './args.ts';
import { openForCommand } from './database.ts';

export const migrateCommand: Omit<Command, 'summary'> = {
  async run(args) {
    parse(args, {}, 'laurel migrate');
    const config = loadConfig(process.env);
    const handle = await openForCommand(config, 'laurel migrate');
    try {
      const applied = await migrate(handle);
      process.stdout.write(
        applied.length
          ? `Applied ${applied.length} migration(s):\n${applied.map((m) => `  ${m}\n`).join('')}`
          : 'The database is up to date.\n',
      );
      return 0;
    } finally {
      await handle.close();
    }
  },
};
