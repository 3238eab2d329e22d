// `laurel apikey create --org SLUG [--name N] [--scopes a,b]`: creates an API key for an
// organization and prints it once (only its hash is stored).
import { parseArgs } from 'node:util';
import { API_SCOPES, createApiKey, parseScopes } from '../apikeys/service.ts';
import { loadConfig } from '../config.ts';
import { getOrgBySlug } from '../orgs/service.ts';
import { withDatabase } from './database.ts';
import { type CliIo, consoleIo, reportCommandError } from './io.ts';

const USAGE = `Usage: laurel apikey create --org SLUG [--name NAME] [--scopes ${API_SCOPES.join(',')}]`;
const DEFAULT_SCOPES = ['awards:read', 'awards:issue'];

export async function runApiKeyCommand(
  args: string[],
  io: CliIo = consoleIo,
  env = process.env,
): Promise<number> {
  let values: { org?: string; name?: string; scopes?: string };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: { org: { type: 'string' }, name: { type: 'string' }, scopes: { type: 'string' } },
    }));
  } catch (e) {
    io.err(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (positionals[0] !== 'create' || !values.org) {
    io.err(USAGE);
    return 2;
  }
  const config = loadConfig(env);
  try {
    return await withDatabase(config, 'laurel apikey create', async (handle) => {
      const org = await getOrgBySlug(handle.db, values.org!);
      if (!org) {
        io.err(`There is no organization “${values.org}”.`);
        return 1;
      }
      const scopes = parseScopes(values.scopes ?? DEFAULT_SCOPES);
      const { key, info } = await createApiKey(handle.db, {
        orgId: org.id,
        name: values.name ?? 'Command line',
        scopes,
      });
      io.out(key);
      io.err(`Created the key “${info.name}” for ${org.name} with scopes ${info.scopes.join(', ')}.`);
      io.err('It is shown only this once; store it now. Send it as: Authorization: Bearer <key>');
      return 0;
    });
  } catch (e) {
    return reportCommandError(io, e);
  }
}

/** The entry in the `laurel` command table (src/cli.ts). */
export const apikeyCommand = {
  run: (args: string[]) => runApiKeyCommand(args),
};
