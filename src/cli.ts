import { bakeCommand, unbakeCommand } from './cli/bake.ts';
import { CliError } from './cli/io.ts';
import { keygenCommand } from './cli/keygen.ts';
import { signCommand } from './cli/sign.ts';
import { verifyCommand } from './cli/verify.ts';

/** `usage`, when given, is printed by `laurel <command> --help` under the summary. */
export type Command = { summary: string; usage?: string; run(args: string[]): Promise<number> };

/**
 * A platform command loads its module (the server, the database, every feature) only when
 * it runs, so the format commands (`laurel verify`, `bake`, ...) start without them.
 */
function platform(summary: string, load: () => Promise<Omit<Command, 'summary'>>): Command {
  return { summary, run: async (args) => (await load()).run(args) };
}

/** The `laurel` commands: one line per command. */
export const commands: Record<string, Command> = {
  verify: verifyCommand,
  keygen: keygenCommand,
  sign: signCommand,
  bake: bakeCommand,
  unbake: unbakeCommand,
  org: platform(
    'Create an organization: org create --slug S --name N [--owner-email E]',
    async () => (await import('./cli/org.ts')).orgCommand,
  ),
  serve: platform(
    'Run the Laurel server (PORT, PUBLIC_URL, DATA_DIR, DATABASE_URL, SMTP_URL, WEB_CONCURRENCY, WORKER_PROCESSES, LAUREL_WORKER=off)',
    async () => (await import('./cli/serve.ts')).serveCommand,
  ),
  worker: platform(
    'Run only the background jobs, no HTTP (DATABASE_URL, SMTP_URL; beside servers with LAUREL_WORKER=off)',
    async () => (await import('./cli/worker.ts')).workerCommand,
  ),
  migrate: platform(
    'Apply pending database migrations (DATA_DIR or DATABASE_URL)',
    async () => (await import('./cli/migrate.ts')).migrateCommand,
  ),
  admin: platform(
    'Create a platform administrator, or promote an account: admin create --email E --password P',
    async () => (await import('./cli/admin.ts')).adminCommand,
  ),
  apikey: platform(
    'Create an API key: apikey create --org S [--name N] [--scopes a,b]',
    async () => (await import('./cli/apikey.ts')).apikeyCommand,
  ),
};

function help(): string {
  const width = Math.max(...Object.keys(commands).map((n) => n.length));
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return `Usage: laurel <command> [options]\n\nCommands:\n${lines.join('\n')}\n  ${'help'.padEnd(width)}  Show this list\n\nAdd --debug to any command to see stack traces of unexpected errors.\n`;
}

/** Runs one command; returns the process exit code (0 ok, 1 failed or not valid, 2 bad usage or unreadable input). */
export async function main(argv: string[]): Promise<number> {
  const debug = argv.includes('--debug');
  const args = argv.filter((a) => a !== '--debug');
  const [name, ...rest] = args;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(help());
    return 0;
  }
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!command) {
    process.stderr.write(`laurel: unknown command “${name}”. Run laurel help for the list.\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(
      `laurel ${name}: ${command.summary}\n${command.usage ? `Usage: ${command.usage}\n` : ''}`,
    );
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (e) {
    if (e instanceof CliError) {
      process.stderr.write(`laurel ${name}: ${e.message}\n`);
      return e.exitCode;
    }
    // One line: some libraries put a dump of their state after the first.
    const message = (e instanceof Error && e.message ? e.message : String(e)).split('\n')[0]!.trim();
    process.stderr.write(`laurel ${name}: ${message}${/[.!?]$/.test(message) ? '' : '.'}\n`);
    if (debug && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
    return 1;
  }
}
