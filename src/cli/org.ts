// `laurel org create --slug S --name N [--owner-email E]`: creates an organization (with its
// signing key) and prints its issuer DID and public URL.
import { parseArgs } from 'node:util';
import { findUserByEmail } from '../accounts/service.ts';
import { loadConfig } from '../config.ts';
import { openDatabase } from '../db/index.ts';
import { migrate } from '../db/migrate.ts';
import { LaurelError } from '../errors.ts';
import { type CliIo, consoleIo } from './io.ts';
import { createOrg, issuerDid, orgUrl } from '../orgs/service.ts';

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
  const handle = await openDatabase(config);
  try {
    await migrate(handle);
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
      { slug: values.slug, name: values.name, website: values.website, contactEmail: values.email },
      ownerId,
    );
    io.out(`Created ${org.name}`);
    io.out(`did: ${issuerDid(config, org.slug)}`);
    io.out(`url: ${orgUrl(config, org.slug)}`);
    return 0;
  } catch (e) {
    if (e instanceof LaurelError) {
      io.err([e.message, ...e.fields.map((f) => `  --${f.field}: ${f.message}`)].join('\n'));
      return 1;
    }
    throw e;
  } finally {
    await handle.close();
  }
}

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
