import { OpenBadgesError } from '../errors.ts';
import { type BadgeVersion, classifyCredentialText, isCompactJws } from './classify.ts';
import {
  cdata,
  escapeAttribute,
  hasNonXmlChars,
  OB2_SVG_NS,
  OB3_SVG_NS,
  parseXml,
  requireSvgRoot,
  type SvgLimits,
  svgText,
  textContent,
  type XmlElement,
} from './svg-tree.ts';

export type SvgBakePayload =
  | { version: 'ob3'; json?: string; jws?: string }
  | { version: 'ob2'; url?: string; jws?: string; json?: string };

export interface UnbakedSvg {
  version: BadgeVersion;
  /** The credential: JSON, a compact JWS, or (OB 2.0 hosted, no JSON body) the assertion URL. */
  text: string;
  /** The `verify` attribute when present (a JWS or the hosted assertion URL). */
  verify?: string;
}

const CREDENTIAL_LOCAL_NAMES = new Set(['credential', 'assertion']);

function isOpenBadgesNs(uri: string): boolean {
  return uri === OB3_SVG_NS || uri === OB2_SVG_NS;
}

/** Every element in either Open Badges namespace whose local name is credential or assertion. */
export function findCredentialElements(root: XmlElement): XmlElement[] {
  const found: XmlElement[] = [];
  const walk = (el: XmlElement) => {
    for (const child of el.children) {
      if (child.kind !== 'element') continue;
      if (isOpenBadgesNs(child.uri) && CREDENTIAL_LOCAL_NAMES.has(child.local)) found.push(child);
      walk(child);
    }
  };
  walk(root);
  return found;
}

function verifyAttribute(el: XmlElement): string | undefined {
  const attr = el.attributes.find((a) => a.local === 'verify' && (a.uri === '' || isOpenBadgesNs(a.uri)));
  const value = attr?.value.trim();
  return value ? value : undefined;
}

/** Reads the credential out of an element found by {@link findCredentialElements}. */
export function readCredentialElement(el: XmlElement): UnbakedSvg {
  const verify = verifyAttribute(el);
  const body = textContent(el).trim();
  let text: string;
  if (verify && isCompactJws(verify)) text = verify;
  else if (body) text = body;
  else if (verify) text = verify;
  else throw new OpenBadgesError('SVG_NO_CREDENTIAL', `The <${el.name}> element of the SVG is empty.`);
  const byNamespace: BadgeVersion = el.uri === OB3_SVG_NS ? 'ob3' : 'ob2';
  const version = classifyCredentialText(text) ?? byNamespace;
  return verify ? { version, text, verify } : { version, text };
}

/** Extracts the one baked credential of an SVG (OB 3.0 `<openbadges:credential>` or OB 2.0 `<openbadges:assertion>`). */
export function unbakeSvg(svg: string | Uint8Array, limits: SvgLimits = {}): UnbakedSvg {
  const doc = parseXml(svg, limits);
  const root = requireSvgRoot(doc);
  const found = findCredentialElements(root);
  if (found.length === 0)
    throw new OpenBadgesError('SVG_NO_CREDENTIAL', 'The SVG carries no baked credential.');
  if (found.length > 1) {
    throw new OpenBadgesError(
      'SVG_MULTIPLE_CREDENTIALS',
      `The SVG carries ${found.length} credential elements; a baked badge has exactly one.`,
    );
  }
  return readCredentialElement(found[0]);
}

function checkJson(json: string): void {
  try {
    JSON.parse(json);
  } catch (e) {
    throw new OpenBadgesError('JSON_INVALID', 'The credential to bake is not valid JSON.', { cause: e });
  }
}

function checkJws(jws: string): void {
  if (!isCompactJws(jws)) {
    throw new OpenBadgesError('INPUT_UNRECOGNIZED', 'The value to bake is not a compact JWS.');
  }
}

function checkUrl(url: string): void {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) {
    throw new OpenBadgesError('INPUT_UNRECOGNIZED', 'The assertion URL to bake is not an http(s) URL.');
  }
}

/** The markup of the credential element, prefixed `openbadges:` (the root declares the prefix). */
export function credentialElementMarkup(payload: SvgBakePayload): string {
  const present = [payload.json, payload.jws, payload.version === 'ob2' ? payload.url : undefined].filter(
    (v) => v !== undefined,
  );
  for (const v of present) {
    if (v.trim() === '')
      throw new OpenBadgesError('INPUT_UNRECOGNIZED', 'The credential text to bake is empty.');
    if (hasNonXmlChars(v)) {
      throw new OpenBadgesError('INPUT_UNRECOGNIZED', 'The credential text has characters XML cannot carry.');
    }
  }
  if (payload.json !== undefined) checkJson(payload.json);
  if (payload.jws !== undefined) checkJws(payload.jws);

  if (payload.version === 'ob3') {
    // OB 3.0 "Baked Badge": JSON with an embedded proof in CDATA, or a VC-JWT in `verify` with an empty body.
    if ((payload.json === undefined) === (payload.jws === undefined)) {
      throw new OpenBadgesError('INPUT_UNRECOGNIZED', 'An OB 3.0 SVG bake takes exactly one of json or jws.');
    }
    if (payload.jws !== undefined) {
      return `<openbadges:credential verify="${escapeAttribute(payload.jws)}"></openbadges:credential>`;
    }
    return `<openbadges:credential>${cdata(payload.json as string)}</openbadges:credential>`;
  }
  // OB 2.0 baking: verify = JWS (self-closing) or the hosted URL, with the assertion JSON in CDATA.
  if (payload.jws !== undefined) {
    if (payload.url !== undefined || payload.json !== undefined) {
      throw new OpenBadgesError('INPUT_UNRECOGNIZED', 'An OB 2.0 signed badge is baked from the JWS alone.');
    }
    return `<openbadges:assertion verify="${escapeAttribute(payload.jws)}"/>`;
  }
  let url = payload.url;
  if (url === undefined && payload.json !== undefined) {
    const id = (JSON.parse(payload.json) as { id?: unknown } | null)?.id;
    if (typeof id === 'string' && /^https?:\/\//.test(id)) url = id;
  }
  if (url !== undefined) checkUrl(url);
  if (url === undefined && payload.json === undefined) {
    throw new OpenBadgesError(
      'INPUT_UNRECOGNIZED',
      'An OB 2.0 SVG bake needs a url, a jws or the assertion json.',
    );
  }
  const verify = url !== undefined ? ` verify="${escapeAttribute(url)}"` : '';
  if (payload.json === undefined) return `<openbadges:assertion${verify}/>`;
  return `<openbadges:assertion${verify}>${cdata(payload.json)}</openbadges:assertion>`;
}

/**
 * Bakes a credential into a well-formed SVG: removes any existing Open Badges element (either
 * namespace), declares `xmlns:openbadges` on the root and puts the new element right after the
 * `<svg …>` start tag. Everything else is kept byte for byte.
 */
export function bakeSvg(svg: string, payload: SvgBakePayload, limits: SvgLimits = {}): string {
  const element = credentialElementMarkup(payload);
  const doc = parseXml(svg, limits);
  const root = requireSvgRoot(doc);
  const ns = payload.version === 'ob3' ? OB3_SVG_NS : OB2_SVG_NS;

  // Any element in an Open Badges namespace goes: the result must hold exactly one credential.
  const removals: XmlElement[] = [];
  const walk = (el: XmlElement) => {
    for (const child of el.children) {
      if (child.kind !== 'element') continue;
      if (isOpenBadgesNs(child.uri)) removals.push(child);
      else walk(child);
    }
  };
  walk(root);

  const attrs = root.attributes
    .filter((a) => a.name !== 'xmlns:openbadges')
    .map((a) => ` ${a.name}="${escapeAttribute(a.value)}"`)
    .join('');
  const startTag = `<${root.name}${attrs} xmlns:openbadges="${ns}">`;
  const { text } = doc;
  // The text was read as UTF-8 and the credential may not be ASCII: the declaration must agree.
  const head = text
    .slice(0, root.start)
    .replace(
      /^(\s*<\?xml\s[^?]*?encoding\s*=\s*)(["'])[^"']*\2/,
      (_m, pre: string, q: string) => `${pre}${q}UTF-8${q}`,
    );
  let out: string;
  if (root.isSelfClosing) {
    out = `${head}${startTag}${element}</${root.name}>${text.slice(root.end)}`;
  } else {
    const parts = [head, startTag, element];
    let at = root.startTagEnd;
    for (const r of removals) {
      parts.push(text.slice(at, r.start));
      at = r.end;
    }
    parts.push(text.slice(at));
    out = parts.join('');
  }
  // Never write a file our own reader (with the same limit) would refuse.
  svgText(out, limits.maxBytes);
  return out;
}
