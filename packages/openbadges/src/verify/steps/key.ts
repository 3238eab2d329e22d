import { OpenBadgesError } from '../../errors.ts';
import { isObj, type Obj } from '../../json-values.ts';
import { didKeyFromPublicKey } from '../../proof/did-key.ts';
import { jwkToPublicKey, publicKeyObject } from '../../proof/keys.ts';
import { resolveVerificationMethodJwk } from '../../proof/resolve-key.ts';
import type { Ctx } from '../context.ts';
import { issuerLabel } from '../credential-fields.ts';
import { fetchJsonWith } from '../fetch.ts';
import { step, UNREACHABLE_CODES, type VerificationStep } from '../report.ts';

/** Who the key that made a proof belongs to, as far as the proof check learned it. */
export type KeyFinding = { controller?: string; source: 'resolved' | 'embedded-jwk' };

/** Proof failures caused by the key, not the signature: the key step reports them. */
export const KEY_CODES: ReadonlySet<string> = new Set([
  'KEY_NOT_FOUND',
  'KEY_INVALID',
  'DID_UNSUPPORTED',
  'KEY_CONTROLLER_MISMATCH',
  'FETCH_FAILED',
  'FETCH_TIMEOUT',
  'FETCH_BLOCKED',
  'FETCH_TOO_LARGE',
]);

export function keyFailure(err: OpenBadgesError): VerificationStep[] {
  const unreachable = UNREACHABLE_CODES.has(err.code);
  return [
    step('proof', 'skipped', 'The signature could not be checked without the issuer’s key.'),
    step(
      'key',
      'fail',
      unreachable
        ? 'The issuer’s signing key could not be fetched, so the signature cannot be checked now.'
        : 'The signing key named by the credential could not be found or used.',
      { code: err.code, detail: err.message },
    ),
  ];
}

/**
 * A JWT kid: a verification method (did:key, did:web, https key document) or a JWK / JWKS URL.
 * Ed25519 keys go through the (replaceable) key resolver; RSA keys for RS256 are read as the
 * publicKeyJwk of a JsonWebKey verification method, or as a plain JWK or JWKS at an https URL.
 */
export async function resolveJwtKey(
  kid: string,
  header: Obj,
  ctx: Ctx,
): Promise<{ key: ReturnType<typeof publicKeyObject> | Record<string, unknown>; controller: string }> {
  if (header.alg === 'EdDSA' || header.alg === 'Ed25519') {
    const k = await ctx.resolveKey(kid);
    return { key: publicKeyObject(k.publicKey), controller: k.controller };
  }
  const fetchJson = fetchJsonWith(ctx.fetch);
  const asMethod = async () => {
    const m = await resolveVerificationMethodJwk(kid, { fetchJson, purpose: 'assertionMethod' });
    return { key: m.jwk, controller: m.controller };
  };
  if (!/^https?:/.test(kid)) return asMethod();
  const doc = await fetchJson(kid);
  const jwks = isObj(doc) && Array.isArray(doc.keys) ? doc.keys.filter(isObj) : [doc];
  const [base, fragment] = kid.split('#');
  const jwk =
    jwks.find((k) => isObj(k) && (k.kid === kid || (fragment !== undefined && k.kid === fragment))) ??
    (jwks.length === 1 ? jwks[0] : undefined);
  if (!isObj(jwk) || typeof jwk.kty !== 'string') {
    // Not a JWK: a key document or controller document that lists the method.
    if (isObj(doc) && (doc.publicKeyJwk !== undefined || doc.verificationMethod !== undefined))
      return asMethod();
    throw new OpenBadgesError('KEY_NOT_FOUND', 'The key URL does not hold a JWK for this kid.');
  }
  if (jwk.kty === 'OKP') jwkToPublicKey(jwk);
  // A bare JWK names no controller: the key URL's origin stands for it.
  return { key: jwk, controller: new URL(base!).origin };
}

/** An embedded Ed25519 JWK stands for the did:key of the same public key; other JWKs name nobody. */
export function embeddedController(jwk: unknown): { controller?: string } {
  try {
    if (isObj(jwk) && jwk.kty === 'OKP') return { controller: didKeyFromPublicKey(jwkToPublicKey(jwk)) };
  } catch {
    // Not an Ed25519 JWK: no controller.
  }
  return {};
}

function sameController(controller: string, issuerId: string, source: 'resolved' | 'embedded-jwk'): boolean {
  if (controller === issuerId) return true;
  // An RS256 JWK URL has no controller of its own: its origin must be the issuer's.
  if (source === 'resolved' && /^https?:/.test(controller) && !controller.slice(8).includes('/')) {
    try {
      return new URL(issuerId).origin === controller;
    } catch {
      return false;
    }
  }
  return false;
}

/** Whether the key that signed belongs to the credential's issuer. */
export function keyStep(
  key: KeyFinding | undefined,
  issuer: { id: string; name?: string } | undefined,
): VerificationStep | undefined {
  if (!key) return undefined;
  if (key.source === 'embedded-jwk' && (!issuer || key.controller !== issuer.id)) {
    // Anyone can put a key in a token header; it says who signed only when it is the issuer's did:key.
    return step(
      'key',
      'fail',
      'The token carries its own signing key, and that key is not shown to belong to the issuer: nothing links it to the issuer’s identifier.',
      { code: 'KEY_UNPROVEN', ...(issuer ? { detail: `issuer ${issuer.id}` } : {}) },
    );
  }
  if (!issuer)
    return step('key', 'fail', 'The credential names no issuer to own the signing key.', {
      code: 'SHAPE_INVALID',
    });
  if (!key.controller || !sameController(key.controller, issuer.id, key.source)) {
    return step(
      'key',
      'fail',
      `The credential was signed with a key that does not belong to its issuer ${issuerLabel(issuer)}.`,
      {
        code: 'KEY_CONTROLLER_MISMATCH',
        detail: `key controller ${key.controller ?? 'unknown'}, issuer ${issuer.id}`,
      },
    );
  }
  return step('key', 'pass', `The signing key belongs to the issuer ${issuerLabel(issuer)}.`);
}
