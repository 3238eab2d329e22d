import type { KeyObject } from 'node:crypto';
import type { CryptoKey, JWK } from 'jose';
import { OpenBadgesError } from '../errors.ts';
import {
  encodeJwsHeader,
  type JwsAlg,
  keyFitsAlg,
  parseCompactJws,
  publicKeyFrom,
  signCompactJws,
  verifyCompactJws,
} from './compact-jws.ts';
import { didKeyToPublicKey } from './did-key.ts';
import { ed25519ToJwk, privateKeyObject, publicKeyObject } from './keys.ts';

/*
 * Open Badges 3.0 §8.2 "JSON Web Token Proof Format" (VC-JWT as in VC Data Model 1.1 §6.3.1): the
 * JWT payload is the credential itself plus the registered claims iss, jti, nbf, exp and sub
 * derived from it. The older form with the credential under a `vc` claim is accepted on verify.
 */

export type VcJwtAlg = 'EdDSA' | 'RS256';
export type KeyLike = KeyObject | CryptoKey;

export type SignVcJwtOptions = {
  /** Defaults to EdDSA. */
  alg?: VcJwtAlg;
  /** An RSA or Ed25519 private KeyObject, or a 32-byte Ed25519 seed. */
  privateKey?: KeyObject | Uint8Array;
  /** Same as an Ed25519 seed in `privateKey` (the name signDataIntegrity uses). */
  secretKey?: Uint8Array;
  /** Verification method or key URL the verifier resolves (e.g. did:key:…#z6Mk…). */
  kid?: string;
  /** Same as `kid` (the name signDataIntegrity uses). */
  verificationMethod?: string;
  /** A public JWK to carry in the header instead of (or with) a kid. */
  jwk?: JWK;
};

export type VerifyVcJwtOptions = {
  /** Maps the header's kid to a key; did:key kids resolve without it. */
  resolveKey?: (kid: string) => Promise<KeyLike | JWK>;
  /** Used only to compute `timely`; dates are never enforced here. */
  now?: () => Date;
};

export type VcJwtHeader = { alg: string; typ?: string; kid?: string; jwk?: JWK; [k: string]: unknown };

export type VerifyVcJwtResult = {
  credential: Record<string, unknown>;
  header: VcJwtHeader;
  payload: Record<string, unknown>;
  /** Where the verifying key came from. */
  keySource: 'kid' | 'jwk';
  notBefore?: Date;
  expires?: Date;
  /** Whether `now` lies within nbf/exp (present only when `now` was given). */
  timely?: boolean;
};

const ALGORITHMS = ['EdDSA', 'Ed25519', 'RS256'];
const MAX_JWT_LENGTH = 1_000_000;

type Cred = Record<string, unknown>;

const idOf = (v: unknown): string | undefined =>
  typeof v === 'string'
    ? v
    : v && typeof v === 'object' && typeof (v as Cred).id === 'string'
      ? ((v as Cred).id as string)
      : undefined;

function subjectId(credential: Cred): string | undefined {
  const s = credential.credentialSubject;
  return Array.isArray(s) ? (s.length === 1 ? idOf(s[0]) : undefined) : idOf(s);
}

function epochSeconds(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

/** The claims OB 3.0 §8.2.2 derives from the credential. */
export function vcJwtClaims(credential: Cred): Record<string, string | number> {
  const claims: Record<string, string | number> = {};
  const iss = idOf(credential.issuer);
  if (iss) claims.iss = iss;
  if (typeof credential.id === 'string') claims.jti = credential.id;
  const nbf = epochSeconds(credential.validFrom ?? credential.issuanceDate);
  if (nbf !== undefined) claims.nbf = nbf;
  const exp = epochSeconds(credential.validUntil ?? credential.expirationDate);
  if (exp !== undefined) claims.exp = exp;
  const sub = subjectId(credential);
  if (sub) claims.sub = sub;
  return claims;
}

/**
 * Everything about signing that is the same for every token of one issuer key: the checked key
 * object and the encoded protected header. Keep one per issuer (or let signVcJwt keep it: it
 * caches one per key and header), so a token costs a JSON serialization and a signature.
 */
export type VcJwtSigner = {
  readonly alg: VcJwtAlg;
  readonly header: Readonly<VcJwtHeader>;
  /** The VC-JWT of `credential` (OB 3.0 §8.2): the credential plus its registered claims, signed. */
  sign(credential: object): string;
};

function signingKey(alg: VcJwtAlg, given: KeyObject | Uint8Array | undefined): KeyObject {
  if (!given) throw new OpenBadgesError('KEY_INVALID', 'No private key was given.');
  if (given instanceof Uint8Array) {
    if (alg !== 'EdDSA') throw new OpenBadgesError('KEY_INVALID', 'A raw key seed can only sign EdDSA.');
    return privateKeyObject(given);
  }
  if (!keyFitsAlg(given, alg, 'private')) {
    throw new OpenBadgesError('KEY_INVALID', `The private key does not fit ${alg}.`);
  }
  return given;
}

function signingHeader(alg: VcJwtAlg, opts: SignVcJwtOptions): VcJwtHeader {
  const header: VcJwtHeader = { alg, typ: 'JWT' };
  const kid = opts.kid ?? opts.verificationMethod;
  if (kid) header.kid = kid;
  if (opts.jwk) {
    // Only public members go into a header.
    const {
      d: _d,
      p: _p,
      q: _q,
      dp: _dp,
      dq: _dq,
      qi: _qi,
      ...pub
    } = opts.jwk as JWK & Record<string, unknown>;
    header.jwk = pub as JWK;
  }
  return header;
}

function checkedAlg(alg: string | undefined): VcJwtAlg {
  const a = alg ?? 'EdDSA';
  if (a !== 'EdDSA' && a !== 'RS256') {
    throw new OpenBadgesError('KEY_INVALID', 'VC-JWT signing supports EdDSA and RS256 only.');
  }
  return a;
}

/** A signer for one key and header, checked once; `sign` is synchronous. */
export function prepareVcJwtSigner(opts: SignVcJwtOptions): VcJwtSigner {
  const alg = checkedAlg(opts.alg);
  const key = signingKey(alg, opts.privateKey ?? opts.secretKey);
  const header = Object.freeze(signingHeader(alg, opts));
  const encodedHeader = encodeJwsHeader(header);
  return {
    alg,
    header,
    sign(credential) {
      const payload = { ...credential, ...vcJwtClaims(credential as Cred) };
      return signCompactJws(encodedHeader, JSON.stringify(payload), alg, key);
    },
  };
}

// Signers kept per key object (seeds map to one cached KeyObject in keys.ts) and header, so
// signVcJwt callers get the prepared cost without holding a signer. Bounded per key.
const signers = new WeakMap<KeyObject, Map<string, VcJwtSigner>>();
const SIGNERS_PER_KEY = 16;

function cachedSigner(opts: SignVcJwtOptions): VcJwtSigner {
  const alg = checkedAlg(opts.alg);
  const key = signingKey(alg, opts.privateKey ?? opts.secretKey);
  // Keyed by what the header holds; with a JWK, by the header as signed, so nothing private (a
  // JWK's d) is kept as a key.
  const id = opts.jwk
    ? JSON.stringify(signingHeader(alg, opts))
    : `${alg} ${opts.kid ?? opts.verificationMethod ?? ''}`;
  let byHeader = signers.get(key);
  if (!byHeader) {
    byHeader = new Map();
    signers.set(key, byHeader);
  }
  let signer = byHeader.get(id);
  if (!signer) {
    signer = prepareVcJwtSigner({ ...opts, alg, privateKey: key, secretKey: undefined });
    if (byHeader.size >= SIGNERS_PER_KEY) byHeader.delete(byHeader.keys().next().value!);
    byHeader.set(id, signer);
  }
  return signer;
}

export async function signVcJwt(credential: object, opts: SignVcJwtOptions): Promise<string> {
  return cachedSigner(opts).sign(credential);
}

// did:key kids decoded once: the base58 decoding and the KeyObject are the same every time.
const didKeyObjects = new Map<string, KeyObject>();
const DID_KEYS_MAX = 512;

function didKeyObject(kid: string): KeyObject {
  let key = didKeyObjects.get(kid);
  if (!key) {
    key = publicKeyObject(didKeyToPublicKey(kid));
    if (didKeyObjects.size >= DID_KEYS_MAX) didKeyObjects.delete(didKeyObjects.keys().next().value!);
    didKeyObjects.set(kid, key);
  }
  return key;
}

/** A JWK's key; one that does not fit the token's algorithm is KEY_INVALID, as jose's importJWK made it. */
function jwkKey(jwk: unknown, alg: JwsAlg): KeyObject {
  const key = publicKeyFrom(jwk);
  if (!keyFitsAlg(key, alg, 'public')) {
    throw new OpenBadgesError('KEY_INVALID', `The JWT key is not a usable ${alg} public JWK.`);
  }
  return key;
}

async function keyFor(
  header: VcJwtHeader,
  alg: JwsAlg,
  opts: VerifyVcJwtOptions,
): Promise<{ key: KeyObject; source: 'kid' | 'jwk' }> {
  if (typeof header.kid === 'string' && header.kid.startsWith('did:key:') && !opts.resolveKey) {
    return { key: didKeyObject(header.kid), source: 'kid' };
  }
  if (typeof header.kid === 'string' && opts.resolveKey) {
    const resolved = await opts.resolveKey(header.kid);
    if (!resolved) throw new OpenBadgesError('KEY_NOT_FOUND', 'The JWT kid resolved to no key.');
    const isJwk = typeof resolved === 'object' && 'kty' in resolved;
    return { key: isJwk ? jwkKey(resolved, alg) : publicKeyFrom(resolved), source: 'kid' };
  }
  if (header.jwk && typeof header.jwk === 'object') return { key: jwkKey(header.jwk, alg), source: 'jwk' };
  throw new OpenBadgesError('KEY_NOT_FOUND', 'The JWT names no key (kid or jwk) that can be resolved.');
}

/**
 * A claim present in the payload must say what the credential says (OB 3.0 §8.2.2: each "MUST
 * represent" its property). An `exp` with no validUntil would otherwise go unchecked, since the
 * date step reads the credential.
 */
function checkClaim(name: string, claim: unknown, expected: unknown): void {
  if (claim !== undefined && claim !== expected) {
    throw new OpenBadgesError('JWT_INVALID', `The JWT ${name} claim does not match the credential.`);
  }
}

/**
 * Verifies a VC-JWT and returns the credential with its header and claims. Signature, algorithm
 * and claim consistency are checked; nbf/exp are returned, not enforced (the verifier reports
 * dates as a step of its own).
 */
export async function verifyVcJwt(jwt: string, opts: VerifyVcJwtOptions = {}): Promise<VerifyVcJwtResult> {
  if (
    typeof jwt !== 'string' ||
    jwt.length > MAX_JWT_LENGTH ||
    !/^[\w-]+\.[\w-]+\.[\w-]*$/.test(jwt.trim())
  ) {
    throw new OpenBadgesError('JWT_INVALID', 'The input is not a compact JWS.');
  }
  const parsed = parseCompactJws(jwt.trim());
  const header = parsed.header as VcJwtHeader;
  if (!ALGORITHMS.includes(header.alg)) {
    throw new OpenBadgesError('JWT_INVALID', `The JWT algorithm ${String(header.alg)} is not accepted.`);
  }
  // "Ed25519" is the fully-specified name (RFC 9864) of what EdDSA means here.
  const alg: JwsAlg = header.alg === 'RS256' ? 'RS256' : 'EdDSA';
  const { key, source } = await keyFor(header, alg, opts);
  if (!verifyCompactJws(parsed, alg, key)) {
    throw new OpenBadgesError('PROOF_INVALID', 'The JWT signature does not match.');
  }
  let payload: Cred;
  try {
    payload = JSON.parse(parsed.payload.toString('utf8'));
  } catch (cause) {
    throw new OpenBadgesError('JWT_INVALID', 'The JWT payload is not JSON.', { cause });
  }
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) {
    throw new OpenBadgesError('JWT_INVALID', 'The JWT payload is not a JSON object.');
  }
  const credential = credentialFrom(payload);
  checkClaim('iss', payload.iss, idOf(credential.issuer));
  checkClaim('jti', payload.jti, credential.id);
  checkClaim('sub', payload.sub, subjectId(credential));
  checkClaim('nbf', payload.nbf, epochSeconds(credential.validFrom ?? credential.issuanceDate));
  checkClaim('exp', payload.exp, epochSeconds(credential.validUntil ?? credential.expirationDate));
  const notBefore = typeof payload.nbf === 'number' ? new Date(payload.nbf * 1000) : undefined;
  const expires = typeof payload.exp === 'number' ? new Date(payload.exp * 1000) : undefined;
  const result: VerifyVcJwtResult = { credential, header, payload, keySource: source };
  if (notBefore) result.notBefore = notBefore;
  if (expires) result.expires = expires;
  if (opts.now) {
    const t = opts.now().getTime();
    result.timely = (!notBefore || t >= notBefore.getTime()) && (!expires || t < expires.getTime());
  }
  return result;
}

/**
 * The credential a payload carries: the payload minus the JWT claims (OB 3.0 form), or the `vc`
 * claim with id, issuer, subject id and dates filled back from the claims (VC 1.1 §6.3.1 form).
 */
function credentialFrom(payload: Cred): Cred {
  if (payload.vc !== undefined) {
    if (!payload.vc || typeof payload.vc !== 'object' || Array.isArray(payload.vc)) {
      throw new OpenBadgesError('JWT_INVALID', 'The vc claim is not a JSON object.');
    }
    const vc: Cred = { ...(payload.vc as Cred) };
    if (vc.id === undefined && typeof payload.jti === 'string') vc.id = payload.jti;
    if (vc.issuer === undefined && typeof payload.iss === 'string') vc.issuer = payload.iss;
    const subject = vc.credentialSubject;
    if (
      typeof payload.sub === 'string' &&
      subject &&
      typeof subject === 'object' &&
      !Array.isArray(subject) &&
      (subject as Cred).id === undefined
    ) {
      vc.credentialSubject = { ...(subject as Cred), id: payload.sub };
    }
    const v1 =
      Array.isArray(vc['@context']) && vc['@context'][0] === 'https://www.w3.org/2018/credentials/v1';
    const from = v1 ? 'issuanceDate' : 'validFrom';
    if (vc[from] === undefined && typeof payload.nbf === 'number') {
      vc[from] = new Date(payload.nbf * 1000).toISOString().replace('.000Z', 'Z');
    }
    const until = v1 ? 'expirationDate' : 'validUntil';
    if (vc[until] === undefined && typeof payload.exp === 'number') {
      vc[until] = new Date(payload.exp * 1000).toISOString().replace('.000Z', 'Z');
    }
    return vc;
  }
  const {
    iss: _iss,
    jti: _jti,
    nbf: _nbf,
    exp: _exp,
    sub: _sub,
    iat: _iat,
    aud: _aud,
    ...credential
  } = payload;
  return credential;
}

/** Public Ed25519 JWK for a header or a JWKS entry. */
export function ed25519PublicJwk(publicKey: Uint8Array, kid?: string): JWK {
  return { ...ed25519ToJwk(publicKey), ...(kid ? { kid } : {}) } as JWK;
}
