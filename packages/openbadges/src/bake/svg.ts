import { OpenBadgesError } from '../errors.ts';
import {
  type BadgeVersion,
  type CredentialForm,
  classifyCredentialText,
  credentialForm,
  isCompactJws,
  requireForm,
  theOnlyCredential,
} from './classify.ts';
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

/**
 * What to bake, exactly one of `json` or `jws`. OB 2.0 hosted assertions are baked from their
 * JSON: its `id` (the hosted URL) becomes the `verify` attribute.
 */
export type SvgBakePayload = { version: BadgeVersion; json?: string; jws?: string };

export interface UnbakedSvg {
  version: BadgeVersion;
  /** Which form the element held (see {@link CredentialForm}). */
  form: CredentialForm;
  /** The credential: JSON, a compact JWS, or (OB 2.0 pre-spec, no JSON body) the assertion URL. */
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
  const form = credentialForm(text);
  return verify ? { version, form, text, verify } : { version, form, text };
}

/** Extracts the one baked credential of an SVG (OB 3.0 `<openbadges:credential>` or OB 2.0 `<openbadges:assertion>`). */
export function unbakeSvg(svg: string | Uint8Array, limits: SvgLimits = {}): UnbakedSvg {
  const doc = parseXml(svg, limits);
  const root = requireSvgRoot(doc);
  const found = findCredentialElements(root);
  return readCredentialElement(theOnlyCredential(found, 'SVG', 'credential elements'));
}

/** The hosted URL of an OB 2.0 assertion to bake: its `id`, which must be an http(s) URL. */
function hostedAssertionUrl(json: string): string {
  const parsed: unknown = JSON.parse(json);
  const id = parsed !== null && typeof parsed === 'object' ? (parsed as { id?: unknown }).id : undefined;
  let url: URL | undefined;
  try {
    url = typeof id === 'string' ? new URL(id) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw new OpenBadgesError(
      'INPUT_UNRECOGNIZED',
      'A hosted OB 2.0 assertion is baked with its URL as id (it becomes the verify address); bake a signed one from its JWS.',
    );
  }
  return id as string;
}

/** The markup of the credential element, prefixed `openbadges:` (the root declares the prefix). */
export function credentialElementMarkup(payload: SvgBakePayload): string {
  const { json, jws } = payload;
  if ((json === undefined) === (jws === undefined)) {
    throw new OpenBadgesError(
      'INPUT_UNRECOGNIZED',
      `An OB ${payload.version === 'ob3' ? '3.0' : '2.0'} SVG bake takes exactly one of json or jws.`,
    );
  }
  const text = (json ?? jws) as string;
  if (text.trim() === '')
    throw new OpenBadgesError('INPUT_UNRECOGNIZED', 'The credential text to bake is empty.');
  if (hasNonXmlChars(text)) {
    throw new OpenBadgesError('INPUT_UNRECOGNIZED', 'The credential text has characters XML cannot carry.');
  }
  requireForm(text, json !== undefined ? 'json' : 'jws');

  if (payload.version === 'ob3') {
    // OB 3.0 "Baked Badge": JSON with an embedded proof in CDATA, or a VC-JWT in `verify` with an empty body.
    if (jws !== undefined) {
      return `<openbadges:credential verify="${escapeAttribute(jws)}"></openbadges:credential>`;
    }
    return `<openbadges:credential>${cdata(text)}</openbadges:credential>`;
  }
  // OB 2.0 baking: an element without a body means `verify` is a signature, so a signed
  // assertion is self-closing and a hosted one carries its JSON with verify = its URL.
  if (jws !== undefined) return `<openbadges:assertion verify="${escapeAttribute(jws)}"/>`;
  const url = hostedAssertionUrl(text);
  return `<openbadges:assertion verify="${escapeAttribute(url)}">${cdata(text)}</openbadges:assertion>`;
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
