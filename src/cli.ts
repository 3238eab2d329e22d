import { adminCommand } from './cli/admin.ts';
import { apikeyCommand } from './cli/apikey.ts';
import { bakeCommand, unbakeCommand } from './cli/bake.ts';
import { CliError } from './cli/io.ts';
import { keygenCommand } from './cli/keygen.ts';
import { migrateCommand } from './cli/migrate.ts';
import { orgCommand } from './cli/org.ts';
import { serveCommand } from './cli/serve.ts';
import { signCommand } from './cli/sign.ts';
import { verifyCommand } from './cli/verify.ts';

/** `usage`, when given, is printed by `laurel <command> --help` under the summary. */
export type Command = { summary: string; usage?: string; run(args: string[]): Promise<number> };

/** The `laurel` commands: one line per command. */
export const commands: Record<string, Command> = {
  verify: verifyCommand,
  keygen: keygenCommand,
  sign: signCommand,
  bake: bakeCommand,
  unbake: unbakeCommand,
  org: orgCommand,
  serve: serveCommand,
  migrate: migrateCommand,
  admin: adminCommand,
  apikey: apikeyCommand,
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
    const message = e instanceof Error && e.message ? e.message : String(e);
    process.stderr.write(`laurel ${name}: ${message}${/[.!?]$/.test(message) ? '' : '.'}\n`);
    if (debug && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
    return 1;
  }
}
