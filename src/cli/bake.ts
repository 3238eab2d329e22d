import { bakeImage, type CredentialKind, unbakeImage } from '@laurel/openbadges/bake';
import { isOpenBadgesError } from '@laurel/openbadges/errors';
import { command } from './args.ts';
import { CliError, out, readInput, readText, writeOutput } from './io.ts';
import { isObject } from '../util/checks.ts';

const BAKE_USAGE = 'laurel bake --credential <json|jwt file> --image <png|svg> -o <out>';
const UNBAKE_USAGE = 'laurel unbake <png|svg> [--json]';

type Obj = Record<string, unknown>;
const isOb3 = (v: Obj) => Array.isArray(v.type) && v.type.includes('VerifiableCredential');

/** Which carrier the spec defines for this credential text. */
export function credentialKind(text: string): CredentialKind {
  if (text.startsWith('{')) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new CliError('The credential file is not valid JSON.');
    }
    if (!isObject(json)) throw new CliError('The credential file does not hold a JSON object.');
    return isOb3(json) ? 'ob3-json' : 'ob2-json';
  }
  if (/^[\w-]+\.[\w-]+\.[\w-]*$/.test(text)) {
    try {
      const payload = JSON.parse(Buffer.from(text.split('.')[1]!, 'base64url').toString('utf8'));
      return isObject(payload) && (isObject(payload.vc) || isOb3(payload)) ? 'ob3-jwt' : 'ob2-jws';
    } catch {
      throw new CliError('The credential file holds a token whose payload is not JSON.');
    }
  }
  if (/^https?:\/\/\S+$/.test(text)) {
    // OB 2.0 baking carries the hosted assertion itself; a URL alone would be read as a signature.
    throw new CliError(
      'An OB 2.0 badge is baked with its assertion, not its URL: save the hosted assertion JSON (for example with curl) and bake that file.',
    );
  }
  throw new CliError('The credential file holds neither JSON nor a JWT.');
}

// A library error here means the image or credential file cannot be used: unreadable input, exit 2.
const asCliError = (e: unknown): never => {
  if (isOpenBadgesError(e)) throw new CliError(e.message, 2);
  throw e;
};

export const bakeCommand = command({
  usage: BAKE_USAGE,
  summary: 'Bake a credential into a PNG or SVG badge image',
  options: {
    credential: { type: 'string' },
    image: { type: 'string' },
    output: { type: 'string', short: 'o' },
  },
  async run({ values, positionals }) {
    if (positionals.length > 0 || !values.credential || !values.image || !values.output) {
      throw new CliError(`bake needs --credential, --image and -o. Usage: ${BAKE_USAGE}`);
    }
    const text = (await readText(values.credential, 'credential file')).trim();
    const kind = credentialKind(text);
    const image = await readInput(values.image, 'image');
    let baked: Uint8Array;
    try {
      baked = bakeImage(image, { kind, text });
    } catch (e) {
      return asCliError(e);
    }
    await writeOutput(values.output, baked);
    return 0;
  },
});

export const unbakeCommand = command({
  usage: UNBAKE_USAGE,
  summary: 'Print the credential baked into a PNG or SVG badge',
  options: { json: { type: 'boolean' } },
  async run({ values, positionals }) {
    if (positionals.length !== 1) throw new CliError(`Give exactly one image. Usage: ${UNBAKE_USAGE}`);
    const bytes = await readInput(positionals[0]!, 'image');
    let found: ReturnType<typeof unbakeImage>;
    try {
      found = unbakeImage(bytes);
    } catch (e) {
      return asCliError(e);
    }
    if (values.json) out(JSON.stringify(found, null, 2));
    else {
      let text = found.text;
      try {
        if (text.trim().startsWith('{')) text = JSON.stringify(JSON.parse(text), null, 2);
      } catch {
        // Print malformed JSON as it is: it is what the image holds.
      }
      out(text);
    }
    return 0;
  },
});
