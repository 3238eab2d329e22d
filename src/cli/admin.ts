// `laurel admin create --email E --password P [--name N]`: creates a platform administrator,
// or makes the account with that address one (and sets its password). `--password -` reads
// the password from stdin, so it stays out of the shell history and the process list.
import { createOrPromoteAdmin } from '../accounts/service.ts';
import type { Command } from '../cli.ts';
import { loadConfig } from '../config.ts';
import { LaurelError } from '../errors.ts';
import { parse } from './args.ts';
import { withDatabase } from './database.ts';
import { CliError, readText } from './io.ts';

const USAGE = 'laurel admin create --email EMAIL --password PASSWORD|- [--name NAME]';

export const adminCommand: Omit<Command, 'summary'> = {
  async run(args) {
    const { positionals, values } = parse(
      args,
      { email: { type: 'string' }, password: { type: 'string' }, name: { type: 'string' } },
      USAGE,
    );
    if (
      positionals[0] !== 'create' ||
      positionals.length !== 1 ||
      !values.email ||
      values.password === undefined
    ) {
      throw new CliError(`Usage: ${USAGE}`);
    }
    const password =
      values.password === '-' ? (await readText('-', 'password')).replace(/\r?\n$/, '') : values.password;
    const config = loadConfig(process.env);
    try {
      const done = await withDatabase(config, 'laurel admin create', (handle) =>
        createOrPromoteAdmin(handle.db, { email: values.email!, password, name: values.name }),
      );
      const email = values.email.trim().toLowerCase();
      process.stdout.write(
        done.created
          ? `Created the platform administrator ${email}.\n`
          : `${email} is now a platform administrator (password updated).\n`,
      );
      return 0;
    } catch (e) {
      if (e instanceof LaurelError)
        throw new CliError(
          e.fields[0]?.message
            ? `${e.message} ${e.fields.map((f) => `${f.field}: ${f.message}`).join('; ')}`
            : e.message,
          1,
        );
      throw e;
    }
  },
};
