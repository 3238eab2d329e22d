import { OpenBadgesError } from '../errors.ts';
import {
  type BadgeVersion,
  type CredentialForm,
  classifyCredentialText,
  credentialForm,
  requireForm,
} from './classify.ts';
import { bakePng, isPng, PNG_KEYWORD_OB2, PNG_KEYWORD_OB3, unbakePng } from './png.ts';
import { bakeSvg, unbakeSvg } from './svg.ts';
import { svgText } from './svg-tree.ts';

/**
 * What can be baked: an OB 3.0 credential as JSON (embedded proof) or VC-JWT, an OB 2.0
 * assertion as JSON (hosted: its `id` is its URL) or JWS (signed). There is no URL kind: the OB 2.0
 * baking specification carries the assertion itself, and an SVG element holding only a URL would
 * be read as a signature.
 */
export type CredentialKind = 'ob3-json' | 'ob3-jwt' | 'ob2-jws' | 'ob2-json';

const KINDS: Record<CredentialKind, { version: BadgeVersion; form: 'json' | 'jws' }> = {
  'ob3-json': { version: 'ob3', form: 'json' },
  'ob3-jwt': { version: 'ob3', form: 'jws' },
  'ob2-json': { version: 'ob2', form: 'json' },
  'ob2-jws': { version: 'ob2', form: 'jws' },
};

export interface ImageLimits {
  /** Largest PNG accepted (default 20 MB). */
  maxPngBytes?: number;
  /** Largest SVG accepted (default 5 MB). */
  maxSvgBytes?: number;
}

// Enough of the file to get past an XML declaration, comments and a DOCTYPE to the root tag.
const SNIFF_BYTES = 64 * 1024;

/** PNG by its signature; SVG when the first element (after prolog, comments, DOCTYPE) is `svg`. */
export function detectImageType(bytes: Uint8Array): 'png' | 'svg' | null {
  if (isPng(bytes)) return 'png';
  let head = new TextDecoder('utf-8').decode(bytes.subarray(0, SNIFF_BYTES));
  if (head.charCodeAt(0) === 0xfeff) head = head.slice(1);
  let at = 0;
  for (;;) {
    while (at < head.length && /\s/.test(head[at])) at++;
    if (head.startsWith('<?', at)) {
      const end = head.indexOf('?>', at);
      if (end < 0) return null;
      at = end + 2;
    } else if (head.startsWith('<!--', at)) {
      const end = head.indexOf('-->', at);
      if (end < 0) return null;
      at = end + 3;
    } else if (head.startsWith('<!DOCTYPE', at)) {
      // Report it as an SVG so the reader refuses the DTD with a precise error.
      return /^<!DOCTYPE\s+([A-Za-z_][\w.-]*:)?svg[\s>[]/.test(head.slice(at, at + 200)) ? 'svg' : null;
    } else {
      return /^<([A-Za-z_][\w.-]*:)?svg[\s>/]/.test(head.slice(at, at + 200)) ? 'svg' : null;
    }
  }
}

/** Bakes a credential into a PNG or SVG badge image, picking the carrier the spec defines for each kind. */
export function bakeImage(
  image: Uint8Array,
  credential: { kind: CredentialKind; text: string },
  limits: ImageLimits = {},
): Uint8Array {
  const spec = Object.hasOwn(KINDS, credential.kind) ? KINDS[credential.kind] : undefined;
  if (!spec) {
    throw new OpenBadgesError(
      'INPUT_UNRECOGNIZED',
      `"${credential.kind}" is not a kind of credential to bake (an OB 2.0 hosted badge is baked from its assertion JSON, not its URL).`,
    );
  }
  requireForm(credential.text, spec.form);
  const type = detectImageType(image);
  if (type === 'png') {
    const keyword = spec.version === 'ob3' ? PNG_KEYWORD_OB3 : PNG_KEYWORD_OB2;
    return bakePng(image, { keyword, text: credential.text }, { maxBytes: limits.maxPngBytes });
  }
  if (type === 'svg') {
    const svg = svgText(image, limits.maxSvgBytes);
    const payload = { version: spec.version, [spec.form]: credential.text };
    return new TextEncoder().encode(bakeSvg(svg, payload, { maxBytes: limits.maxSvgBytes }));
  }
  throw new OpenBadgesError('INPUT_UNRECOGNIZED', 'The image is neither a PNG nor an SVG.');
}

export interface UnbakedImage {
  format: 'png' | 'svg';
  version: BadgeVersion;
  /** Which form was found: JSON, a JWS, or (OB 2.0, written before the baking spec) a URL. */
  form: CredentialForm;
  text: string;
  /** SVG only: the `verify` attribute, when present. */
  verify?: string;
}

/** Reads the baked credential of a PNG or SVG badge; the version follows the content when it is unambiguous. */
export function unbakeImage(bytes: Uint8Array, limits: ImageLimits = {}): UnbakedImage {
  const type = detectImageType(bytes);
  if (type === 'png') {
    const { keyword, text } = unbakePng(bytes, { maxBytes: limits.maxPngBytes });
    const byKeyword: BadgeVersion = keyword === PNG_KEYWORD_OB3 ? 'ob3' : 'ob2';
    return {
      format: 'png',
      version: classifyCredentialText(text) ?? byKeyword,
      form: credentialForm(text),
      text,
    };
  }
  if (type === 'svg') {
    return { format: 'svg', ...unbakeSvg(bytes, { maxBytes: limits.maxSvgBytes }) };
  }
  throw new OpenBadgesError('INPUT_UNRECOGNIZED', 'The file is neither a PNG nor an SVG image.');
}
