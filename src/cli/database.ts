// The database of the platform commands (org, apikey, admin, migrate): opened, migrated and
// closed around the command, with a refusal that says what to do when the server holds it.
import type { Config } from '../config.ts';
import { type DatabaseHandle, openDatabase } from '../db/index.ts';
import { migrate } from '../db/migrate.ts';
import { CliError } from './io.ts';

/** The refusal of src/db/lock.ts when another process holds the embedded database. */
const IN_USE = /^The embedded database in (.+) is in use by (.+?)\./;

/**
 * Opens the database for `command`. The embedded database (PGlite) has one owner process, so a
 * running server (`npm start`) makes these commands wait for nothing: they stop with a sentence
 * naming both ways out.
 */
export async function openForCommand(config: Config, command: string): Promise<DatabaseHandle> {
  try {
    return await openDatabase(config);
  } catch (e) {
    const m = e instanceof Error ? IN_USE.exec(e.message) : null;
    if (!m) throw e;
    throw new CliError(
      `${command} cannot run while ${m[2]} (usually the server started with npm start) holds the embedded database in ${m[1]}. ` +
        'Stop the server, run the command, then start the server again; or run Laurel on PostgreSQL (DATABASE_URL=postgres://…), where the server and these commands can run at the same time.',
      1,
    );
  }
}

/** Runs `fn` on the migrated database of `command`, and closes it whatever happens. */
export async function withDatabase<T>(
  config: Config,
  command: string,
  fn: (handle: DatabaseHandle) => Promise<T>,
): Promise<T> {
  const handle = await openForCommand(config, command);
  try {
    await migrate(handle);
    return await fn(handle);
  } finally {
    await handle.close();
  }
}
