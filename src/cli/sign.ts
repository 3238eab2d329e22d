import { describeValidationErrors, validateOpenBadgeCredential } from '@laurel/openbadges/ob3';
import { signDataIntegrity, signVcJwt } from '@laurel/openbadges/proof';
import { command } from './args.ts';
import { CliError, readJson, writeOutput } from './io.ts';
import { loadKeyFile } from './keygen.ts';

const USAGE = 'laurel sign --key key.json --credential cred.json [--format di|jwt] [-o out]';

type Obj = Record<string, unknown>;

/** Puts the key's controller in as issuer (keeping an issuer object's other members) and refuses a conflicting one. */
export function withIssuer(cred: Obj, controller: string): Obj {
  const issuer = cred.issuer;
  if (issuer === undefined) return { ...cred, issuer: controller };
  if (typeof issuer === 'string') {
    if (issuer !== controller)
      throw new CliError(`The credential’s issuer ${issuer} is not the key’s owner ${controller}.`, 1);
    return cred;
  }
  if (issuer && typeof issuer === 'object' && !Array.isArray(issuer)) {
    const id = (issuer as Obj).id;
    if (id !== undefined && id !== controller)
      throw new CliError(`The credential’s issuer ${String(id)} is not the key’s owner ${controller}.`, 1);
    return {
      ...cred,
      issuer: { ...(issuer as Obj), id: controller, type: (issuer as Obj).type ?? ['Profile'] },
    };
  }
  throw new CliError('The credential’s issuer is neither an id nor a profile object.', 1);
}

export const signCommand = command({
  usage: USAGE,
  summary: 'Sign an OpenBadgeCredential (Data Integrity eddsa-rdfc-2022 or VC-JWT)',
  options: {
    key: { type: 'string' },
    credential: { type: 'string' },
    format: { type: 'string', default: 'di' },
    output: { type: 'string', short: 'o' },
  },
  async run({ values, positionals }) {
    if (positionals.length > 0 || !values.key || !values.credential)
      throw new CliError(`sign needs --key and --credential. Usage: ${USAGE}`);
    if (values.format !== 'di' && values.format !== 'jwt')
      throw new CliError(`The format must be di or jwt, not ${values.format}.`);
    const key = await loadKeyFile(values.key);
    const raw = await readJson(values.credential, 'credential file');
    if (!raw || typeof raw !== 'object' || Array.isArray(raw))
      throw new CliError('The credential file does not hold a JSON object.', 1);
    if ((raw as Obj).proof !== undefined)
      throw new CliError('The credential is already signed; give the unsigned credential.', 1);
    const cred = withIssuer(raw as Obj, key.controller);
    const validation = validateOpenBadgeCredential(cred);
    if (!validation.valid) {
      throw new CliError(
        `The credential is not a valid OpenBadgeCredential: ${describeValidationErrors(validation.errors)}.`,
        1,
      );
    }
    const output =
      values.format === 'di'
        ? `${JSON.stringify(await signDataIntegrity(cred, { secretKey: key.secretKey, verificationMethod: key.id }), null, 2)}\n`
        : `${await signVcJwt(cred, { alg: 'EdDSA', privateKey: key.secretKey, kid: key.id })}\n`;
    await writeOutput(values.output, output);
    return 0;
  },
});
