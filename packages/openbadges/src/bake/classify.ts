import { OpenBadgesError } from '../errors.ts';

/**
 * Tells an Open Badges 3.0 credential from a 2.0 assertion by its content alone, so readers can
 * tolerate images whose container says one version and whose content is plainly the other
 * (some tools write an OB 3.0 credential under the OB 2.0 PNG keyword or SVG element).
 * Returns undefined when the content does not decide it (a URL, unparsable text).
 */
export type BadgeVersion = 'ob3' | 'ob2';

const VC_CONTEXTS = new Set([
  'https://www.w3.org/ns/credentials/v2',
  'https://www.w3.org/2018/credentials/v1',
]);
const OB2_CONTEXTS = new Set([
  'https://w3id.org/openbadges/v2',
  'https://w3id.org/openbadges/v1',
  'https://openbadgespec.org/v2/context.json',
]);

// A compact JWS: three base64url segments. Payloads over this size are not decoded just to classify.
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const MAX_CLASSIFY_CHARS = 8 * 1024 * 1024;

export function isCompactJws(text: string): boolean {
  return COMPACT_JWS.test(text);
}

/**
 * How a baked credential is written: JSON (a credential or OB 2.0 assertion), a compact JWS, or
 * a hosted assertion's URL alone (what OB 2.0 tools wrote before the baking specification; still
 * read, never written). `unknown` is text that is none of these: verifiers report it as no badge.
 */
export type CredentialForm = 'json' | 'jws' | 'url' | 'unknown';

export function credentialForm(text: string): CredentialForm {
  const t = text.trim();
  if (t.startsWith('{')) return 'json';
  if (isCompactJws(t)) return 'jws';
  if (/^https?:\/\/\S+$/i.test(t)) return 'url';
  return 'unknown';
}

/** Refuses text to bake that is not the form it claims to be (valid JSON, or a compact JWS). */
export function requireForm(text: string, form: 'json' | 'jws'): void {
  if (form === 'jws') {
    if (!isCompactJws(text)) {
      throw new OpenBadgesError('INPUT_UNRECOGNIZED', 'The value to bake is not a compact JWS.');
    }
    return;
  }
  try {
    JSON.parse(text);
  } catch (e) {
    throw new OpenBadgesError('JSON_INVALID', 'The credential to bake is not valid JSON.', { cause: e });
  }
}

function classifyObject(value: unknown): BadgeVersion | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const obj = value as Record<string, unknown>;
  // VC-JWT (VC 1.1 style) carries the credential in the `vc` claim.
  if (obj.vc !== null && typeof obj.vc === 'object') return classifyObject(obj.vc) ?? 'ob3';
  const ctx = obj['@context'];
  const contexts = Array.isArray(ctx) ? ctx : [ctx];
  if (contexts.some((c) => typeof c === 'string' && VC_CONTEXTS.has(c))) return 'ob3';
  if (contexts.some((c) => typeof c === 'string' && OB2_CONTEXTS.has(c))) return 'ob2';
  return undefined;
}

export function classifyCredentialText(text: string): BadgeVersion | undefined {
  const t = text.trim();
  if (t.length > MAX_CLASSIFY_CHARS) return undefined;
  try {
    if (t.startsWith('{')) return classifyObject(JSON.parse(t));
    if (isCompactJws(t)) {
      const payload = Buffer.from(t.split('.')[1], 'base64url').toString('utf8');
      return classifyObject(JSON.parse(payload));
    }
  } catch {
    // Not JSON: the caller keeps the version its container implies.
  }
  return undefined;
}

/**
 * The one baked credential an image carries: none is `<IMAGE>_NO_CREDENTIAL` and more than one
 * `<IMAGE>_MULTIPLE_CREDENTIALS`, as a baked badge has exactly one (`parts` names what was counted).
 */
export function theOnlyCredential<T>(found: T[], image: 'PNG' | 'SVG', parts: string): T {
  if (found.length === 0)
    throw new OpenBadgesError(`${image}_NO_CREDENTIAL`, `The ${image} carries no baked credential.`);
  if (found.length > 1) {
    throw new OpenBadgesError(
      `${image}_MULTIPLE_CREDENTIALS`,
      `The ${image} carries ${found.length} ${parts}; a baked badge has exactly one.`,
    );
  }
  return found[0]!;
}
