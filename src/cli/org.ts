// `laurel org create --slug S --name N [--owner-email E]`: creates an organization (with its
// signing key) and prints its issuer DID and public URL.
import { parseArgs } from 'node:util';
import { findUserByEmail } from '../accounts/service.ts';
import { loadConfig } from '../config.ts';
import { createOrg } from '../orgs/service.ts';
import { issuerDid, orgUrl } from '../orgs/presenters.ts';
import { withDatabase } from './database.ts';
import { type CliIo, consoleIo, reportCommandError } from './io.ts';

const USAGE =
  'Usage: laurel org create --slug SLUG --name NAME [--owner-email EMAIL] [--website URL] [--email CONTACT]';

export async function runOrgCommand(
  args: string[],
  io: CliIo = consoleIo,
  env = process.env,
): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (e) {
    io.err(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const { positionals, values } = parsed;
  if (positionals[0] !== 'create' || !values.slug || !values.name) {
    io.err(USAGE);
    return 2;
  }
  const config = loadConfig(env);
  try {
    return await withDatabase(config, 'laurel org create', async (handle) => {
      let ownerId: string | undefined;
      if (values['owner-email']) {
        const owner = await findUserByEmail(handle.db, values['owner-email']);
        if (!owner) {
          io.err(`No account has the verified email ${values['owner-email']}.`);
          return 1;
        }
        ownerId = owner.id;
      }
      const org = await createOrg(
        handle.db,
        config,
        { slug: values.slug!, name: values.name!, website: values.website, contactEmail: values.email },
        ownerId,
      );
      io.out(`Created ${org.name}`);
      io.out(`did: ${issuerDid(config, org.slug)}`);
      io.out(`url: ${orgUrl(config, org.slug)}`);
      if (!env.PUBLIC_URL) io.err(unsetPublicUrlWarning(issuerDid(config, org.slug)));
      return 0;
    });
  } catch (e) {
    return reportCommandError(io, e);
  }
}

/** The identifier is derived from PUBLIC_URL on every use (nothing stores it), so it is fixable until badges carry it. */
const unsetPublicUrlWarning = (did: string) =>
  `Warning: PUBLIC_URL is not set, so this organization's identifier is ${did} for now. ` +
  'It follows PUBLIC_URL, and every badge keeps the one in force when it was issued: ' +
  'set PUBLIC_URL to the address earners and verifiers reach (for example https://badges.example.org) before issuing anything.';

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      slug: { type: 'string' },
      name: { type: 'string' },
      'owner-email': { type: 'string' },
      website: { type: 'string' },
      email: { type: 'string' },
    },
  });
}

/** The entry in the `laurel` command table (src/cli.ts). */
export const orgCommand = {
  run: (args: string[]) => runOrgCommand(args),
};
