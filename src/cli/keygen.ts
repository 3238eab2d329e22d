import {
  didKeyFromPublicKey,
  didKeyVerificationMethod,
  generateEd25519KeyPair,
  multibaseToPublicKey,
  multibaseToSecretKey,
  publicKeyFromSecret,
  publicKeyToMultibase,
  secretKeyToMultibase,
} from '@laurel/openbadges/proof';
import { command } from './args.ts';
import { CliError, readJson, writeOutput } from './io.ts';

const USAGE = 'laurel keygen [-o key.json]';

/** The key file: a Multikey verification method of a did:key, plus its secret. */
export type KeyFile = {
  type: 'Multikey';
  id: string;
  controller: string;
  publicKeyMultibase: string;
  secretKeyMultibase: string;
};

export function newKeyFile(): KeyFile {
  const { publicKey, secretKey } = generateEd25519KeyPair();
  const did = didKeyFromPublicKey(publicKey);
  return {
    type: 'Multikey',
    id: didKeyVerificationMethod(did),
    controller: did,
    publicKeyMultibase: publicKeyToMultibase(publicKey),
    secretKeyMultibase: secretKeyToMultibase(secretKey),
  };
}

/** Reads and checks a key file: the secret must match the public key it claims. */
export async function loadKeyFile(path: string): Promise<KeyFile & { secretKey: Uint8Array }> {
  const k = (await readJson(path, 'key file')) as Partial<KeyFile> | null;
  if (
    !k ||
    typeof k !== 'object' ||
    typeof k.id !== 'string' ||
    typeof k.controller !== 'string' ||
    typeof k.secretKeyMultibase !== 'string' ||
    typeof k.publicKeyMultibase !== 'string'
  ) {
    throw new CliError(`The key file ${path} is not a Laurel key file (make one with laurel keygen).`);
  }
  let secretKey: Uint8Array;
  try {
    secretKey = multibaseToSecretKey(k.secretKeyMultibase);
    const expected = multibaseToPublicKey(k.publicKeyMultibase);
    if (Buffer.compare(Buffer.from(publicKeyFromSecret(secretKey)), Buffer.from(expected)) !== 0)
      throw new Error('mismatch');
  } catch {
    throw new CliError(`The key file ${path} holds a secret key that does not match its public key.`);
  }
  return { ...(k as KeyFile), secretKey };
}

export const keygenCommand = command({
  usage: USAGE,
  summary: 'Create an Ed25519 signing key (a did:key) in a key file',
  options: { output: { type: 'string', short: 'o' } },
  async run({ values, positionals }) {
    if (positionals.length > 0) throw new CliError(`keygen takes no arguments. Usage: ${USAGE}`);
    const key = newKeyFile();
    // The file holds a secret: owner-only, and never silently replace an existing key.
    await writeOutput(values.output, `${JSON.stringify(key, null, 2)}\n`, { mode: 0o600, exclusive: true });
    if (values.output) process.stderr.write(`Wrote a new key for ${key.controller} to ${values.output}.\n`);
    return 0;
  },
});
