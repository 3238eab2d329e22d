import { OpenBadgesError } from '../errors.ts';
import { type BadgeVersion, classifyCredentialText } from './classify.ts';
import { bakePng, isPng, PNG_KEYWORD_OB2, PNG_KEYWORD_OB3, unbakePng } from './png.ts';
import { bakeSvg, type SvgBakePayload, unbakeSvg } from './svg.ts';
import { svgText } from './svg-tree.ts';

export type CredentialKind = 'ob3-json' | 'ob3-jwt' | 'ob2-url' | 'ob2-jws' | 'ob2-json';

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

function svgPayload(kind: CredentialKind, text: string): SvgBakePayload {
  switch (kind) {
    case 'ob3-json':
      return { version: 'ob3', json: text };
    case 'ob3-jwt':
      return { version: 'ob3', jws: text };
    case 'ob2-url':
      return { version: 'ob2', url: text };
    case 'ob2-jws':
      return { version: 'ob2', jws: text };
    case 'ob2-json':
      return { version: 'ob2', json: text };
  }
}

/** Bakes a credential into a PNG or SVG badge image, picking the carrier the spec defines for each kind. */
export function bakeImage(
  image: Uint8Array,
  credential: { kind: CredentialKind; text: string },
  limits: ImageLimits = {},
): Uint8Array {
  const type = detectImageType(image);
  const ob3 = credential.kind === 'ob3-json' || credential.kind === 'ob3-jwt';
  if (type === 'png') {
    const keyword = ob3 ? PNG_KEYWORD_OB3 : PNG_KEYWORD_OB2;
    return bakePng(image, { keyword, text: credential.text }, { maxBytes: limits.maxPngBytes });
  }
  if (type === 'svg') {
    const svg = svgText(image, limits.maxSvgBytes);
    const out = bakeSvg(svg, svgPayload(credential.kind, credential.text), { maxBytes: limits.maxSvgBytes });
    return new TextEncoder().encode(out);
  }
  throw new OpenBadgesError('INPUT_UNRECOGNIZED', 'The image is neither a PNG nor an SVG.');
}

export interface UnbakedImage {
  format: 'png' | 'svg';
  version: BadgeVersion;
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
    return { format: 'png', version: classifyCredentialText(text) ?? byKeyword, text };
  }
  if (type === 'svg') {
    return { format: 'svg', ...unbakeSvg(bytes, { maxBytes: limits.maxSvgBytes }) };
  }
  throw new OpenBadgesError('INPUT_UNRECOGNIZED', 'The file is neither a PNG nor an SVG image.');
}
